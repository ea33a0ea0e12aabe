/* l_time.c: paperwatch.time — UTC seconds, parsing and formatting dates. */
#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"
#include "util.h"

/* time.now() -> integer seconds since the epoch   [-0, +1, -] */
static int
ltime_now(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)time_now());
    return 1;
}

/* time.parse(s) -> seconds | nil, msg   (RFC 3339, ISO 8601, RFC 822) */
static int
ltime_parse(lua_State *L)
{
    const char *s = luaL_checkstring(L, 1);
    int64_t t;

    if (time_parse(s, &t) == 0) {
        lua_pushinteger(L, (lua_Integer)t);
        return 1;
    }
    lua_pushnil(L);
    lua_pushfstring(L, "not a date: '%s'", s);
    return 2;
}

/* time.format(seconds) -> "2024-01-02T03:04:05Z"   [-0, +1, v] */
static int
ltime_format(lua_State *L)
{
    char out[21];

    time_format((int64_t)luaL_checkinteger(L, 1), out);
    lua_pushstring(L, out);
    return 1;
}

/* time.duration("2d") -> seconds | nil, msg */
static int
ltime_duration(lua_State *L)
{
    const char *s = luaL_checkstring(L, 1);
    int64_t d;

    if (duration_parse(s, &d) == 0) {
        lua_pushinteger(L, (lua_Integer)d);
        return 1;
    }
    lua_pushnil(L);
    lua_pushfstring(L, "not a duration: '%s' (like 30m, 12h, 2d, 1w)", s);
    return 2;
}

static const luaL_Reg ltime_funcs[] = {
    { "now", ltime_now },
    { "parse", ltime_parse },
    { "format", ltime_format },
    { "duration", ltime_duration },
    { NULL, NULL },
};

int
luaopen_paperwatch_time(lua_State *L)
{
    luaL_newlib(L, ltime_funcs);
    return 1;
}
