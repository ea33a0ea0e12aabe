/* mail.c: compose a multipart/alternative message and send it with
 * libcurl's SMTP (loaded at first use, libcurl.h).
 *
 * Headers are built here, never from raw user text: every value has its
 * control characters turned into spaces first, so a paper titled
 * "Evil\r\nBcc: x@y" stays one Subject line, and anything not plain
 * printable ASCII is RFC 2047 encoded (base64 words of UTF-8). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libcurl.h"
#include "mail.h"

#ifndef PW_VERSION
#define PW_VERSION "0"
#endif

#define DEFAULT_TIMEOUT 120L
#define CONNECT_TIMEOUT 20L
#define WORD_BYTES 45 /* UTF-8 bytes per encoded word: 60 base64 chars */
#define MAX_PASSWORD 4096

extern char **environ;

static struct libcurl_fns curl;

/* ---- composing ---------------------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(struct buf *b, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        buf_addc(b, b64[(v >> 18) & 63]);
        buf_addc(b, b64[(v >> 12) & 63]);
        buf_addc(b, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_addc(b, i + 2 < n ? b64[v & 63] : '=');
    }
}

/* A body part: base64 in lines of 76 characters. */
static void
base64_lines(struct buf *b, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i += 57) {
        base64(b, (const unsigned char *)s + i, n - i < 57 ? n - i : 57);
        buf_adds(b, "\r\n");
    }
}

/* Control characters (CR, LF, TAB, DEL...) become spaces. */
static char *
header_clean(const char *s)
{
    char *c = xstrdup(s ? s : "");

    for (char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return c;
}

static int
plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

/* RFC 2047: UTF-8 base64 words, never splitting a character, folded. */
static void
encode_words(struct buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;

    while (i < n) {
        size_t len = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
            len--; /* back to a character's first byte */
        if (i > 0)
            buf_adds(b, "\r\n ");
        buf_adds(b, "=?UTF-8?B?");
        base64(b, (const unsigned char *)s + i, len);
        buf_adds(b, "?=");
        i += len;
    }
}

/* A header whose value is free text (Subject). */
static void
header_text(struct buf *b, const char *name, const char *value)
{
    char *v = header_clean(value);

    buf_addf(b, "%s: ", name);
    if (plain_ascii(v) && strlen(v) < 900)
        buf_adds(b, v);
    else
        encode_words(b, v);
    buf_adds(b, "\r\n");
    free(v);
}

/* The bare address of "a@b" or "Name <a@b>". */
static char *
addr_spec(const char *a)
{
    const char *lt = strrchr(a, '<'), *gt;

    if (lt && (gt = strchr(lt, '>')) != NULL)
        return xstrndup(lt + 1, (size_t)(gt - lt - 1));
    while (*a == ' ')
        a++;
    return xstrdup(a);
}

static int
check_addr(const char *what, const char *a, struct pw_err *e)
{
    char *spec;
    int bad;

    if (a == NULL || *a == '\0')
        return pw_errf(e, "mail: no %s address", what);
    if (strpbrk(a, "\r\n") != NULL)
        return pw_errf(e, "mail: %s address holds a line break", what);
    spec = addr_spec(a);
    bad = strchr(spec, '@') == NULL || strpbrk(spec, " ,<>\t") != NULL;
    free(spec);
    if (bad)
        return pw_errf(e, "mail: %s address '%s': not an address", what, a);
    return 0;
}

/* An address header: a non-ASCII display name is encoded, the address
 * itself is kept as written. */
static void
add_address(struct buf *b, const char *a)
{
    const char *lt = strrchr(a, '<');
    char *name;
    size_t n;

    if (lt == NULL || plain_ascii(a)) {
        buf_adds(b, a);
        return;
    }
    n = (size_t)(lt - a);
    while (n > 0 && a[n - 1] == ' ')
        n--;
    name = xstrndup(a, n);
    encode_words(b, name);
    buf_addc(b, ' ');
    buf_adds(b, lt);
    free(name);
}

static void
header_date(struct buf *b, int64_t now)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
                                        "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
                                          "May", "Jun", "Jul", "Aug",
                                          "Sep", "Oct", "Nov", "Dec" };
    time_t t = (time_t)now;
    struct tm tm;
    long off;

    localtime_r(&t, &tm);
    off = tm.tm_gmtoff / 60;
    buf_addf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
             labs(off) / 60, labs(off) % 60);
}

