/* dl.h: optional libraries, loaded at first use with dlopen() so that a
 * command maps only what it calls. libcurl and libnotify bring some forty
 * libraries and 8 MiB of peak memory with them (issue 3), and some 6 ms
 * at every start; `paperwatch parse` or `list` needs neither.
 *
 * A module lists the functions it calls once, as an X-macro, and builds
 * from that list both its table of pointers (each with the prototype from
 * the library's own header, by __typeof__) and the symbols to resolve:
 *
 *     #define CURL_FNS(X) X(easy_init) X(easy_cleanup) ...
 *     static struct curl_fns {
 *     #define PTR(f) __typeof__(curl_##f) *f;
 *         CURL_FNS(PTR)
 *     } curl;
 *     static const struct dl_sym curl_syms[] = {
 *     #define SYM(f) { "curl_" #f, offsetof(struct curl_fns, f) },
 *         CURL_FNS(SYM)
 *     };
 *     dl_load("libcurl.so.4", curl_syms, DL_COUNT(curl_syms), &curl, e);
 *
 * and calls curl.easy_init(). Nothing is resolved until the module's first
 * use, and then everything at once: a missing symbol fails there, not in
 * the middle of a transfer. */
#ifndef PW_DL_H
#define PW_DL_H

#include <stddef.h>

#include "util.h"

struct dl_sym {
    const char *name; /* the library's symbol */
    size_t off;       /* where its pointer goes in the table */
};

#define DL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Open soname and store the address of each of the n syms[i].name at
 * table + syms[i].off. 0, or -1 with e saying "cannot load SONAME: why" (the
 * library is closed again then, and the table must not be used).
 *
 * A library loaded is never closed: libcurl and GIO keep process-wide
 * state, threads and handles that must not lose their code, and the
 * mapping costs nothing once made. Main thread only. */
int dl_load(const char *soname, const struct dl_sym *syms, size_t n,
            void *table, struct pw_err *e);

#endif
