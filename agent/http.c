/* http.c: concurrent fetching on libcurl's multi interface, driven by the
 * one GLib main loop (the default GMainContext).
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * to wake it (CURLMOPT_TIMERFUNCTION); we keep one GLib fd source per
 * socket and one timeout source, and both call curl_multi_socket_action().
 * Finished transfers are collected with curl_multi_info_read() and handed
 * to their done callback, once each.
 *
 * Requests wait in our own queue until they may start: at most max_total
 * at once and one per host (host:port). curl could queue them itself
 * (CURLMOPT_MAX_HOST_CONNECTIONS, kept as a safety belt), but libcurl 7.88
 * counts the time a transfer waits there against its CONNECTTIMEOUT and
 * TIMEOUT, so the tenth request to a slow host would fail "timed out"
 * without ever being sent.
 *
 * libcurl is not linked but loaded at the first http_new() (dl.h): linked,
 * it and the 30 libraries it needs (TLS, Kerberos, LDAP, SSH, HTTP/2, IDN)
 * would cost every command 6.5 MiB and 5 ms, fetching or not. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <glib-unix.h>
#include <glib.h>

#include "http.h"
#include "libcurl.h"
#include "util.h"

#ifndef PW_VERSION
#define PW_VERSION "0"
#endif

#define DEFAULT_UA "paperwatch/" PW_VERSION " (+https://github.com/paperwatch)"
#define DEFAULT_MAX_TOTAL 8
#define DEFAULT_CONNECT_TIMEOUT 20L
#define DEFAULT_TIMEOUT 300L
#define DEFAULT_LOW_SPEED_TIME 60L
#define DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define ARXIV_GAP 3.0 /* seconds: arXiv asks for one request every 3 s */
#define LOW_SPEED_LIMIT 10L
#define MAX_REDIRS 5L

/* libcurl's functions (libcurl.h): curl.easy_init() is curl_easy_init(). */
static struct libcurl_fns curl;

/* One socket curl asked us to watch. */
struct sock {
    struct http *h; /* borrowed */
    curl_socket_t fd;
    guint source; /* GLib source id, 0 when none */
    struct sock *prev, *next;
};

/* One request in flight: the easy handle and all its callbacks see. */
struct xfer {
    struct http *h;             /* borrowed */
    CURL *easy;                 /* owned */
    struct curl_slist *headers; /* owned */
    char *url;                  /* owned */
    char *host;                 /* owned: "host:port", "" for file:// */
    int started;                /* handed to curl (else queued) */
    http_head_fn head;
    http_data_fn data;
    http_done_fn done;
    void *ud;    /* borrowed, the caller's */
    int is_file; /* the URL is file:// (and allowed) */
    long connect_timeout, timeout, low_speed_time;
    size_t max_bytes;
    double min_delay; /* seconds to leave between requests to its host */
    /* Of the current response; reset at each status line (redirects). */
    long hstatus;
    char *reason; /* owned: the status line's phrase */
    char *etag, *last_modified, *content_type; /* owned */
    long retry_after;
    int moved;      /* permanent redirects followed */
    int temp_moved; /* a temporary one among them */
    size_t seen;    /* body bytes of this response, all kinds */
    size_t bytes;   /* body bytes handed to data */
    int too_big, aborted;
    struct pw_err abort_err;
    char errbuf[CURL_ERROR_SIZE];
    struct xfer *prev, *next; /* in http.queue or http.running */
};

struct xlist {
    struct xfer *head, *tail;
};

/* What politeness remembers of a host. */
struct host {
    char *key;         /* owned: "host:port" */
    gint64 free_at;    /* monotonic microseconds: no request before */
    struct host *next; /* owned */
};

struct http {
    CURLM *multi;         /* owned */
    guint timer;          /* GLib source id, 0 when none */
    int max_total;        /* transfers at once */
    int active;           /* requests added and not yet done */
    int nrunning;         /* of which handed to curl */
    int closing;          /* in http_free: refuse new requests */
    int pumping;          /* in pump(): no re-entry */
    struct xlist queue;   /* owned: waiting, first come first */
    struct xlist running; /* owned: handed to curl */
    struct sock *socks;   /* owned */
    struct host *hosts;   /* owned */
    guint gap_timer;      /* GLib source id: pump when a gap ends */
};

