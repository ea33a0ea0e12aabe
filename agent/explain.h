/* explain.h: why a paper scored what it did (`explain`), scoring every
 * stored paper again after the rules changed (`rescore`), and telling the
 * user once when they did. */
#ifndef PW_EXPLAIN_H
#define PW_EXPLAIN_H

#include "host.h"
#include "log.h"
#include "pipeline.h"
#include "store.h"

/* `explain KEY`: every rule's contribution under the current config (and
 * reason, hits, mode), the total and the stored score, the thresholds it
 * reaches, hidden/kept/dropped state and tags; text or one JSON object.
 * 1 shown, 0 no such paper, -1 e. */
int explain_paper(const struct run_opts *o, const char *key, struct pw_err *e);

/* `rescore`: every stored paper scored again with the current rules (in
 * one transaction); hide rules and rule tags recomputed, hooks not run,
 * nothing notified. *n gets how many. Never touches the config. */
int explain_rescore(const struct run_opts *o, long *n, struct pw_err *e);

/* After a run: when papers were scored under another rule set, say so
 * once per rule set (`paperwatch rescore` advised). Never fails. */
void explain_warn_stale(struct host *h, struct store *st, const struct log *lg);

#endif
