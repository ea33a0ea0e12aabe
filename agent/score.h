/* score.h: running every rule on a paper through the host and keeping each
 * rule's contribution, its hits, the tags and hiding rules decide, and the
 * on_match hooks to run after. A failing rule is reported once, with a
 * count. */
#ifndef PW_SCORE_H
#define PW_SCORE_H

#include "host.h"
#include "log.h"
#include "store.h"

struct scorer;

struct scorer *scorer_new(struct host *h, const struct log *lg);
/* Reports rules that failed more than once ("failed on N papers"). */
void scorer_free(struct scorer *s);

/* Score one paper: *total is the sum; the contributions (non-zero only)
 * stay valid until the next call. Never fails: a rule that errors is
 * logged (the first time, with its traceback) and contributes nothing. */
void scorer_score(struct scorer *s, const struct paper *p,
                  const struct strv *sources, double *total,
                  const struct rule_score **sc, size_t *n);

/* What rule i did in the last scorer_score: its score, whether it matched
 * (returned non-zero or true), its reason (or NULL) and, when it failed,
 * why (else NULL). */
struct rule_outcome {
    double score;
    int matched;
    const char *reason; /* borrowed */
    const char *error;  /* borrowed */
};
void scorer_outcome(const struct scorer *s, size_t i, struct rule_outcome *o);
/* Whether a hide rule matched in the last scorer_score. */
int scorer_hides(const struct scorer *s);
/* Whether a rule with renotify = true matched in the last scorer_score. */
int scorer_renotify(const struct scorer *s);

/* Score every paper the store has unscored, in one transaction: scores,
 * hidden-by-rule state, rule tags and hit counts. Each scored paper is
 * handed to fn (for notification and reports). */
typedef void (*scored_fn)(void *ud, const struct store_row *r);
int scorer_score_pending(struct scorer *s, struct store *st, scored_fn fn,
                         void *ud, struct pw_err *e);

/* Run the on_match hooks for the papers scored by scorer_score_pending that
 * were first seen at or after since and are not hidden; after the scores
 * are committed (hooks may tag through db.tag). Errors are logged. */
void scorer_run_hooks(struct scorer *s, struct store *st, int64_t since);

#endif