static void finish(struct xfer *x, CURLcode rc, const char *why);
static void xfer_free(struct xfer *x);
static void pump(struct http *h);

/* ---- the loop: sockets and the timer ---------------------------------- */

static void
collect_done(struct http *h)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl.multi_info_read(h->multi, &left)) != NULL) {
        struct xfer *x = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        finish(x, msg->data.result, NULL);
    }
}

static gboolean
on_fd(gint fd, GIOCondition cond, gpointer ud)
{
    struct http *h = ud;
    int flags = 0, running;

    if (cond & (G_IO_IN | G_IO_HUP))
        flags |= CURL_CSELECT_IN;
    if (cond & G_IO_OUT)
        flags |= CURL_CSELECT_OUT;
    if (cond & G_IO_ERR)
        flags |= CURL_CSELECT_ERR;
    curl.multi_socket_action(h->multi, fd, flags, &running);
    collect_done(h);
    /* curl may have removed this very source meanwhile; GLib allows it. */
    return G_SOURCE_CONTINUE;
}

static gboolean
on_timer(gpointer ud)
{
    struct http *h = ud;
    int running;

    h->timer = 0; /* spent: on_curl_timer may set a new one */
    curl.multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect_done(h);
    return G_SOURCE_REMOVE;
}

static int
on_curl_timer(CURLM *multi, long ms, void *ud)
{
    struct http *h = ud;

    (void)multi;
    if (h->timer != 0) {
        g_source_remove(h->timer);
        h->timer = 0;
    }
    if (ms >= 0)
        h->timer = g_timeout_add((guint)ms, on_timer, h);
    return 0;
}

static void
sock_free(struct sock *s)
{
    if (s->source != 0)
        g_source_remove(s->source);
    if (s->prev)
        s->prev->next = s->next;
    else
        s->h->socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    free(s);
}

static int
on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp)
{
    struct http *h = ud;
    struct sock *s = sockp;
    GIOCondition cond = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (s != NULL)
            sock_free(s);
        curl.multi_assign(h->multi, fd, NULL);
        return 0;
    }
    if (s == NULL) {
        s = xcalloc(1, sizeof(*s));
        s->h = h;
        s->fd = fd;
        s->next = h->socks;
        if (h->socks)
            h->socks->prev = s;
        h->socks = s;
        curl.multi_assign(h->multi, fd, s);
    }
    if (s->source != 0)
        g_source_remove(s->source);
    if (what & CURL_POLL_IN)
        cond |= G_IO_IN;
    if (what & CURL_POLL_OUT)
        cond |= G_IO_OUT;
    s->source = g_unix_fd_add(fd, cond | G_IO_ERR | G_IO_HUP, on_fd, h);
    return 0;
}

/* ---- per-transfer callbacks -------------------------------------------- */

/* A new response begins (the first, or the next after a redirect): forget
 * what the previous one said. */
