/* store.h: the one SQLite file: papers, where each was seen, per-rule
 * scores, events, source state. Knows nothing of HTTP or Lua. */
#ifndef PW_STORE_H
#define PW_STORE_H

#include <stdint.h>

#include "paper.h"
#include "util.h"

struct store;

enum store_outcome {
    STORE_UNCHANGED = 0,
    STORE_NEW,
    STORE_UPDATED, /* new version or changed content: rescored */
};

/* Per-source state kept between runs. Strings owned. */
struct source_state {
    char *url;
    char *etag;
    char *last_modified;
    int64_t last_fetch; /* 0: never */
    char *last_status;  /* ok | unchanged | empty | error */
    char *last_error;
    long items_last;
    long failures;    /* consecutive */
    int64_t next_due; /* 0: now */
    char *moved_to;   /* the URL it moved to for good (301/308) */
    int64_t last_ok;  /* last success (ok, unchanged, empty); 0 never */
    long http_status; /* of the last answer, 0 none */
};

void source_state_init(struct source_state *st);
void source_state_fini(struct source_state *st);

/* A paper as the store has it, with what the store adds. */
struct store_row {
    int64_t id;
    struct paper p;
    double score;
    int scored;          /* score_hash set */
    struct strv sources; /* names of the sources it came from */
    int64_t first_seen;
    int64_t notified_at; /* 0: never */
    int64_t last_seen;
    int64_t changed_at; /* added, or content last changed */
    int hidden;
    char *title_hl; /* owned: search only: title, hits between \002 \003 */
    char *snippet;  /* owned: search only: abstract excerpt, the same */
};

void store_row_init(struct store_row *r);
void store_row_fini(struct store_row *r);

struct rule_score {
    const char *rule; /* borrowed */
    double score;
    const char *reason; /* borrowed, or NULL */
};

struct store_query {
    int64_t since; /* first seen at or after; 0: all */
    int has_min_score;
    double min_score;
    long limit;         /* 0: no limit */
    int include_hidden; /* 0: hidden papers are left out */
    int starred;        /* only starred papers */
    int unread;         /* only papers not marked read */
    const char *source; /* only papers seen in this source, or NULL */
    const char *tag;    /* only papers with this tag, or NULL */
};

/* Callbacks return 0 to go on, 1 to stop early (the call returns 0), -1 on
 * failure (e filled; the call returns -1). */
typedef int (*store_row_fn)(void *ud, const struct store_row *r,
                            struct pw_err *e);
typedef int (*store_score_fn)(void *ud, const char *rule, double score,
                              const char *reason, struct pw_err *e);

/* Open (creating the file and its directory when missing) and migrate the
 * schema forward. WAL, foreign keys, busy_timeout. */
struct store *store_open(const char *path, struct pw_err *e);
void store_close(struct store *s);
const char *store_path(const struct store *s);

/* Transactions: the outermost is BEGIN IMMEDIATE; nested ones are
 * savepoints, so a dry run can wrap everything and roll it all back. */
int store_begin(struct store *s, struct pw_err *e);
/* On failure the transaction (or savepoint) is rolled back. */
int store_commit(struct store *s, struct pw_err *e);
/* With no transaction open this does nothing and returns 0. */
int store_rollback(struct store *s);

/* Leave the papers inserted from now on out of the search index until
 * the transaction commits, and index them then, with one statement:
 * FTS5 writes out what it holds at every statement that changes it (its
 * statement savepoint), so a trigger per row cost an import 3/4 of its
 * time. Only inside a transaction; the commit indexes them in that same
 * transaction (a rollback drops them), so no committed state has the
 * index behind. Papers updated or deleted meanwhile are kept right. */
int store_fts_defer(struct store *s, struct pw_err *e);
/* Merge the search index into one segment (FTS5 'optimize'), so a search
 * reads one b-tree per term. Its own transaction; it rewrites the whole
 * index: worth it after an import added a good part of it. */
int store_fts_optimize(struct store *s, struct pw_err *e);

/* Insert or merge by key, remembering the source (NULL: none). A new
 * version or changed content marks the paper unscored. *out gets the
 * outcome. */
int store_upsert_paper(struct store *s, const struct paper *p,
                       const char *source, int64_t now, enum store_outcome *out,
                       struct pw_err *e);

/* Ids of papers whose score is missing (new or changed). Caller frees. */
int store_unscored(struct store *s, int64_t **ids, size_t *n, struct pw_err *e);
/* Mark every paper unscored (rules changed). */
int store_unscore_all(struct store *s, struct pw_err *e);

/* Replace the paper's per-rule scores (only non-zero ones are kept) and
 * set its total and the rule set's hash. */
int store_set_scores(struct store *s, int64_t id, const char *ruleset_hash,
                     const struct rule_score *sc, size_t n, double total,
                     struct pw_err *e);

/* 1: marked now (the caller may notify), 0: it was already marked (by us
 * earlier or by another process). Atomic across processes. The paper's
 * version is remembered with the mark. */
int store_mark_notified(struct store *s, int64_t id, int64_t now,
                        struct pw_err *e);

/* A rule asked for a new version of a notified paper to notify again:
 * clear the mark when the paper's version is above the one last notified.
 * 1: cleared now (it may be notified again, once), 0: not, -1: error. */
int store_rearm_notified(struct store *s, int64_t id, struct pw_err *e);

/* Read: 1 found, 0 not found, -1 error. `key` may be an arXiv id or URL as
 * people type them; it is normalized. r must be initialized; what it held
 * is freed first. */
