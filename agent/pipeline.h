/* pipeline.h: one cycle — config, fetch, parse, store, score, notify,
 * report — and the feed-parsing command built on the same parts. */
#ifndef PW_PIPELINE_H
#define PW_PIPELINE_H

#include "log.h"
#include "util.h"

/* Exit statuses, a contract (DESIGN.md). */
enum {
    EXIT_OK = 0,
    EXIT_FATAL = 1, /* bad config, unusable database */
    EXIT_USAGE = 2,
    EXIT_PARTIAL = 3, /* some sources failed, the run completed */
};

struct host;
struct config;
struct notifier;

struct run_opts {
    const char *config; /* NULL: the built-in default */
    const char *db;
    const struct strv *only; /* --source names, or empty: all */
    int all;                 /* fetch sources that are not due too */
    int dry_run;
    int no_notify;
    int json;
    const struct log *log;
    /* The daemon lends these; NULL: the run loads o->config and opens a
     * notifier of its own. */
    struct host *host;         /* borrowed: a loaded config's host */
    const struct config *cfg;  /* borrowed: what it registered */
    struct notifier *notifier; /* borrowed, or NULL */
};

/* Returns an exit status; e says why when it is EXIT_FATAL or EXIT_USAGE. */
int pipeline_run(const struct run_opts *o, struct pw_err *e);

/* `parse`: a file, URL or "-" (stdin) as paperwatch sees it, no database.
 * JSON Lines (json set) or text on stdout. With score (`--score`), each
 * entry also scored by the rules of score->config (NULL: the built-in
 * default): "score" and "reasons" in JSON, the total first in text. */
int pipeline_parse(const char *what, int json, const struct run_opts *score,
                   const struct log *lg, struct pw_err *e);

/* `sources`: each configured source's health (last fetch and status,
 * items, failures in a row, next due), text or JSON Lines. */
int pipeline_sources(const struct run_opts *o, struct pw_err *e);

/* A stored paper as one JSON object with DESIGN.md's field names, the
 * score, sources, first_seen and notified; left open for more fields. */
struct store_row;
void pipeline_row_json(const struct store_row *r, struct buf *b);

/* `digest` (pipeline_digest.c): the papers since the last digest
 * delivered (or since o->since), ranked, rendered by the config's
 * templates. Printed on stdout (a look: nothing recorded), or written to
 * o->output (atomically) and/or mailed (o->send, pw.digest's mail; an
 * empty digest only with send_empty); either records the digest, so the
 * next starts where it ended. Returns an exit status; e says why. */
struct digest_opts {
    const char *config; /* NULL: the built-in default */
    const char *db;
    int64_t since;      /* 0: since the last digest delivered */
    const char *format; /* text|md|html|json; NULL: by output's name, else
                           pw.digest's format, else text */
    const char *output; /* a file, or NULL */
    int send;
    int64_t now; /* the period's end, 0: now */
    const struct log *log;
    /* The daemon lends these; NULL: loaded from o->config. */
    struct host *host;        /* borrowed */
    const struct config *cfg; /* borrowed */
};
int pipeline_digest(const struct digest_opts *o, struct pw_err *e);

/* For the daemon: 1 when the config's digest (cfg->digest) is due at t,
 * given the last one the store recorded; 0 not yet; *next is when it is
 * (0: at once, never sent). -1 on a store error or a bad schedule. */
struct digest_def;
struct store;
int pipeline_digest_due(const struct digest_def *dd, struct store *s, int64_t t,
                        int64_t *next, struct pw_err *e);

#endif
