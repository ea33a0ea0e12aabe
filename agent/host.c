/* host.c: the lua_State and everything about entering it safely. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "default_config.h"
#include "digest.h"
#include "host.h"
#include "lbind.h"
#include "match.h"

#define HOOK_EVERY 1000
#define DEFAULT_BUDGET 10000000L            /* instructions per rule call */
#define DEFAULT_MEM_CAP (64u * 1024 * 1024) /* bytes of Lua heap */

#define RULE_REPORTED 0x100u /* a filter's failure was logged */

struct rule {
    char *name;     /* owned */
    char *where;    /* owned: "file:line" */
    int ref;        /* the function, in the registry */
    unsigned flags; /* HOST_RULE_* */
    char *tag;      /* owned, or NULL */
    int hook_ref;   /* its on_match, or LUA_NOREF */
    long c;         /* its index in the C matcher, or -1: run in Lua */
};

struct host {
    lua_State *L;          /* owned */
    const struct log *log; /* borrowed */
    size_t mem;            /* bytes the Lua heap holds */
    size_t mem_cap;
    int cap_on;      /* refuse growth over mem_cap */
    int mem_tripped; /* the cap was hit during this call */
    long budget;
    long budget_left;
    struct rule *rules; /* owned */
    size_t nrules;
    char hash[17];
    int paper_ref;                  /* the current paper object, or LUA_NOREF */
    const struct paper *cur;        /* borrowed: the paper rules look at */
    const struct strv *cur_sources; /* borrowed, or NULL */
    int cur_in_lua;                 /* run even C rules in Lua for it */
    unsigned long paper_gen;        /* changes with each paper */
    unsigned char *may;             /* owned: host_may_match's answer */
    int32_t *cmap;                  /* owned: per rule, its .c, packed */
    unsigned char *may0;            /* owned: may for a paper with no find */
    uint32_t *hmap; /* owned: per matcher rule, its rule, or UINT32_MAX */
    int may_done;   /* for the current paper */
    struct matcher *matcher; /* owned: declarative rules, or NULL */
    int exit_mt_ref;         /* metatable marking os.exit in scripts */
    char *lua_dir;           /* owned */
    struct http *http;       /* borrowed: the cycle's loop, or NULL */
    char *user_agent;        /* owned, or NULL */
    struct fetch *fetches;   /* owned: running fetch coroutines */
    char *db_path;           /* owned: the database scripts see, or NULL */
    int nfilters;            /* rules that keep or drop */
    int nhooks;              /* pw.on_match hooks and rules' on_match */
};

/* A running fetch function. */
struct fetch {
    struct host *h;   /* borrowed */
    lua_State *co;    /* the coroutine; anchored by ref */
    int ref;          /* the thread in the registry */
    const char *name; /* borrowed: the source's */
    host_entry_fn entry;
    host_done_fn done;
    void *ud;
    struct fetch *next;
};

static void budget_hook(lua_State *L, lua_Debug *ar);

/* The allocator counts every byte (mpv) and, while a rule runs, refuses
 * growth past the cap; Lua turns that into LUA_ERRMEM. */
static void *
l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct host *h = ud;
    size_t old = ptr ? osize : 0;
    void *np;

    if (nsize == 0) {
        free(ptr);
        h->mem -= old;
        return NULL;
    }
    if (h->cap_on && nsize > old && h->mem + (nsize - old) > h->mem_cap) {
        /* like the budget: raise again at every instruction, so a rule's
         * own pcall cannot swallow the cap */
        h->mem_tripped = 1;
        lua_sethook(h->L, budget_hook, LUA_MASKCOUNT, 1);
        return NULL;
    }
    if ((np = realloc(ptr, nsize)) == NULL)
        return NULL;
    h->mem = h->mem - old + nsize;
    return np;
}

static struct host *
get_host(lua_State *L)
{
    void *ud;

    lua_getallocf(L, &ud);
    return ud;
}

const struct log *
lbind_log(lua_State *L)
{
    return get_host(L)->log;
}

/* Message handler: text for any error value, then a traceback. The exit
 * marker of scripts passes through untouched. */
static int
msgh(lua_State *L)
{
    struct host *h = get_host(L);
    const char *msg = lua_tostring(L, 1);

    if (msg == NULL) {
        if (lua_getmetatable(L, 1)) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, h->exit_mt_ref);
            if (lua_rawequal(L, -1, -2)) {
                lua_settop(L, 1);
                return 1;
            }
            lua_pop(L, 2);
        }
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)",
                                  luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Call the function under nargs arguments with msgh; on failure e gets the
 * message (with traceback) and the stack is left as before the function. */
static int
host_pcall(struct host *h, int nargs, int nres, struct pw_err *e)
{
    lua_State *L = h->L;
    int base = lua_gettop(L) - nargs, rc;

    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    rc = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);
    if (rc == LUA_OK)
        return 0;
    if (rc == LUA_ERRMEM)
        pw_errf(e, "memory cap of %zu MiB exceeded", h->mem_cap >> 20);
    else
        pw_errf(e, "%s",
                lua_tostring(L, -1) ? lua_tostring(L, -1)
                                    : "(error without message)");
    lua_pop(L, 1);
    return -1;
}

static void
budget_hook(lua_State *L, lua_Debug *ar)
{
    struct host *h = get_host(L);

    (void)ar;
    if (h->mem_tripped) {
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "memory cap of %d MiB exceeded", (int)(h->mem_cap >> 20));
    }
    h->budget_left -= HOOK_EVERY;
    if (h->budget_left > 0)
        return;
    /* Once spent, the hook fires at every instruction and raises each time:
     * a rule's own pcall catches one error, and the very next instruction
     * after it raises again, until the error leaves the rule. */
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget of %d exceeded", (int)h->budget);
}

/* Where the shipped Lua modules are: beside the binary in a source tree,
 * else under the install prefix. */
static char *
find_lua_dir(void)
{
    const char *env = getenv("PAPERWATCH_LUA_DIR");
    const char *rel[] = { "/lua", "/../lua", "/../share/paperwatch/lua" };
    char exe[PATH_MAX], probe[PATH_MAX + 64];
    ssize_t n;

    if (!str_empty(env))
        return xstrdup(env);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = dirname(exe);
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            snprintf(probe, sizeof(probe), "%s%s/paperwatch/init.lua", dir,
                     rel[i]);
            if (access(probe, R_OK) == 0) {
                snprintf(probe, sizeof(probe), "%s%s", dir, rel[i]);
                char *full = realpath(probe, NULL);
                return full ? full : xstrdup(probe);
            }
        }
    }
    return xstrdup(PW_PREFIX "/share/paperwatch/lua");
}

