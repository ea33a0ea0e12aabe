/* pipeline_digest.c: `paperwatch digest` and the daemon's digests: collect
 * the papers since the last digest (store), render them with the config's
 * templates (host, paperwatch.digest), write or mail them (mail.c), and
 * record what was delivered so the next digest starts where this one
 * ended. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "host.h"
#include "mail.h"
#include "pipeline.h"
#include "store.h"

static int
collect_reason(void *ud, const char *rule, double score, const char *reason,
               struct pw_err *e)
{
    digest_item_reason(ud, rule, score, reason);
    (void)e;
    return 0;
}

/* Best first: over the threshold, not hidden, first seen in the period;
 * in a period that follows the last digest, not digested already (a paper
 * stored in the very second a digest was made goes in the next one). */
#define SQL_DIGEST                                                             \
    "SELECT id FROM papers WHERE first_seen >= ?1 AND first_seen <= ?2"        \
    " AND score >= ?3 AND hidden = 0 AND (?4 = 0 OR NOT EXISTS (SELECT 1"      \
    " FROM events WHERE paper_id = papers.id AND kind = 'digested'))"          \
    " ORDER BY score DESC, first_seen DESC, id DESC LIMIT ?5"

static int
collect(struct store *s, const struct digest_def *dd, int fresh,
        struct digest *d, struct pw_err *e)
{
    struct store_value args[] = {
        { .type = STORE_INT, .i = d->since },
        { .type = STORE_INT, .i = d->until },
        { .type = STORE_REAL, .d = dd->min_score },
        { .type = STORE_INT, .i = fresh },
        { .type = STORE_INT, .i = dd->top > 0 ? dd->top : -1 },
    };
    struct store_result *res;
    int rc = -1;

    res = store_read_query(s, SQL_DIGEST, args, sizeof(args) / sizeof(args[0]),
                           0, e);
    if (res == NULL)
        return -1;
    for (size_t i = 0; i < res->nrows; i++) {
        int64_t id = res->vals[i].i;
        struct digest_item *it = digest_add(d);
        if (store_get_by_id(s, id, &it->row, e) < 0 ||
            store_scores(s, id, collect_reason, it, e) < 0 ||
            store_tags(s, id, &it->tags, e) < 0)
            goto out;
    }
    rc = 0;
out:
    store_result_free(res);
    return rc;
}

/* ---- delivering --------------------------------------------------------- */

static int
write_all(FILE *f, const char *path, const struct buf *b, struct pw_err *e)
{
    errno = 0;
    if (fwrite(b->p, 1, b->len, f) != b->len || fflush(f) != 0 || ferror(f))
        return pw_errf(e, "%s: write error: %s", path,
                       strerror(errno ? errno : EIO));
    return 0;
}

/* A regular file (or a new one) is written beside itself and renamed over
 * it, so a reader never sees half a digest and a full disk leaves the old
 * one; anything else (a FIFO, /dev/stdout) is written as it is. */
