/* l_log.c: paperwatch.log — debug/info/warn/error lines through the
 * host's log (so -q and -v apply to user scripts too). */
#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"
#include "log.h"

/* Arguments joined by spaces, each through tostring, like print. */
static int
emit(lua_State *L, enum log_level level)
{
    int n = lua_gettop(L);
    luaL_Buffer b;

    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
        if (i < n)
            luaL_addchar(&b, ' ');
    }
    luaL_pushresult(&b);
    log_msg(lbind_log(L), level, "%s", lua_tostring(L, -1));
    return 0;
}

/* log.debug(...), log.info(...), log.warn(...), log.error(...)  [-0,+0,m] */
static int
llog_debug(lua_State *L)
{
    return emit(L, LOG_DEBUG);
}
static int
llog_info(lua_State *L)
{
    return emit(L, LOG_INFO);
}
static int
llog_warn(lua_State *L)
{
    return emit(L, LOG_WARN);
}
static int
llog_error(lua_State *L)
{
    return emit(L, LOG_ERROR);
}

static const luaL_Reg llog_funcs[] = {
    { "debug", llog_debug }, { "info", llog_info }, { "warn", llog_warn },
    { "error", llog_error }, { NULL, NULL },
};

int
luaopen_paperwatch_log(lua_State *L)
{
    luaL_newlib(L, llog_funcs);
    return 1;
}