static void
open_libs(lua_State *L)
{
    static const luaL_Reg std[] = {
        { LUA_GNAME, luaopen_base },
        { LUA_LOADLIBNAME, luaopen_package },
        { LUA_COLIBNAME, luaopen_coroutine },
        { LUA_TABLIBNAME, luaopen_table },
        { LUA_IOLIBNAME, luaopen_io },
        { LUA_OSLIBNAME, luaopen_os },
        { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },
        { LUA_DBLIBNAME, luaopen_debug },
        { NULL, NULL },
    };
    static const luaL_Reg pre[] = {
        { "paperwatch.re", luaopen_paperwatch_re },
        { "paperwatch.json", luaopen_paperwatch_json },
        { "paperwatch.log", luaopen_paperwatch_log },
        { "paperwatch.time", luaopen_paperwatch_time },
        { "paperwatch.feed", luaopen_paperwatch_feed },
        { "paperwatch.http", luaopen_paperwatch_http },
        { "paperwatch.db.c", luaopen_paperwatch_db },
        { "paperwatch.notify", luaopen_paperwatch_notify },
        { "paperwatch.mail", luaopen_paperwatch_mail },
        { NULL, NULL },
    };

    for (const luaL_Reg *l = std; l->name; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE); /* preload */
    for (const luaL_Reg *l = pre; l->name; l++) {
        lua_pushcfunction(L, l->func);
        lua_setfield(L, -2, l->name);
    }
    lua_pop(L, 1);
}

/* package.path: the shipped modules, then the config's directory; never
 * ./?.lua. cpath loses its relative entries too. */
static void
set_paths(struct host *h, const char *config_dir)
{
    lua_State *L = h->L;

    lua_getglobal(L, "package"); /* package */
    if (config_dir)
        lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s/?.lua;%s/?/init.lua",
                        h->lua_dir, h->lua_dir, config_dir, config_dir);
    else
        lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", h->lua_dir, h->lua_dir);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "/usr/local/lib/lua/5.4/?.so;"
                      "/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;"
                      "/usr/lib/lua/5.4/?.so");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
}

struct host *
host_new(const struct log *lg, struct pw_err *e)
{
    struct host *h = xcalloc(1, sizeof(*h));

    h->log = lg;
    h->mem_cap = DEFAULT_MEM_CAP;
    h->budget = DEFAULT_BUDGET;
    h->paper_ref = LUA_NOREF;
    h->lua_dir = find_lua_dir();
    if ((h->L = lua_newstate(l_alloc, h)) == NULL) {
        pw_errf(e, "cannot create the Lua state");
        host_free(h);
        return NULL;
    }
    open_libs(h->L);
    set_paths(h, NULL);
    lua_newtable(h->L);
    h->exit_mt_ref = luaL_ref(h->L, LUA_REGISTRYINDEX);
    return h;
}

void
host_free(struct host *h)
{
    if (h == NULL)
        return;
    if (h->L)
        lua_close(h->L);
    for (size_t i = 0; i < h->nrules; i++) {
        free(h->rules[i].name);
        free(h->rules[i].where);
        free(h->rules[i].tag);
    }
    matcher_free(h->matcher);
    free(h->may);
    free(h->cmap);
    free(h->may0);
    free(h->hmap);
    free(h->db_path);
    free(h->rules);
    free(h->lua_dir);
    free(h->user_agent);
    while (h->fetches) {
        struct fetch *f = h->fetches;
        h->fetches = f->next;
        free(f);
    }
    free(h);
}

/* require(name) onto the stack, protected. */
static int
require(struct host *h, const char *name, struct pw_err *e)
{
    lua_getglobal(h->L, "require");
    lua_pushstring(h->L, name);
    return host_pcall(h, 1, 1, e);
}

/* A fresh environment: globals the user defines stay in it, the standard
 * library is seen through __index, and `pw` is the paperwatch module. */
static int
push_env(struct host *h, struct pw_err *e)
{
    lua_State *L = h->L;

    if (require(h, "paperwatch", e) < 0)
        return -1;             /* pw */
    lua_newtable(L);           /* pw env */
    lua_insert(L, -2);         /* env pw */
    lua_setfield(L, -2, "pw"); /* env */
    lua_newtable(L);           /* env mt */
    lua_pushglobaltable(L);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2); /* env */
    return 0;
}

/* Tell the registry module where the config lives (relative file URLs and
 * package.path resolve against it). */
static int
set_config_location(struct host *h, const char *path, struct pw_err *e)
{
    char *copy, *dir;

    if (require(h, "paperwatch.registry", e) < 0)
        return -1;
    if (path) {
        copy = xstrdup(path);
        dir = dirname(copy);
        lua_pushstring(h->L, dir);
        set_paths(h, dir);
        free(copy);
    } else {
        char cwd[PATH_MAX];
        lua_pushstring(h->L, getcwd(cwd, sizeof(cwd)) ? cwd : ".");
    }
    lua_setfield(h->L, -2, "config_dir");
    lua_pushstring(h->L, path ? path : "(built-in default)");
    lua_setfield(h->L, -2, "config_path");
    lua_pop(h->L, 1);
    return 0;
}

/* Load a chunk from a file (path) or the built-in default, with `env` as
 * its _ENV (env on the stack top; replaced by the chunk). */
static int
load_chunk(struct host *h, const char *path, struct pw_err *e)
{
    lua_State *L = h->L;
    int rc;

    if (path)
        rc = luaL_loadfilex(L, path, "t");
    else
        rc = luaL_loadbufferx(L, default_config_lua,
                              sizeof(default_config_lua) - 1,
                              "=(built-in default config)", "t");
    if (rc != LUA_OK) {
        pw_errf(e, "%s", lua_tostring(L, -1));
        lua_pop(L, 2);
        return -1;
    }
    lua_insert(L, -2);        /* chunk env */
    lua_setupvalue(L, -2, 1); /* chunk */
    return 0;
}

