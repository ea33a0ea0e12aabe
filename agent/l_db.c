/* l_db.c: paperwatch.db.c — read queries over the paperwatch database and
 * tagging, for scripts, rules and on_match hooks. The database is the one
 * the command was given (--db); it is opened on first use, by its own
 * connection, and only db.tag writes. lua/paperwatch/db.lua adds
 * db.papers on top. */
#include <stdlib.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lbind.h"
#include "store.h"
#include "util.h"

#define LDB_MT "paperwatch.db"
#define LDB_MAX_ROWS 100000
#define LDB_MAX_ARGS 32

struct ldb {
    struct store *store; /* owned; NULL until opened, or once closed */
};

/* A store_result held by Lua while it is copied into tables: if a push
 * raises (memory), __gc still frees it (STYLE §5, userdata first). */
struct lresult {
    struct store_result *r; /* owned */
};

static const char ldb_key = 'k'; /* registry: the struct ldb userdata */

static int
ldb_gc(lua_State *L)
{
    struct ldb *d = luaL_checkudata(L, 1, LDB_MT);

    store_close(d->store);
    d->store = NULL;
    return 0;
}

static int
lresult_gc(lua_State *L)
{
    struct lresult *r = lua_touserdata(L, 1);

    store_result_free(r->r);
    r->r = NULL;
    return 0;
}

/* The open store, or NULL with a message pushed (nothing else left). */
static struct store *
get_store(lua_State *L)
{
    const char *path = lbind_db_path(L);
    struct ldb *d;
    struct pw_err e;

    lua_rawgetp(L, LUA_REGISTRYINDEX, &ldb_key); /* d */
    d = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (d && d->store)
        return d->store;
    if (path == NULL) {
        lua_pushliteral(L, "no database (this command has none)");
        return NULL;
    }
    if (access(path, F_OK) != 0) {
        lua_pushfstring(L, "%s: no database yet (run `paperwatch run` first)",
                        path);
        return NULL;
    }
    d = lua_newuserdatauv(L, sizeof(*d), 0); /* d */
    d->store = NULL;
    luaL_setmetatable(L, LDB_MT);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ldb_key);
    if ((d->store = store_open(path, &e)) == NULL) {
        lua_pushstring(L, e.msg);
        return NULL;
    }
    return d->store;
}

static void
push_value(lua_State *L, const struct store_value *v)
{
    switch (v->type) {
    case STORE_INT:
        lua_pushinteger(L, (lua_Integer)v->i);
        break;
    case STORE_REAL:
        lua_pushnumber(L, v->d);
        break;
    case STORE_TEXT:
        lua_pushlstring(L, v->s, v->len);
        break;
    default:
        lua_pushboolean(L, 0); /* SQL NULL: false keeps the row's key */
    }
}

/* db.query(sql, ...) -> rows | nil, msg
 * Rows are tables keyed by column name (NULL: false). Misuse raises (not a
 * string, a table among the values, a writing statement); SQLite refusing
 * the query or a missing database returns nil, msg.   [-0, +1|2, e] */
