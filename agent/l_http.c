/* l_http.c: paperwatch.http — HTTP for Lua on the agent's one loop.
 *
 * Inside a source's fetch function (a coroutine the host runs), http.get
 * adds the request to the cycle's loop and yields; the host resumes it
 * when the transfer ends, so many fetch functions wait at once in one
 * thread, under the same politeness and limits as feeds. Anywhere else (a
 * script's main chunk) it runs a loop of its own until the answer is in. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "http.h"
#include "lbind.h"

#define LHTTP_MT "paperwatch.http.request"

/* One request, owned by Lua: a userdata kept on the waiting coroutine's
 * stack until the answer is in. */
struct lreq {
    struct buf body; /* owned */
    struct buf meta; /* owned: url \0 content_type \0 error \0 etag */
    size_t off_type, off_error, off_etag;
    long status;
    int ok, done, has_type, has_error, has_etag;
    lua_State *co; /* borrowed: resumed when done, or NULL (sync) */
};

static int
lreq_gc(lua_State *L)
{
    struct lreq *r = luaL_checkudata(L, 1, LHTTP_MT);

    buf_fini(&r->body);
    buf_fini(&r->meta);
    return 0;
}

static int
on_data(void *ud, const char *p, size_t n, struct pw_err *e)
{
    struct lreq *r = ud;

    (void)e;
    buf_add(&r->body, p, n);
    return 0;
}

static void
meta_add(struct lreq *r, const char *s, size_t *off, int *has)
{
    *off = r->meta.len;
    *has = s != NULL;
    buf_add(&r->meta, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void
on_done(void *ud, const struct http_result *res)
{
    struct lreq *r = ud;

    r->done = 1;
    r->ok = res->ok;
    r->status = res->status;
    r->meta.len = 0;
    buf_add(&r->meta, res->effective_url, strlen(res->effective_url) + 1);
    meta_add(r, res->content_type, &r->off_type, &r->has_type);
    meta_add(r, res->ok ? NULL : res->error, &r->off_error, &r->has_error);
    meta_add(r, res->etag, &r->off_etag, &r->has_etag);
    if (r->co != NULL)
        lbind_fetch_resume(r->co, 0);
}

/* body, info | nil, message, info   where info = { status, url,
 * content_type, etag } */
static int
results(lua_State *L, struct lreq *r)
{
    lua_createtable(L, 0, 4); /* info */
    lua_pushinteger(L, r->status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, r->meta.p ? r->meta.p : "");
    lua_setfield(L, -2, "url");
    if (r->has_type) {
        lua_pushstring(L, r->meta.p + r->off_type);
        lua_setfield(L, -2, "content_type");
    }
    if (r->has_etag) {
        lua_pushstring(L, r->meta.p + r->off_etag);
        lua_setfield(L, -2, "etag");
    }
    if (r->ok) {
        lua_pushlstring(L, r->body.p ? r->body.p : "", r->body.len);
        lua_insert(L, -2); /* body info */
        return 2;
    }
    lua_pushnil(L);
    lua_pushstring(L, r->has_error ? r->meta.p + r->off_error : "failed");
    lua_rotate(L, -3, 2); /* nil msg info */
    return 3;
}

static int
get_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    return results(L, luaL_checkudata(L, (int)ctx, LHTTP_MT));
}

#define MAX_HEADERS 32

/* Options: { timeout = s, max_bytes = n, min_delay = s, headers = { Name =
 * "value" } }  (misuse raises). Header lines are pushed on the stack as
 * Lua strings, so lines[] stays valid for the call; http_add copies. */
static void
options(lua_State *L, int i, struct http_request *req,
        const char *lines[MAX_HEADERS + 1])
{
    int n = 0;

    lines[0] = NULL;
    if (lua_isnoneornil(L, i))
        return;
    luaL_checktype(L, i, LUA_TTABLE);
    if (lua_getfield(L, i, "timeout") != LUA_TNIL)
        req->timeout = (long)luaL_checknumber(L, -1);
    if (lua_getfield(L, i, "max_bytes") != LUA_TNIL)
        req->max_bytes = (size_t)luaL_checknumber(L, -1);
    if (lua_getfield(L, i, "min_delay") != LUA_TNIL)
        req->min_delay = luaL_checknumber(L, -1);
    lua_pop(L, 3);
    if (lua_getfield(L, i, "headers") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    luaL_checktype(L, -1, LUA_TTABLE);
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = luaL_checkstring(L, -2), *v = luaL_checkstring(L, -1);
        if (strpbrk(k, "\r\n:") || strpbrk(v, "\r\n"))
            luaL_error(L, "http: header '%s' has a line break or colon", k);
        if (n == MAX_HEADERS)
            luaL_error(L, "http: more than %d headers", MAX_HEADERS);
        lines[n++] = lua_pushfstring(L, "%s: %s", k, v); /* k v line */
        lua_insert(L, t); /* keep the line below the table */
        t++;
        lua_pop(L, 1); /* k */
    }
    lines[n] = NULL;
    req->headers = lines;
}

/* Wait without a cycle: a private loop for this one request. */
static int
get_sync(lua_State *L, struct lreq *r, const struct http_request *req)
{
    struct pw_err e;
    struct http *h = http_new(1, &e);

    if (h == NULL || http_add(h, req, on_data, on_done, r, &e) < 0) {
        http_free(h);
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        return 2;
    }
    http_run(h);
    http_free(h);
    return results(L, r);
}

/* One request (GET, or POST when post is set), yielding inside a fetch
 * function, blocking elsewhere. */
static int
request(lua_State *L, const char *url, const char *post, size_t post_len,
        int opts)
{
    const char *ua = NULL, *lines[MAX_HEADERS + 1];
    struct http *loop = lbind_http(L, &ua);
    struct http_request req = { .url = url,
                                .post = post,
                                .post_len = post_len };
    struct lreq *r;
    struct pw_err e;

    options(L, opts, &req, lines);
    req.user_agent = ua;
    r = lua_newuserdatauv(L, sizeof(*r), 0); /* ... req */
    memset(r, 0, sizeof(*r));
    buf_init(&r->body);
    buf_init(&r->meta);
    luaL_setmetatable(L, LHTTP_MT);
    if (!lbind_in_fetch(L))
        return get_sync(L, r, &req);
    r->co = L;
    if (http_add(loop, &req, on_data, on_done, r, &e) < 0) {
        lua_pushnil(L);
        lua_pushstring(L, e.msg);
        return 2;
    }
    /* the userdata stays on this stack while we wait; ctx finds it */
    return lua_yieldk(L, 0, (lua_KContext)lua_gettop(L), get_k);
}

/* http.get(url [, options]) -> body, info | nil, message, info
 * A failed transfer or a non-2xx answer is the world failing: nil and the
 * message. Yields inside a fetch function; blocks elsewhere. */
static int
lhttp_get(lua_State *L)
{
    return request(L, luaL_checkstring(L, 1), NULL, 0, 2);
}

/* http.post(url, body [, options]) -> as http.get */
static int
lhttp_post(lua_State *L)
{
    size_t len;
    const char *url = luaL_checkstring(L, 1);
    const char *body = luaL_checklstring(L, 2, &len);

    return request(L, url, body, len, 3);
}

static const luaL_Reg lhttp_funcs[] = {
    { "get", lhttp_get },
    { "post", lhttp_post },
    { NULL, NULL },
};

int
luaopen_paperwatch_http(lua_State *L)
{
    if (luaL_newmetatable(L, LHTTP_MT)) {
        lua_pushcfunction(L, lreq_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, lhttp_funcs);
    return 1;
}