char *
lbind_opt_string(lua_State *L, int t, const char *field)
{
    char *s = NULL;

    if (lua_getfield(L, t, field) == LUA_TSTRING)
        s = xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

double
lbind_opt_number(lua_State *L, int t, const char *field, double dflt)
{
    double v = dflt;

    if (lua_getfield(L, t, field) == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static void
read_sources(lua_State *L, int reg, struct config *c)
{
    lua_getfield(L, reg, "sources"); /* sources */
    c->nsources = lua_rawlen(L, -1);
    c->sources = xcalloc(c->nsources, sizeof(*c->sources));
    for (size_t i = 0; i < c->nsources; i++) {
        struct source_def *s = &c->sources[i];
        lua_rawgeti(L, -1, (lua_Integer)i + 1); /* sources src */
        int t = lua_gettop(L);
        s->name = lbind_opt_string(L, t, "name");
        s->url = lbind_opt_string(L, t, "url");
        s->format = lbind_opt_string(L, t, "format");
        if (s->format == NULL)
            s->format = xstrdup("auto");
        s->min_delay = lbind_opt_number(L, t, "min_delay", 0);
        s->interval = (long)lbind_opt_number(L, t, "interval", 3600);
        s->timeout = (long)lbind_opt_number(L, t, "timeout", 0);
        s->max_bytes = (size_t)lbind_opt_number(L, t, "max_bytes", 0);
        s->connect_timeout = (long)lbind_opt_number(L, t, "connect_timeout", 0);
        s->stall_timeout = (long)lbind_opt_number(L, t, "stall_timeout", 0);
        s->ca_file = lbind_opt_string(L, t, "ca_file");
        s->is_file = s->url && strncmp(s->url, "file:", 5) == 0;
        s->has_fetch = lua_getfield(L, t, "fetch") == LUA_TFUNCTION;
        lua_pop(L, 1);
        s->index = i;
        lua_pop(L, 1); /* sources */
    }
    lua_pop(L, 1);
}

/* FNV-1a over every rule's signature. */
static void
hash_rules(struct host *h, const char *sig, size_t len, uint64_t *acc)
{
    for (size_t i = 0; i < len; i++) {
        *acc ^= (unsigned char)sig[i];
        *acc *= 1099511628211ULL;
    }
    (void)h;
}

static int
opt_bool(lua_State *L, int t, const char *field)
{
    int v = lua_getfield(L, t, field) == LUA_TBOOLEAN && lua_toboolean(L, -1);

    lua_pop(L, 1);
    return v;
}

/* keep / hide / drop / renotify / tag / on_match of the rule on the stack
 * top. */
static void
rule_flags(struct host *h, struct rule *r)
{
    lua_State *L = h->L;
    int t = lua_gettop(L);

    r->flags = (opt_bool(L, t, "keep") ? HOST_RULE_KEEP : 0u) |
               (opt_bool(L, t, "hide") ? HOST_RULE_HIDE : 0u) |
               (opt_bool(L, t, "drop") ? HOST_RULE_DROP : 0u) |
               (opt_bool(L, t, "renotify") ? HOST_RULE_RENOTIFY : 0u);
    r->tag = lbind_opt_string(L, t, "tag");
    h->nfilters += (r->flags & (HOST_RULE_KEEP | HOST_RULE_DROP)) != 0;
    r->hook_ref = LUA_NOREF;
    if (lua_getfield(L, t, "on_match") == LUA_TFUNCTION) {
        r->hook_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        h->nhooks++;
    } else {
        lua_pop(L, 1);
    }
}

/* The fields a text test of rules.lua looks at. */
static unsigned
spec_fields(const char *field)
{
    static const struct {
        const char *name;
        unsigned fields;
    } over[] = {
        { "match", MF_TITLE | MF_ABSTRACT },
        { "words", MF_TITLE | MF_ABSTRACT },
        { "title", MF_TITLE },
        { "abstract", MF_ABSTRACT },
        { "any", MF_TITLE | MF_ABSTRACT | MF_AUTHORS | MF_CATEGORIES |
                     MF_COMMENT | MF_JOURNAL_REF | MF_SOURCE },
    };

    for (size_t i = 0; i < sizeof(over) / sizeof(*over); i++)
        if (strcmp(field, over[i].name) == 0)
            return over[i].fields;
    return 0;
}

/* One test of a rule's spec (on the stack top) into the matcher. */
static int
read_test(struct host *h, size_t rule, struct strv *pats, struct pw_err *e)
{
    lua_State *L = h->L;
    int t = lua_gettop(L);
    char *field = lbind_opt_string(L, t, "field");
    char *kind = lbind_opt_string(L, t, "kind");
    char *rx = lbind_opt_string(L, t, "regex");
    enum match_kind k = MK_REGEX;
    unsigned fields = 0;
    int rc = -1;

    strv_clear(pats);
    if (lua_getfield(L, t, "patterns") == LUA_TTABLE)
        for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
            strv_add(pats, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    lua_settop(L, t);
    if (field == NULL || kind == NULL)
        pw_errf(e, "a test without field or kind");
    else if (strcmp(kind, "regex") == 0 || strcmp(kind, "words") == 0)
        k = kind[0] == 'r' ? MK_REGEX : MK_WORDS, fields = spec_fields(field);
    else if (strcmp(kind, "names") == 0)
        k = MK_NAMES, fields = 1;
    else if (strcmp(kind, "categories") == 0)
        k = MK_CATEGORIES, fields = 1;
    else if (strcmp(kind, "set") == 0 && strcmp(field, "announce") == 0)
        k = MK_ANNOUNCE, fields = 1;
    else if (strcmp(kind, "set") == 0 && strcmp(field, "source") == 0)
        k = MK_SOURCE, fields = 1;
    if (fields == 0)
        pw_errf(e, "a test of kind %s on %s", kind ? kind : "?",
                field ? field : "?");
    else
        rc = matcher_add_test(h->matcher, rule, k, fields, pats, rx, e);
    free(field);
    free(kind);
    free(rx);
    return rc;
}

/* A declarative rule's spec (rules.lua) into the C matcher: its index
 * there, or -1 when the rule has none or C cannot run it as Lua would;
 * then it runs in Lua, as function rules do. */
static long
read_spec(struct host *h, const struct rule *r)
{
    lua_State *L = h->L;
    int top = lua_gettop(L), s;
    struct strv pats;
    struct pw_err e;
    char *reason;
    size_t rule;
    long c = -1;

    if (lua_getfield(L, top, "spec") != LUA_TTABLE) {
        lua_settop(L, top);
        return -1;
    }
    s = lua_gettop(L);
    if (h->matcher == NULL)
        h->matcher = matcher_new();
    reason = lbind_opt_string(L, s, "reason");
    rule = matcher_add_rule(h->matcher, lbind_opt_number(L, s, "score", 0),
                            reason, opt_bool(L, s, "case_sensitive"));
    free(reason);
    strv_init(&pats);
    if (lua_getfield(L, s, "tests") == LUA_TTABLE) {
        c = (long)rule;
        for (lua_Integer i = 1; c >= 0 && lua_rawgeti(L, -1, i) == LUA_TTABLE;
             i++) {
            if (read_test(h, rule, &pats, &e) < 0) {
                log_debug(h->log, "rule '%s' runs in Lua: %s", r->name, e.msg);
                c = -1;
            }
            lua_pop(L, 1);
        }
    }
    strv_fini(&pats);
    lua_settop(L, top);
    return c;
}

static void
read_rules(struct host *h, int reg)
{
    lua_State *L = h->L;
    uint64_t acc = 14695981039346656037ULL;
    /* for comparing the two, and a way out should C ever disagree */
    int in_lua = !str_empty(getenv("PAPERWATCH_LUA_RULES"));
    size_t len;

    lua_getfield(L, reg, "rules"); /* rules */
    h->nrules = lua_rawlen(L, -1);
    h->rules = xcalloc(h->nrules, sizeof(*h->rules));
    for (size_t i = 0; i < h->nrules; i++) {
        struct rule *r = &h->rules[i];
        lua_rawgeti(L, -1, (lua_Integer)i + 1); /* rules rule */
        r->name = lbind_opt_string(L, lua_gettop(L), "name");
        r->where = lbind_opt_string(L, lua_gettop(L), "where");
        if (lua_getfield(L, -1, "sig") == LUA_TSTRING) {
            const char *sig = lua_tolstring(L, -1, &len);
            hash_rules(h, sig, len, &acc);
        }
        lua_pop(L, 1);
        lua_getfield(L, -1, "fn");               /* rules rule fn */
        r->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* rules rule */
        rule_flags(h, r);
        r->c = in_lua ? -1 : read_spec(h, r);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (h->matcher) {
        matcher_build(h->matcher);
        h->cmap = xcalloc(h->nrules ? h->nrules : 1, sizeof(*h->cmap));
        h->may0 = xcalloc(h->nrules ? h->nrules : 1, 1);
        h->hmap = xcalloc(h->nrules ? h->nrules : 1, sizeof(*h->hmap));
        /* a matcher rule whose spec failed part way has no rule here */
        for (size_t i = 0; i < h->nrules; i++)
            h->hmap[i] = UINT32_MAX;
        for (size_t i = 0; i < h->nrules; i++) {
            int32_t c = h->cmap[i] = (int32_t)h->rules[i].c;
            h->may0[i] = c < 0 || matcher_quick0(h->matcher)[c] != 0;
            if (c >= 0)
                h->hmap[c] = (uint32_t)i;
        }
    }
    snprintf(h->hash, sizeof(h->hash), "%016llx", (unsigned long long)acc);
}

/* pw.limits, and how many pw.on_match hooks there are. */
static void
read_limits(struct host *h, int reg)
{
    lua_State *L = h->L;

    if (lua_getfield(L, reg, "limits") == LUA_TTABLE) {
        h->budget = (long)lbind_opt_number(L, lua_gettop(L), "instructions",
                                           (double)h->budget);
        h->mem_cap = (size_t)(lbind_opt_number(L, lua_gettop(L), "memory_mb",
                                               (double)(h->mem_cap >> 20)) *
                              1024 * 1024);
    }
    lua_pop(L, 1);
    lua_getfield(L, reg, "hooks");
    h->nhooks += (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
}

static int
read_config(struct host *h, struct config *c, struct pw_err *e)
{
    lua_State *L = h->L;
    int reg;

    if (require(h, "paperwatch.registry", e) < 0)
        return -1;
    reg = lua_gettop(L);
    read_sources(L, reg, c);
    read_rules(h, reg);
    read_limits(h, reg);
    if (lua_getfield(L, reg, "notify") == LUA_TTABLE) {
        c->has_notify = 1;
        c->notify_min = lbind_opt_number(L, lua_gettop(L), "min_score", 1);
        c->notify_max = (long)lbind_opt_number(L, lua_gettop(L), "max", 0);
        c->quiet_from =
            (int)lbind_opt_number(L, lua_gettop(L), "quiet_from", -1);
        c->quiet_to = (int)lbind_opt_number(L, lua_gettop(L), "quiet_to", -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, reg, "options") == LUA_TTABLE) {
        c->contact = lbind_opt_string(L, lua_gettop(L), "contact");
        c->concurrency =
            (int)lbind_opt_number(L, lua_gettop(L), "concurrency", 0);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, reg, "digest") == LUA_TTABLE)
        c->digest = lbind_to_digest_def(L, -1);
    lua_pop(L, 2);
    return 0;
}

int
host_load_config(struct host *h, const char *path, struct config *c,
                 struct pw_err *e)
{
    char *full = path ? realpath(path, NULL) : NULL;
    int rc = -1;

    memset(c, 0, sizeof(*c));
    if (path && full == NULL) {
        pw_errf(e, "%s: cannot open config: %m", path);
        goto out;
    }
    c->path = xstrdup(full ? full : "(built-in default)");
    if (set_config_location(h, full, e) < 0 || push_env(h, e) < 0 ||
        load_chunk(h, full, e) < 0)
        goto out;
    if (host_pcall(h, 0, 0, e) < 0)
        goto out;
    rc = read_config(h, c, e);
out:
    free(full);
    return rc;
}

/* os.exit in scripts raises a marked value instead of ending the process
 * under the host's feet; host_run_script turns it into the status. */
static int
script_exit(lua_State *L)
{
    struct host *h = get_host(L);
    int status = lua_isboolean(L, 1) ? (lua_toboolean(L, 1) ? 0 : 1)
                                     : (int)luaL_optinteger(L, 1, 0);

    lua_newtable(L);
    lua_pushinteger(L, status);
    lua_setfield(L, -2, "status");
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->exit_mt_ref);
    lua_setmetatable(L, -2);
    return lua_error(L);
}

static void
script_env(struct host *h, char **argv, int argc, const char *path)
{
    lua_State *L = h->L; /* env */

    lua_newtable(L); /* env arg */
    lua_pushstring(L, path);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "arg"); /* env */
    lua_newtable(L);            /* env os' */
    lua_getglobal(L, "os");
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* env os' os k v */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1); /* env os' */
    lua_pushcfunction(L, script_exit);
    lua_setfield(L, -2, "exit");
    lua_setfield(L, -2, "os"); /* env */
}

int
host_run_script(struct host *h, const char *path, char **argv, int argc,
                int *status, struct pw_err *e)
{
    lua_State *L = h->L;
    char *full = realpath(path, NULL);
    int rc = -1, lrc;

    *status = 0;
    if (full == NULL) {
        pw_errf(e, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (set_config_location(h, full, e) < 0 || push_env(h, e) < 0)
        goto out;
    script_env(h, argv, argc, path);
    if (load_chunk(h, full, e) < 0)
        goto out;
    lua_pushcfunction(L, msgh);
    lua_insert(L, -2);
    lrc = lua_pcall(L, 0, 0, -2);
    if (lrc == LUA_OK) {
        lua_pop(L, 1);
        rc = 0;
    } else if (lua_type(L, -1) == LUA_TTABLE) { /* os.exit */
        lua_getfield(L, -1, "status");
        *status = (int)lua_tointeger(L, -1);
        lua_pop(L, 3);
        rc = 0;
    } else {
        pw_errf(e, "%s",
                lrc == LUA_ERRMEM ? "out of memory" : lua_tostring(L, -1));
        lua_pop(L, 2);
    }
out:
    free(full);
    return rc;
}

void
config_fini(struct config *c)
{
    for (size_t i = 0; i < c->nsources; i++) {
        free(c->sources[i].name);
        free(c->sources[i].url);
        free(c->sources[i].format);
        free(c->sources[i].ca_file);
    }
    free(c->sources);
    free(c->path);
    free(c->contact);
    digest_def_free(c->digest);
    memset(c, 0, sizeof(*c));
}

size_t
host_rule_count(const struct host *h)
{
    return h->nrules;
}

const char *
host_rule_name(const struct host *h, size_t i)
{
    return h->rules[i].name;
}

const char *
host_rule_where(const struct host *h, size_t i)
{
    return h->rules[i].where ? h->rules[i].where : "?";
}

const char *
host_ruleset_hash(const struct host *h)
{
    return h->hash;
}

/* The paper object rules see: a userdata, so rules can read but never
 * write, whose fields are made on first read from the record the host
 * holds while the paper's rules run (a rule reads two or three of twenty;
 * making them all cost more than the rule). A field made is kept in the
 * user value (p.authors == p.authors), a field the paper lacks too, as
 * ABSENT. pairs() makes them all. Read after the paper's rules have run,
 * the object has what it made, and an error for the rest; hooks get an
 * object with every field made. */
struct paper_ud {
    struct host *h;
    unsigned long gen; /* h->paper_gen when made */
    int whole;         /* every field made */
};

static const char ABSENT;     /* cached: the paper has no such field */
static const char EXTRAS_KEY; /* cache[&EXTRAS_KEY]: the extras, or false */

static void freeze(lua_State *L, int idx, int depth);

static int
paper_stale(const struct paper_ud *ud)
{
    return ud->h->cur == NULL || ud->gen != ud->h->paper_gen;
}

/* Push field name of the current paper, from the record, else from its
 * extras (which never hide the record's own): 1, or 0 for none. The
 * cache is at index 3. */
static int
make_field(lua_State *L, struct paper_ud *ud, const char *name)
{
    struct host *h = ud->h;

    if (paper_stale(ud))
        return luaL_error(L,
                          "paper: '%s' read after the paper's rules ran "
                          "(keep the values a rule needs, not the paper)",
                          name);
    if (!lbind_paper_field(L, h->cur, h->cur_sources, name)) {
        if (lua_rawgetp(L, 3, &EXTRAS_KEY) == LUA_TNIL) {
            lua_pop(L, 1);
            if (str_empty(h->cur->extras) ||
                !lbind_push_json(L, h->cur->extras) ||
                lua_type(L, -1) != LUA_TTABLE) {
                lua_settop(L, 3);
                lua_pushboolean(L, 0);
            }
            lua_pushvalue(L, -1);
            lua_rawsetp(L, 3, &EXTRAS_KEY);
        }
        if (lua_type(L, -1) != LUA_TTABLE ||
            lua_getfield(L, -1, name) == LUA_TNIL) {
            lua_settop(L, 3);
            return 0;
        }
        lua_remove(L, -2);
    }
    if (lua_type(L, -1) == LUA_TTABLE)
        freeze(L, lua_gettop(L), 1);
    return 1;
}

static int
paper_index(lua_State *L)
{
    struct paper_ud *ud = lua_touserdata(L, 1);
    int t;

    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1); /* p k cache */
    lua_pushvalue(L, 2);
    t = lua_rawget(L, 3); /* p k cache v */
    if (t == LUA_TNIL && !ud->whole && lua_type(L, 2) == LUA_TSTRING) {
        lua_pop(L, 1);
        if (make_field(L, ud, lua_tostring(L, 2))) {
            lua_pushvalue(L, 2);
            lua_pushvalue(L, -2);
            lua_rawset(L, 3); /* p k cache v */
            return 1;
        }
        lua_pushvalue(L, 2);
        lua_pushlightuserdata(L, (void *)&ABSENT);
        lua_rawset(L, 3);
    } else if (t != LUA_TNIL &&
               (t != LUA_TLIGHTUSERDATA || lua_touserdata(L, -1) != &ABSENT)) {
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_gettable(L, lua_upvalueindex(1)); /* methods[k] */
    return 1;
}

/* Every field, made now, as the user value; what was made before kept. */
static void
paper_whole(lua_State *L, int idx, struct paper_ud *ud)
{
    struct host *h = ud->h;

    lbind_push_paper(L, h->cur, h->cur_sources); /* fields */
    freeze(L, lua_gettop(L), 0);
    lua_getiuservalue(L, idx, 1); /* fields cache */
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* fields cache k v */
        if (lua_type(L, -2) == LUA_TSTRING &&
            lua_type(L, -1) != LUA_TLIGHTUSERDATA) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -5); /* fields cache k */
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lua_setiuservalue(L, idx, 1);
    ud->whole = 1;
}

static int
paper_newindex(lua_State *L)
{
    return luaL_error(L, "paper is read-only (tried to set '%s')",
                      luaL_tolstring(L, 2, NULL));
}

static int
paper_pairs(lua_State *L)
{
    struct paper_ud *ud = lua_touserdata(L, 1);

    if (!ud->whole) {
        if (paper_stale(ud))
            return luaL_error(L, "paper: pairs() after the paper's rules ran "
                                 "(keep the values a rule needs, not the "
                                 "paper)");
        paper_whole(L, 1, ud);
    }
    lua_getglobal(L, "next");
    lua_getiuservalue(L, 1, 1);
    lua_pushnil(L);
    return 3;
}

static int
paper_tostring(lua_State *L)
{
    struct paper_ud *ud = lua_touserdata(L, 1);

    lua_getiuservalue(L, 1, 1);
    if (lua_getfield(L, -1, "key") != LUA_TSTRING) {
        lua_pop(L, 1);
        if (paper_stale(ud) ||
            !lbind_paper_field(L, ud->h->cur, ud->h->cur_sources, "key"))
            lua_pushliteral(L, "?");
    }
    lua_pushfstring(L, "paper %s", lua_tostring(L, -1));
    return 1;
}

#define PAPER_MT "paperwatch.paper"

/* Nested tables of the paper (authors, categories, sources, extras) are
 * handed out as read-only proxies: an empty table whose metatable reads
 * through to the real one and refuses writes; __metatable hides it. Two
 * small tables per nested table, once per paper (not per rule). */
static int
ro_newindex(lua_State *L)
{
    return luaL_error(L, "paper is read-only (tried to set a field of a "
                         "nested table)");
}

static int
ro_len(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

static int
ro_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int
ro_pairs(lua_State *L)
{
    lua_pushcfunction(L, ro_next);
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index"); /* next mt inner */
    lua_remove(L, -2);
    lua_pushnil(L);
    return 3;
}

/* Replace the table at idx (absolute) by its read-only proxy, in place;
 * nested tables first. */
static void
freeze(lua_State *L, int idx, int depth)
{
    if (depth > 8)
        return;
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* k v */
        if (lua_type(L, -1) == LUA_TTABLE) {
            freeze(L, lua_gettop(L), depth + 1); /* k proxy */
            lua_pushvalue(L, -2);
            lua_insert(L, -2);  /* k k proxy */
            lua_rawset(L, idx); /* k  (replacing a value is safe in next) */
        } else {
            lua_pop(L, 1);
        }
    }
    if (depth == 0)
        return;
    lua_newtable(L);          /* t proxy */
    lua_createtable(L, 0, 6); /* t proxy mt */
    lua_pushvalue(L, idx);    /* t proxy mt t */
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ro_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2); /* t proxy */
    lua_replace(L, idx);     /* proxy */
}

/* The metatable, built once: __index looks in the fields, then in the
 * methods of lua/paperwatch/paper.lua. */
static int
paper_metatable(struct host *h, struct pw_err *e)
{
    lua_State *L = h->L;

    if (luaL_getmetatable(L, PAPER_MT) == LUA_TTABLE)
        return 0;
    lua_pop(L, 1);
    if (require(h, "paperwatch.paper", e) < 0)
        return -1;                  /* methods */
    luaL_newmetatable(L, PAPER_MT); /* methods mt */
    lua_insert(L, -2);              /* mt methods */
    lua_pushcclosure(L, paper_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, paper_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, paper_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, paper_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "paper");
    lua_setfield(L, -2, "__name");
    return 0;
}

/* The paper object is built on first need, once per paper: when rules
 * all run in C, never. */
void
host_begin_paper(struct host *h, const struct paper *p,
                 const struct strv *sources)
{
    host_end_paper(h);
    h->cur = p;
    h->cur_sources = sources;
    h->paper_gen++;
    h->may_done = 0;
    h->cur_in_lua =
        h->matcher &&
        matcher_begin(h->matcher, p,
                      sources && sources->n ? sources->v[0] : NULL) < 0;
}

void
host_end_paper(struct host *h)
{
    luaL_unref(h->L, LUA_REGISTRYINDEX, h->paper_ref);
    h->paper_ref = LUA_NOREF;
    h->cur = NULL;
    h->cur_sources = NULL;
    h->paper_gen++;
}

const unsigned char *
host_may_match(struct host *h)
{
    const signed char *q;
    const uint32_t *changed;
    size_t n;

    if (h->matcher == NULL || h->cur == NULL || h->cur_in_lua)
        return NULL;
    if (h->may_done)
        return h->may;
    if (h->may == NULL)
        h->may = xmalloc(h->nrules ? h->nrules : 1);
    q = matcher_quick(h->matcher);
    n = matcher_changed(h->matcher, &changed);
    if (n == SIZE_MAX) {
        for (size_t i = 0; i < h->nrules; i++)
            h->may[i] = h->cmap[i] < 0 || q[h->cmap[i]] != 0;
    } else { /* most rules: as for a paper with no find */
        memcpy(h->may, h->may0, h->nrules);
        for (size_t k = 0; k < n; k++)
            if (h->hmap[changed[k]] != UINT32_MAX)
                h->may[h->hmap[changed[k]]] = q[changed[k]] != 0;
    }
    h->may_done = 1;
    return h->may;
}

/* Push the current paper's object; whole: with every field made (for
 * hooks, which may keep it). */
static int
push_paper(struct host *h, int whole, struct pw_err *e)
{
    lua_State *L = h->L;
    struct paper_ud *ud;

    if (h->cur == NULL)
        return pw_errf(e, "no paper");
    if (h->paper_ref == LUA_NOREF) {
        if (paper_metatable(h, e) < 0)
            return pw_errf(e, "paper object: %s", e->msg);
        lua_pop(L, 1);
        ud = lua_newuserdatauv(L, sizeof(*ud), 1); /* ud */
        ud->h = h;
        ud->gen = h->paper_gen;
        ud->whole = 0;
        lua_createtable(L, 0, 4);
        lua_setiuservalue(L, -2, 1);
        luaL_setmetatable(L, PAPER_MT);
        h->paper_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->paper_ref);
    ud = lua_touserdata(L, -1);
    if (whole && !ud->whole)
        paper_whole(L, lua_gettop(L), ud);
    return 0;
}

static int budget_call(struct host *h, int nargs, int nres, struct pw_err *e);

/* Check what a rule returned: score[, reason]. */
static int
rule_result(struct host *h, size_t i, double *score, int *matched,
            struct buf *reason, struct pw_err *e)
{
    lua_State *L = h->L;
    int t = lua_type(L, -2);

    *matched = (t == LUA_TBOOLEAN && lua_toboolean(L, -2));
    if (t == LUA_TNUMBER) {
        *score = lua_tonumber(L, -2);
        *matched = *score != 0;
    } else if (t != LUA_TNIL && t != LUA_TBOOLEAN) {
        return pw_errf(e, "rule '%s' (%s) returned a %s, expected a number",
                       h->rules[i].name, host_rule_where(h, i),
                       lua_typename(L, t));
    }
    if (*score != *score) /* NaN */
        return pw_errf(e, "rule '%s' (%s) returned NaN", h->rules[i].name,
                       host_rule_where(h, i));
    if (*matched && lua_type(L, -1) == LUA_TSTRING)
        buf_adds(reason, lua_tostring(L, -1));
    return 0;
}

/* A rule in the C matcher; its failure (a regex that could not run) is
 * worded apart, keeping this path short: it runs for every rule and
 * paper. */
static int
c_rule_failed(struct host *h, size_t i, struct pw_err *e)
{
    struct pw_err why = *e;

    return pw_errf(e, "rule '%s' (%s): %s", h->rules[i].name,
                   host_rule_where(h, i), why.msg);
}

static int
c_rule(struct host *h, size_t i, double *score, int *matched,
       struct buf *reason, struct pw_err *e)
{
    const char *r = NULL;
    int rc = matcher_rule(h->matcher, (size_t)h->rules[i].c, score, &r, e);

    if (rc < 0)
        return c_rule_failed(h, i, e);
    if ((*matched = rc) && r)
        buf_adds(reason, r);
    return 0;
}

int
host_call_rule(struct host *h, size_t i, double *score, int *matched,
               struct buf *reason, struct pw_err *e)
{
    lua_State *L = h->L;
    struct pw_err why;
    int rc;

    *score = 0;
    *matched = 0;
    reason->len = 0;
    if (reason->p)
        reason->p[0] = '\0';
    if (h->rules[i].c >= 0 && h->cur && !h->cur_in_lua)
        return c_rule(h, i, score, matched, reason, e);
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->rules[i].ref);
    if (push_paper(h, 0, &why) < 0) {
        lua_pop(L, 1);
        return pw_errf(e, "rule '%s': %s", h->rules[i].name, why.msg);
    }
    rc = budget_call(h, 1, 2, &why);
    if (rc < 0)
        return pw_errf(e, "rule '%s' (%s): %s", h->rules[i].name,
                       host_rule_where(h, i), why.msg);
    rc = rule_result(h, i, score, matched, reason, e);
    lua_pop(L, 2);
    if (h->mem > h->mem_cap / 2)
        lua_gc(L, LUA_GCCOLLECT);
    return rc;
}

/* Fetch coroutines. */

void
host_set_http(struct host *h, struct http *http, const char *user_agent)
{
    h->http = http;
    str_set(&h->user_agent, user_agent);
}

struct http *
lbind_http(lua_State *L, const char **user_agent)
{
    struct host *h = get_host(L);

    *user_agent = h->user_agent;
    return h->http;
}

static struct fetch *
fetch_of(struct host *h, lua_State *co)
{
    for (struct fetch *f = h->fetches; f; f = f->next)
        if (f->co == co)
            return f;
    return NULL;
}

int
lbind_in_fetch(lua_State *L)
{
    struct host *h = get_host(L);

    return h->http != NULL && fetch_of(h, L) != NULL && lua_isyieldable(L);
}

static void
fetch_end(struct fetch *f, const char *error)
{
    struct host *h = f->h;
    struct fetch **pp;

    for (pp = &h->fetches; *pp != f; pp = &(*pp)->next)
        ;
    *pp = f->next;
    f->done(f->ud, error);
    luaL_unref(h->L, LUA_REGISTRYINDEX, f->ref);
    free(f);
}

/* The function returned its entries (a list, on top of co's stack). */
static void
fetch_entries(struct fetch *f)
{
    lua_State *co = f->co;
    lua_Integer n = (lua_Integer)lua_rawlen(co, -1);
    struct paper p;
    struct pw_err e;
    long bad = 0;

    paper_init(&p);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(co, -1, i);
        if (lbind_to_paper(co, -1, &p) < 0)
            bad++;
        else if (f->entry(f->ud, &p, &e) < 0) {
            lua_pop(co, 1);
            paper_fini(&p);
            fetch_end(f, e.msg);
            return;
        }
        lua_pop(co, 1);
        paper_fini(&p);
    }
    if (bad)
        log_warn(f->h->log, "%s: %ld entries without id, link or title skipped",
                 f->name, bad);
    fetch_end(f, NULL);
}

/* The traceback without the host's own frames (paperwatch/fetch.lua runs
 * the user's function): what is left is the user's code. */
static void
traceback_user(struct buf *b, const char *tb)
{
    const char *line = tb, *nl;

    for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
        nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (memmem(line, n, "paperwatch/fetch.lua:", 21) != NULL)
            continue;
        buf_add(b, line, n);
        if (nl)
            buf_addc(b, '\n');
    }
    while (b->len && b->p[b->len - 1] == '\n')
        b->p[--b->len] = '\0';
}

