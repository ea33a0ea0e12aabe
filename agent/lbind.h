/* lbind.h: every Lua binding module the host preloads. */
#ifndef PW_LBIND_H
#define PW_LBIND_H

#include <lua.h>

#include "log.h"
#include "paper.h"

int luaopen_paperwatch_re(lua_State *L);
int luaopen_paperwatch_json(lua_State *L);
int luaopen_paperwatch_log(lua_State *L);
int luaopen_paperwatch_time(lua_State *L);
int luaopen_paperwatch_feed(lua_State *L);

/* Push the Lua value of a JSON text; 0 (nothing pushed) when it does not
 * parse. */
int lbind_push_json(lua_State *L, const char *json);

/* Push a table of the paper's fields (and its sources, when given, as
 * `sources` and `source`); source extras become fields too. */
void lbind_push_paper(lua_State *L, const struct paper *p,
                      const struct strv *sources);

/* The host's log, for bindings that print (set by host.c). */
const struct log *lbind_log(lua_State *L);

#endif