static void
reset_response(struct xfer *x, const char *line, size_t n)
{
    const char *sp = memchr(line, ' ', n), *end = line + n;

    /* a new response after a redirect: curl followed it */
    if (x->hstatus == 301 || x->hstatus == 308)
        x->moved++;
    else if (x->hstatus >= 300 && x->hstatus < 400 && x->hstatus != 304)
        x->temp_moved = 1;
    str_set(&x->etag, NULL);
    str_set(&x->last_modified, NULL);
    str_set(&x->content_type, NULL);
    str_set(&x->reason, NULL);
    x->retry_after = -1;
    x->seen = 0;
    x->hstatus = sp ? strtol(sp + 1, NULL, 10) : 0;
    if (sp == NULL || end - sp < 5)
        return;
    sp += 5; /* " 404 Not Found" -> "Not Found" */
    while (end > sp && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    if (end > sp)
        x->reason = xstrndup(sp, (size_t)(end - sp));
}

/* Retry-After: delay-seconds or an HTTP date; -1 if neither. */
static long
parse_retry_after(const char *v)
{
    char *end;
    long secs = strtol(v, &end, 10);
    time_t t;

    if (end != v && *end == '\0' && secs >= 0)
        return secs;
    t = curl.getdate(v, NULL);
    if (t == -1)
        return -1;
    t -= time(NULL);
    return t > 0 ? (long)t : 0;
}

static void
keep_header(struct xfer *x, const char *name, size_t nlen, const char *v)
{
    static const struct {
        const char *name;
        size_t off;
    } keep[] = {
        { "etag", offsetof(struct xfer, etag) },
        { "last-modified", offsetof(struct xfer, last_modified) },
        { "content-type", offsetof(struct xfer, content_type) },
    };
    size_t i;

    if (nlen == 11 && strncasecmp(name, "retry-after", 11) == 0) {
        x->retry_after = parse_retry_after(v);
        return;
    }
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        if (strlen(keep[i].name) == nlen &&
            strncasecmp(name, keep[i].name, nlen) == 0)
            str_set((char **)((char *)x + keep[i].off), v);
    }
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    const char *colon, *v, *end = p + n;
    char *val;

    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        reset_response(x, p, n);
        return n;
    }
    colon = memchr(p, ':', n);
    if (colon == NULL)
        return n;
    for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
        ;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
                       end[-1] == '\t'))
        end--;
    val = xstrndup(v, (size_t)(end - v));
    keep_header(x, p, (size_t)(colon - p), val);
    free(val);
    return n;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    int deliver =
        x->hstatus == 0 ? x->is_file : x->hstatus >= 200 && x->hstatus < 300;

    if (n > x->max_bytes - x->seen) {
        x->too_big = 1;
        return 0; /* anything but n: curl stops with CURLE_WRITE_ERROR */
    }
    x->seen += n;
    if (!deliver)
        return n; /* an error page or such: read and drop */
    if (x->bytes == 0 && x->head != NULL) {
        char *eff = NULL;
        curl.easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
        x->head(x->ud, eff ? eff : x->url, x->content_type);
        x->head = NULL;
    }
    if (x->data != NULL && x->data(x->ud, p, n, &x->abort_err) != 0) {
        x->aborted = 1;
        return 0;
    }
    x->bytes += n;
    return n;
}

/* ---- the queue ---------------------------------------------------------- */

static void
xlist_push(struct xlist *l, struct xfer *x)
{
    x->next = NULL;
    x->prev = l->tail;
    if (l->tail)
        l->tail->next = x;
    else
        l->head = x;
    l->tail = x;
}

static void
xlist_unlink(struct xlist *l, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        l->head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        l->tail = x->prev;
    x->prev = x->next = NULL;
}

static struct host *
host_get(struct http *h, const char *key)
{
    struct host *o;

    for (o = h->hosts; o != NULL; o = o->next)
        if (strcmp(o->key, key) == 0)
            return o;
    o = xcalloc(1, sizeof(*o));
    o->key = xstrdup(key);
    o->next = h->hosts;
    h->hosts = o;
    return o;
}

/* The gap after a request to this host: the source's own, and never under
 * 3 s on arXiv, whatever the config says. */
static double
gap_for(const struct xfer *x)
{
    const char *colon = strrchr(x->host, ':');
    size_t n = colon ? (size_t)(colon - x->host) : strlen(x->host);
    int arxiv = (n == 9 && strncmp(x->host, "arxiv.org", 9) == 0) ||
                (n > 10 && strncmp(x->host + n - 10, ".arxiv.org", 10) == 0);

    return arxiv && x->min_delay < ARXIV_GAP ? ARXIV_GAP : x->min_delay;
}

/* 1: may start now; 0: not now (*wait_us > 0 when only the host's gap is
 * in the way, for how long). */
static int
may_start(struct http *h, const struct xfer *x, gint64 now, gint64 *wait_us)
{
    const struct xfer *r;
    struct host *o;

    *wait_us = 0;
    if (h->nrunning >= h->max_total)
        return 0;
    if (x->host[0] == '\0')
        return 1; /* a file */
    for (r = h->running.head; r != NULL; r = r->next)
        if (strcmp(r->host, x->host) == 0)
            return 0;
    o = host_get(h, x->host);
    if (o->free_at > now) {
        *wait_us = o->free_at - now;
        return 0;
    }
    return 1;
}

