/* libcurl.c: the one place libcurl is resolved (dl.h). */
#include <stddef.h>

#include "dl.h"
#include "libcurl.h"

#ifndef PW_CURL_SONAME
#define PW_CURL_SONAME "libcurl.so.4" /* Debian's libcurl4 (OpenSSL) */
#endif

int
libcurl_load(struct libcurl_fns *fns, struct pw_err *e)
{
    static const struct dl_sym syms[] = {
#define SYM(f) { "curl_" #f, offsetof(struct libcurl_fns, f) },
        LIBCURL_FNS(SYM)
#undef SYM
    };
    /* NOTE: main thread only, like dl_load itself. */
    static struct libcurl_fns table;
    static int loaded;

    if (!loaded &&
        dl_load(PW_CURL_SONAME, syms, DL_COUNT(syms), &table, e) == 0)
        loaded = 1;
    if (!loaded)
        return -1;
    *fns = table;
    return 0;
}
