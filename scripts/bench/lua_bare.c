/* lua_bare.c: the floor for a Lua function rule, for `make bench`. Reads
 * papers as "title\tabstract" lines from stdin, loads the rule file (its
 * pw.rule(name, fn) is caught by a stand-in paperwatch module), then calls
 * fn once per paper with a fresh table {title=, abstract=} through the
 * plain Lua C API: no sandbox, no budget hook, no read-only object.
 * Prints the best papers/s of N runs.
 *
 *   lua_bare RULES.lua [RUNS] < papers.tsv */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "papers.h"

static int
catch_rule(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_setfield(L, LUA_REGISTRYINDEX, "bench_rule");
    return 0;
}

int
main(int argc, char **argv)
{
    lua_State *L = luaL_newstate();
    struct papers ps;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    double best = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: lua_bare RULES.lua [RUNS] < papers.tsv\n");
        return 2;
    }
    papers_read(&ps, stdin);
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "loaded");
    lua_newtable(L);
    lua_pushcfunction(L, catch_rule);
    lua_setfield(L, -2, "rule");
    lua_setfield(L, -2, "paperwatch");
    lua_pop(L, 2);
    if (luaL_dofile(L, argv[1]) != LUA_OK) {
        fprintf(stderr, "lua_bare: %s\n", lua_tostring(L, -1));
        return 1;
    }
    for (int r = 0; r < runs; r++) {
        double t0 = now(), sum = 0;
        for (size_t i = 0; i < ps.n; i++) {
            lua_getfield(L, LUA_REGISTRYINDEX, "bench_rule");
            lua_createtable(L, 0, 2);
            lua_pushstring(L, ps.title[i]);
            lua_setfield(L, -2, "title");
            lua_pushstring(L, ps.abstract[i]);
            lua_setfield(L, -2, "abstract");
            if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
                fprintf(stderr, "lua_bare: %s\n", lua_tostring(L, -1));
                return 1;
            }
            sum += lua_tonumber(L, -1);
            lua_pop(L, 1);
        }
        t0 = now() - t0;
        if (t0 > 0 && ps.n / t0 > best)
            best = ps.n / t0;
        if (sum < 0)
            puts("");
    }
    printf("%.0f\n", best);
    papers_free(&ps);
    lua_close(L);
    return 0;
}
