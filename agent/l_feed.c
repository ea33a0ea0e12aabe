/* l_feed.c: paperwatch.feed — the C feed parser for Lua, and the one way
 * a paper record becomes a Lua table. */
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "feed.h"
#include "json.h"
#include "lbind.h"
#include "text.h"

#define LFEED_MT "paperwatch.feed.parser"

/* The fields a paper shows Lua, in one table so that the whole record
 * (lbind_push_paper) and one field at a time (lbind_paper_field, for the
 * paper object rules see) cannot drift apart. */
enum { F_STR, F_TEXT, F_INT, F_INT64, F_LIST, F_SOURCES, F_SOURCE };

static const struct {
    const char *name;
    unsigned char kind;
    size_t off;
} fields[] = {
    { "key", F_STR, offsetof(struct paper, key) },
    { "arxiv_id", F_STR, offsetof(struct paper, arxiv_id) },
    { "version", F_INT, offsetof(struct paper, version) },
    { "doi", F_STR, offsetof(struct paper, doi) },
    { "title", F_TEXT, offsetof(struct paper, title) },
    { "abstract", F_TEXT, offsetof(struct paper, abstract) },
    { "url", F_STR, offsetof(struct paper, url) },
    { "pdf_url", F_STR, offsetof(struct paper, pdf_url) },
    { "authors", F_LIST, offsetof(struct paper, authors) },
    { "categories", F_LIST, offsetof(struct paper, categories) },
    { "published", F_INT64, offsetof(struct paper, published) },
    { "updated", F_INT64, offsetof(struct paper, updated) },
    { "announce", F_STR, offsetof(struct paper, announce) },
    { "comment", F_STR, offsetof(struct paper, comment) },
    { "journal_ref", F_STR, offsetof(struct paper, journal_ref) },
    { "sources", F_SOURCES, 0 },
    { "source", F_SOURCE, 0 },
};

static void
push_list(lua_State *L, const struct strv *sv)
{
    lua_createtable(L, (int)sv->n, 0);
    for (size_t i = 0; i < sv->n; i++) {
        lua_pushstring(L, sv->v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* Push field i's value: 1, or 0 (nothing pushed) when the paper has none. */
static int
push_field(lua_State *L, const struct paper *p, const struct strv *sources,
           size_t i)
{
    const char *at = (const char *)p + fields[i].off;
    const char *str;
    int64_t n;

    switch (fields[i].kind) {
    case F_STR:
    case F_TEXT:
        memcpy(&str, at, sizeof(str));
        if (str == NULL && fields[i].kind == F_STR)
            return 0;
        lua_pushstring(L, str ? str : "");
        return 1;
    case F_INT:
    case F_INT64:
        if (fields[i].kind == F_INT) {
            int v;
            memcpy(&v, at, sizeof(v));
            n = v;
        } else {
            memcpy(&n, at, sizeof(n));
        }
        if (n == 0)
            return 0;
        lua_pushinteger(L, (lua_Integer)n);
        return 1;
    case F_LIST:
        push_list(L, (const struct strv *)(const void *)at);
        return 1;
    case F_SOURCES:
        if (sources == NULL)
            return 0;
        push_list(L, sources);
        return 1;
    default:
        if (sources == NULL || sources->n == 0)
            return 0;
        lua_pushstring(L, sources->v[0]);
        return 1;
    }
}

int
lbind_paper_field(lua_State *L, const struct paper *p,
                  const struct strv *sources, const char *name)
{
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
        if (strcmp(fields[i].name, name) == 0)
            return push_field(L, p, sources, i);
    return 0;
}

/* Source extras (upvotes, github_repo ...) become fields too, never hiding
 * the record's own. */
static void
set_extras(lua_State *L, const char *json)
{
    if (str_empty(json) || !lbind_push_json(L, json))
        return; /* fields extras */
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) { /* fields x k v */
            lua_pushvalue(L, -2); /* fields x k v k */
            if (lua_type(L, -1) == LUA_TSTRING &&
                lua_rawget(L, -5) == LUA_TNIL) { /* fields x k v nil */
                lua_pop(L, 1);
                lua_pushvalue(L, -2);
                lua_insert(L, -2); /* fields x k k v */
                lua_rawset(L, -5); /* fields x k */
            } else {
                lua_pop(L, 2); /* fields x k */
            }
        }
    }
    lua_pop(L, 1); /* fields */
}

void
lbind_push_paper(lua_State *L, const struct paper *p,
                 const struct strv *sources)
{
    lua_createtable(L, 0, 24); /* fields */
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
        if (push_field(L, p, sources, i))
            lua_setfield(L, -2, fields[i].name);
    set_extras(L, p->extras);
}

/* Lua table -> paper. It must not raise (the paper's fields are malloc'd):
 * it walks the table with lua_next and reads strings only where they are
 * strings, so nothing allocates inside Lua. Keys it does not know with a
 * string, number or boolean value go into extras (upvotes, ...). */

static const char *
tab_str(lua_State *L, int i, size_t *n)
{
    return lua_type(L, i) == LUA_TSTRING ? lua_tolstring(L, i, n) : NULL;
}

static void
str_list(lua_State *L, int t, struct strv *sv)
{
    lua_Integer n = (lua_Integer)lua_rawlen(L, t);

    for (lua_Integer i = 1; i <= n && lua_checkstack(L, 2); i++) {
        size_t len;
        const char *s;
        if (lua_rawgeti(L, t, i) == LUA_TTABLE) { /* { name = ... } */
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                const char *k = tab_str(L, -2, NULL);
                if (k && strcmp(k, "name") == 0 && (s = tab_str(L, -1, &len)))
                    strv_addn(sv, s, len);
                lua_pop(L, 1);
            }
        } else if ((s = tab_str(L, -1, &len)) != NULL) {
            strv_addn(sv, s, len);
        }
        lua_pop(L, 1);
    }
}