static unsigned long long
random64(void)
{
    unsigned long long r = 0;

    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (unsigned long long)time(NULL) ^
            ((unsigned long long)getpid() << 32);
    return r;
}

int
mail_compose(const struct mail_msg *m, int64_t now, struct buf *out,
             struct pw_err *e)
{
    char boundary[48], *domain;
    const char *at;

    if (check_addr("from", m->from, e) < 0)
        return -1;
    if (m->to == NULL || m->to->n == 0)
        return pw_errf(e, "mail: no recipient (to)");
    for (size_t i = 0; i < m->to->n; i++)
        if (check_addr("to", m->to->v[i], e) < 0)
            return -1;
    snprintf(boundary, sizeof(boundary), "=_paperwatch_%016llx", random64());
    buf_adds(out, "From: ");
    add_address(out, m->from);
    buf_adds(out, "\r\nTo: ");
    for (size_t i = 0; i < m->to->n; i++) {
        if (i)
            buf_adds(out, ",\r\n ");
        add_address(out, m->to->v[i]);
    }
    buf_adds(out, "\r\n");
    header_text(out, "Subject", m->subject);
    header_date(out, now);
    domain = addr_spec(m->from);
    at = strchr(domain, '@');
    buf_addf(out, "Message-ID: <%lld.%016llx@%s>\r\n", (long long)now,
             random64(), at ? at + 1 : "paperwatch.invalid");
    free(domain);
    buf_adds(out, "MIME-Version: 1.0\r\n"
                  "User-Agent: paperwatch/" PW_VERSION "\r\n");
    if (m->html == NULL) {
        buf_adds(out, "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n");
        base64_lines(out, m->text ? m->text : "");
        return 0;
    }
    buf_addf(out,
             "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
             "--%s\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n",
             boundary, boundary);
    base64_lines(out, m->text ? m->text : "");
    buf_addf(out,
             "--%s\r\n"
             "Content-Type: text/html; charset=utf-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n",
             boundary);
    base64_lines(out, m->html);
    buf_addf(out, "--%s--\r\n", boundary);
    return 0;
}

/* ---- the password command ----------------------------------------------- */

static int
wait_child(pid_t pid, const char *command, struct pw_err *e)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return pw_errf(e, "password_command '%s': wait: %s", command,
                           strerror(errno));
    if (WIFSIGNALED(status))
        return pw_errf(e, "password_command '%s': killed by signal %d", command,
                       WTERMSIG(status));
    if (WEXITSTATUS(status) == 127)
        return pw_errf(e, "password_command '%s': command not found", command);
    if (WEXITSTATUS(status) != 0)
        return pw_errf(e, "password_command '%s': exited with status %d",
                       command, WEXITSTATUS(status));
    return 0;
}

int
mail_password(const char *command, struct buf *out, struct pw_err *e)
{
    char *argv[] = { (char *)"sh", (char *)"-c", (char *)command, NULL };
    posix_spawn_file_actions_t fa;
    int fds[2], rc, err;
    pid_t pid;
    char chunk[512];
    ssize_t n;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return pw_errf(e, "password_command: pipe: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    err = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        return pw_errf(e, "password_command '%s': cannot run /bin/sh: %s",
                       command, strerror(err));
    }
    while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (out->len < MAX_PASSWORD)
            buf_add(out, chunk, (size_t)n);
    }
    explicit_bzero(chunk, sizeof(chunk));
    close(fds[0]);
    rc = wait_child(pid, command, e);
    if (rc == 0 && out->len > 0) {
        char *nl = memchr(out->p, '\n', out->len);
        if (nl)
            out->len = (size_t)(nl - out->p);
        if (out->len > 0 && out->p[out->len - 1] == '\r')
            out->len--;
        out->p[out->len] = '\0';
    }
    if (rc == 0 && out->len == 0)
        rc = pw_errf(e, "password_command '%s': printed no password", command);
    return rc;
}

/* ---- sending ------------------------------------------------------------ */

struct upload {
    const char *p;
    size_t left;
};

static size_t
on_read(char *dst, size_t size, size_t nitems, void *ud)
{
    struct upload *u = ud;
    size_t n = size * nitems < u->left ? size * nitems : u->left;

    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

static int
is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0 ||
           strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0;
}

