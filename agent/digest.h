/* digest.h: a digest as the config declares it (pw.digest), its schedule,
 * and the papers one digest holds. Rendering is Lua's (paperwatch.digest,
 * through host_render_digest); collecting and delivering is the
 * pipeline's (pipeline_digest). */
#ifndef PW_DIGEST_H
#define PW_DIGEST_H

#include <stdint.h>

#include "store.h"
#include "util.h"

/* pw.digest { mail = { ... } }. Strings owned, NULL when not given. */
struct digest_mail {
    struct strv to;
    char *from;
    char *url;              /* smtp://, smtps:// */
    char *user;             /* login name, or NULL: no login */
    char *password_command; /* run with /bin/sh -c; its stdout's first line */
};

/* pw.digest { ... }. Strings owned. */
struct digest_def {
    char *every;      /* "hour", "day", "week" or a duration ("12h") */
    char *at;         /* "08:00" or, weekly, "mon 08:00"; NULL: none */
    double min_score; /* papers at or over it */
    long top;         /* at most this many, 0: all */
    int send_empty;   /* mail (or write) a digest with no papers */
    char *format;     /* text|md|html|json, for --output; NULL: by name */
    char *subject;    /* the mail's subject, NULL: "paperwatch: N papers" */
    int has_mail;
    struct digest_mail mail;
};

struct digest_def *digest_def_new(void);
void digest_def_free(struct digest_def *d);

/* The first time the digest is due strictly after `last` (the last one
 * sent, UTC seconds), in the local time zone: with `at`, the next such
 * clock time (and weekday) after last; without, last + the period. A
 * digest never sent (last 0) is due at once. -1 with e when every or at
 * does not parse. */
int digest_next(const struct digest_def *d, int64_t last, int64_t *next,
                struct pw_err *e);

/* The period's length in seconds (every = "day": 86400). */
int digest_period(const struct digest_def *d, int64_t *secs, struct pw_err *e);

/* 1 when a digest last sent at `last` is due at t, 0 not yet, -1 (e) when
 * the schedule does not parse. A machine that slept through several
 * times sends one digest when it wakes, not one per time missed. */
int digest_due(const struct digest_def *d, int64_t last, int64_t t,
               struct pw_err *e);

/* One rule's contribution to a paper's score. Strings owned. */
struct digest_reason {
    char *rule;
    double score;
    char *reason; /* or NULL */
};

struct digest_item {
    struct store_row row;
    struct digest_reason *reasons; /* owned, largest |score| first */
    size_t nreasons;
    struct strv tags;
};

/* One digest: the papers first seen in [since, until), ranked. */
struct digest {
    int64_t since;
    int64_t until;
    double min_score;
    struct digest_item *items; /* owned */
    size_t n;
    size_t cap;
};

void digest_init(struct digest *d);
void digest_fini(struct digest *d);
/* A new item at the end, its row initialized. */
struct digest_item *digest_add(struct digest *d);
void digest_item_reason(struct digest_item *it, const char *rule, double score,
                        const char *reason);

#endif