/* Resume co with nargs values on its stack; decide what happened. */
static void
fetch_step(struct fetch *f, int nargs)
{
    lua_State *co = f->co;
    int nres, rc = lua_resume(co, f->h->L, nargs, &nres);
    struct buf why;

    if (rc == LUA_YIELD) {
        lua_pop(co, nres); /* waiting for a transfer: http resumes it */
        return;
    }
    if (rc == LUA_OK) {
        fetch_entries(f);
        return;
    }
    buf_init(&why);
    if (lua_type(co, -1) == LUA_TSTRING) {
        luaL_traceback(f->h->L, co, lua_tostring(co, -1), 0);
        traceback_user(&why, lua_tostring(f->h->L, -1));
        lua_pop(f->h->L, 1);
    } else {
        buf_adds(&why, rc == LUA_ERRMEM ? "out of memory"
                                        : "(error object is not a string)");
    }
    fetch_end(f, why.p);
    buf_fini(&why);
}

void
lbind_fetch_resume(lua_State *co, int nargs)
{
    struct fetch *f = fetch_of(get_host(co), co);

    if (f != NULL)
        fetch_step(f, nargs);
}

int
host_fetch(struct host *h, const struct source_def *d, host_entry_fn entry,
           host_done_fn done, void *ud)
{
    lua_State *L = h->L;
    struct fetch *f;
    struct pw_err e;

    if (require(h, "paperwatch.fetch", &e) < 0) {
        done(ud, e.msg);
        return -1;
    }
    lua_getfield(L, -1, "run"); /* fetchmod run */
    f = xcalloc(1, sizeof(*f));
    f->h = h;
    f->name = d->name;
    f->entry = entry;
    f->done = done;
    f->ud = ud;
    f->co = lua_newthread(L);                /* fetchmod run co */
    f->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* fetchmod run */
    lua_xmove(L, f->co, 1);                  /* fetchmod | run */
    lua_pop(L, 1);
    if (require(h, "paperwatch.registry", &e) < 0) {
        free(f);
        done(ud, e.msg);
        return -1;
    }
    lua_getfield(L, -1, "sources");
    lua_rawgeti(L, -1, (lua_Integer)d->index + 1); /* reg srcs src */
    lua_xmove(L, f->co, 1);                        /* co: run src */
    lua_pop(L, 2);
    f->next = h->fetches;
    h->fetches = f;
    fetch_step(f, 1);
    return 0;
}

