/* l_re.c: paperwatch.re — PCRE2 regexes, JIT-compiled, case-insensitive
 * unless asked otherwise, UTF-8 aware. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"

#define LRE_MT "paperwatch.re"

struct lre {
    pcre2_code *code;     /* owned; NULL once closed */
    pcre2_match_data *md; /* owned */
};

static struct lre *
lre_check(lua_State *L, int i)
{
    struct lre *re = luaL_checkudata(L, i, LRE_MT);

    luaL_argcheck(L, re->code != NULL, i, "regex is closed");
    return re;
}

/* re.compile(pattern [, case_sensitive]) -> re | nil, msg   [-0, +1|2, -]
 * A bad pattern is the world failing (it comes from user data): nil, msg
 * naming the position. */
static int
lre_compile(lua_State *L)
{
    size_t len;
    const char *pat = luaL_checklstring(L, 1, &len);
    int cs = lua_toboolean(L, 2);
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
                    (cs ? 0 : PCRE2_CASELESS);
    struct lre *re = lua_newuserdatauv(L, sizeof(*re), 0); /* re */
    PCRE2_UCHAR why[256];
    PCRE2_SIZE off;
    int err;

    re->code = NULL;
    re->md = NULL;
    luaL_setmetatable(L, LRE_MT);
    re->code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &err, &off, NULL);
    if (re->code == NULL) {
        pcre2_get_error_message(err, why, sizeof(why));
        lua_pushnil(L);
        lua_pushfstring(L, "regex /%s/: %s at position %d", pat,
                        (const char *)why, (int)off + 1);
        return 2;
    }
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* fine if it fails */
    re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
    return 1;
}

/* re:find(s [, init]) -> start, end | nil   [-0, +1|2, v] */
static int
lre_find(lua_State *L)
{
    struct lre *re = lre_check(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    PCRE2_SIZE *ov;
    int rc;

    if (init < 1 || (size_t)init > len + 1) {
        lua_pushnil(L);
        return 1;
    }
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, (PCRE2_SIZE)init - 1, 0,
                     re->md, NULL);
    if (rc < 0) {
        if (rc != PCRE2_ERROR_NOMATCH)
            return luaL_error(L, "regex match failed (%d)", rc);
        lua_pushnil(L);
        return 1;
    }
    ov = pcre2_get_ovector_pointer(re->md);
    lua_pushinteger(L, (lua_Integer)ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    return 2;
}

/* re:test(s) -> boolean   [-0, +1, v] */
static int
lre_test(lua_State *L)
{
    struct lre *re = lre_check(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->md, NULL);

    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
        return luaL_error(L, "regex match failed (%d)", rc);
    lua_pushboolean(L, rc >= 0);
    return 1;
}

static int
lre_gc(lua_State *L)
{
    struct lre *re = luaL_checkudata(L, 1, LRE_MT);

    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    re->md = NULL;
    re->code = NULL;
    return 0;
}

static int
lre_tostring(lua_State *L)
{
    lua_pushfstring(L, "paperwatch.re (%p)", lua_touserdata(L, 1));
    return 1;
}

static const luaL_Reg lre_methods[] = {
    { "find", lre_find },
    { "test", lre_test },
    { NULL, NULL },
};

static const luaL_Reg lre_meta[] = {
    { "__gc", lre_gc },  { "__close", lre_gc }, { "__tostring", lre_tostring },
    { "__index", NULL }, { NULL, NULL },
};

static const luaL_Reg lre_funcs[] = {
    { "compile", lre_compile },
    { NULL, NULL },
};

int
luaopen_paperwatch_re(lua_State *L)
{
    luaL_newmetatable(L, LRE_MT); /* mt */
    luaL_setfuncs(L, lre_meta, 0);
    luaL_newlib(L, lre_methods);    /* mt methods */
    lua_setfield(L, -2, "__index"); /* mt */
    lua_pop(L, 1);
    luaL_newlib(L, lre_funcs);
    return 1;
}
