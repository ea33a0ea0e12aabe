/* test_http.c: agent/http.c against the real loopback server
 * (tests/integration/httpd.py), with real transfers and real faults. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "http.h"
#include "t.h"
#include "util.h"

#define HTTPD PW_SRCDIR "/tests/integration/httpd.py"
#define FEED "arxiv-api-atom-search-2026.xml"
#define BIG "arxiv-rss-2024-11-28-all-archives.xml"

struct server {
    pid_t pid;
    int in; /* the server's stdin: closing it stops the server */
    int port;
};

/* What one request saw; strings owned. */
struct got {
    struct buf body;
    int done_calls;
    size_t fail_after; /* data returns -1 once this much came; 0 no */
    long status, retry_after;
    int ok, not_modified;
    size_t bytes;
    char *error, *etag, *last_modified, *content_type, *effective_url;
    char *moved_to;
    int head_calls;
    char *head_url, *head_type; /* what the head callback saw */
};

static int
server_start(struct server *s)
{
    int out[2], in[2];
    char line[64];
    FILE *f;

    if (pipe(out) != 0 || pipe(in) != 0)
        return -1;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl("/usr/bin/python3", "python3", HTTPD, "--root",
              PW_SRCDIR "/tests/fixtures", "--exit-on-eof", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    s->in = in[1];
    f = fdopen(out[0], "r");
    s->port = f && fgets(line, sizeof(line), f) ? atoi(line) : 0;
    if (f)
        fclose(f);
    return s->port > 0 ? 0 : -1;
}

static void
server_stop(struct server *s)
{
    close(s->in);
    if (waitpid(s->pid, NULL, 0) < 0)
        kill(s->pid, SIGKILL);
}

static char *
url(const struct server *s, const char *path)
{
    struct buf b;

    buf_init(&b);
    buf_addf(&b, "http://127.0.0.1:%d%s", s->port, path);
    return buf_steal(&b);
}

static char *
slurp(const char *path, size_t *len)
{
    struct buf b;
    char tmp[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    buf_init(&b);
    while (f && (n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_add(&b, tmp, n);
    if (f)
        fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

static int
on_data(void *ud, const char *p, size_t n, struct pw_err *e)
{
    struct got *g = ud;

    buf_add(&g->body, p, n);
    if (g->fail_after > 0 && g->body.len >= g->fail_after)
        return pw_errf(e, "enough after %zu bytes", g->body.len);
    return 0;
}

static void
on_head(void *ud, const char *u, const char *content_type)
{
    struct got *g = ud;

    g->head_calls++;
    str_set(&g->head_url, u);
    str_set(&g->head_type, content_type);
}

static void
on_done(void *ud, const struct http_result *r)
{
    struct got *g = ud;

    g->done_calls++;
    g->status = r->status;
    g->retry_after = r->retry_after;
    g->ok = r->ok;
    g->not_modified = r->not_modified;
    g->bytes = r->bytes;
    str_set(&g->error, r->error);
    str_set(&g->etag, r->etag);
    str_set(&g->last_modified, r->last_modified);
    str_set(&g->content_type, r->content_type);
    str_set(&g->effective_url, r->effective_url);
    str_set(&g->moved_to, r->moved_to);
}

static void
got_init(struct got *g)
{
    memset(g, 0, sizeof(*g));
    buf_init(&g->body);
}

static void
got_fini(struct got *g)
{
    buf_fini(&g->body);
    free(g->error);
    free(g->etag);
    free(g->last_modified);
    free(g->content_type);
    free(g->effective_url);
    free(g->head_url);
    free(g->head_type);
    free(g->moved_to);
}

/* One request, run to its end. */
static void
fetch(struct http *h, const struct http_request *req, struct got *g)
{
    struct pw_err e = { { 0 } };

    got_init(g);
    if (http_add(h, req, on_data, on_done, g, &e) != 0) {
        str_set(&g->error, e.msg);
        return;
    }
    http_run(h);
}

/* fetch() of the server's path with otherwise default settings. */
static void
get(struct http *h, const struct server *s, const char *path, struct got *g)
{
    char *u = url(s, path);
    struct http_request req = { .url = u };

    fetch(h, &req, g);
    free(u);
}

static int
same_body(const struct got *g, const char *fixture)
{
    size_t len;
    char *want = slurp(fixture, &len);
    int same = len > 0 && g->body.len == len && g->bytes == len &&
               memcmp(g->body.p, want, len) == 0;

    free(want);
    return same;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
test_plain_and_conditional(struct http *h, const struct server *s)
{
    struct got g, g2, g3;
    char *u = url(s, "/" FEED);
    struct http_request req = { .url = u };

    fetch(h, &req, &g);
    T_OK(g.ok && g.status == 200 && g.error == NULL, "plain: 200 ok (%s)",
         g.error ? g.error : "");
    T_OK(same_body(&g, T_FIXTURE(FEED)), "plain: bytes equal the file");
    T_OK(g.done_calls == 1, "plain: done called once");
    T_STR(g.content_type, "application/xml", "plain: content type");
    T_STR(g.effective_url, u, "plain: effective url");
    T_OK(g.etag && g.last_modified, "plain: etag and last-modified kept");
    T_OK(g.retry_after == -1, "plain: no retry-after");

    req.etag = g.etag;
    fetch(h, &req, &g2);
    T_OK(g2.not_modified && g2.status == 304 && !g2.ok && g2.bytes == 0,
         "etag: 304 not modified");
    T_STR(g2.etag, g.etag, "etag: same etag on 304");
    req.etag = NULL;
    req.last_modified = g.last_modified;
    fetch(h, &req, &g3);
    T_OK(g3.not_modified && g3.done_calls == 1, "last-modified: 304");
    got_fini(&g);
    got_fini(&g2);
    got_fini(&g3);
    free(u);
}

static void
test_encoding_and_redirects(struct http *h, const struct server *s)
{
    struct got g;

    get(h, s, "/gzip/" BIG, &g);
    T_OK(g.ok && same_body(&g, T_FIXTURE(BIG)), "gzip: decoded body");
    got_fini(&g);
    get(h, s, "/redirect/3/" FEED, &g);
    T_OK(g.ok && same_body(&g, T_FIXTURE(FEED)), "3 redirects: ok");
    T_OK(ends_with(g.effective_url, "/" FEED), "3 redirects: effective url %s",
         g.effective_url ? g.effective_url : "");
    got_fini(&g);
    get(h, s, "/redirect/6/" FEED, &g);
    T_STR(g.error, "too many redirects (more than 5)", "6 redirects: refused");
    got_fini(&g);
    get(h, s, "/loop/1", &g);
    T_STR(g.error, "too many redirects (more than 5)", "redirect loop");
    T_OK(!g.ok && g.bytes == 0 && g.done_calls == 1, "redirect loop: no body");
    got_fini(&g);
    get(h, s, "/ctype/text~html/" FEED, &g);
    T_OK(g.ok, "wrong content type: still ok");
    T_STR(g.content_type, "text/html", "wrong content type: reported");
    got_fini(&g);
}

static void
test_statuses(struct http *h, const struct server *s)
{
    struct got g;

    get(h, s, "/status/404", &g);
    T_STR(g.error, "HTTP 404 Not Found", "404 error text");
    T_OK(!g.ok && g.status == 404 && g.bytes == 0 && g.body.len == 0,
         "404: body discarded");
    got_fini(&g);
    get(h, s, "/status/410", &g);
    T_STR(g.error, "HTTP 410 Gone", "410 error text");
    got_fini(&g);
    get(h, s, "/status/500", &g);
    T_STR(g.error, "HTTP 500 Internal Server Error", "500 error text");
    got_fini(&g);
    get(h, s, "/status/429?retry_after=120", &g);
    T_OK(g.status == 429 && g.retry_after == 120, "429: retry after %ld",
         g.retry_after);
    T_STR(g.error, "HTTP 429 Too Many Requests (retry after 120 s)",
          "429 error text");
    got_fini(&g);
    get(h, s, "/status/503?retry_after_date=600", &g);
    T_OK(g.status == 503 && g.retry_after > 500 && g.retry_after <= 600,
         "503: retry-after as a date -> %ld s", g.retry_after);
    got_fini(&g);
}

static void
test_limits(struct http *h, const struct server *s)
{
    struct got g;
    char *u = url(s, "/endless");
    struct http_request req = { .url = u, .max_bytes = 1 << 20 };

    fetch(h, &req, &g);
    T_STR(g.error, "response larger than 1048576 bytes", "cap: endless body");
    T_OK(!g.ok && g.bytes <= (1 << 20), "cap: %zu bytes delivered", g.bytes);
    got_fini(&g);
    free(u);
    u = url(s, "/bomb?size=104857600");
    req.url = u;
    req.max_bytes = 0;
    fetch(h, &req, &g);
    T_STR(g.error, "response larger than 67108864 bytes", "cap: gzip bomb");
    T_OK(g.bytes <= 67108864, "cap: bomb stopped at %zu bytes", g.bytes);
    got_fini(&g);
    free(u);
    get(h, s, "/truncate/" FEED, &g);
    T_STR(g.error, "body cut short (transfer closed with 1000 bytes remaining)",
          "truncated body is an error");
    T_OK(!g.ok, "truncated: not ok");
    got_fini(&g);
}

static void
test_slow(struct http *h, const struct server *s)
{
    struct got g;
    char *u = url(s, "/stall/" FEED "?secs=30");
    struct http_request req = { .url = u, .low_speed_time = 2 };

    fetch(h, &req, &g);
    T_STR(g.error, "transfer stalled: under 10 B/s for 2 s", "stall: stalled");
    got_fini(&g);
    free(u);
    u = url(s, "/drip/" FEED);
    req.url = u;
    fetch(h, &req, &g);
    T_STR(g.error, "transfer stalled: under 10 B/s for 2 s", "drip: stalled");
    T_OK(g.bytes < 10, "drip: %zu bytes before giving up", g.bytes);
    got_fini(&g);
    free(u);
    u = url(s, "/delay/30/" FEED);
    req.url = u;
    req.low_speed_time = 0;
    req.timeout = 2;
    fetch(h, &req, &g);
    T_STR(g.error, "timed out after 2 s (whole transfer)", "timeout: delay");
    got_fini(&g);
    free(u);
}

static void
test_files(struct http *h, const struct server *s)
{
    struct got g;
    char *redir = url(s, "/to?url=file:///etc/hostname");
    struct http_request req = { .url = "file://" PW_SRCDIR
                                       "/tests/fixtures/" FEED };

    fetch(h, &req, &g);
    T_OK(!g.ok && g.bytes == 0 && g.done_calls == 1, "file: refused (%s)",
         g.error ? g.error : "");
    T_STR(g.error, "URL scheme file: not allowed here", "file: error text");
    got_fini(&g);
    req.allow_file = 1;
    fetch(h, &req, &g);
    T_OK(g.ok && g.status == 0 && same_body(&g, T_FIXTURE(FEED)),
         "file: allowed, bytes equal (%s)", g.error ? g.error : "");
    got_fini(&g);
    req.url = redir;
    fetch(h, &req, &g);
    T_OK(!g.ok && g.bytes == 0, "redirect to file: refused (%s)",
         g.error ? g.error : "");
    T_STR(g.error, "redirect to file: refused (to file:///etc/hostname)",
          "redirect to file: error text");
    got_fini(&g);
    free(redir);
}

/* The connection number that served each of `paths` (from /_log). */
static int
same_connection(struct http *h, const struct server *s, const char *tag)
{
    struct got g;
    const char *p;
    long conn = -1, c;
    int n = 0, same = 1;

    get(h, s, "/_log", &g);
    for (p = g.body.p; p && (p = strstr(p, tag)) != NULL; p++) {
        const char *q = strstr(p, "\"conn\": ");

        if (q == NULL)
            break;
        c = strtol(q + 8, NULL, 10);
        same = same && (conn == -1 || c == conn);
        conn = c;
        n++;
    }
    got_fini(&g);
    return n > 1 && same;
}

/* Start times (server clock) of the logged requests whose path contains
 * tag, in order; returns how many (at most max). */
static int
logged_times(struct http *h, const struct server *s, const char *tag, double *t,
             int max)
{
    struct got g;
    cJSON *log, *it;
    int n = 0;

    get(h, s, "/_log", &g);
    log = cJSON_Parse(g.body.p ? g.body.p : "");
    cJSON_ArrayForEach(it, log)
    {
        const cJSON *path = cJSON_GetObjectItem(it, "path");
        const cJSON *time = cJSON_GetObjectItem(it, "time");
        if (n < max && cJSON_IsString(path) && cJSON_IsNumber(time) &&
            strstr(path->valuestring, tag))
            t[n++] = time->valuedouble;
    }
    cJSON_Delete(log);
    got_fini(&g);
    return n;
}

/* Politeness: requests to one host leave min_delay between the end of one
 * and the start of the next; another host does not wait. Checked from the
 * server's own log (a lower bound: a slow machine only widens gaps). */
static void
test_gap(struct http *h, const struct server *s)
{
    enum { N = 3 };
    struct got g[N + 1];
    char *u[N + 1];
    double t[N + 1], other[1];
    struct pw_err e = { { 0 } };
    int i, n, ok = 1;

    for (i = 0; i < N; i++) {
        struct http_request req = { .url = u[i] = url(s, "/" FEED "?gap"),
                                    .min_delay = 1.0 };
        got_init(&g[i]);
        http_add(h, &req, on_data, on_done, &g[i], &e);
    }
    /* the same server under another name is another host */
    u[N] = url(s, "/" FEED "?other");
    memcpy(strstr(u[N], "127.0.0.1"), "localhost", 9);
    {
        struct http_request req = { .url = u[N] };
        got_init(&g[N]);
        http_add(h, &req, on_data, on_done, &g[N], &e);
    }
    http_run(h);
    for (i = 0; i <= N; i++) {
        ok = ok && g[i].ok;
        got_fini(&g[i]);
        free(u[i]);
    }
    T_OK(ok, "gap: all requests succeeded");
    n = logged_times(h, s, "?gap", t, N);
    T_OK(n == N, "gap: %d requests logged", n);
    for (i = 1; i < n; i++)
        T_OK(t[i] - t[i - 1] >= 0.95,
             "gap: request %d came %.2f s after "
             "the one before (min_delay 1 s)",
             i + 1, t[i] - t[i - 1]);
    T_OK(logged_times(h, s, "?other", other, 1) == 1 && other[0] < t[N - 1],
         "gap: another host did not wait for this host's gaps");
}

static void
test_concurrent(struct http *h, const struct server *s)
{
    static const char *const paths[] = {
        "/" FEED "?batch",
        "/gzip/" BIG "?batch",
        "/redirect/2/" FEED "?batch",
        "/status/404?batch",
        "/" BIG "?batch",
        "/delay/1/" FEED "?batch",
    };
    enum { N = sizeof(paths) / sizeof(paths[0]) };
    struct got g[N];
    char *u[N];
    struct pw_err e = { { 0 } };
    int i, added = 0, once = 1;

    for (i = 0; i < N; i++) {
        struct http_request req = { .url = u[i] = url(s, paths[i]) };

        got_init(&g[i]);
        added += http_add(h, &req, on_data, on_done, &g[i], &e) == 0;
    }
    T_OK(added == N, "concurrent: %d added", added);
    http_run(h);
    for (i = 0; i < N; i++) {
        once = once && g[i].done_calls == 1;
        T_OK(i == 3 ? !g[i].ok : g[i].ok, "concurrent: %s (%s)", paths[i],
             g[i].error ? g[i].error : "ok");
        got_fini(&g[i]);
        free(u[i]);
    }
    T_OK(once, "concurrent: every done called once");
    T_OK(same_connection(h, s, "?batch\""),
         "concurrent: one connection to the host");
}

/* A request waiting for its host's one connection: its timeouts start when
 * it starts, not when it was added. */
static void
test_queue(struct http *h, const struct server *s)
{
    char *slow = url(s, "/delay/3/" FEED), *quick = url(s, "/" FEED "?q");
    struct http_request a = { .url = slow };
    struct http_request b = { .url = quick,
                              .timeout = 2,
                              .connect_timeout = 1 };
    struct pw_err e = { { 0 } };
    struct got ga, gb;

    got_init(&ga);
    got_init(&gb);
    http_add(h, &a, on_data, on_done, &ga, &e);
    http_add(h, &b, on_data, on_done, &gb, &e);
    http_run(h);
    T_OK(ga.ok && gb.ok, "queued behind a slow request: ok (%s)",
         gb.error ? gb.error : "");
    got_fini(&ga);
    got_fini(&gb);
    free(slow);
    free(quick);
}

static void
test_misc(struct http *h, const struct server *s)
{
    struct got g;
    struct pw_err e = { { 0 } };
    struct http_request req = { .url = NULL };
    char *u = url(s, "/" BIG);

    T_OK(http_add(h, &req, on_data, on_done, &g, &e) == -1 && e.msg[0],
         "add without url fails: %s", e.msg);
    req.url = u;
    got_init(&g);
    g.fail_after = 1000;
    http_add(h, &req, on_data, on_done, &g, &e);
    http_run(h);
    T_OK(!g.ok && g.done_calls == 1 && g.error &&
             strncmp(g.error, "aborted: enough after ", 22) == 0,
         "data -1 aborts: %s", g.error ? g.error : "(null)");
    got_fini(&g);
    free(u);
    get(h, s, "/echo", &g);
    T_OK(g.body.p && strstr(g.body.p, "paperwatch/" PW_VERSION " (+https:"),
         "default user agent sent");
    T_OK(g.body.p && strstr(g.body.p, "gzip"), "accept-encoding sent");
    got_fini(&g);
    req.url = "http://127.0.0.1:1/";
    fetch(h, &req, &g);
    T_STR(g.error, "could not connect to 127.0.0.1 port 1: Connection refused",
          "refused connection");
    got_fini(&g);
    req.url = "http://example.invalid/feed.xml";
    req.connect_timeout = 5;
    fetch(h, &req, &g);
    if (g.error && strncmp(g.error, "timed out", 9) == 0)
        printf("ok - unresolvable host # skip resolver timed out\n");
    else
        T_STR(g.error, "could not resolve host example.invalid",
              "unresolvable host");
    got_fini(&g);
}

/* http_free with a request in flight ends it with "cancelled". */
static void
test_cancel(const struct server *s)
{
    struct pw_err e = { { 0 } };
    struct http *h = http_new(0, &e);
    char *u = url(s, "/stall/" FEED "?secs=30");
    struct http_request req = { .url = u };
    struct got g;

    T_OK(h != NULL, "http_new again: %s", e.msg);
    if (h == NULL) {
        free(u);
        return;
    }
    got_init(&g);
    http_add(h, &req, on_data, on_done, &g, &e);
    http_free(h);
    T_OK(g.done_calls == 1, "free: done called for the pending request");
    T_STR(g.error, "cancelled", "free: error says cancelled");
    got_fini(&g);
    free(u);
}

/* The head callback: once, before the body, with the final URL and the
 * Content-Type (what the parser needs for charset and relative links). */
static void
test_head(struct http *h, const struct server *s)
{
    struct got g;
    char *u = url(s, "/redirect/2/ctype/text~xml;charset=iso-8859-2/" FEED);
    struct http_request req = { .url = u, .head = on_head };

    fetch(h, &req, &g);
    T_OK(g.ok && g.head_calls == 1, "head: called once (%d)", g.head_calls);
    T_OK(ends_with(g.head_url, "/" FEED) && strstr(g.head_url, "/ctype/") &&
             strstr(g.head_url, "/redirect/") == NULL,
         "head: the URL after redirects (%s)", g.head_url);
    T_STR(g.head_type, "text/xml;charset=iso-8859-2",
          "head: the Content-Type of the answer");
    got_fini(&g);
    free(u);
    u = url(s, "/status/404");
    req.url = u;
    fetch(h, &req, &g);
    T_OK(g.head_calls == 0, "head: not called for an error page");
    got_fini(&g);
    free(u);
}

/* A feed that moved for good (301/308) says where; a temporary redirect
 * (302/307) does not. */
static void
test_moved(struct http *h, const struct server *s)
{
    static const struct {
        const char *code;
        int permanent;
    } cases[] = { { "301", 1 }, { "308", 1 }, { "302", 0 }, { "307", 0 } };
    char *target = url(s, "/" FEED);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct got g;
        struct buf path;
        char *u;

        buf_init(&path);
        buf_addf(&path, "/to?code=%s&url=%s", cases[i].code, target);
        u = url(s, path.p);
        struct http_request req = { .url = u };
        fetch(h, &req, &g);
        if (cases[i].permanent)
            T_STR(g.moved_to, target, "moved: %s gives the new URL",
                  cases[i].code);
        else
            T_OK(g.ok && g.moved_to == NULL, "moved: %s is temporary (%s)",
                 cases[i].code, g.moved_to ? g.moved_to : "none");
        got_fini(&g);
        buf_fini(&path);
        free(u);
    }
    free(target);
}

int
main(void)
{
    struct server s;
    struct pw_err e = { { 0 } };
    struct http *h;

    signal(SIGPIPE, SIG_IGN);
    if (server_start(&s) != 0) {
        printf("not ok - could not start %s\n", HTTPD);
        return 1;
    }
    h = http_new(0, &e);
    T_OK(h != NULL, "http_new: %s", e.msg);
    if (h != NULL) {
        test_plain_and_conditional(h, &s);
        test_encoding_and_redirects(h, &s);
        test_statuses(h, &s);
        test_limits(h, &s);
        test_slow(h, &s);
        test_files(h, &s);
        test_concurrent(h, &s);
        test_queue(h, &s);
        test_misc(h, &s);
        test_head(h, &s);
        test_gap(h, &s);
        test_moved(h, &s);
        http_free(h);
    }
    test_cancel(&s);
    server_stop(&s);
    return t_done();
}
