/* pipeline.c: one cycle of paperwatch, step by step. Sources are fetched
 * concurrently on the one main loop; each source's entries are parsed as
 * the bytes arrive and parked in a spool file, then written in one short
 * transaction when the source ends, so a slow source never holds the
 * database's write lock and memory never grows with a feed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"
#include "feed.h"
#include "host.h"
#include "http.h"
#include "json.h"
#include "notices.h"
#include "notify.h"
#include "parallel.h"
#include "pipeline.h"
#include "score.h"
#include "store.h"

struct candidate {
    int64_t id;
    double score;
};

struct cycle {
    const struct run_opts *o; /* borrowed */
    struct config cfg;
    struct host *host;   /* owned */
    struct store *store; /* owned */
    struct http *http;   /* owned */
    struct job *jobs;    /* owned */
    size_t njobs;
    int64_t start;
    int failed;            /* sources that failed */
    int not_due;           /* sources skipped: not due yet */
    struct scorer *scorer; /* borrowed, while scoring */
    long nnew, nupdated;
    long ndropped;           /* entries keep/drop rules left out */
    struct candidate *cands; /* owned: papers to notify */
    size_t ncands, capcands;
    char *user_agent; /* owned */
};

struct job {
    struct cycle *c;              /* borrowed */
    const struct source_def *def; /* borrowed */
    struct feed_parser *fp;       /* owned */
    FILE *spool;                  /* owned */
    struct pw_err perr;           /* why parsing stopped */
    int parse_failed;
    int spool_failed;
    struct source_state st;
    long nnew, nupdated, items;
    long entries; /* handed over by the parser or fetch function */
};

/* The answer's URL (after redirects) and HTTP charset, for the parser:
 * relative links resolve against the first, and the second decides how to
 * read a document without a byte order mark. */
static void
tell_parser(struct feed_parser *fp, const char *url, const char *ctype,
            const char *name, const struct log *lg)
{
    const char *cs = ctype ? strcasestr(ctype, "charset=") : NULL;
    struct pw_err e;
    char charset[64];
    size_t n = 0;

    feed_parser_set_base(fp, url);
    if (cs == NULL)
        return;
    cs += 8;
    if (*cs == '"' || *cs == '\'')
        cs++;
    while (n + 1 < sizeof(charset) && cs[n] && !strchr("\"'; \t", cs[n]))
        charset[n] = cs[n], n++;
    charset[n] = '\0';
    if (n && feed_parser_set_charset(fp, charset, &e) < 0)
        log_warn(lg, "%s: %s (reading the document as it says)", name, e.msg);
}

static void
job_head(void *ud, const char *url, const char *content_type)
{
    struct job *j = ud;

    tell_parser(j->fp, url, content_type, j->def->name, j->c->o->log);
}

/* A record that is none, passed over: told, as a warning. */
static void
warn_log(void *ud, const char *name, long line, const char *why)
{
    char msg[PW_ERR_MAX + 256];

    feed_warn_text(msg, sizeof(msg), name, line, why);
    log_warn(ud, "%s", msg);
}

/* Feed parser -> spool. */
static int
job_entry(void *ud, const struct paper *p, struct pw_err *e)
{
    struct job *j = ud;

    long by;

    if (p->key == NULL)
        return 0; /* NOTE: an entry with no id, link or title is noise */
    j->entries++;
    if (host_has_filters(j->c->host) &&
        !host_filter_paper(j->c->host, p, j->def->name, &by, e)) {
        j->c->ndropped++; /* keep/drop rules: never stored */
        return 0;
    }
    if (paper_write(j->spool, p) < 0) {
        j->spool_failed = 1;
        return pw_errf(e, "cannot write the spool file: %s", strerror(errno));
    }
    return 0;
}

/* HTTP body -> feed parser. */
static int
job_data(void *ud, const char *p, size_t n, struct pw_err *e)
{
    struct job *j = ud;

    if (feed_parser_write(j->fp, p, n, &j->perr) < 0) {
        j->parse_failed = 1;
        return pw_errf(e, "%s", j->perr.msg);
    }
    return 0;
}

