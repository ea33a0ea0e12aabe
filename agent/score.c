/* score.c */
#include <stdlib.h>
#include <string.h>

#include "score.h"

struct pending {
    int64_t id;
    int *matched; /* owned: one flag per rule */
};

struct scorer {
    struct host *h;        /* borrowed */
    const struct log *log; /* borrowed */
    size_t nrules;
    long *failures;        /* owned: per rule, this run */
    long *hits;            /* owned: per rule, not yet stored */
    double *scores;        /* owned: per rule, current paper */
    int *matched;          /* owned: per rule, current paper */
    struct rule_score *sc; /* owned: current paper's contributions */
    struct buf *reasons;   /* owned: one per rule */
    struct buf *errors;    /* owned: one per rule, current paper */
    size_t *ran;           /* owned: the rules that ran on the last paper */
    size_t nran;           /* (the others' state above is clean) */
    int hides;             /* a hide rule matched the current paper */
    int renotify;          /* a rule asking to notify again matched it */
    struct pending *pend;  /* owned: papers whose hooks run after */
    size_t npend, cappend;
    long papers; /* scored, and the time it took, for -v */
    double secs;
};

struct scorer *
scorer_new(struct host *h, const struct log *lg)
{
    struct scorer *s = xcalloc(1, sizeof(*s));
    size_t n;

    s->h = h;
    s->log = lg;
    s->nrules = host_rule_count(h);
    n = s->nrules ? s->nrules : 1;
    s->failures = xcalloc(n, sizeof(*s->failures));
    s->hits = xcalloc(n, sizeof(*s->hits));
    s->scores = xcalloc(n, sizeof(*s->scores));
    s->matched = xcalloc(n, sizeof(*s->matched));
    s->sc = xcalloc(n, sizeof(*s->sc));
    s->reasons = xcalloc(n, sizeof(*s->reasons));
    s->errors = xcalloc(n, sizeof(*s->errors));
    s->ran = xcalloc(n, sizeof(*s->ran));
    for (size_t i = 0; i < s->nrules; i++) {
        buf_init(&s->reasons[i]);
        buf_init(&s->errors[i]);
    }
    return s;
}

static void
drop_pending(struct scorer *s)
{
    for (size_t i = 0; i < s->npend; i++)
        free(s->pend[i].matched);
    s->npend = 0;
}

void
scorer_free(struct scorer *s)
{
    if (s == NULL)
        return;
    if (s->papers)
        log_debug(s->log, "rules: %zu on %ld papers in %.3f s (%.0f papers/s)",
                  s->nrules, s->papers, s->secs,
                  s->secs > 0 ? (double)s->papers / s->secs : 0.0);
    for (size_t i = 0; i < s->nrules; i++) {
        if (s->failures[i] > 1)
            log_warn(s->log, "rule '%s' (%s) failed on %ld papers",
                     host_rule_name(s->h, i), host_rule_where(s->h, i),
                     s->failures[i]);
        buf_fini(&s->reasons[i]);
        buf_fini(&s->errors[i]);
    }
    drop_pending(s);
    free(s->pend);
    free(s->failures);
    free(s->hits);
    free(s->scores);
    free(s->matched);
    free(s->sc);
    free(s->reasons);
    free(s->errors);
    free(s->ran);
    free(s);
}

