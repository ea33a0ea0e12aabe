/* explain.c: explain, rescore, and the stale-rules warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "explain.h"
#include "json.h"
#include "score.h"

struct ctx {
    struct config cfg;
    struct host *host;   /* owned */
    struct store *store; /* owned */
};

static int
ctx_open(struct ctx *c, const struct run_opts *o, struct pw_err *e)
{
    memset(c, 0, sizeof(*c));
    if ((c->host = host_new(o->log, e)) == NULL ||
        host_load_config(c->host, o->config, &c->cfg, e) < 0)
        return -1;
    host_set_db_path(c->host, o->db);
    if ((c->store = store_open(o->db, e)) == NULL)
        return -1;
    return 0;
}

static void
ctx_close(struct ctx *c)
{
    store_close(c->store);
    config_fini(&c->cfg);
    host_free(c->host);
}

static const char *
mode_of(unsigned f)
{
    if (f & HOST_RULE_DROP)
        return "drop";
    if (f & HOST_RULE_KEEP)
        return "keep";
    if (f & HOST_RULE_HIDE)
        return "hide";
    return NULL;
}

/* What the keep/drop rules say of the paper now: 1 kept, 0 dropped (the
 * paper is stored: it was kept when it came, or the rules changed). */
struct verdict {
    int kept;
    const char *dropped_by; /* borrowed, or NULL */
    double total;
    int hidden; /* 0, 1 by the user, 2 by a rule */
};

static void
rule_json(struct ctx *c, struct scorer *sc, size_t i, struct buf *b)
{
    struct rule_outcome ro;
    const char *name = host_rule_name(c->host, i);
    unsigned f = host_rule_flags(c->host, i);
    long hits = 0;
    struct pw_err e;

    scorer_outcome(sc, i, &ro);
    store_rule_hits(c->store, name, &hits, &e);
    buf_addc(b, i ? ',' : '[');
    buf_addc(b, '{');
    json_add_key(b, "rule", 1);
    json_add_string(b, name);
    json_add_key(b, "where", 0);
    json_add_string(b, host_rule_where(c->host, i));
    json_add_key(b, "score", 0);
    json_add_number(b, ro.score);
    buf_addf(b, ",\"matched\":%s", ro.matched ? "true" : "false");
    json_add_key(b, "reason", 0);
    json_add_string(b, ro.reason);
    json_add_key(b, "error", 0);
    json_add_string(b, ro.error);
    json_add_key(b, "mode", 0);
    json_add_string(b, mode_of(f));
    json_add_key(b, "tag", 0);
    json_add_string(b, host_rule_tag(c->host, i));
    json_add_key(b, "hits", 0);
    json_add_int(b, hits);
    buf_addc(b, '}');
}

static void
rule_text(struct ctx *c, struct scorer *sc, size_t i, struct buf *b)
{
    struct rule_outcome ro;
    const char *name = host_rule_name(c->host, i);
    const char *mode = mode_of(host_rule_flags(c->host, i));
    const char *tag = host_rule_tag(c->host, i);
    long hits = 0;
    struct pw_err e;

    scorer_outcome(sc, i, &ro);
    store_rule_hits(c->store, name, &hits, &e);
    if (ro.error)
        buf_addf(b, "   failed  %s (%s)\n", name, host_rule_where(c->host, i));
    else if (ro.score != 0)
        buf_addf(b, "  %+7.2f  %s", ro.score, name);
    else
        buf_addf(b, "  %7s  %s", ro.matched ? "match" : "-", name);
    if (!ro.error) {
        buf_addf(b, "  (%s, %ld hits", host_rule_where(c->host, i), hits);
        if (mode)
            buf_addf(b, ", %s", mode);
        if (tag)
            buf_addf(b, ", tag %s", tag);
        buf_adds(b, ")");
        if (ro.matched && ro.reason)
            buf_addf(b, ": %s", ro.reason);
        buf_addc(b, '\n');
    } else {
        buf_addf(b, "           %s\n", ro.error);
    }
}

static void
thresholds(struct ctx *c, const struct verdict *v, int json, struct buf *b)
{
    struct {
        const char *name;
        int on;
        double min;
    } t[] = {
        { "notify", c->cfg.has_notify, c->cfg.notify_min },
        { "digest", c->cfg.digest != NULL,
          c->cfg.digest ? c->cfg.digest->min_score : 0 },
    };
    int first = 1;

    if (json)
        buf_adds(b, ",\"thresholds\":[");
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        int reached = v->total >= t[i].min;
        if (!t[i].on)
            continue;
        if (json) {
            buf_addf(b, "%s{\"name\":\"%s\",\"min_score\":", first ? "" : ",",
                     t[i].name);
            json_add_number(b, t[i].min);
            buf_addf(b, ",\"reached\":%s}", reached ? "true" : "false");
        } else {
            buf_addf(b, "%s at %g: %s%s\n", t[i].name, t[i].min,
                     reached ? "reached" : "not reached",
                     reached && v->hidden ? " (but hidden)" : "");
        }
        first = 0;
    }
    if (json)
        buf_addc(b, ']');
    else if (first)
        buf_adds(b, "no notify or digest threshold in the config\n");
}