/* Replay the spool into the store: one transaction for the source. */
static int
job_store(struct job *j, struct pw_err *e)
{
    struct store *st = j->c->store;
    struct paper p;
    enum store_outcome out;
    int rc;

    paper_init(&p);
    if (fflush(j->spool) != 0 || fseek(j->spool, 0, SEEK_SET) != 0)
        return pw_errf(e, "spool: %s", strerror(errno));
    if (store_begin(st, e) < 0)
        return -1;
    while ((rc = paper_read(j->spool, &p)) == 1) {
        if (store_upsert_paper(st, &p, j->def->name, j->c->start, &out, e) < 0)
            goto fail;
        j->items++;
        j->nnew += out == STORE_NEW;
        j->nupdated += out == STORE_UPDATED;
    }
    if (rc < 0) {
        pw_errf(e, "spool: cannot read back a record");
        goto fail;
    }
    if (store_source_put(st, j->def->name, &j->st, e) < 0)
        goto fail;
    paper_fini(&p);
    return store_commit(st, e);
fail:
    paper_fini(&p);
    store_rollback(st);
    return -1;
}

static void
job_report(struct job *j, const char *status, const char *error)
{
    const struct log *lg = j->c->o->log;
    struct buf b;

    buf_init(&b);
    if (error && j->def->url)
        log_warn(lg, "%s: %s (%s)", j->def->name, error, j->def->url);
    else if (error)
        log_warn(lg, "%s: %s", j->def->name, error);
    else
        log_info(lg, "%s: %s, %ld items, %ld new, %ld updated", j->def->name,
                 status, j->items, j->nnew, j->nupdated);
    if (j->c->o->json) {
        buf_addc(&b, '{');
        json_add_key(&b, "kind", 1);
        json_add_string(&b, "source");
        json_add_key(&b, "source", 0);
        json_add_string(&b, j->def->name);
        json_add_key(&b, "url", 0);
        json_add_string(&b, j->def->url);
        json_add_key(&b, "status", 0);
        json_add_string(&b, status);
        json_add_key(&b, "error", 0);
        json_add_string(&b, error);
        buf_addf(&b, ",\"items\":%ld,\"new\":%ld,\"updated\":%ld}\n", j->items,
                 j->nnew, j->nupdated);
        fwrite(b.p, 1, b.len, stdout);
    }
    buf_fini(&b);
}

static void
job_outcome(struct job *j, const struct http_result *r, const char **status,
            struct pw_err *why)
{
    *status = NULL;
    if (r->not_modified) {
        *status = "unchanged";
    } else if (j->parse_failed || j->spool_failed) {
        pw_errf(why, "%s", j->perr.msg);
    } else if (!r->ok) {
        pw_errf(why, "%s", r->error ? r->error : "fetch failed");
    } else if (feed_parser_finish(j->fp, why) == 0) {
        *status = j->entries ? "ok" : "empty";
    }
}

/* When to try a source again: its interval after a success; after a
 * failure, what Retry-After asked (up to a week), else 10 minutes doubling
 * with each consecutive failure up to a day (or the interval, if longer). */
#define BACKOFF_FIRST 600
#define BACKOFF_MAX 86400
#define RETRY_AFTER_MAX (7 * 86400)

static int64_t
next_due(const struct job *j, const struct http_result *r, int ok)
{
    int64_t now = j->c->start, cap, back = BACKOFF_FIRST;

    if (ok)
        return now + j->def->interval;
    if (r->retry_after > 0)
        return now + (r->retry_after < RETRY_AFTER_MAX ? r->retry_after
                                                       : RETRY_AFTER_MAX);
    cap = j->def->interval > BACKOFF_MAX ? j->def->interval : BACKOFF_MAX;
    for (long i = 1; i < j->st.failures && back < cap; i++)
        back *= 2;
    return now + (back < cap ? back : cap);
}

/* Remember what this fetch taught about the source. */
static void
job_state(struct job *j, const struct http_result *r, const char *status,
          const char *error)
{
    struct source_state *st = &j->st;

    st->last_fetch = j->c->start;
    st->http_status = r->status;
    str_set(&st->url, j->def->url);
    str_set(&st->last_status, status ? status : "error");
    str_set(&st->last_error, error);
    if (status) {
        st->failures = 0;
        st->last_ok = j->c->start;
        if (!r->not_modified) {
            str_set(&st->etag, r->etag);
            str_set(&st->last_modified, r->last_modified);
        }
    } else {
        st->failures++;
    }
    if (r->moved_to && strcmp(r->moved_to, j->def->url) != 0 &&
        (st->moved_to == NULL || strcmp(st->moved_to, r->moved_to) != 0)) {
        log_warn(j->c->o->log,
                 "%s: moved permanently to %s (fetched from there from now "
                 "on; update the config)",
                 j->def->name, r->moved_to);
        str_set(&st->moved_to, r->moved_to);
    }
    st->next_due = next_due(j, r, status != NULL);
    st->items_last = j->entries;
}