static gboolean
on_gap_timer(gpointer ud)
{
    struct http *h = ud;

    h->gap_timer = 0;
    pump(h);
    return G_SOURCE_REMOVE;
}

static int
start(struct http *h, struct xfer *x)
{
    if (curl.multi_add_handle(h->multi, x->easy) != CURLM_OK)
        return -1;
    x->started = 1;
    xlist_push(&h->running, x);
    h->nrunning++;
    return 0;
}

/* Start what may start now, in the order the requests came; when only a
 * host's gap holds a request back, wake up when the first gap ends. */
static void
pump(struct http *h)
{
    struct xfer *x, *next;
    gint64 now = g_get_monotonic_time(), wait, soonest = 0;

    if (h->pumping || h->closing)
        return;
    h->pumping = 1;
    for (x = h->queue.head; x != NULL && h->nrunning < h->max_total; x = next) {
        next = x->next;
        if (!may_start(h, x, now, &wait)) {
            if (wait > 0 && (soonest == 0 || wait < soonest))
                soonest = wait;
            continue;
        }
        xlist_unlink(&h->queue, x);
        if (start(h, x) != 0) {
            xlist_push(&h->queue, x); /* finish() unlinks it again */
            finish(x, CURLE_OK, "could not start the transfer");
        }
    }
    if (soonest > 0 && h->gap_timer == 0)
        h->gap_timer =
            g_timeout_add((guint)((soonest + 999) / 1000), on_gap_timer, h);
    h->pumping = 0;
}

/* ---- results ------------------------------------------------------------ */

static const struct {
    long code;
    const char *text;
} reasons[] = {
    { 300, "Multiple Choices" },
    { 301, "Moved Permanently" },
    { 302, "Found" },
    { 303, "See Other" },
    { 304, "Not Modified" },
    { 307, "Temporary Redirect" },
    { 308, "Permanent Redirect" },
    { 400, "Bad Request" },
    { 401, "Unauthorized" },
    { 403, "Forbidden" },
    { 404, "Not Found" },
    { 405, "Method Not Allowed" },
    { 406, "Not Acceptable" },
    { 408, "Request Timeout" },
    { 410, "Gone" },
    { 429, "Too Many Requests" },
    { 500, "Internal Server Error" },
    { 501, "Not Implemented" },
    { 502, "Bad Gateway" },
    { 503, "Service Unavailable" },
    { 504, "Gateway Timeout" },
};

/* "HTTP 429 Too Many Requests (retry after 120 s)" */
static void
status_error(const struct xfer *x, long status, struct buf *b)
{
    const char *text = NULL;
    size_t i;

    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].code == status)
            text = reasons[i].text;
    if (text == NULL)
        text = x->reason; /* the server's words for an unusual code */
    buf_addf(b, "HTTP %ld", status);
    if (text != NULL)
        buf_addf(b, " %s", text);
    if (x->retry_after >= 0 && status != 304)
        buf_addf(b, " (retry after %ld s)", x->retry_after);
}

/* Append one part of url (CURLUPART_HOST, ...), or the URL if unparsable. */
static void
url_part(const char *url, CURLUPart what, struct buf *b)
{
    CURLU *u = curl.url();
    char *part = NULL;

    if (u != NULL && url != NULL &&
        curl.url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == 0 &&
        curl.url_get(u, what, &part, CURLU_DEFAULT_PORT) == 0)
        buf_adds(b, part);
    else
        buf_adds(b, url ? url : "?");
    curl.free(part);
    curl.url_cleanup(u);
}

static void
timeout_error(const struct xfer *x, struct buf *b)
{
    curl_off_t connected = 0;

    curl.easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connected);
    if (strncmp(x->errbuf, "Operation too slow", 18) == 0)
        buf_addf(b, "transfer stalled: under %ld B/s for %ld s",
                 LOW_SPEED_LIMIT, x->low_speed_time);
    else if (connected == 0)
        buf_addf(b, "timed out after %ld s (connect)",
                 x->connect_timeout < x->timeout ? x->connect_timeout
                                                 : x->timeout);
    else
        buf_addf(b, "timed out after %ld s (whole transfer)", x->timeout);
}

