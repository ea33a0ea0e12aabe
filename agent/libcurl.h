/* libcurl.h: libcurl, loaded at first use (dl.h), shared by http.c and
 * mail.c. Each caller keeps its own copy of the table of pointers, filled
 * by libcurl_load(): `static struct libcurl_fns curl;` then
 * curl.easy_init() is curl_easy_init(), by a pointer of its own type. */
#ifndef PW_LIBCURL_H
#define PW_LIBCURL_H

#include <curl/curl.h>

#include "util.h"

/* Every libcurl function the agent calls, without its "curl_" prefix. */
#define LIBCURL_FNS(X)                                                         \
    X(global_init)                                                             \
    X(global_cleanup)                                                          \
    X(easy_init)                                                               \
    X(easy_setopt)                                                             \
    X(easy_getinfo)                                                            \
    X(easy_perform)                                                            \
    X(easy_strerror)                                                           \
    X(easy_cleanup)                                                            \
    X(multi_init)                                                              \
    X(multi_setopt)                                                            \
    X(multi_add_handle)                                                        \
    X(multi_remove_handle)                                                     \
    X(multi_assign)                                                            \
    X(multi_socket_action)                                                     \
    X(multi_info_read)                                                         \
    X(multi_cleanup)                                                           \
    X(slist_append)                                                            \
    X(slist_free_all)                                                          \
    X(url)                                                                     \
    X(url_set)                                                                 \
    X(url_get)                                                                 \
    X(url_cleanup)                                                             \
    X(free)                                                                    \
    X(getdate)

struct libcurl_fns {
#define LIBCURL_PTR(f) __typeof__(curl_##f) *f;
    LIBCURL_FNS(LIBCURL_PTR)
#undef LIBCURL_PTR
};

/* Load libcurl once (later calls copy what the first resolved) and fill
 * *fns. 0, or -1 with e saying "cannot load libcurl.so.4: why". */
int libcurl_load(struct libcurl_fns *fns, struct pw_err *e);

#endif