int
host_render_digest(struct host *h, const struct digest *d, const char *format,
                   struct buf *out, struct pw_err *e)
{
    lua_State *L = h->L;
    const char *s;
    size_t len;

    if (require(h, "paperwatch.digest", e) < 0)
        return -1;
    lua_getfield(L, -1, "render"); /* mod render */
    lua_pushstring(L, format);     /* mod render format */
    lbind_push_digest(L, d);       /* mod render format d */
    if (host_pcall(h, 2, 1, e) < 0) {
        lua_pop(L, 1);
        return -1;
    }
    s = lua_tolstring(L, -1, &len); /* mod text */
    if (s == NULL) {
        pw_errf(e, "digest template '%s' returned %s, not a string", format,
                luaL_typename(L, -1));
        lua_pop(L, 2);
        return -1;
    }
    buf_add(out, s, len);
    lua_pop(L, 2);
    return 0;
}

/* Rule flags, filters, hooks, limits, `check` (score.c, pipeline.c). */

unsigned
host_rule_flags(const struct host *h, size_t i)
{
    return h->rules[i].flags;
}

const char *
host_rule_tag(const struct host *h, size_t i)
{
    return h->rules[i].tag;
}

int
host_has_filters(const struct host *h)
{
    return h->nfilters > 0;
}