/* smtp:// or smtps://; *tls_optional when smtp:// to loopback. */
static int
check_url(const char *url, int *tls_optional, struct pw_err *e)
{
    CURLU *u = curl.url();
    char *scheme = NULL, *host = NULL;
    int rc = 0;

    if (u == NULL || curl.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        rc = pw_errf(e, "mail: url '%s': not a URL (like smtps://host)", url);
    else if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)
        rc =
            pw_errf(e, "mail: url '%s': the scheme must be smtp or smtps", url);
    else
        *tls_optional = strcmp(scheme, "smtp") == 0 && is_loopback(host);
    curl.free(scheme);
    curl.free(host);
    curl.url_cleanup(u);
    return rc;
}

static struct curl_slist *
recipients(const struct strv *to)
{
    struct curl_slist *l = NULL, *n;
    struct buf b;

    buf_init(&b);
    for (size_t i = 0; i < to->n; i++) {
        char *spec = addr_spec(to->v[i]);
        b.len = 0;
        buf_addf(&b, "<%s>", spec);
        free(spec);
        if ((n = curl.slist_append(l, b.p)) == NULL) {
            curl.slist_free_all(l);
            l = NULL;
            break;
        }
        l = n;
    }
    buf_fini(&b);
    return l;
}

static int
transfer(const struct mail_server *srv, const struct mail_msg *m,
         const char *password, struct buf *msg, int tls_optional,
         struct pw_err *e)
{
    char errbuf[CURL_ERROR_SIZE] = "", *from = addr_spec(m->from);
    struct upload up = { msg->p, msg->len };
    struct curl_slist *rcpt = recipients(m->to);
    CURL *c = curl.easy_init();
    struct buf f;
    CURLcode rc;
    int bad = 0;

    buf_init(&f);
    buf_addf(&f, "<%s>", from);
    if (c == NULL || rcpt == NULL) {
        rc = CURLE_OUT_OF_MEMORY;
        goto out;
    }
    bad |= curl.easy_setopt(c, CURLOPT_URL, srv->url);
    bad |= curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    bad |= curl.easy_setopt(c, CURLOPT_USE_SSL,
                            tls_optional ? (long)CURLUSESSL_TRY
                                         : (long)CURLUSESSL_ALL);
    bad |= curl.easy_setopt(c, CURLOPT_MAIL_FROM, f.p);
    bad |= curl.easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    bad |= curl.easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    bad |= curl.easy_setopt(c, CURLOPT_READDATA, &up);
    bad |= curl.easy_setopt(c, CURLOPT_UPLOAD, 1L);
    bad |= curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    bad |= curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    bad |= curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
    bad |= curl.easy_setopt(c, CURLOPT_TIMEOUT,
                            srv->timeout > 0 ? srv->timeout : DEFAULT_TIMEOUT);
    if (srv->user)
        bad |= curl.easy_setopt(c, CURLOPT_USERNAME, srv->user);
    if (password)
        bad |= curl.easy_setopt(c, CURLOPT_PASSWORD, password);
    rc = bad ? CURLE_BAD_FUNCTION_ARGUMENT : curl.easy_perform(c);
out:
    if (rc != CURLE_OK)
        pw_errf(e, "mail via %s: %s%s%s", srv->url, curl.easy_strerror(rc),
                *errbuf ? ": " : "", errbuf);
    curl.easy_cleanup(c);
    curl.slist_free_all(rcpt);
    buf_fini(&f);
    free(from);
    return rc == CURLE_OK ? 0 : -1;
}

int
mail_send(const struct mail_server *srv, const struct mail_msg *m,
          struct pw_err *e)
{
    struct buf msg, pass;
    int tls_optional = 0, rc = -1;

    buf_init(&msg);
    buf_init(&pass);
    if (srv->url == NULL || *srv->url == '\0') {
        pw_errf(e, "mail: no server url (like smtps://smtp.example.org)");
        goto out;
    }
    if (mail_compose(m, time_now(), &msg, e) < 0)
        goto out;
    if (libcurl_load(&curl, e) < 0 || check_url(srv->url, &tls_optional, e) < 0)
        goto out;
    if (srv->password_command &&
        mail_password(srv->password_command, &pass, e) < 0)
        goto out;
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        pw_errf(e, "mail: curl_global_init failed");
        goto out;
    }
    rc = transfer(srv, m, srv->password_command ? pass.p : NULL, &msg,
                  tls_optional, e);
    curl.global_cleanup();
out:
    if (pass.p)
        explicit_bzero(pass.p, pass.cap);
    buf_fini(&pass);
    buf_fini(&msg);
    return rc;
}