/* A source ended: remember its state, store what it brought (even the
 * complete entries of a feed that broke off), report. */
static void
job_finish(struct job *j, const struct http_result *r, const char *status,
           struct pw_err *why)
{
    struct pw_err e;

    job_state(j, r, status, status ? NULL : why->msg);
    if (status == NULL)
        j->c->failed++;
    if (job_store(j, &e) < 0) {
        if (status)
            j->c->failed++;
        status = NULL;
        pw_errf(why, "storing: %s", e.msg);
    }
    job_report(j, status ? status : "error", status ? NULL : why->msg);
}

static void
job_done(void *ud, const struct http_result *r)
{
    struct job *j = ud;
    const char *status;
    struct pw_err why;

    job_outcome(j, r, &status, &why);
    job_finish(j, r, status, &why);
}

/* A fetch function ended (error NULL: it returned its entries). */
static void
job_fetched(void *ud, const char *error)
{
    struct job *j = ud;
    struct http_result r = { .retry_after = -1, .ok = error == NULL };
    struct pw_err why;

    if (error)
        pw_errf(&why, "%s", error);
    job_finish(j, &r, error ? NULL : j->entries ? "ok" : "empty", &why);
}

/* Due: never fetched, or its next-due time has come; --all and --source
 * fetch regardless. */
static int
is_due(const struct cycle *c, const struct source_state *st)
{
    const struct strv *only = c->o->only;

    return c->o->all || (only && only->n) || st->next_due <= c->start;
}

static void
report_not_due(struct cycle *c, const struct source_def *d,
               const struct source_state *st)
{
    char t[21];
    struct buf b;

    time_format(st->next_due, t);
    log_debug(c->o->log, "%s: not due until %s", d->name, t);
    c->not_due++;
    if (!c->o->json)
        return;
    buf_init(&b);
    buf_addc(&b, '{');
    json_add_key(&b, "kind", 1);
    json_add_string(&b, "source");
    json_add_key(&b, "source", 0);
    json_add_string(&b, d->name);
    json_add_key(&b, "status", 0);
    json_add_string(&b, "not_due");
    json_add_key(&b, "next_due", 0);
    json_add_time(&b, st->next_due);
    buf_adds(&b, "}\n");
    fwrite(b.p, 1, b.len, stdout);
    buf_fini(&b);
}

static int
start_job(struct cycle *c, struct job *j, struct pw_err *e)
{
    const struct source_def *d = j->def;
    /* validators and a permanent move belong to the URL they came from */
    int same = str_empty(j->st.url) || strcmp(j->st.url, d->url) == 0;
    struct http_request req = {
        .url = same && j->st.moved_to ? j->st.moved_to : d->url,
        .etag = same ? j->st.etag : NULL,
        .last_modified = same ? j->st.last_modified : NULL,
        .user_agent = c->user_agent,
        .allow_file = d->is_file,
        .timeout = d->timeout,
        .connect_timeout = d->connect_timeout,
        .low_speed_time = d->stall_timeout,
        .ca_file = d->ca_file,
        .max_bytes = d->max_bytes,
        .min_delay = d->min_delay,
        .head = job_head,
    };

    if (!same)
        str_set(&j->st.moved_to, NULL);
    if ((j->spool = tmpfile()) == NULL)
        return pw_errf(e, "cannot create a spool file: %s", strerror(errno));
    if (d->has_fetch) /* the host reports failures through job_fetched */
        return host_fetch(c->host, d, job_entry, job_fetched, j), 0;
    j->fp = feed_parser_new(d->name, job_entry, j);
    feed_parser_set_warn(j->fp, warn_log, (void *)c->o->log);
    return http_add(c->http, &req, job_data, job_done, j, e);
}

static int
start_jobs(struct cycle *c, struct pw_err *e)
{
    const struct strv *only = c->o->only;

    c->jobs = xcalloc(c->cfg.nsources ? c->cfg.nsources : 1, sizeof(*c->jobs));
    for (size_t i = 0; i < c->cfg.nsources; i++) {
        const struct source_def *d = &c->cfg.sources[i];
        struct job *j = &c->jobs[c->njobs];
        if (only && only->n && !strv_has(only, d->name))
            continue;
        j->c = c;
        j->def = d;
        source_state_init(&j->st);
        if (store_source_get(c->store, d->name, &j->st, e) < 0) {
            source_state_fini(&j->st);
            return -1;
        }
        if (!is_due(c, &j->st)) {
            report_not_due(c, d, &j->st);
            source_state_fini(&j->st);
            continue;
        }
        c->njobs++;
        if (start_job(c, j, e) < 0)
            return -1;
    }
    return 0;
}

