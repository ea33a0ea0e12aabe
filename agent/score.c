/* score.c */
#include <stdlib.h>
#include <string.h>

#include "score.h"

struct scorer {
    struct host *h;        /* borrowed */
    const struct log *log; /* borrowed */
    size_t nrules;
    long *failures;        /* owned: per rule, this run */
    struct rule_score *sc; /* owned: current paper's contributions */
    struct buf *reasons;   /* owned: one per rule */
};

struct scorer *
scorer_new(struct host *h, const struct log *lg)
{
    struct scorer *s = xcalloc(1, sizeof(*s));

    s->h = h;
    s->log = lg;
    s->nrules = host_rule_count(h);
    s->failures = xcalloc(s->nrules, sizeof(*s->failures));
    s->sc = xcalloc(s->nrules, sizeof(*s->sc));
    s->reasons = xcalloc(s->nrules, sizeof(*s->reasons));
    for (size_t i = 0; i < s->nrules; i++)
        buf_init(&s->reasons[i]);
    return s;
}

void
scorer_free(struct scorer *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nrules; i++) {
        if (s->failures[i] > 1)
            log_warn(s->log, "rule '%s' (%s) failed on %ld papers",
                     host_rule_name(s->h, i), host_rule_where(s->h, i),
                     s->failures[i]);
        buf_fini(&s->reasons[i]);
    }
    free(s->failures);
    free(s->sc);
    free(s->reasons);
    free(s);
}

void
scorer_score(struct scorer *s, const struct paper *p,
             const struct strv *sources, double *total,
             const struct rule_score **sc, size_t *n)
{
    struct pw_err e;
    double v;

    *total = 0;
    *n = 0;
    host_begin_paper(s->h, p, sources);
    for (size_t i = 0; i < s->nrules; i++) {
        if (host_call_rule(s->h, i, &v, &s->reasons[i], &e) < 0) {
            if (s->failures[i]++ == 0)
                log_error(s->log, "%s (paper %s)", e.msg,
                          p->key ? p->key : "?");
            continue;
        }
        if (v == 0)
            continue;
        s->sc[*n].rule = host_rule_name(s->h, i);
        s->sc[*n].score = v;
        s->sc[*n].reason = s->reasons[i].len ? s->reasons[i].p : NULL;
        (*n)++;
        *total += v;
    }
    host_end_paper(s->h);
    *sc = s->sc;
}

int
scorer_score_pending(struct scorer *s, struct store *st, scored_fn fn, void *ud,
                     struct pw_err *e)
{
    int64_t *ids = NULL;
    size_t nids = 0, n;
    const struct rule_score *sc;
    struct store_row r;
    double total;
    int rc = -1;

    store_row_init(&r);
    if (store_unscored(st, &ids, &nids, e) < 0 || store_begin(st, e) < 0)
        goto out;
    for (size_t i = 0; i < nids; i++) {
        int found = store_get_by_id(st, ids[i], &r, e);
        if (found == 0)
            continue; /* gone meanwhile */
        if (found < 0) {
            store_rollback(st);
            goto out;
        }
        scorer_score(s, &r.p, &r.sources, &total, &sc, &n);
        if (store_set_scores(st, r.id, host_ruleset_hash(s->h), sc, n, total,
                             e) < 0) {
            store_rollback(st);
            goto out;
        }
        r.score = total;
        r.scored = 1;
        if (fn)
            fn(ud, &r);
        store_row_fini(&r);
    }
    rc = store_commit(st, e);
out:
    store_row_fini(&r);
    free(ids);
    return rc;
}
