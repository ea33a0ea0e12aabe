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

struct run_opts {
    const char *config; /* NULL: the built-in default */
    const char *db;
    const struct strv *only; /* --source names, or empty: all */
    int all;                 /* fetch sources that are not due too */
    int dry_run;
    int no_notify;
    int json;
    const struct log *log;
};

/* Returns an exit status; e says why when it is EXIT_FATAL or EXIT_USAGE. */
int pipeline_run(const struct run_opts *o, struct pw_err *e);

/* `parse`: a file, URL or "-" (stdin) as paperwatch sees it, no database.
 * JSON Lines (json set) or text on stdout. */
int pipeline_parse(const char *what, int json, const struct log *lg,
                   struct pw_err *e);

/* `sources`: each configured source's health (last fetch and status,
 * items, failures in a row, next due), text or JSON Lines. */
int pipeline_sources(const struct run_opts *o, struct pw_err *e);

/* A stored paper as one JSON object with DESIGN.md's field names, the
 * score, sources, first_seen and notified; left open for more fields. */
struct store_row;
void pipeline_row_json(const struct store_row *r, struct buf *b);

#endif
