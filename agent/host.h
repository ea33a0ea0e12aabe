/* host.h: the one lua_State: libraries, environments, preloaded modules,
 * protected calls with tracebacks, the instruction budget and memory cap.
 * The rest of the agent reaches Lua only through here. */
#ifndef PW_HOST_H
#define PW_HOST_H

#include <stddef.h>

#include "log.h"
#include "paper.h"
#include "util.h"

struct host;
struct digest;
struct digest_def;

/* A source as the config declared it. Strings owned. */
struct source_def {
    char *name;
    char *url;
    char *format;         /* "auto" unless the config said */
    double min_delay;     /* seconds between requests to its host */
    long interval;        /* seconds between polls */
    long timeout;         /* seconds for the whole transfer, 0: default */
    long connect_timeout; /* seconds, 0: default */
    long stall_timeout;   /* seconds under 10 B/s before giving up */
    size_t max_bytes;     /* 0: default */
    int is_file;          /* a file:// URL the config named */
    int has_fetch;        /* a Lua fetch function instead of the URL */
    char *ca_file;        /* owned: CAs to trust for it, or NULL */
    size_t index;         /* its place in the config, from 0 */
};

/* What the config registered, read out of Lua after it ran. */
struct config {
    char *path;                 /* owned: the file, or "(built-in default)" */
    struct source_def *sources; /* owned */
    size_t nsources;
    int has_notify;    /* pw.notify was called */
    double notify_min; /* its min_score */
    long notify_max;   /* more at once: one summary bubble; 0 default */
    int quiet_from;    /* quiet hours, minutes after local midnight; */
    int quiet_to;      /* quiet_from < 0: none */
    char *contact;     /* owned: for the User-Agent, or NULL */
    int concurrency;   /* transfers at once, 0: default */
    /* owned: pw.digest's settings, or NULL */
    struct digest_def *digest;
};

void config_fini(struct config *c);

struct host *host_new(const struct log *lg, struct pw_err *e);
void host_free(struct host *h);

/* Run the config (path NULL: the built-in default) with the full standard
 * library and `pw` in its environment; then read what it registered. A
 * syntax or runtime error names file and line. */
int host_load_config(struct host *h, const char *path, struct config *c,
                     struct pw_err *e);

/* Run a script with the whole API and `arg`; *status gets the exit status
 * its os.exit asked for, or 0. */
int host_run_script(struct host *h, const char *path, char **argv, int argc,
                    int *status, struct pw_err *e);

/* Rules, in registration order. */
size_t host_rule_count(const struct host *h);
const char *host_rule_name(const struct host *h, size_t i);
/* Where it was declared: "init.lua:12" */
const char *host_rule_where(const struct host *h, size_t i);
/* A hash of every rule's definition: when it changes, scores are stale. */
const char *host_ruleset_hash(const struct host *h);

/* Build the read-only paper object rules see (once per paper), call rules
 * on it, drop it. host_call_rule: 0 with *score (0 when the rule had
 * nothing to say), *matched (it returned a non-zero number or true) and
 * reason (may stay empty); -1 when the rule failed,
 * with e naming the rule, file, line and traceback. */
void host_begin_paper(struct host *h, const struct paper *p,
                      const struct strv *sources);
int host_call_rule(struct host *h, size_t i, double *score, int *matched,
                   struct buf *reason, struct pw_err *e);
void host_end_paper(struct host *h);
/* After host_begin_paper, per rule: 0 when it surely does not match the
 * paper (declarative rules the C matcher rules out from one pass over its
 * text; calling it would say so too), else 1. NULL: call them all. Valid
 * until host_end_paper. */
const unsigned char *host_may_match(struct host *h);

/* Fetch functions (sources with `fetch`) run as coroutines on the cycle's
 * main loop: their http.get yields to it and is resumed when the transfer
 * ends. The host hands every entry the function returns to entry (the
 * paper borrowed for the call), then calls done exactly once: error NULL on
 * success, else why (with the traceback when it raised). */
struct http;
typedef int (*host_entry_fn)(void *ud, const struct paper *p, struct pw_err *e);
typedef void (*host_done_fn)(void *ud, const char *error);

/* The loop fetch functions' requests join; NULL: they run their own. */
void host_set_http(struct host *h, struct http *http, const char *user_agent);
int host_fetch(struct host *h, const struct source_def *d, host_entry_fn entry,
               host_done_fn done, void *ud);

/* Render a digest with the config's template for format (text, md, html,
 * json, subject: pw.digest { templates = ... }, else paperwatch.digest's);
 * the text is appended to out. -1 with e (the template's error and
 * traceback) when it fails or returns no string. */
int host_render_digest(struct host *h, const struct digest *d,
                       const char *format, struct buf *out, struct pw_err *e);

/* Rule modes (pw.rule { keep = true } ...) and tags. Keep and drop rules
 * run before a paper is stored (host_filter_paper): a paper any drop rule
 * matches is not stored; when there are keep rules, a paper none of them
 * matches is not stored either. Hide rules mark it hidden after scoring. */
enum {
    HOST_RULE_KEEP = 1,
    HOST_RULE_HIDE = 2,
    HOST_RULE_DROP = 4,
    HOST_RULE_RENOTIFY = 8, /* a new version of a notified paper notifies */
};
unsigned host_rule_flags(const struct host *h, size_t i);
const char *host_rule_tag(const struct host *h, size_t i); /* or NULL */
int host_has_filters(const struct host *h);
int host_has_hooks(const struct host *h);

/* 1: store the paper (seen in source, may be NULL), 0: dropped (then
 * *dropped_by is the drop rule's index, or -1 when no keep rule took it).
 * A failing filter keeps the paper (logged once per rule). Cheap when the
 * config has no keep or drop rule. */
int host_filter_paper(struct host *h, const struct paper *p, const char *source,
                      long *dropped_by, struct pw_err *e);

/* After a run: each matched rule's on_match(p) (matched: one flag per
 * rule), then the pw.on_match hooks whose min_score the total reaches.
 * Errors of hooks are appended to errors; -1 only when the host failed. */
int host_run_hooks(struct host *h, const struct paper *p,
                   const struct strv *sources, double score, const int *matched,
                   struct strv *errors, struct pw_err *e);

/* The database scripts' db.* functions open (NULL: none). */
void host_set_db_path(struct host *h, const char *path);

/* `paperwatch check`: run the config collecting its mistakes (each
 * "file:line: message") into problems instead of stopping at the first; a
 * syntax or runtime error of the config is one more. c is filled as far as
 * the config got. -1 only when the host itself failed. */
int host_check_config(struct host *h, const char *path, struct config *c,
                      struct strv *problems, struct pw_err *e);

#endif
