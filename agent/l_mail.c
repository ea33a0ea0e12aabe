/* l_mail.c: paperwatch.mail — send one message over SMTP(S) (mail.c). */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"
#include "mail.h"

/* Push t[field]; raise unless it is a string (or nil when optional). */
static const char *
check_field(lua_State *L, const char *field, int optional)
{
    int type = lua_getfield(L, 1, field);

    if (type == LUA_TSTRING)
        return lua_tostring(L, -1);
    if (type == LUA_TNIL && optional)
        return NULL;
    luaL_error(L,
               "bad field '%s' to 'paperwatch.mail.send' (string "
               "expected, got %s)",
               field, luaL_typename(L, -1));
    return NULL;
}

/* `to`: one address or a non-empty list; left on the stack. */
static void
check_to(lua_State *L)
{
    int type = lua_getfield(L, 1, "to"), n = 0;

    if (type == LUA_TSTRING)
        return;
    if (type != LUA_TTABLE || (n = (int)lua_rawlen(L, -1)) == 0)
        luaL_error(L, "bad field 'to' to 'paperwatch.mail.send' (an "
                      "address or a list of addresses expected)");
    for (int i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            luaL_error(L,
                       "bad field 'to' to 'paperwatch.mail.send' "
                       "(item %d is not a string)",
                       i);
        lua_pop(L, 1);
    }
}

/* Addresses from the value at idx (checked): no Lua call can raise. */
static void
to_list(lua_State *L, int idx, struct strv *to)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        strv_add(to, lua_tostring(L, idx));
        return;
    }
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
        lua_rawgeti(L, idx, i); /* an existing string: nothing allocated */
        strv_add(to, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

/* mail.send { to =, from =, url =, [user =, password_command =,]
 *             subject =, text = [, html =] } -> true | nil, msg
 * [-0, +1|2, e]: a missing or mistyped field raises; the server or the
 * password command failing returns nil and why. Blocks until sent. */
static int
lmail_send(lua_State *L)
{
    struct mail_server srv = { 0 };
    struct mail_msg m = { 0 };
    struct strv to;
    struct pw_err e;
    int rc, to_idx;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkstack(L, 12, NULL);
    check_to(L);
    to_idx = lua_gettop(L);
    m.from = check_field(L, "from", 0);
    srv.url = check_field(L, "url", 0);
    srv.user = check_field(L, "user", 1);
    srv.password_command = check_field(L, "password_command", 1);
    m.subject = check_field(L, "subject", 0);
    m.text = check_field(L, "text", 0);
    m.html = check_field(L, "html", 1);
    strv_init(&to); /* from here on nothing raises until freed */
    to_list(L, to_idx, &to);
    m.to = &to;
    rc = mail_send(&srv, &m, &e);
    strv_fini(&to);
    if (rc < 0) {
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg lmail_funcs[] = {
    { "send", lmail_send },
    { NULL, NULL },
};

int
luaopen_paperwatch_mail(lua_State *L)
{
    luaL_newlib(L, lmail_funcs);
    return 1;
}
