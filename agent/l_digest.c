/* l_digest.c: digests between C and Lua: pw.digest's table read into a
 * struct digest_def, and a digest pushed as the table templates get
 * (lua/paperwatch/digest.lua renders it). Used by host.c. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "digest.h"
#include "lbind.h"

/* `to` is one address or a list of them. */
static void
read_to(lua_State *L, int t, struct strv *to)
{
    int type = lua_getfield(L, t, "to"); /* to */

    if (type == LUA_TSTRING) {
        strv_add(to, lua_tostring(L, -1));
    } else if (type == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING) /* to addr */
                strv_add(to, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

struct digest_def *
lbind_to_digest_def(lua_State *L, int idx)
{
    struct digest_def *d = digest_def_new();
    int t = lua_absindex(L, idx);

    d->every = lbind_opt_string(L, t, "every");
    d->at = lbind_opt_string(L, t, "at");
    d->min_score = lbind_opt_number(L, t, "min_score", d->min_score);
    d->top = (long)lbind_opt_number(L, t, "top", (double)d->top);
    d->format = lbind_opt_string(L, t, "format");
    d->subject = lbind_opt_string(L, t, "subject");
    lua_getfield(L, t, "send_empty");
    d->send_empty = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, t, "mail") == LUA_TTABLE) { /* mail */
        int m = lua_gettop(L);
        d->has_mail = 1;
        read_to(L, m, &d->mail.to);
        d->mail.from = lbind_opt_string(L, m, "from");
        d->mail.url = lbind_opt_string(L, m, "url");
        d->mail.user = lbind_opt_string(L, m, "user");
        d->mail.password_command = lbind_opt_string(L, m, "password_command");
    }
    lua_pop(L, 1);
    return d;
}

static void
push_reasons(lua_State *L, const struct digest_item *it)
{
    lua_createtable(L, (int)it->nreasons, 0); /* reasons */
    for (size_t j = 0; j < it->nreasons; j++) {
        const struct digest_reason *r = &it->reasons[j];
        lua_createtable(L, 0, 3); /* reasons r */
        lua_pushstring(L, r->rule);
        lua_setfield(L, -2, "rule");
        lua_pushnumber(L, r->score);
        lua_setfield(L, -2, "score");
        if (r->reason) {
            lua_pushstring(L, r->reason);
            lua_setfield(L, -2, "reason");
        }
        lua_rawseti(L, -2, (lua_Integer)j + 1); /* reasons */
    }
}

void
lbind_push_digest(lua_State *L, const struct digest *d)
{
    lua_createtable(L, 0, 5); /* d */
    lua_pushinteger(L, d->since);
    lua_setfield(L, -2, "since");
    lua_pushinteger(L, d->until);
    lua_setfield(L, -2, "until");
    lua_pushnumber(L, d->min_score);
    lua_setfield(L, -2, "min_score");
    lua_createtable(L, (int)d->n, 0); /* d papers */
    for (size_t i = 0; i < d->n; i++) {
        const struct digest_item *it = &d->items[i];
        lbind_push_paper(L, &it->row.p, &it->row.sources); /* d papers p */
        lua_pushnumber(L, it->row.score);
        lua_setfield(L, -2, "score");
        lua_pushinteger(L, it->row.first_seen);
        lua_setfield(L, -2, "first_seen");
        push_reasons(L, it); /* d papers p reasons */
        lua_setfield(L, -2, "reasons");
        lua_createtable(L, (int)it->tags.n, 0); /* d papers p tags */
        for (size_t j = 0; j < it->tags.n; j++) {
            lua_pushstring(L, it->tags.v[j]);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, "tags");
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* d papers */
    }
    lua_setfield(L, -2, "papers"); /* d */
}