/* "could not connect to 127.0.0.1 port 1: Connection refused" */
static void
connect_error(const struct xfer *x, const char *eff, struct buf *b)
{
    long oserr = 0;

    curl.easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
    buf_adds(b, "could not connect to ");
    url_part(eff ? eff : x->url, CURLUPART_HOST, b);
    buf_adds(b, " port ");
    url_part(eff ? eff : x->url, CURLUPART_PORT, b);
    buf_addf(b, ": %s", oserr ? strerror((int)oserr) : x->errbuf);
}

static void
scheme_error(const struct xfer *x, const char *eff, struct buf *b)
{
    long redirects = 0;
    const char *colon = eff ? strchr(eff, ':') : NULL;
    int n = colon ? (int)(colon - eff) : 0;

    curl.easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    if (redirects > 0 || (eff && strcmp(eff, x->url) != 0))
        buf_addf(b, "redirect to %.*s: refused (to %s)", n, eff, eff);
    else if (n > 0)
        buf_addf(b, "URL scheme %.*s: not allowed here", n, eff);
    else
        buf_addf(b, "URL not allowed: %s", x->errbuf);
}

/* Why curl gave up, for a person. */
static void
curl_error(const struct xfer *x, CURLcode rc, const char *eff, struct buf *b)
{
    const char *detail = x->errbuf[0] ? x->errbuf : curl.easy_strerror(rc);
    unsigned long left;

    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        timeout_error(x, b);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        buf_adds(b, "could not resolve host ");
        url_part(eff ? eff : x->url, CURLUPART_HOST, b);
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        buf_addf(b, "too many redirects (more than %ld)", MAX_REDIRS);
        break;
    case CURLE_PARTIAL_FILE:
        if (sscanf(x->errbuf, "transfer closed with %lu bytes", &left) == 1)
            buf_addf(b,
                     "body cut short (transfer closed with %lu bytes "
                     "remaining)",
                     left);
        else
            buf_addf(b, "body cut short (%s)", detail);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        scheme_error(x, eff, b);
        break;
    case CURLE_COULDNT_CONNECT:
        connect_error(x, eff, b);
        break;
    case CURLE_BAD_CONTENT_ENCODING:
        buf_addf(b, "bad compressed body: %s", detail);
        break;
    default:
        buf_adds(b, detail);
        break;
    }
}

/* Fill r from how the transfer ended; the error text goes into b. */
static void
judge(struct xfer *x, CURLcode rc, const char *why, struct http_result *r,
      struct buf *b)
{
    int http_ok = r->status >= 200 && r->status < 300;

    if (why != NULL)
        buf_adds(b, why);
    else if (x->aborted)
        buf_addf(b, "aborted: %s", x->abort_err.msg);
    else if (x->too_big && (http_ok || r->status == 0))
        buf_addf(b, "response larger than %zu bytes", x->max_bytes);
    else if (r->status >= 400)
        status_error(x, r->status, b); /* even if its body was cut off */
    else if (rc != CURLE_OK)
        curl_error(x, rc, r->effective_url, b);
    else if (r->status != 0 && !http_ok)
        status_error(x, r->status, b); /* 304, a 3xx not followed, 1xx */
    else if (r->status == 0 && !x->is_file)
        buf_adds(b, "no HTTP answer");
    r->ok = b->len == 0;
    r->not_modified = r->status == 304 && rc == CURLE_OK && why == NULL;
    if (r->not_modified)
        r->ok = 0;
    r->error = b->len ? b->p : NULL;
}

