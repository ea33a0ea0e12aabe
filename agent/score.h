/* score.h: running every rule on a paper through the host and keeping each
 * rule's contribution. A failing rule is reported once, with a count. */
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

/* Score every paper the store has unscored; ids of the scored papers are
 * handed to fn (for notification and reports). */
typedef void (*scored_fn)(void *ud, const struct store_row *r);
int scorer_score_pending(struct scorer *s, struct store *st, scored_fn fn,
                         void *ud, struct pw_err *e);

#endif
