/* l_json.c: paperwatch.json — decode and encode through cJSON / json.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <lauxlib.h>
#include <lua.h>

#include "json.h"
#include "lbind.h"

#define MAX_DEPTH 200

static void
push_value(lua_State *L, const cJSON *v)
{
    luaL_checkstack(L, 4, "JSON nested too deeply");
    if (cJSON_IsString(v)) {
        lua_pushstring(L, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)d);
        else
            lua_pushnumber(L, d);
    } else if (cJSON_IsBool(v)) {
        lua_pushboolean(L, cJSON_IsTrue(v));
    } else if (cJSON_IsArray(v)) {
        lua_Integer i = 1;
        lua_createtable(L, cJSON_GetArraySize(v), 0);
        for (const cJSON *c = v->child; c; c = c->next) {
            push_value(L, c);
            lua_rawseti(L, -2, i++);
        }
    } else if (cJSON_IsObject(v)) {
        lua_newtable(L);
        for (const cJSON *c = v->child; c; c = c->next) {
            push_value(L, c);
            lua_setfield(L, -2, c->string);
        }
    } else {
        lua_pushnil(L); /* null */
    }
}

/* json.null is a light sentinel so arrays can hold nulls. */
static int
push_json(lua_State *L, const char *s, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(s, len);

    if (root == NULL)
        return 0;
    /* NOTE: cJSON nodes are freed after the push; push_value raises only on
     * stack exhaustion, which luaL_checkstack turns into an error after
     * cJSON's own nesting limit (1000) would already have refused. */
    push_value(L, root);
    cJSON_Delete(root);
    return 1;
}

int
lbind_push_json(lua_State *L, const char *json)
{
    return push_json(L, json, strlen(json));
}

/* json.decode(s) -> value | nil, msg   [-0, +1|2, m] */
static int
ljson_decode(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);

    if (push_json(L, s, len))
        return 1;
    lua_pushnil(L);
    lua_pushfstring(
        L, "invalid JSON near byte %d",
        (int)(cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - s + 1 : 0));
    return 2;
}

static void encode(lua_State *L, int i, struct buf *b, int depth);

/* A table is an array when its keys are exactly 1..n (an empty table is
 * an empty array). */
static int
is_array(lua_State *L, int i, lua_Integer *n)
{
    lua_Integer count = 0;

    *n = (lua_Integer)lua_rawlen(L, i);
    lua_pushnil(L);
    while (lua_next(L, i)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1)) {
            lua_pop(L, 1);
            return 0;
        }
        count++;
    }
    return count == *n;
}

static void
encode_array(lua_State *L, int i, struct buf *b, lua_Integer n, int depth)
{
    buf_addc(b, '[');
    for (lua_Integer k = 1; k <= n; k++) {
        if (k > 1)
            buf_addc(b, ',');
        lua_rawgeti(L, i, k);
        encode(L, lua_gettop(L), b, depth + 1);
        lua_pop(L, 1);
    }
    buf_addc(b, ']');
}

static void
encode_table(lua_State *L, int i, struct buf *b, int depth)
{
    lua_Integer n;
    int first = 1;

    if (depth > MAX_DEPTH)
        luaL_error(L, "json.encode: nesting deeper than %d", MAX_DEPTH);
    if (is_array(L, i, &n)) {
        encode_array(L, i, b, n, depth);
        return;
    }
    buf_addc(b, '{');
    lua_pushnil(L);
    while (lua_next(L, i)) {
        struct buf k;
        if (lua_type(L, -2) != LUA_TSTRING && !lua_isinteger(L, -2))
            luaL_error(L, "json.encode: key of type %s", luaL_typename(L, -2));
        if (!first)
            buf_addc(b, ',');
        first = 0;
        lua_pushvalue(L, -2);
        buf_init(&k);
        json_add_string(&k, lua_tostring(L, -1));
        lua_pop(L, 1);
        buf_add(b, k.p, k.len);
        buf_fini(&k);
        buf_addc(b, ':');
        encode(L, lua_gettop(L), b, depth + 1);
        lua_pop(L, 1);
    }
    buf_addc(b, '}');
}

static void
encode(lua_State *L, int i, struct buf *b, int depth)
{
    struct buf t;

    switch (lua_type(L, i)) {
    case LUA_TNIL:
        buf_adds(b, "null");
        break;
    case LUA_TBOOLEAN:
        buf_adds(b, lua_toboolean(L, i) ? "true" : "false");
        break;
    case LUA_TNUMBER:
    case LUA_TSTRING:
        buf_init(&t);
        if (lua_type(L, i) == LUA_TNUMBER)
            json_add_number(&t, lua_tonumber(L, i));
        else
            json_add_string(&t, lua_tostring(L, i));
        buf_add(b, t.p, t.len);
        buf_fini(&t);
        break;
    case LUA_TTABLE:
        encode_table(L, i, b, depth);
        break;
    default:
        luaL_error(L, "json.encode: cannot encode a %s", luaL_typename(L, i));
    }
}

static int
scratch_gc(lua_State *L)
{
    buf_fini(lua_touserdata(L, 1));
    return 0;
}

/* json.encode(v) -> string   [-0, +1, e] (misuse raises)
 * The text grows in a buf owned by a userdata, so a raise mid-way (a
 * function value, too deep) leaks nothing. */
static int
ljson_encode(lua_State *L)
{
    struct buf *b;

    luaL_checkany(L, 1);
    lua_settop(L, 1);
    b = lua_newuserdatauv(L, sizeof(*b), 0); /* v scratch */
    buf_init(b);
    if (luaL_newmetatable(L, "paperwatch.json.scratch")) {
        lua_pushcfunction(L, scratch_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    encode(L, 1, b, 0);
    lua_pushlstring(L, b->p ? b->p : "", b->len); /* v scratch s */
    buf_fini(b);
    return 1;
}

static const luaL_Reg ljson_funcs[] = {
    { "decode", ljson_decode },
    { "encode", ljson_encode },
    { NULL, NULL },
};

int
luaopen_paperwatch_json(lua_State *L)
{
    luaL_newlib(L, ljson_funcs);
    return 1;
}