static int
write_output(const char *path, const struct buf *b, struct pw_err *e)
{
    struct stat sb;
    char *tmp, *copy;
    FILE *f;
    int fd, rc;

    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if ((f = fopen(path, "w")) == NULL)
            return pw_errf(e, "%s: %s", path, strerror(errno));
        rc = write_all(f, path, b, e);
        if (fclose(f) != 0 && rc == 0)
            rc = pw_errf(e, "%s: write error: %s", path, strerror(errno));
        return rc;
    }
    copy = xstrdup(path);
    tmp = xmalloc(strlen(path) + 32);
    sprintf(tmp, "%s/.%s.XXXXXX", dirname(copy), basename((char *)path));
    free(copy);
    if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
        rc = pw_errf(e, "%s: cannot create %s: %s", path, tmp, strerror(errno));
        if (fd >= 0)
            close(fd), unlink(tmp);
        free(tmp);
        return rc;
    }
    rc = write_all(f, path, b, e);
    if (rc == 0 && fsync(fd) != 0)
        rc = pw_errf(e, "%s: write error: %s", path, strerror(errno));
    if (fclose(f) != 0 && rc == 0)
        rc = pw_errf(e, "%s: write error: %s", path, strerror(errno));
    if (rc == 0 && chmod(tmp, 0644) != 0)
        rc = pw_errf(e, "%s: %s", tmp, strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = pw_errf(e, "%s: %s", path, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int
send_mail(struct host *h, const struct digest_def *dd, const struct digest *d,
          struct pw_err *e)
{
    struct mail_server srv = { .url = dd->mail.url,
                               .user = dd->mail.user,
                               .password_command = dd->mail.password_command };
    struct buf subject, text, html;
    struct mail_msg m = { .from = dd->mail.from, .to = &dd->mail.to };
    int rc = -1;

    buf_init(&subject);
    buf_init(&text);
    buf_init(&html);
    if (host_render_digest(h, d, "subject", &subject, e) < 0 ||
        host_render_digest(h, d, "text", &text, e) < 0 ||
        host_render_digest(h, d, "html", &html, e) < 0)
        goto out;
    m.subject = subject.p ? subject.p : "";
    m.text = text.p ? text.p : "";
    m.html = html.p ? html.p : "";
    rc = mail_send(&srv, &m, e);
out:
    buf_fini(&subject);
    buf_fini(&text);
    buf_fini(&html);
    return rc;
}

/* What was delivered, in one transaction: a 'digested' event per paper
 * and the digest's own record (the next one starts at its end). */
static int
record(struct store *s, const struct digest *d, const char *to,
       struct pw_err *e)
{
    if (store_begin(s, e) < 0)
        return -1;
    for (size_t i = 0; i < d->n; i++)
        if (store_add_event(s, d->items[i].row.id, "digested", d->until, to,
                            e) < 0)
            goto fail;
    if (store_add_digest(s, d->since, d->until, (long)d->n, to, e) < 0)
        goto fail;
    return store_commit(s, e);
fail:
    store_rollback(s);
    return -1;
}

/* ---- the command -------------------------------------------------------- */

/* --format, else the output file's extension, else pw.digest's format,
 * else text. */
static const char *
pick_format(const struct digest_opts *o, const struct digest_def *dd)
{
    static const char *const exts[][2] = {
        { ".html", "html" }, { ".htm", "html" },    { ".md", "md" },
        { ".json", "json" }, { ".markdown", "md" },
    };
    const char *dot = o->output ? strrchr(o->output, '.') : NULL;

    if (o->format)
        return o->format;
    for (size_t i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
        if (strcmp(dot, exts[i][0]) == 0)
            return exts[i][1];
    return dd->format ? dd->format : "text";
}

/* The period: --since, else from the end of the last digest delivered,
 * else one period (every) back. */
static int
period(const struct digest_opts *o, struct store *s,
       const struct digest_def *dd, struct digest *d, struct pw_err *e)
{
    int64_t last, secs;

    d->until = o->now ? o->now : time_now();
    if (o->since) {
        d->since = o->since;
        return 0;
    }
    if (store_last_digest(s, &last, e) < 0 || digest_period(dd, &secs, e) < 0)
        return -1;
    d->since = last ? last : d->until - secs;
    return 0;
}

static int
deliver(const struct digest_opts *o, struct host *h, struct store *s,
        const struct digest_def *dd, struct digest *d, struct pw_err *e)
{
    const char *format = pick_format(o, dd);
    struct buf out;
    int rc = -1, sent = 0;

    buf_init(&out);
    if (host_render_digest(h, d, format, &out, e) < 0)
        goto out;
    if (o->output == NULL && !o->send) { /* a look: nothing recorded */
        fwrite(out.p ? out.p : "", 1, out.len, stdout);
        rc = 0;
        goto out;
    }
    if (o->output && write_output(o->output, &out, e) < 0)
        goto out;
    if (o->send && (d->n > 0 || dd->send_empty)) {
        if (send_mail(h, dd, d, e) < 0)
            goto out;
        sent = 1;
    }
    log_info(o->log, "digest: %zu papers since %s%s%s%s", d->n,
             o->since ? "--since" : "the last digest",
             o->output ? ", written to " : "", o->output ? o->output : "",
             sent      ? ", mailed"
             : o->send ? ", nothing to mail (send_empty is off)"
                       : "");
    rc = record(s, d, sent ? "mail" : o->output ? "file" : "none", e);
out:
    buf_fini(&out);
    return rc;
}

int
pipeline_digest(const struct digest_opts *o, struct pw_err *e)
{
    struct config own = { 0 };
    const struct config *cfg = o->cfg;
    struct host *h = o->host;
    struct digest_def *dflt = NULL;
    const struct digest_def *dd;
    struct store *s = NULL;
    struct digest d;
    int status = EXIT_FATAL;

    digest_init(&d);
    if (h == NULL && ((h = host_new(o->log, e)) == NULL ||
                      host_load_config(h, o->config, &own, e) < 0))
        goto out;
    if (cfg == NULL)
        cfg = &own;
    dd = cfg->digest ? cfg->digest : (dflt = digest_def_new());
    if (o->send && !dd->has_mail) {
        pw_errf(e, "digest --send: %s has no pw.digest { mail = { ... } }",
                cfg->path);
        status = EXIT_USAGE;
        goto out;
    }
    if (access(o->db, F_OK) != 0) {
        pw_errf(e, "%s: no database yet (run `paperwatch run` first)", o->db);
        goto out;
    }
    if ((s = store_open(o->db, e)) == NULL || period(o, s, dd, &d, e) < 0)
        goto out;
    d.min_score = dd->min_score;
    if (collect(s, dd, o->since == 0, &d, e) < 0 ||
        deliver(o, h, s, dd, &d, e) < 0)
        goto out;
    status = EXIT_OK;
out:
    digest_fini(&d);
    digest_def_free(dflt);
    store_close(s);
    if (h != o->host) {
        config_fini(&own);
        host_free(h);
    }
    return status;
}

int
pipeline_digest_due(const struct digest_def *dd, struct store *s, int64_t t,
                    int64_t *next, struct pw_err *e)
{
    int64_t last;

    if (store_last_digest(s, &last, e) < 0 ||
        digest_next(dd, last, next, e) < 0)
        return -1;
    return t >= *next;
}
