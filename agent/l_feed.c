/* l_feed.c: paperwatch.feed — the C feed parser for Lua, and the one way
 * a paper record becomes a Lua table. */
#include <lauxlib.h>
#include <lua.h>

#include "feed.h"
#include "lbind.h"

#define LFEED_MT "paperwatch.feed.parser"

static void
set_str(lua_State *L, const char *field, const char *v)
{
    if (v == NULL)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, field);
}

static void
set_int(lua_State *L, const char *field, int64_t v)
{
    if (v == 0)
        return;
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, field);
}

static void
set_list(lua_State *L, const char *field, const struct strv *sv)
{
    lua_createtable(L, (int)sv->n, 0);
    for (size_t i = 0; i < sv->n; i++) {
        lua_pushstring(L, sv->v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, field);
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
    set_str(L, "key", p->key);
    set_str(L, "arxiv_id", p->arxiv_id);
    set_int(L, "version", p->version);
    set_str(L, "doi", p->doi);
    set_str(L, "title", p->title ? p->title : "");
    set_str(L, "abstract", p->abstract ? p->abstract : "");
    set_str(L, "url", p->url);
    set_str(L, "pdf_url", p->pdf_url);
    set_list(L, "authors", &p->authors);
    set_list(L, "categories", &p->categories);
    set_int(L, "published", p->published);
    set_int(L, "updated", p->updated);
    set_str(L, "announce", p->announce);
    set_str(L, "comment", p->comment);
    set_str(L, "journal_ref", p->journal_ref);
    if (sources) {
        set_list(L, "sources", sources);
        set_str(L, "source", sources->n ? sources->v[0] : NULL);
    }
    set_extras(L, p->extras);
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
    set_str(L, "title", info->title);
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