void
scorer_score(struct scorer *s, const struct paper *p,
             const struct strv *sources, double *total,
             const struct rule_score **sc, size_t *n)
{
    const unsigned char *may;
    struct pw_err e;
    double v, t0 = clock_secs();

    *total = 0;
    *n = 0;
    s->hides = 0;
    s->renotify = 0;
    host_begin_paper(s->h, p, sources);
    may = host_may_match(s->h);
    /* Most rules are ruled out by the matcher for most papers: only those
     * that ran have state to clear. */
    for (size_t k = 0; k < s->nran; k++) {
        size_t i = s->ran[k];
        s->errors[i].len = 0;
        s->scores[i] = 0;
        s->matched[i] = 0;
        s->reasons[i].len = 0;
    }
    s->nran = 0;
    for (size_t i = 0; i < s->nrules; i++) {
        if (may && !may[i]) /* what host_call_rule would say */
            continue;
        s->ran[s->nran++] = i;
        if (host_call_rule(s->h, i, &v, &s->matched[i], &s->reasons[i], &e) <
            0) {
            buf_adds(&s->errors[i], e.msg);
            if (s->failures[i]++ == 0)
                log_error(s->log, "%s (paper %s)", e.msg,
                          p->key ? p->key : "?");
            continue;
        }
        s->scores[i] = v;
        if (s->matched[i] && (host_rule_flags(s->h, i) & HOST_RULE_HIDE))
            s->hides = 1;
        if (s->matched[i] && (host_rule_flags(s->h, i) & HOST_RULE_RENOTIFY))
            s->renotify = 1;
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
    s->papers++;
    s->secs += clock_secs() - t0;
}

void
scorer_outcome(const struct scorer *s, size_t i, struct rule_outcome *o)
{
    o->score = s->scores[i];
    o->matched = s->matched[i];
    o->reason = s->reasons[i].len ? s->reasons[i].p : NULL;
    o->error = s->errors[i].len ? s->errors[i].p : NULL;
}

int
scorer_hides(const struct scorer *s)
{
    return s->hides;
}

int
scorer_renotify(const struct scorer *s)
{
    return s->renotify;
}

/* Hidden state and rule tags of the paper just scored; hits counted. */
static int
apply_rules(struct scorer *s, struct store *st, struct store_row *r,
            struct pw_err *e)
{
    int64_t now = time_now();

    if (store_set_rule_hidden(st, r->id, s->hides, e) < 0 ||
        store_clear_rule_tags(st, r->id, e) < 0)
        return -1;
    if (s->hides && r->hidden == 0)
        r->hidden = 2;
    else if (!s->hides && r->hidden == 2)
        r->hidden = 0;
    for (size_t i = 0; i < s->nrules; i++) {
        const char *tag = host_rule_tag(s->h, i);
        if (!s->matched[i])
            continue;
        s->hits[i]++;
        if (tag && store_add_tag(st, r->id, tag, 1, now, e) < 0)
            return -1;
    }
    return 0;
}

static int
flush_hits(struct scorer *s, struct store *st, struct pw_err *e)
{
    int64_t now = time_now();

    for (size_t i = 0; i < s->nrules; i++) {
        if (s->hits[i] == 0)
            continue;
        if (store_add_rule_hits(st, host_rule_name(s->h, i), s->hits[i], now,
                                e) < 0)
            return -1;
        s->hits[i] = 0;
    }
    return 0;
}

static void
remember_hooks(struct scorer *s, int64_t id)
{
    struct pending *pd;

    if (s->npend == s->cappend) {
        s->cappend = s->cappend ? 2 * s->cappend : 16;
        s->pend = xrealloc(s->pend, s->cappend * sizeof(*s->pend));
    }
    pd = &s->pend[s->npend++];
    pd->id = id;
    pd->matched = xcalloc(s->nrules ? s->nrules : 1, sizeof(int));
    memcpy(pd->matched, s->matched, s->nrules * sizeof(int));
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
        if (found < 0)
            goto fail;
        scorer_score(s, &r.p, &r.sources, &total, &sc, &n);
        if (store_set_scores(st, r.id, host_ruleset_hash(s->h), sc, n, total,
                             e) < 0 ||
            apply_rules(s, st, &r, e) < 0)
            goto fail;
        r.score = total;
        r.scored = 1;
        if (host_has_hooks(s->h))
            remember_hooks(s, r.id);
        if (fn)
            fn(ud, &r);
        store_row_fini(&r);
    }
    if (flush_hits(s, st, e) < 0)
        goto fail;
    rc = store_commit(st, e);
    goto out;
fail:
    store_rollback(st);
    drop_pending(s);
out:
    store_row_fini(&r);
    free(ids);
    return rc;
}

void
scorer_run_hooks(struct scorer *s, struct store *st, int64_t since)
{
    struct store_row r;
    struct strv errs;
    struct pw_err e;
    long failed = 0;

    store_row_init(&r);
    strv_init(&errs);
    for (size_t i = 0; i < s->npend; i++) {
        if (store_get_by_id(st, s->pend[i].id, &r, &e) <= 0 ||
            r.first_seen < since || r.hidden)
            continue;
        if (host_run_hooks(s->h, &r.p, &r.sources, r.score, s->pend[i].matched,
                           &errs, &e) < 0)
            strv_add(&errs, e.msg);
        for (size_t k = 0; k < errs.n; k++)
            if (failed++ == 0)
                log_error(s->log, "%s (paper %s)", errs.v[k], r.p.key);
        strv_clear(&errs);
    }
    if (failed > 1)
        log_warn(s->log, "on_match hooks failed %ld times", failed);
    strv_fini(&errs);
    store_row_fini(&r);
    drop_pending(s);
}