int store_get(struct store *s, const char *key, struct store_row *r,
              struct pw_err *e);
int store_get_by_id(struct store *s, int64_t id, struct store_row *r,
                    struct pw_err *e);
/* Stored (non-zero) rule scores, largest |score| first. */
int store_scores(struct store *s, int64_t id, store_score_fn fn, void *ud,
                 struct pw_err *e);
/* Papers by score (highest first), then newest. */
int store_list(struct store *s, const struct store_query *q, store_row_fn fn,
               void *ud, struct pw_err *e);

/* 1 found, 0 unknown source (st left initialized), -1 error. st must be
 * initialized; what it held is freed first. */
int store_source_get(struct store *s, const char *name, struct source_state *st,
                     struct pw_err *e);
int store_source_put(struct store *s, const char *name,
                     const struct source_state *st, struct pw_err *e);

int store_count_papers(struct store *s, long *n, struct pw_err *e);

/* Full-text search over title, authors and abstract, best match first
 * (bm25, title hits weighted up), in the language of query.h: words and
 * "phrases" (quoted for FTS5), a trailing '*' a prefix, OR, AND, NOT and
 * parentheses as operators, author: title: abstract: fields, cat: and
 * since: filters. Ignored (hidden) papers are left out. Rows carry
 * title_hl and snippet. A query FTS5 refuses is an error naming it.
 * limit 0: no limit. */
int store_search(struct store *s, const char *query, long limit,
                 store_row_fn fn, void *ud, struct pw_err *e);

/* Record feedback or history: kind is notified|digested|starred|unstarred|
 * read|ignored|opened|dismissed...; detail may be NULL. */
int store_add_event(struct store *s, int64_t id, const char *kind, int64_t now,
                    const char *detail, struct pw_err *e);

/* Hide (1) or show (0) a paper in lists; it stays stored. */
int store_set_hidden(struct store *s, int64_t id, int hidden, struct pw_err *e);

/* A paper's triage state, from its latest events: starred (starred after
 * the last unstarred), read (read after the last unread), ignored; and its
 * tags. */
struct paper_state {
    int starred, read, ignored;
    struct strv tags;      /* all of them, sorted */
    struct strv rule_tags; /* those of tags a rule set (the others: the
                              user's), sorted */
};

void paper_state_init(struct paper_state *ps);
void paper_state_fini(struct paper_state *ps);
int store_paper_state(struct store *s, int64_t id, struct paper_state *ps,
                      struct pw_err *e);

/* Where an import of a file stopped (byte offset after the last record
 * committed) and how many records it has stored. 1 known, 0 never
 * imported (*offset, *records 0), -1 error. */
int store_import_get(struct store *s, const char *file, int64_t *offset,
                     int64_t *records, struct pw_err *e);
int store_import_put(struct store *s, const char *file, int64_t offset,
                     int64_t records, int done, struct pw_err *e);

/* Tags: by_rule tags are recomputed at each scoring (cleared first); a
 * user's tag (by_rule 0) stays. */
int store_add_tag(struct store *s, int64_t id, const char *tag, int by_rule,
                  int64_t now, struct pw_err *e);
int store_clear_rule_tags(struct store *s, int64_t id, struct pw_err *e);
/* Appends the paper's tags to out, sorted. */
int store_tags(struct store *s, int64_t id, struct strv *out, struct pw_err *e);
/* Hidden by a hide rule (hidden = 2), or no longer; a paper the user hid
 * (hidden = 1) stays hidden either way. */
int store_set_rule_hidden(struct store *s, int64_t id, int hide,
                          struct pw_err *e);
/* Per-rule hit counts, kept across runs. */
int store_add_rule_hits(struct store *s, const char *rule, long hits,
                        int64_t now, struct pw_err *e);
int store_rule_hits(struct store *s, const char *rule, long *hits,
                    struct pw_err *e);
/* Papers scored under another rule set than hash. */
int store_count_stale(struct store *s, const char *hash, long *n,
                      struct pw_err *e);
/* Small named settings; *value owned by the caller, NULL when unset. */
int store_setting_get(struct store *s, const char *name, char **value,
                      struct pw_err *e);
int store_setting_put(struct store *s, const char *name, const char *value,
                      struct pw_err *e);

/* A read-only SQL query (scripts' db.query): one statement that does not
 * write, positional values bound, at most max_rows rows (0: any). NULL
 * with e filled (SQLite's message) on any failure. */
enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };
struct store_value {
    enum store_type type;
    int64_t i;
    double d;
    char *s; /* STORE_TEXT: owned in results, borrowed in arguments */
    size_t len;
};
struct store_result {
    size_t ncols, nrows;
    char **names;             /* owned: ncols */
    struct store_value *vals; /* owned: row-major, nrows * ncols */
};
struct store_result *store_read_query(struct store *s, const char *sql,
                                      const struct store_value *args,
                                      size_t nargs, long max_rows,
                                      struct pw_err *e);
void store_result_free(struct store_result *r);

/* Digests delivered (sent or written) are recorded as an event without a
 * paper (kind 'digest', at = the end of its period, detail a JSON object
 * with since, count and to), beside a 'digested' event per paper. The
 * next digest starts where the last one ended: *until 0 when none. */
int store_add_digest(struct store *s, int64_t since, int64_t until, long n,
                     const char *to, struct pw_err *e);
int store_last_digest(struct store *s, int64_t *until, struct pw_err *e);

#endif
