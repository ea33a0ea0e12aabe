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
int luaopen_paperwatch_http(lua_State *L);
int luaopen_paperwatch_db(lua_State *L);
int luaopen_paperwatch_notify(lua_State *L);

/* The database db.* opens (host_set_db_path), or NULL. */
const char *lbind_db_path(lua_State *L);

/* Push the Lua value of a JSON text; 0 (nothing pushed) when it does not
 * parse. */
int lbind_push_json(lua_State *L, const char *json);

/* Push a table of the paper's fields (and its sources, when given, as
 * `sources` and `source`); source extras become fields too. */
void lbind_push_paper(lua_State *L, const struct paper *p,
                      const struct strv *sources);
/* Push one field of the record as lbind_push_paper has it (extras aside):
 * 1, or 0 (nothing pushed) when the paper has no such field or none of
 * that name. Lists come as plain tables. */
int lbind_paper_field(lua_State *L, const struct paper *p,
                      const struct strv *sources, const char *name);

/* Fill an initialized paper from the entry table at idx (the fields of
 * lbind_push_paper, plus id/summary/link aliases; other plain fields become
 * extras), then identify it. Never raises. -1 when it is not a table or
 * yields no key (no id, link, DOI or title). */
int lbind_to_paper(lua_State *L, int idx, struct paper *p);

/* Fetch coroutines (host.c): the cycle's loop and User-Agent (NULL when
 * there is none: bindings then run their own loop and wait); whether L is a
 * fetch coroutine that may yield to the loop; resuming one with nargs
 * values pushed on it when its transfer ended. */
struct http;
struct http *lbind_http(lua_State *L, const char **user_agent);
int lbind_in_fetch(lua_State *L);
void lbind_fetch_resume(lua_State *co, int nargs);

/* A copy of t[field] when it is a string (else NULL), or t[field] when it
 * is a number (else dflt); t is an absolute stack index. */
char *lbind_opt_string(lua_State *L, int t, const char *field);
double lbind_opt_number(lua_State *L, int t, const char *field, double dflt);

/* The host's log, for bindings that print (set by host.c). */
const struct log *lbind_log(lua_State *L);

/* Digests (l_digest.c): pw.digest's table at idx read into a new
 * digest_def (never raises on a plain table); a digest pushed as the table
 * templates get (lua/paperwatch/digest.lua). */
struct digest;
struct digest_def;
struct digest_def *lbind_to_digest_def(lua_State *L, int idx);
void lbind_push_digest(lua_State *L, const struct digest *d);
int luaopen_paperwatch_mail(lua_State *L);

#endif