static void
set_date(lua_State *L, int i, int64_t *t)
{
    const char *s = tab_str(L, i, NULL);

    if (lua_type(L, i) == LUA_TNUMBER)
        *t = (int64_t)lua_tonumber(L, i);
    else if (s && time_parse(s, t) < 0)
        *t = 0;
}

static const struct {
    const char *name;
    size_t off;
} text_fields[] = {
    { "id", offsetof(struct paper, entry_id) },
    { "entry_id", offsetof(struct paper, entry_id) },
    { "title", offsetof(struct paper, title) },
    { "abstract", offsetof(struct paper, abstract) },
    { "summary", offsetof(struct paper, abstract) },
    { "url", offsetof(struct paper, url) },
    { "link", offsetof(struct paper, url) },
    { "pdf_url", offsetof(struct paper, pdf_url) },
    { "doi", offsetof(struct paper, doi) },
    { "arxiv_id", offsetof(struct paper, arxiv_id) },
    { "announce", offsetof(struct paper, announce) },
    { "comment", offsetof(struct paper, comment) },
    { "journal_ref", offsetof(struct paper, journal_ref) },
};

/* Fields that describe the stored paper, not the entry: never extras. */
static int
derived(const char *k)
{
    static const char *const names[] = { "key",     "sources", "source",
                                         "version", "score",   "extras" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(k, names[i]) == 0)
            return 1;
    return 0;
}

static int
known_field(lua_State *L, const char *k, struct paper *p)
{
    size_t len;
    const char *s = tab_str(L, -1, &len);

    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
        if (strcmp(k, text_fields[i].name) == 0) {
            char **dst = (char **)((char *)p + text_fields[i].off);
            if (s && *dst == NULL) {
                struct buf b;
                buf_init(&b);
                text_plain(&b, s, len, 0);
                *dst = buf_steal(&b);
            }
            return 1;
        }
    if (strcmp(k, "authors") == 0 || strcmp(k, "categories") == 0) {
        if (lua_type(L, -1) == LUA_TTABLE)
            str_list(L, lua_gettop(L),
                     k[0] == 'a' ? &p->authors : &p->categories);
        return 1;
    }
    if (strcmp(k, "published") == 0 || strcmp(k, "updated") == 0) {
        set_date(L, -1, k[0] == 'p' ? &p->published : &p->updated);
        return 1;
    }
    if (strcmp(k, "version") == 0 && lua_type(L, -1) == LUA_TNUMBER)
        p->version = (int)lua_tointeger(L, -1);
    return derived(k);
}