/* The request has ended: tell the caller once, then free it all. */
static void
finish(struct xfer *x, CURLcode rc, const char *why)
{
    struct http *h = x->h;
    struct http_result r = { 0 };
    struct buf err;
    char *eff = NULL;

    buf_init(&err);
    curl.easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r.status);
    curl.easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
    r.url = x->url;
    r.effective_url = eff ? eff : x->url;
    /* moved for good only when every hop said so */
    if (x->moved > 0 && !x->temp_moved)
        r.moved_to = r.effective_url;
    r.etag = x->etag;
    r.last_modified = x->last_modified;
    r.content_type = x->content_type;
    r.retry_after = x->retry_after;
    r.bytes = x->bytes;
    judge(x, rc, why, &r, &err);
    if (x->started && x->host[0] != '\0')
        host_get(h, x->host)->free_at =
            g_get_monotonic_time() + (gint64)(gap_for(x) * 1e6);
    if (x->started) {
        curl.multi_remove_handle(h->multi, x->easy);
        xlist_unlink(&h->running, x);
        h->nrunning--;
    } else {
        xlist_unlink(&h->queue, x);
    }
    h->active--;
    if (x->done != NULL)
        x->done(x->ud, &r);
    buf_fini(&err);
    xfer_free(x);
    pump(h);
}

/* ---- requests ----------------------------------------------------------- */

static void
add_header(struct xfer *x, const char *name, const char *value)
{
    struct buf b;

    if (str_empty(value))
        return;
    buf_init(&b);
    if (name)
        buf_addf(&b, "%s: %s", name, value);
    else
        buf_adds(&b, value); /* a whole "Name: value" line */
    x->headers = curl.slist_append(x->headers, b.p);
    buf_fini(&b);
    if (x->headers == NULL) {
        fprintf(stderr, "paperwatch: out of memory\n");
        abort();
    }
}

/* "host:port" of url, lower case; "" for file:// (no politeness needed). */
static char *
host_key(const char *url)
{
    struct buf b;
    char *p;

    buf_init(&b);
    if (strncasecmp(url, "file:", 5) != 0) {
        url_part(url, CURLUPART_HOST, &b);
        buf_addc(&b, ':');
        url_part(url, CURLUPART_PORT, &b);
    }
    p = buf_steal(&b);
    for (char *c = p; *c; c++)
        *c = g_ascii_tolower(*c);
    return p;
}

static struct xfer *
xfer_new(struct http *h, const struct http_request *req)
{
    struct xfer *x = xcalloc(1, sizeof(*x));

    x->h = h;
    x->url = xstrdup(req->url);
    x->host = host_key(x->url);
    x->is_file = req->allow_file && strncasecmp(req->url, "file:", 5) == 0;
    x->connect_timeout = req->connect_timeout > 0 ? req->connect_timeout
                                                  : DEFAULT_CONNECT_TIMEOUT;
    x->timeout = req->timeout > 0 ? req->timeout : DEFAULT_TIMEOUT;
    x->low_speed_time =
        req->low_speed_time > 0 ? req->low_speed_time : DEFAULT_LOW_SPEED_TIME;
    x->max_bytes = req->max_bytes > 0 ? req->max_bytes : DEFAULT_MAX_BYTES;
    x->min_delay = req->min_delay > 0 ? req->min_delay : 0;
    x->retry_after = -1;
    add_header(x, "If-None-Match", req->etag);
    add_header(x, "If-Modified-Since", req->last_modified);
    for (const char *const *hl = req->headers; hl && *hl; hl++)
        add_header(x, NULL, *hl);
    return x;
}

static void
xfer_free(struct xfer *x)
{
    if (x == NULL)
        return;
    curl.easy_cleanup(x->easy);
    curl.slist_free_all(x->headers);
    free(x->url);
    free(x->host);
    free(x->reason);
    free(x->etag);
    free(x->last_modified);
    free(x->content_type);
    free(x);
}