static int
check_only(struct cycle *c, struct pw_err *e)
{
    const struct strv *only = c->o->only;

    for (size_t i = 0; only && i < only->n; i++) {
        size_t k;
        for (k = 0; k < c->cfg.nsources; k++)
            if (strcmp(c->cfg.sources[k].name, only->v[i]) == 0)
                break;
        if (k == c->cfg.nsources)
            return pw_errf(e, "no source named '%s' in %s", only->v[i],
                           c->cfg.path);
    }
    return 0;
}

void
pipeline_row_json(const struct store_row *r, struct buf *b)
{
    paper_to_json(&r->p, b, 1);
    json_add_key(b, "score", 0);
    json_add_number(b, r->score);
    json_add_key(b, "sources", 0);
    json_add_strv(b, &r->sources);
    json_add_key(b, "first_seen", 0);
    json_add_time(b, r->first_seen);
    json_add_key(b, "notified", 0);
    json_add_time(b, r->notified_at);
}

/* Every paper scored in this run: printed in JSON mode; a paper first seen
 * in this run at or over the threshold becomes a notification candidate.
 * NOTE: a paper of an earlier run scored only now (a crash between storing
 * and scoring) is not notified: at most once, never late floods. */
static void
on_scored(void *ud, const struct store_row *r)
{
    struct cycle *c = ud;
    int fresh = r->first_seen >= c->start;
    int due = fresh && r->notified_at == 0;
    struct buf b;

    /* a notified paper comes again in a new version and a rule asked for
     * it: once per version (the store decides, atomically) */
    if (!fresh && r->notified_at != 0 && c->cfg.has_notify && !r->hidden &&
        r->score >= c->cfg.notify_min && !c->o->dry_run &&
        scorer_renotify(c->scorer))
        due = store_rearm_notified(c->store, r->id, NULL) == 1;
    if (c->cfg.has_notify && due && !r->hidden &&
        r->score >= c->cfg.notify_min) {
        if (c->ncands == c->capcands) {
            c->capcands = c->capcands ? 2 * c->capcands : 16;
            c->cands = xrealloc(c->cands, c->capcands * sizeof(*c->cands));
        }
        c->cands[c->ncands].id = r->id;
        c->cands[c->ncands++].score = r->score;
    }
    if (!c->o->json)
        return;
    buf_init(&b);
    pipeline_row_json(r, &b);
    json_add_key(&b, "kind", 0);
    json_add_string(&b, "paper");
    json_add_key(&b, "event", 0);
    json_add_string(&b, fresh ? "new" : "updated");
    buf_adds(&b, "}\n");
    fwrite(b.p, 1, b.len, stdout);
    buf_fini(&b);
}

static int
by_score(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;

    return (x->score < y->score) - (x->score > y->score);
}

/* The candidates, best first, to notices.c (which marks, batches and
 * keeps quiet hours); the daemon's notifier when it lends one, so that
 * bubbles offer actions it will hear. */
static size_t
notify_candidates(struct cycle *c)
{
    struct notice_conf cf = { .min_score = c->cfg.notify_min,
                              .max = c->cfg.notify_max,
                              .quiet_from = c->cfg.quiet_from,
                              .quiet_to = c->cfg.quiet_to };
    struct notifier *nt = c->o->notifier;
    struct pw_err e;
    int64_t *ids;
    size_t shown;

    if (c->ncands == 0)
        return 0;
    qsort(c->cands, c->ncands, sizeof(*c->cands), by_score);
    if (c->o->dry_run || c->o->no_notify) {
        log_info(c->o->log, "%zu papers would notify (%s)", c->ncands,
                 c->o->dry_run ? "dry run" : "--no-notify");
        return 0;
    }
    /* without a notification service nothing is marked */
    if (nt == NULL && (nt = notify_open("paperwatch", &e)) == NULL) {
        log_warn(c->o->log, "%s", e.msg);
        return 0;
    }
    ids = xcalloc(c->ncands, sizeof(*ids));
    for (size_t i = 0; i < c->ncands; i++)
        ids[i] = c->cands[i].id;
    shown =
        notices_show(c->store, nt, &cf, ids, c->ncands, time_now(), c->o->log);
    free(ids);
    if (nt != c->o->notifier)
        notify_close(nt);
    return shown;
}

