/* dl.c: dlopen() a library and fill a module's table of its functions. */
#include <dlfcn.h>
#include <string.h>

#include "dl.h"

int
dl_load(const char *soname, const struct dl_sym *syms, size_t n, void *table,
        struct pw_err *e)
{
    void *lib, *fn;
    const char *why;
    size_t i;

    /* RTLD_NOW: the library's own undefined symbols are bound here too,
     * so a broken installation fails at load, not at a later call. */
    lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return pw_errf(e, "cannot load %s: %s", soname, dlerror());
    for (i = 0; i < n; i++) {
        dlerror();
        fn = dlsym(lib, syms[i].name); /* searches its dependencies too */
        if (fn == NULL) {
            why = dlerror();
            pw_errf(e, "cannot load %s: %s", soname,
                    why ? why : "symbol is NULL");
            dlclose(lib);
            return -1;
        }
        /* POSIX: a function's address fits a void *, and back. */
        memcpy((char *)table + syms[i].off, &fn, sizeof(fn));
    }
    return 0;
}