/* Redirects stay on http(s); from https, only to https (no downgrade). */
static int
setup_easy(struct xfer *x, const struct http_request *req)
{
    CURL *c = x->easy;
    const char *ua = str_empty(req->user_agent) ? DEFAULT_UA : req->user_agent;
    int https = strncasecmp(x->url, "https:", 6) == 0;
    int bad = 0;

    bad |= curl.easy_setopt(c, CURLOPT_URL, x->url);
    bad |= curl.easy_setopt(c, CURLOPT_PRIVATE, x);
    bad |= curl.easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
    bad |= curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    bad |= curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                            req->allow_file ? "http,https,file" : "http,https");
    bad |= curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
                            https ? "https" : "http,https");
    bad |= curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    bad |= curl.easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRS);
    bad |= curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, x->connect_timeout);
    bad |= curl.easy_setopt(c, CURLOPT_TIMEOUT, x->timeout);
    bad |= curl.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
    bad |= curl.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, x->low_speed_time);
    bad |= curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    bad |= curl.easy_setopt(c, CURLOPT_USERAGENT, ua);
    bad |= curl.easy_setopt(c, CURLOPT_HTTPHEADER, x->headers);
    bad |= curl.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    bad |= curl.easy_setopt(c, CURLOPT_HEADERDATA, x);
    bad |= curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    bad |= curl.easy_setopt(c, CURLOPT_WRITEDATA, x);
    if (!str_empty(req->ca_file))
        bad |= curl.easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    if (req->post != NULL) {
        bad |= curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                (curl_off_t)req->post_len);
        bad |= curl.easy_setopt(c, CURLOPT_COPYPOSTFIELDS, req->post);
    }
    return bad ? -1 : 0;
}

int
http_add(struct http *h, const struct http_request *req, http_data_fn data,
         http_done_fn done, void *ud, struct pw_err *e)
{
    struct xfer *x = NULL;
    gint64 wait;

    if (h->closing)
        return pw_errf(e, "http: closing, request refused");
    if (req == NULL || str_empty(req->url))
        return pw_errf(e, "http: request without a URL");
    x = xfer_new(h, req);
    x->data = data;
    x->head = req->head;
    x->done = done;
    x->ud = ud;
    x->easy = curl.easy_init();
    if (x->easy == NULL) {
        pw_errf(e, "%s: curl_easy_init failed", req->url);
        goto fail;
    }
    if (setup_easy(x, req) != 0) {
        pw_errf(e, "%s: could not set up the transfer", req->url);
        goto fail;
    }
    /* Anything queued waits for its host, so x cannot jump its turn. */
    if (may_start(h, x, g_get_monotonic_time(), &wait)) {
        if (start(h, x) != 0) {
            pw_errf(e, "%s: curl_multi_add_handle failed", req->url);
            goto fail;
        }
    } else {
        xlist_push(&h->queue, x);
        if (wait > 0 && h->gap_timer == 0)
            h->gap_timer =
                g_timeout_add((guint)((wait + 999) / 1000), on_gap_timer, h);
    }
    h->active++;
    return 0;
fail:
    xfer_free(x);
    return -1;
}

/* ---- the handle --------------------------------------------------------- */

/* Resolve libcurl once, at the first http_new(). */
static int
load_curl(struct pw_err *e)
{
    return libcurl_load(&curl, e);
}

struct http *
http_new(int max_total, struct pw_err *e)
{
    struct http *h;
    long total = max_total > 0 ? max_total : DEFAULT_MAX_TOTAL;

    if (load_curl(e) < 0)
        return NULL;
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        pw_errf(e, "http: curl_global_init failed");
        return NULL;
    }
    h = xcalloc(1, sizeof(*h));
    h->max_total = (int)total;
    h->multi = curl.multi_init();
    if (h->multi == NULL) {
        pw_errf(e, "http: curl_multi_init failed");
        free(h);
        curl.global_cleanup();
        return NULL;
    }
    curl.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    curl.multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total);
    curl.multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
    return h;
}

/* Requests still running end with error "cancelled": their done callbacks
 * run here (and must not add requests). */
void
http_free(struct http *h)
{
    if (h == NULL)
        return;
    h->closing = 1;
    while (h->running.head != NULL)
        finish(h->running.head, CURLE_OK, "cancelled");
    while (h->queue.head != NULL)
        finish(h->queue.head, CURLE_OK, "cancelled");
    curl.multi_cleanup(h->multi);
    while (h->socks != NULL)
        sock_free(h->socks);
    if (h->timer != 0)
        g_source_remove(h->timer);
    if (h->gap_timer != 0)
        g_source_remove(h->gap_timer);
    while (h->hosts != NULL) {
        struct host *o = h->hosts;
        h->hosts = o->next;
        free(o->key);
        free(o);
    }
    free(h);
    curl.global_cleanup();
}

void
http_run(struct http *h)
{
    while (h->active > 0)
        g_main_context_iteration(NULL, TRUE);
}
