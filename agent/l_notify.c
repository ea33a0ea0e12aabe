/* l_notify.c: paperwatch.notify — a desktop notification from Lua
 * (notify.send), through notify.h. The connection to the notification
 * service is opened on first use and kept for the state's life. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"
#include "notify.h"

#define LNOTIFY_MT "paperwatch.notifier"

struct lnotifier {
    struct notifier *n; /* owned; NULL until opened, or once closed */
};

static const char lnotify_key = 'n'; /* registry: the lnotifier */

static int
lnotify_gc(lua_State *L)
{
    struct lnotifier *ln = luaL_checkudata(L, 1, LNOTIFY_MT);

    notify_close(ln->n);
    ln->n = NULL;
    return 0;
}

/* A text field of the table at 1: a string, or nil when absent; anything
 * else raises. */
static const char *
opt_field(lua_State *L, const char *k)
{
    const char *v = NULL;

    lua_getfield(L, 1, k);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "notify.send: field '%s' must be a string, got %s", k,
                       luaL_typename(L, -1));
        v = lua_tostring(L, -1); /* stays on the stack: borrowed */
    }
    return v;
}

static int
urgency(lua_State *L)
{
    static const char *const names[] = { "low", "normal", "critical", NULL };
    int u = 1;

    lua_getfield(L, 1, "urgency");
    if (lua_type(L, -1) == LUA_TNUMBER) {
        u = (int)lua_tointeger(L, -1);
        if (u < 0 || u > 2)
            luaL_error(L, "notify.send: urgency must be 0, 1 or 2 (or low, "
                          "normal, critical)");
    } else if (!lua_isnil(L, -1)) {
        u = luaL_checkoption(L, -1, NULL, names);
    }
    lua_pop(L, 1);
    return u;
}

/* notify.send { title =, body =, url =, urgency = } -> true | nil, msg
 * Misuse (no title, wrong types, unknown keys) raises; no notification
 * service returns nil, msg.   [-0, +1|2, e] */
static int
lnotify_send(lua_State *L)
{
    static const char *const known[] = { "title", "body", "url", "urgency",
                                         NULL };
    struct lnotifier *ln;
    struct notice nt;
    struct pw_err e;

    luaL_checktype(L, 1, LUA_TTABLE);
    memset(&nt, 0, sizeof(nt));
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        int ok = 0;
        lua_pop(L, 1);
        for (int i = 0; lua_type(L, -1) == LUA_TSTRING && known[i]; i++)
            ok |= strcmp(lua_tostring(L, -1), known[i]) == 0;
        if (!ok)
            return luaL_error(L,
                              "notify.send: unknown field '%s' (title, body, "
                              "url, urgency)",
                              luaL_tolstring(L, -1, NULL));
    }
    nt.urgency = urgency(L);
    nt.title = opt_field(L, "title");
    nt.body = opt_field(L, "body");
    nt.url = opt_field(L, "url");
    if (nt.title == NULL)
        return luaL_error(L, "notify.send: a title is needed");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lnotify_key);
    ln = lua_touserdata(L, -1);
    if (ln == NULL) {
        ln = lua_newuserdatauv(L, sizeof(*ln), 0);
        ln->n = NULL;
        luaL_setmetatable(L, LNOTIFY_MT);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &lnotify_key);
    }
    if (ln->n == NULL && (ln->n = notify_open("paperwatch", &e)) == NULL) {
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        return 2;
    }
    if (notify_show(ln->n, &nt, &e) < 0) {
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg lnotify_funcs[] = {
    { "send", lnotify_send },
    { NULL, NULL },
};

int
luaopen_paperwatch_notify(lua_State *L)
{
    if (luaL_newmetatable(L, LNOTIFY_MT)) {
        lua_pushcfunction(L, lnotify_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, lnotify_funcs);
    return 1;
}