static void
cycle_free(struct cycle *c)
{
    for (size_t i = 0; i < c->njobs; i++) {
        feed_parser_free(c->jobs[i].fp);
        if (c->jobs[i].spool)
            fclose(c->jobs[i].spool);
        source_state_fini(&c->jobs[i].st);
    }
    free(c->jobs);
    free(c->cands);
    free(c->user_agent);
    http_free(c->http);
    store_close(c->store);
    if (c->o->host == NULL) { /* else borrowed */
        host_free(c->host);
        config_fini(&c->cfg);
    }
}

static int
fetch_all(struct cycle *c, struct pw_err *e)
{
    struct buf ua;

    buf_init(&ua);
    buf_adds(&ua, "paperwatch/" PW_VERSION);
    if (!str_empty(c->cfg.contact))
        buf_addf(&ua, " (mailto:%s)", c->cfg.contact);
    c->user_agent = buf_steal(&ua);
    if ((c->http = http_new(c->cfg.concurrency, e)) == NULL)
        return -1;
    host_set_http(c->host, c->http, c->user_agent);
    if (start_jobs(c, e) < 0)
        return -1;
    http_run(c->http);
    host_set_http(c->host, NULL, NULL);
    return 0;
}

int
pipeline_run(const struct run_opts *o, struct pw_err *e)
{
    struct cycle c = { .o = o, .start = time_now() };
    struct scorer *sc = NULL;
    int status = EXIT_FATAL;
    size_t shown;

    if (o->host != NULL) { /* the daemon's, loaded once, reloaded on HUP */
        c.host = o->host;
        c.cfg = *o->cfg;
    } else if ((c.host = host_new(o->log, e)) == NULL ||
               host_load_config(c.host, o->config, &c.cfg, e) < 0)
        goto out;
    if (check_only(&c, e) < 0) {
        status = EXIT_USAGE;
        goto out;
    }
    if ((c.store = store_open(o->db, e)) == NULL)
        goto out;
    if (o->dry_run && store_begin(c.store, e) < 0)
        goto out;
    if (fetch_all(&c, e) < 0)
        goto out;
    sc = scorer_new(c.host, o->log);
    c.scorer = sc;
    host_set_db_path(c.host, o->db);
    if (scorer_score_pending(sc, c.store, on_scored, &c, e) < 0)
        goto out;
    if (!o->dry_run)
        scorer_run_hooks(sc, c.store, c.start);
    explain_warn_stale(c.host, c.store, o->log);
    if (c.ndropped)
        log_info(o->log, "%ld entries dropped by keep/drop rules", c.ndropped);
    for (size_t i = 0; i < c.njobs; i++) {
        c.nnew += c.jobs[i].nnew;
        c.nupdated += c.jobs[i].nupdated;
    }
    shown = notify_candidates(&c);
    log_info(o->log,
             "%zu sources fetched (%d failed, %d not due), %ld new "
             "papers, %ld updated, %zu notified%s",
             c.njobs, c.failed, c.not_due, c.nnew, c.nupdated, shown,
             o->dry_run ? " (dry run: nothing kept)" : "");
    status = c.failed ? EXIT_PARTIAL : EXIT_OK;
out:
    if (o->dry_run && c.store)
        store_rollback(c.store);
    scorer_free(sc);
    cycle_free(&c);
    return status;
}

/* `parse`: entries straight from the parser to stdout. */

struct parse_out {
    struct feed_parser *fp; /* borrowed */
    int json;
    struct buf b;
    struct buf *out; /* borrowed: where entries go, &b or a segment's
                        buffer (parallel.c) */
    size_t batch;    /* bytes of entries held before a write */
    long skip;       /* entries already written, passed over (a redo) */
    int finished;    /* the parser that ended the document finished it */
    int write_failed;
    int done;
    struct pw_err herr; /* why the fetch failed */
    int fetch_failed;
    int parse_failed;
    const struct log *log; /* borrowed */
    struct scorer *scorer; /* owned: --score, or NULL */
    /* The feed title's JSON, written once: the title is set once, at
     * most, and then kept by the parser to its end. */
    const char *title_of; /* borrowed: the title title_json is of */
    int title_done;
    struct buf title_json;
};

/* Entries are collected in po->b and written a batch at a time (one
 * fwrite per entry cost more than the copy of its bytes); on a terminal,
 * each as it comes. */
