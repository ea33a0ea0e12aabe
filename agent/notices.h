/* notices.h: which matching papers become bubbles and what the bubbles
 * say (pw.notify: threshold, batching, quiet hours; title, authors, the
 * rules' reasons, score, first sentence), and what the reader's clicks on
 * them record (feedback events, the page opened with xdg-open). Knows the
 * store and the notifier; no Lua, no HTTP. */
#ifndef PW_NOTICES_H
#define PW_NOTICES_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "notify.h"
#include "store.h"

/* pw.notify { ... } */
struct notice_conf {
    double min_score;
    long max;       /* more papers at once become one summary bubble */
    int quiet_from; /* quiet hours, minutes after local midnight; */
    int quiet_to;   /* quiet_from < 0: none */
};

#define NOTICES_MAX_DEFAULT 5

/* Whether local time t falls in the quiet hours ([from, to), over
 * midnight when from > to). */
int notices_quiet(const struct notice_conf *cf, int64_t t);

/* Announce the papers ids (best first): each is marked notified in the
 * store, committed, before its bubble is shown, so a crash between the
 * two loses the bubble rather than showing it twice (at most once, across
 * processes too); a paper another process marked first is skipped. Over
 * cf->max papers make one summary bubble; in quiet hours they are marked
 * (with a "muted" event) and nothing is shown. Returns the number of
 * papers announced. */
size_t notices_show(struct store *st, struct notifier *nt,
                    const struct notice_conf *cf, const int64_t *ids, size_t n,
                    int64_t now, const struct log *lg);

/* Feedback from bubbles: a notify_event_fn whose ud is a struct
 * notices_feedback. "Open" runs xdg-open with the page's http(s) URL (an
 * argument vector, no shell) and records "opened"; "Star" records
 * "starred"; a dismissal records "dismissed". */
struct notices_feedback {
    struct store *store;   /* borrowed */
    const struct log *log; /* borrowed */
};

void notices_on_event(void *ud, const char *tag, const char *url,
                      enum notify_event ev);

/* The bubble's body for one paper (plain text; notify.c escapes it). */
void notices_body(struct store *st, const struct store_row *r, struct buf *b);

/* The first sentence of text, at most max bytes (cut on a character and
 * ended with an ellipsis when longer). */
void notices_first_sentence(const char *text, size_t max, struct buf *b);

#endif
