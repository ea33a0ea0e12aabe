/* http.h: concurrent fetching on libcurl's multi interface, driven by the
 * one GLib main loop. Knows nothing of feeds, SQLite or Lua. */
#ifndef PW_HTTP_H
#define PW_HTTP_H

#include <stddef.h>

#include "util.h"

struct http;

/* Called once, before the first body byte of a delivered answer, with the
 * URL it came from (after redirects) and its Content-Type (or NULL). The
 * strings are borrowed for the call only. */
typedef void (*http_head_fn)(void *ud, const char *url,
                             const char *content_type);

struct http_request {
    const char *url;            /* borrowed, copied by http_add */
    const char *etag;           /* sent as If-None-Match, or NULL */
    const char *last_modified;  /* sent as If-Modified-Since, or NULL */
    const char *user_agent;     /* NULL: the default */
    int allow_file;             /* permit file:// (sources the config names) */
    long connect_timeout;       /* seconds; 0: default 20 */
    long timeout;               /* seconds for the whole transfer; 0: 300 */
    long low_speed_time;        /* abort below 10 B/s for this long; 0: 60 */
    size_t max_bytes;           /* cap on decompressed body bytes; 0: 64 MiB */
    http_head_fn head;          /* or NULL */
    const char *const *headers; /* more "Name: value" lines, NULL-ended, or
                                   NULL */
    const char *post;           /* a body to POST (copied), or NULL: GET */
    const char *ca_file;        /* trust these CAs (PEM) instead of the
                                   system's; verification stays on */
    size_t post_len;
    double min_delay; /* seconds between the end of one request to
                         its host and the start of the next; never
                         under 3 on arxiv.org hosts */
};

struct http_result {
    const char *url;           /* the request's URL */
    const char *effective_url; /* after redirects */
    const char *moved_to;      /* effective_url when every redirect was
                                  permanent (301/308), else NULL */
    long status;               /* HTTP status; 0 for file:// or no answer */
    int ok;                    /* 1: body complete and status 2xx (or file) */
    int not_modified;          /* 1: 304 */
    const char *error;         /* why not ok, for a person, or NULL */
    const char *etag;          /* response ETag, or NULL */
    const char *last_modified; /* response Last-Modified, or NULL */
    const char *content_type;  /* or NULL */
    long retry_after;          /* seconds from Retry-After, -1 if none */
    size_t bytes;              /* body bytes delivered */
};

/* Body bytes of a 2xx answer (or a file) as they arrive, after
 * decompression. Return 0 to go on, -1 to abort the transfer (the result
 * then carries error "aborted: ..." with the message from e). */
typedef int (*http_data_fn)(void *ud, const char *p, size_t n,
                            struct pw_err *e);
/* Exactly once per request, when it ends for any reason. The result and
 * its strings are borrowed for the call only. */
typedef void (*http_done_fn)(void *ud, const struct http_result *r);

/* max_total: transfers at once (0: 8). At most one connection per host. */
struct http *http_new(int max_total, struct pw_err *e);
void http_free(struct http *h);

int http_add(struct http *h, const struct http_request *req, http_data_fn data,
             http_done_fn done, void *ud, struct pw_err *e);

/* Run the main loop until every added request has ended. */
void http_run(struct http *h);

#endif