int
host_has_hooks(const struct host *h)
{
    return h->nhooks > 0;
}

void
host_set_db_path(struct host *h, const char *path)
{
    str_set(&h->db_path, path);
}

const char *
lbind_db_path(lua_State *L)
{
    return get_host(L)->db_path;
}

/* Call the function under nargs arguments with the budget and the memory
 * cap on, like a rule. */
static int
budget_call(struct host *h, int nargs, int nres, struct pw_err *e)
{
    int rc;

    h->budget_left = h->budget;
    h->mem_tripped = 0;
    h->cap_on = 1;
    lua_sethook(h->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    rc = host_pcall(h, nargs, nres, e);
    lua_sethook(h->L, NULL, 0, 0);
    h->cap_on = 0;
    h->mem_tripped = 0;
    return rc;
}

int
host_filter_paper(struct host *h, const struct paper *p, const char *source,
                  long *dropped_by, struct pw_err *e)
{
    struct strv src;
    struct buf reason;
    int has_keep = 0, kept = 0, dropped = 0, matched;
    double v;

    *dropped_by = -1;
    if (h->nfilters == 0)
        return 1;
    strv_init(&src);
    buf_init(&reason);
    if (source)
        strv_add(&src, source);
    host_begin_paper(h, p, source ? &src : NULL);
    for (size_t i = 0; i < h->nrules && !dropped; i++) {
        unsigned f = h->rules[i].flags;
        if (!(f & (HOST_RULE_KEEP | HOST_RULE_DROP)))
            continue;
        has_keep |= (f & HOST_RULE_KEEP) != 0;
        if (host_call_rule(h, i, &v, &matched, &reason, e) < 0) {
            /* a failing filter keeps the paper; said once a run */
            if (!(h->rules[i].flags & RULE_REPORTED))
                log_error(h->log, "%s (paper %s; kept)", e->msg,
                          p->key ? p->key : "?");
            h->rules[i].flags |= RULE_REPORTED;
            kept |= (f & HOST_RULE_KEEP) != 0;
            continue;
        }
        if (matched && (f & HOST_RULE_DROP)) {
            dropped = 1;
            *dropped_by = (long)i;
        }
        kept |= matched && (f & HOST_RULE_KEEP);
    }
    host_end_paper(h);
    buf_fini(&reason);
    strv_fini(&src);
    return !dropped && (!has_keep || kept);
}

/* rules.run_hooks(p, score, matched) in Lua: each matching rule's
 * on_match, then pw.on_match hooks by min_score; their errors come back
 * as a list of strings. */
int
host_run_hooks(struct host *h, const struct paper *p,
               const struct strv *sources, double score, const int *matched,
               struct strv *errors, struct pw_err *e)
{
    lua_State *L = h->L;
    int rc;

    if (h->nhooks == 0)
        return 0;
    if (require(h, "paperwatch.hooks", e) < 0)
        return -1;
    lua_getfield(L, -1, "run"); /* hooks run */
    lua_remove(L, -2);
    host_begin_paper(h, p, sources);
    if (push_paper(h, 1, e) < 0) {
        lua_pop(L, 1);
        host_end_paper(h);
        return -1;
    }
    lua_pushnumber(L, score);
    lua_createtable(L, (int)h->nrules, 0); /* run p score matched */
    for (size_t i = 0; i < h->nrules; i++) {
        lua_pushboolean(L, matched[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    rc = budget_call(h, 3, 1, e);
    host_end_paper(h);
    if (rc < 0)
        return -1;
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
        strv_add(errors, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return 0;
}

int
host_check_config(struct host *h, const char *path, struct config *c,
                  struct strv *problems, struct pw_err *e)
{
    struct pw_err why;
    int rc;

    if (require(h, "paperwatch.registry", e) < 0)
        return -1;
    lua_pushboolean(h->L, 1);
    lua_setfield(h->L, -2, "checking");
    lua_pop(h->L, 1);
    rc = host_load_config(h, path, c, &why);
    if (require(h, "paperwatch.registry", e) < 0)
        return -1;
    lua_getfield(h->L, -1, "problems");
    for (lua_Integer i = 1; lua_rawgeti(h->L, -1, i) == LUA_TSTRING; i++) {
        strv_add(problems, lua_tostring(h->L, -1));
        lua_pop(h->L, 1);
    }
    lua_pop(h->L, 3);
    if (rc < 0)
        strv_add(problems, why.msg); /* syntax or runtime error */
    return 0;
}