#define PARSE_BATCH (64u << 10)

/* --score: the rules' total and each contribution, as explain words
 * them. */
static void
parse_score(struct parse_out *po, const struct paper *p)
{
    const struct rule_score *rs;
    struct buf *b = po->out;
    double total;
    size_t n;

    scorer_score(po->scorer, p, NULL, &total, &rs, &n);
    if (!po->json) {
        buf_addf(b, "%+.2f\t", total);
        return;
    }
    json_add_key(b, "score", 0);
    json_add_number(b, total);
    json_add_key(b, "reasons", 0);
    buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        buf_adds(b, i ? ",{" : "{");
        json_add_key(b, "rule", 1);
        json_add_string(b, rs[i].rule);
        json_add_key(b, "score", 0);
        json_add_number(b, rs[i].score);
        json_add_key(b, "reason", 0);
        json_add_string(b, rs[i].reason);
        buf_addc(b, '}');
    }
    buf_addc(b, ']');
}

static int
parse_entry(void *ud, const struct paper *p, struct pw_err *e)
{
    struct parse_out *po = ud;
    const struct feed_info *fi = feed_parser_info(po->fp);
    struct buf *b = po->out;

    if (po->skip > 0) {
        po->skip--;
        return 0;
    }
    if (po->json) {
        paper_to_json_plain(p, feed_parser_plain(po->fp), b, 1);
        if (!po->title_done || po->title_of != fi->title) {
            po->title_json.len = 0;
            buf_add(&po->title_json, ",\"feed_title\":", 14);
            json_add_string(&po->title_json, fi->title);
            po->title_of = fi->title;
            po->title_done = 1;
        }
        buf_add(b, po->title_json.p, po->title_json.len);
        if (po->scorer)
            parse_score(po, p);
        buf_add(b, "}\n", 2);
    } else {
        if (po->scorer)
            parse_score(po, p);
        buf_addf(b, "%s\t%s\n", p->key ? p->key : "-",
                 p->title ? p->title : "");
    }
    if (b->len < po->batch)
        return 0;
    if (fwrite(b->p, 1, b->len, stdout) != b->len)
        return pw_errf(e, "stdout: %s", strerror(errno));
    b->len = 0;
    return 0;
}

static void
parse_head(void *ud, const char *url, const char *content_type)
{
    struct parse_out *po = ud;

    tell_parser(po->fp, url, content_type, url, po->log);
}

static int
parse_data(void *ud, const char *p, size_t n, struct pw_err *e)
{
    struct parse_out *po = ud;

    if (feed_parser_write(po->fp, p, n, &po->herr) < 0) {
        po->parse_failed = 1;
        return pw_errf(e, "%s", po->herr.msg);
    }
    return 0;
}

static void
parse_done(void *ud, const struct http_result *r)
{
    struct parse_out *po = ud;

    po->done = 1;
    if (!r->ok && !po->parse_failed) {
        po->fetch_failed = 1;
        pw_errf(&po->herr, "%s: %s", r->url, r->error ? r->error : "failed");
    }
}

static int
parse_url(struct parse_out *po, const char *url, struct pw_err *e)
{
    struct http *h = http_new(1, e);
    struct http_request req = { .url = url,
                                .allow_file = 1,
                                .head = parse_head };
    int rc = -1;

    if (h == NULL)
        return -1;
    if (http_add(h, &req, parse_data, parse_done, po, e) < 0)
        goto out;
    http_run(h);
    if (po->fetch_failed || po->parse_failed) {
        *e = po->herr;
        goto out;
    }
    rc = 0;
out:
    http_free(h);
    return rc;
}

/* What messages call the document: the file, or (stdin). */
static const char *
parse_name(const char *what)
{
    return strcmp(what, "-") == 0 ? "(stdin)" : what;
}

/* A segment's state in parallel.c, writing into its own buffer. */
static void *
seg_open(void *ud, struct feed_parser *fp, struct buf *out)
{
    const struct parse_out *po = ud;
    struct parse_out *seg = xcalloc(1, sizeof(*seg));

    seg->fp = fp;
    seg->json = po->json;
    seg->out = out;
    seg->batch = SIZE_MAX;
    buf_init(&seg->title_json);
    return seg;
}

static void
seg_close(void *ud)
{
    struct parse_out *seg = ud;

    buf_fini(&seg->title_json);
    free(seg);
}