static int
ldb_query(lua_State *L)
{
    const char *sql = luaL_checkstring(L, 1);
    int nargs = lua_gettop(L) - 1;
    struct store_value args[LDB_MAX_ARGS];
    struct lresult *res;
    struct store *s;
    struct pw_err e;

    luaL_argcheck(L, nargs <= LDB_MAX_ARGS, LDB_MAX_ARGS + 2,
                  "too many values");
    for (int i = 0; i < nargs; i++) {
        int k = i + 2;
        memset(&args[i], 0, sizeof(args[i]));
        switch (lua_type(L, k)) {
        case LUA_TNIL:
            args[i].type = STORE_NULL;
            break;
        case LUA_TBOOLEAN:
            args[i].type = STORE_INT;
            args[i].i = lua_toboolean(L, k);
            break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, k)) {
                args[i].type = STORE_INT;
                args[i].i = (int64_t)lua_tointeger(L, k);
            } else {
                args[i].type = STORE_REAL;
                args[i].d = lua_tonumber(L, k);
            }
            break;
        case LUA_TSTRING:
            args[i].type = STORE_TEXT;
            args[i].s = (char *)lua_tolstring(L, k, &args[i].len);
            break;
        default:
            return luaL_typeerror(L, k, "string, number, boolean or nil");
        }
    }
    res = lua_newuserdatauv(L, sizeof(*res), 0); /* ... res */
    res->r = NULL;
    lua_newtable(L); /* ... res mt */
    lua_pushcfunction(L, lresult_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    if ((s = get_store(L)) == NULL) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    res->r = store_read_query(s, sql, args, (size_t)nargs, LDB_MAX_ROWS, &e);
    if (res->r == NULL) {
        if (strstr(e.msg, "only reading statements"))
            return luaL_error(L, "db.query: %s", e.msg);
        lua_pushnil(L);
        lua_pushfstring(L, "db.query: %s", e.msg);
        return 2;
    }
    lua_createtable(L, (int)res->r->nrows, 0); /* ... res rows */
    for (size_t i = 0; i < res->r->nrows; i++) {
        lua_createtable(L, 0, (int)res->r->ncols); /* ... rows row */
        for (size_t c = 0; c < res->r->ncols; c++) {
            push_value(L, &res->r->vals[i * res->r->ncols + c]);
            lua_setfield(L, -2, res->r->names[c]);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* The id of a paper by key (typed as people do), or -1 with nil, msg
 * pushed. */
static int64_t
paper_id(lua_State *L, struct store *s, const char *key)
{
    struct store_row r;
    struct pw_err e;
    int found;
    int64_t id;

    store_row_init(&r);
    found = store_get(s, key, &r, &e);
    id = r.id;
    store_row_fini(&r);
    if (found == 1)
        return id;
    lua_pushnil(L);
    if (found == 0)
        lua_pushfstring(L, "db: no paper '%s'", key);
    else
        lua_pushfstring(L, "db: %s", e.msg);
    return -1;
}

/* db.tag(key, tag) -> true | nil, msg   (the user's tag: rescoring keeps
 * it)   [-0, +1|2, e] */
static int
ldb_tag(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    const char *tag = luaL_checkstring(L, 2);
    struct store *s;
    struct pw_err e;
    int64_t id;

    luaL_argcheck(L, *tag != '\0', 2, "empty tag");
    if ((s = get_store(L)) == NULL) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if ((id = paper_id(L, s, key)) < 0)
        return 2;
    if (store_add_tag(s, id, tag, 0, time_now(), &e) < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "db.tag: %s", e.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int
lstrv_gc(lua_State *L)
{
    strv_fini(lua_touserdata(L, 1));
    return 0;
}

/* db.tags(key) -> { tag, ... } | nil, msg   [-0, +1|2, e] */
static int
ldb_tags(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    struct store *s;
    struct strv *tags;
    struct pw_err e;
    int64_t id;

    tags = lua_newuserdatauv(L, sizeof(*tags), 0); /* key tags */
    strv_init(tags);
    lua_newtable(L);
    lua_pushcfunction(L, lstrv_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2); /* __gc owns the list */
    if ((s = get_store(L)) == NULL) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if ((id = paper_id(L, s, key)) < 0)
        return 2;
    if (store_tags(s, id, tags, &e) < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "db.tags: %s", e.msg);
        return 2;
    }
    lua_createtable(L, (int)tags->n, 0); /* key tags list */
    for (size_t i = 0; i < tags->n; i++) {
        lua_pushstring(L, tags->v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* db.path() -> the database file, or nil   [-0, +1, -] */
static int
ldb_path(lua_State *L)
{
    const char *p = lbind_db_path(L);

    if (p)
        lua_pushstring(L, p);
    else
        lua_pushnil(L);
    return 1;
}

static const luaL_Reg ldb_funcs[] = {
    { "query", ldb_query }, { "tag", ldb_tag }, { "tags", ldb_tags },
    { "path", ldb_path },   { NULL, NULL },
};

int
luaopen_paperwatch_db(lua_State *L)
{
    if (luaL_newmetatable(L, LDB_MT)) {
        lua_pushcfunction(L, ldb_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, ldb_funcs);
    return 1;
}