static void
state(const struct verdict *v, const struct strv *tags, int json, struct buf *b)
{
    static const char *const hid[] = { "visible", "hidden by you",
                                       "hidden by a rule" };

    if (json) {
        buf_addf(b,
                 ",\"hidden\":%s,\"hidden_by\":", v->hidden ? "true" : "false");
        json_add_string(b, v->hidden == 1   ? "user"
                           : v->hidden == 2 ? "rule"
                                            : NULL);
        buf_addf(b, ",\"kept\":%s,\"dropped_by\":", v->kept ? "true" : "false");
        json_add_string(b, v->dropped_by);
        json_add_key(b, "tags", 0);
        json_add_strv(b, tags);
        return;
    }
    buf_addf(b, "state: %s", hid[v->hidden > 2 ? 2 : v->hidden]);
    if (!v->kept)
        buf_addf(b, "; the keep/drop rules would not store it now%s%s%s",
                 v->dropped_by ? " (dropped by '" : "",
                 v->dropped_by ? v->dropped_by : "", v->dropped_by ? "')" : "");
    buf_adds(b, "\n");
    for (size_t i = 0; i < tags->n; i++)
        buf_addf(b, "%s%s", i ? ", " : "tags: ", tags->v[i]);
    if (tags->n)
        buf_addc(b, '\n');
}

int
explain_paper(const struct run_opts *o, const char *key, struct pw_err *e)
{
    struct ctx c;
    struct store_row r;
    struct scorer *sc = NULL;
    struct verdict v = { 0 };
    const struct rule_score *rs;
    struct strv tags;
    struct buf b;
    size_t n;
    long by = -1;
    int rc = -1, stale;

    store_row_init(&r);
    strv_init(&tags);
    buf_init(&b);
    if (ctx_open(&c, o, e) < 0)
        goto out;
    if ((rc = store_get(c.store, key, &r, e)) != 1)
        goto out;
    rc = -1;
    if (store_tags(c.store, r.id, &tags, e) < 0)
        goto out;
    sc = scorer_new(c.host, o->log);
    scorer_score(sc, &r.p, &r.sources, &v.total, &rs, &n);
    v.hidden = r.hidden == 1 ? 1 : scorer_hides(sc) ? 2 : 0;
    v.kept = host_filter_paper(c.host, &r.p,
                               r.sources.n ? r.sources.v[0] : NULL, &by, e);
    v.dropped_by = by >= 0 ? host_rule_name(c.host, (size_t)by) : NULL;
    stale = !r.scored || r.score != v.total;
    if (o->json) {
        buf_addc(&b, '{');
        json_add_key(&b, "key", 1);
        json_add_string(&b, r.p.key);
        json_add_key(&b, "title", 0);
        json_add_string(&b, r.p.title);
        json_add_key(&b, "total", 0);
        json_add_number(&b, v.total);
        json_add_key(&b, "stored_score", 0);
        json_add_number(&b, r.score);
        buf_addf(&b, ",\"stale\":%s", stale ? "true" : "false");
        json_add_key(&b, "ruleset", 0);
        json_add_string(&b, host_ruleset_hash(c.host));
        json_add_key(&b, "rules", 0);
        for (size_t i = 0; i < host_rule_count(c.host); i++)
            rule_json(&c, sc, i, &b);
        buf_adds(&b, host_rule_count(c.host) ? "]" : "[]");
        thresholds(&c, &v, 1, &b);
        state(&v, &tags, 1, &b);
        buf_adds(&b, "}\n");
    } else {
        buf_addf(&b, "%s  %s\n\n", r.p.key, r.p.title ? r.p.title : "");
        for (size_t i = 0; i < host_rule_count(c.host); i++)
            rule_text(&c, sc, i, &b);
        if (host_rule_count(c.host) == 0)
            buf_adds(&b, "  (the config has no rules)\n");
        buf_addf(&b, "  -------\n  %+7.2f  total", v.total);
        if (stale)
            buf_addf(&b, " (stored: %.2f; `paperwatch rescore` to update)",
                     r.score);
        buf_adds(&b, "\n\n");
        thresholds(&c, &v, 0, &b);
        state(&v, &tags, 0, &b);
    }
    fwrite(b.p, 1, b.len, stdout);
    rc = 1;
out:
    scorer_free(sc);
    buf_fini(&b);
    strv_fini(&tags);
    store_row_fini(&r);
    ctx_close(&c);
    return rc;
}

int
explain_rescore(const struct run_opts *o, long *n, struct pw_err *e)
{
    struct ctx c;
    struct scorer *sc = NULL;
    int rc = -1;

    *n = 0;
    if (ctx_open(&c, o, e) < 0)
        goto out;
    if (store_count_papers(c.store, n, e) < 0 || store_begin(c.store, e) < 0)
        goto out;
    sc = scorer_new(c.host, o->log);
    /* one transaction: a crash leaves the old scores, never half */
    if (store_unscore_all(c.store, e) < 0 ||
        scorer_score_pending(sc, c.store, NULL, NULL, e) < 0 ||
        store_setting_put(c.store, "warned_ruleset", host_ruleset_hash(c.host),
                          e) < 0) {
        store_rollback(c.store);
        goto out;
    }
    rc = store_commit(c.store, e);
out:
    scorer_free(sc);
    ctx_close(&c);
    return rc;
}

void
explain_warn_stale(struct host *h, struct store *st, const struct log *lg)
{
    const char *hash = host_ruleset_hash(h);
    char *warned = NULL;
    struct pw_err e;
    long n = 0;

    if (store_count_stale(st, hash, &n, &e) < 0 || n == 0 ||
        store_setting_get(st, "warned_ruleset", &warned, &e) < 0)
        goto out;
    if (warned && strcmp(warned, hash) == 0)
        goto out;
    log_warn(lg,
             "the rules changed since %ld stored papers were scored; new "
             "papers are scored with the new rules, and `paperwatch "
             "rescore` scores the others again",
             n);
    store_setting_put(st, "warned_ruleset", hash, &e);
out:
    free(warned);
}