static int
seg_write(void *ud, const char *s, size_t n, struct pw_err *e)
{
    struct parse_out *po = ud;

    if ((po->b.len && fwrite(po->b.p, 1, po->b.len, stdout) != po->b.len) ||
        fwrite(s, 1, n, stdout) != n)
        return pw_errf(e, "stdout: %s", strerror(errno));
    po->b.len = 0;
    return 0;
}

/* The rest of fd, from where it stands, to po->fp. Read straight into
 * the parser's space: the file reaches expat without being copied once
 * more on the way (XML_Parse would copy every byte). */
static int
parse_fd(struct parse_out *po, const char *what, int fd, struct pw_err *e)
{
    for (;;) {
        ssize_t n = read(fd, feed_parser_space(po->fp, 65536), 65536);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return pw_errf(e, "%s: read error: %s", parse_name(what),
                           strerror(errno));
        if (feed_parser_commit(po->fp, (size_t)n, e) < 0)
            return -1;
        if (n == 0)
            return 0;
    }
}

/* A large file on several cores (parallel.h): the same bytes out. Parsed
 * again from its start, by one parser, when a segment could not be parsed
 * on its own. Scoring (Lua) and a terminal keep to one parser. */
static int
parse_parallel(struct parse_out *po, const char *what, int fd, long long size,
               struct pw_err *e)
{
    struct parallel_ops ops = { seg_open, parse_entry, seg_close, seg_write,
                                po };
    const char *name = parse_name(what);
    struct parallel_stats st;
    long long consumed;
    long written;
    int rc = parallel_parse(&ops, name, fd, size, po->fp, &consumed, &written,
                            &st, e);

    if (rc == PARALLEL_DONE)
        log_debug(po->log, "%s: %ld segments on %d thread%s", name, st.segments,
                  st.threads, st.threads == 1 ? "" : "s");
    else if (rc == PARALLEL_REDO)
        log_debug(po->log,
                  "%s: segment %ld cannot be parsed on its own: one parser, "
                  "from the start",
                  name, st.redo_at);
    else if (rc == PARALLEL_NOT && st.threads)
        log_debug(po->log,
                  "%s: the first segment did not end between "
                  "entries: one parser",
                  name);
    if (rc < 0)
        return -1;
    if (rc == PARALLEL_REDO) {
        struct feed_parser *fp = feed_parser_new(name, parse_entry, po);

        feed_parser_set_warn(fp, warn_log, (void *)po->log);
        feed_parser_free(po->fp);
        po->fp = fp;
        po->title_done = 0;
        po->skip = written;
        consumed = 0;
    }
    /* on from there; when done, at its end, as one parser leaves it */
    if (lseek(fd, (off_t)consumed, SEEK_SET) < 0)
        return pw_errf(e, "%s: seek: %s", name, strerror(errno));
    po->finished = rc == PARALLEL_DONE;
    return po->finished ? 0 : parse_fd(po, what, fd, e);
}

static int
parse_stream(struct parse_out *po, const char *what, struct pw_err *e)
{
    int fd = strcmp(what, "-") == 0 ? STDIN_FILENO
                                    : open(what, O_RDONLY | O_CLOEXEC);
    struct stat st;
    int rc;

    if (fd < 0)
        return pw_errf(e, "%s: %s", what, strerror(errno));
    if (po->scorer == NULL && po->batch && fstat(fd, &st) == 0 &&
        S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0)
        rc = parse_parallel(po, what, fd, (long long)st.st_size, e);
    else
        rc = parse_fd(po, what, fd, e);
    if (fd != STDIN_FILENO)
        close(fd);
    return rc;
}

int
pipeline_parse(const char *what, int json, const struct run_opts *score,
               const struct log *lg, struct pw_err *e)
{
    struct parse_out po = { .json = json,
                            .log = lg,
                            .batch = isatty(STDOUT_FILENO) ? 0 : PARSE_BATCH };
    struct host *h = NULL;
    struct config cfg;
    int rc;

    memset(&cfg, 0, sizeof(cfg));
    if (score) {
        if ((h = host_new(lg, e)) == NULL ||
            host_load_config(h, score->config, &cfg, e) < 0) {
            config_fini(&cfg);
            host_free(h);
            return -1;
        }
        po.scorer = scorer_new(h, lg);
    }
    buf_init(&po.b);
    po.out = &po.b;
    buf_init(&po.title_json);
    po.fp = feed_parser_new(parse_name(what), parse_entry, &po);
    feed_parser_set_warn(po.fp, warn_log, (void *)lg);
    if (strstr(what, "://"))
        rc = parse_url(&po, what, e);
    else
        rc = parse_stream(&po, what, e);
    if (rc == 0 && !po.finished)
        rc = feed_parser_finish(po.fp, e);
    if (po.b.len) /* the last batch; a failure is told below */
        fwrite(po.b.p, 1, po.b.len, stdout);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = pw_errf(e, "stdout: write error");
    feed_parser_free(po.fp);
    buf_fini(&po.b);
    buf_fini(&po.title_json);
    scorer_free(po.scorer);
    config_fini(&cfg);
    host_free(h);
    return rc;
}