static void
extra_field(lua_State *L, const char *k, struct buf *x)
{
    size_t len;
    const char *s = tab_str(L, -1, &len);

    if (s == NULL && lua_type(L, -1) != LUA_TNUMBER &&
        lua_type(L, -1) != LUA_TBOOLEAN)
        return; /* tables, functions: not kept */
    json_add_key(x, k, x->len == 1);
    if (s)
        json_add_stringn(x, s, len);
    else if (lua_type(L, -1) == LUA_TBOOLEAN)
        buf_adds(x, lua_toboolean(L, -1) ? "true" : "false");
    else
        json_add_number(x, lua_tonumber(L, -1));
}

int
lbind_to_paper(lua_State *L, int idx, struct paper *p)
{
    struct buf x;

    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE || !lua_checkstack(L, 6))
        return -1;
    buf_init(&x);
    buf_addc(&x, '{');
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = tab_str(L, -2, NULL);
        if (k && !known_field(L, k, p))
            extra_field(L, k, &x);
        lua_pop(L, 1);
    }
    buf_addc(&x, '}');
    if (x.len > 2)
        p->extras = buf_steal(&x);
    buf_fini(&x);
    paper_identify(p);
    return p->key ? 0 : -1;
}

struct lfeed {
    struct feed_parser *fp; /* owned; NULL once freed */
    lua_State *L;           /* borrowed, during parse */
    lua_Integer n;
};

static void
lfeed_close(struct lfeed *lf)
{
    feed_parser_free(lf->fp);
    lf->fp = NULL;
}

static int
lfeed_gc(lua_State *L)
{
    lfeed_close(luaL_checkudata(L, 1, LFEED_MT));
    return 0;
}

/* Each entry appends a table to the list at stack index 3. */
static int
on_entry(void *ud, const struct paper *p, struct pw_err *e)
{
    struct lfeed *lf = ud;

    (void)e;
    lbind_push_paper(lf->L, p, NULL);
    lua_rawseti(lf->L, 3, ++lf->n);
    return 0;
}

/* feed.parse(text [, name]) -> entries, info | nil, msg, entries
 * A document that does not parse is the world failing: nil and the
 * message, with whatever entries were complete before the error. */
static int
lfeed_parse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "(string)");
    struct lfeed *lf;
    const struct feed_info *info;
    struct pw_err e;
    int rc;

    lua_settop(L, 2);
    lf = lua_newuserdatauv(L, sizeof(*lf), 0); /* text name lf */
    lf->fp = NULL;
    lf->L = L;
    lf->n = 0;
    luaL_setmetatable(L, LFEED_MT);
    lua_newtable(L);  /* text name lf list */
    lua_insert(L, 3); /* text name list lf */
    lf->fp = feed_parser_new(name, on_entry, lf);
    rc = feed_parser_write(lf->fp, text, len, &e);
    if (rc == 0)
        rc = feed_parser_finish(lf->fp, &e);
    if (rc < 0) {
        lfeed_close(lf);
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        lua_pushvalue(L, 3);
        return 3;
    }
    info = feed_parser_info(lf->fp);
    lua_createtable(L, 0, 3); /* ... list lf info */
    if (info->title) {
        lua_pushstring(L, info->title);
        lua_setfield(L, -2, "title");
    }
    lua_pushinteger(L, info->entries);
    lua_setfield(L, -2, "entries");
    if (info->total_results >= 0) {
        lua_pushinteger(L, info->total_results);
        lua_setfield(L, -2, "total_results");
    }
    lfeed_close(lf);
    lua_pushvalue(L, 3);
    lua_insert(L, -2); /* list info */
    return 2;
}

static const luaL_Reg lfeed_funcs[] = {
    { "parse", lfeed_parse },
    { NULL, NULL },
};

int
luaopen_paperwatch_feed(lua_State *L)
{
    if (luaL_newmetatable(L, LFEED_MT)) {
        lua_pushcfunction(L, lfeed_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, lfeed_funcs);
    return 1;
}