/* `sources`: each configured source with what the store remembers. */

static void
sources_json(const struct source_def *d, const struct source_state *st, int due,
             struct buf *b)
{
    buf_addc(b, '{');
    json_add_key(b, "name", 1);
    json_add_string(b, d->name);
    json_add_key(b, "url", 0);
    json_add_string(b, d->url);
    json_add_key(b, "moved_to", 0);
    json_add_string(b, st->moved_to);
    json_add_key(b, "status", 0);
    json_add_string(b, st->last_status ? st->last_status : "never");
    json_add_key(b, "error", 0);
    json_add_string(b, st->last_error);
    json_add_key(b, "last_fetch", 0);
    json_add_time(b, st->last_fetch);
    json_add_key(b, "last_ok", 0);
    json_add_time(b, st->last_ok);
    json_add_key(b, "next_due", 0);
    json_add_time(b, st->next_due);
    buf_addf(b, ",\"due\":%s,\"items_last\":%ld,\"failures\":%ld",
             due ? "true" : "false", st->items_last, st->failures);
    json_add_key(b, "http_status", 0);
    if (st->http_status)
        json_add_number(b, (double)st->http_status);
    else
        buf_adds(b, "null");
    buf_adds(b, "}\n");
}

/* "3h ago", "in 2d", "now" */
static void
relative(struct buf *b, int64_t t, int64_t now)
{
    int64_t d = t > now ? t - now : now - t;
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = { { 86400, "d" }, { 3600, "h" }, { 60, "m" }, { 1, "s" } };

    if (t == 0 || d < 1) {
        buf_adds(b, t == 0 ? "-" : "now");
        return;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (d >= units[i].secs) {
            buf_addf(b, t > now ? "in %lld%s" : "%lld%s ago",
                     (long long)(d / units[i].secs), units[i].unit);
            return;
        }
}

static void
sources_text(const struct source_def *d, const struct source_state *st,
             int64_t now, struct buf *b)
{
    size_t col = b->len;

    buf_addf(b, "%-28s %-9s ", d->name,
             st->last_status ? st->last_status : "never");
    relative(b, st->last_fetch, now);
    while (b->len < col + 50)
        buf_addc(b, ' ');
    buf_adds(b, " next ");
    if (st->next_due <= now)
        buf_adds(b, "now");
    else
        relative(b, st->next_due, now);
    buf_addf(b, "  %ld items", st->items_last);
    if (st->failures)
        buf_addf(b, ", %ld failures in a row", st->failures);
    buf_addc(b, '\n');
    if (st->moved_to)
        buf_addf(b, "    moved to %s\n", st->moved_to);
    if (st->last_error)
        buf_addf(b, "    %s\n", st->last_error);
}

int
pipeline_sources(const struct run_opts *o, struct pw_err *e)
{
    struct config cfg = { 0 };
    struct host *h = host_new(o->log, e);
    struct store *st = NULL;
    struct source_state ss;
    struct buf b;
    int64_t now = time_now();
    int rc = -1;

    buf_init(&b);
    source_state_init(&ss);
    if (h == NULL || host_load_config(h, o->config, &cfg, e) < 0 ||
        (st = store_open(o->db, e)) == NULL)
        goto out;
    for (size_t i = 0; i < cfg.nsources; i++) {
        const struct source_def *d = &cfg.sources[i];
        if (store_source_get(st, d->name, &ss, e) < 0)
            goto out;
        b.len = 0;
        if (o->json)
            sources_json(d, &ss, ss.next_due <= now, &b);
        else
            sources_text(d, &ss, now, &b);
        fwrite(b.p, 1, b.len, stdout);
    }
    rc = 0;
out:
    source_state_fini(&ss);
    buf_fini(&b);
    store_close(st);
    config_fini(&cfg);
    host_free(h);
    return rc;
}
