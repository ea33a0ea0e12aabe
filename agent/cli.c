/* cli.c: the command line (a contract: DESIGN.md). Only this file decides
 * what is printed on failure and with which exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "daemon.h"
#include "explain.h"
#include "exporter.h"
#include "help.h"
#include "host.h"
#include "importer.h"
#include "json.h"
#include "log.h"
#include "pipeline.h"
#include "store.h"
#include "term.h"

struct cli {
    const char *config; /* --config, or NULL */
    const char *db;     /* --db, or NULL */
    struct log log;
    char *config_path; /* owned: resolved */
    char *db_path;     /* owned: resolved */
    const char *format;
    int all, dry_run, no_notify;
    long limit;
    int has_min;
    double min_score;
    int64_t since;
    struct strv only;
    char **args; /* borrowed: positional arguments */
    int nargs;
    int starred, unread, restart;
    const char *tag;    /* --tag */
    const char *output; /* --output */
    int send;           /* --send */
    int score;          /* --score */
};

static const char usage_text[] =
    "usage: paperwatch [--config FILE] [--db FILE] [-q|-v] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run [--all] [--source NAME]... [--dry-run] [--no-notify]\n"
    "      [--format text|json]\n"
    "                      fetch the sources that are due (--all: every\n"
    "                      one), store, score, notify\n"
    "  parse [--format json|text] [--score] FILE|URL|-\n"
    "                      a feed as paperwatch sees it (no database)\n"
    "  list [--since 2d] [--min-score N] [--unread] [--starred]\n"
    "      [--source NAME] [--tag TAG] [--limit N] [--format text|json|md]\n"
    "                      stored papers, best first\n"
    "  search [--limit N] [--format text|json|md] QUERY...\n"
    "                      full text, ranked; author: cat: since: filters\n"
    "  star|unstar|read|unread|ignore KEY...\n"
    "                      triage papers\n"
    "  import [--output FILE] [--restart] FILE\n"
    "                      OPML (into a Lua file of sources) or the arXiv\n"
    "                      metadata JSON Lines snapshot (into the store)\n"
    "  export --format bibtex|json|jsonfeed|opml [--output FILE]\n"
    "      [--starred] [list filters] [KEY...]\n"
    "                      papers, or (opml) the configured sources\n"
    "  show [--format text|json] KEY\n"
    "                      one paper with each rule's contribution\n"
    "  sources [--format text|json]\n"
    "                      each source's health: last fetch and status,\n"
    "                      items, failures in a row, next due\n"
    "  digest [--since 1d] [--format text|md|html|json] [--output FILE]\n"
    "      [--send]        the papers since the last digest, ranked; --send\n"
    "                      mails it (pw.digest's mail); sent or written, it\n"
    "                      is recorded and the next one starts there\n"
    "  daemon              run cycles when sources are due, until SIGTERM;\n"
    "                      SIGHUP reloads the config\n"
    "  explain [--format text|json] KEY\n"
    "                      each rule's contribution now, the thresholds\n"
    "                      reached, hidden/kept state, tags\n"
    "  rescore             score every stored paper again (rules changed)\n"
    "  check               validate the config: every mistake, file:line\n"
    "  eval FILE.lua [ARGS...]\n"
    "                      run a script with the whole Lua API\n"
    "\n"
    "  --config FILE       default $PAPERWATCH_CONFIG, else\n"
    "                      $XDG_CONFIG_HOME/paperwatch/init.lua, else the\n"
    "                      built-in default config\n"
    "  --db FILE           default $PAPERWATCH_DB, else\n"
    "                      $XDG_DATA_HOME/paperwatch/papers.db\n"
    "  -q, -v              quieter, more verbose\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 ok, 1 fatal error (config, database), 2 bad usage,\n"
    "3 some sources failed\n"
    "\n"
    "paperwatch COMMAND --help: that command's options; man paperwatch\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "paperwatch: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see paperwatch --help)\n");
    return EXIT_USAGE;
}

/* $VAR/rest, else $HOME/fallback/rest. */
static char *
xdg_path(const char *var, const char *fallback, const char *rest)
{
    const char *base = getenv(var), *home = getenv("HOME");
    struct buf b;

    buf_init(&b);
    if (!str_empty(base) && base[0] == '/')
        buf_addf(&b, "%s/%s", base, rest);
    else
        buf_addf(&b, "%s/%s/%s", str_empty(home) ? "." : home, fallback, rest);
    return buf_steal(&b);
}

static void
resolve_paths(struct cli *c)
{
    const char *env;

    if (c->config)
        c->config_path = xstrdup(c->config);
    else if (!str_empty(env = getenv("PAPERWATCH_CONFIG")))
        c->config_path = xstrdup(env);
    else {
        c->config_path =
            xdg_path("XDG_CONFIG_HOME", ".config", "paperwatch/init.lua");
        if (access(c->config_path, F_OK) != 0) {
            free(c->config_path);
            c->config_path = NULL; /* the built-in default */
        }
    }
    if (c->db)
        c->db_path = xstrdup(c->db);
    else if (!str_empty(env = getenv("PAPERWATCH_DB")))
        c->db_path = xstrdup(env);
    else
        c->db_path =
            xdg_path("XDG_DATA_HOME", ".local/share", "paperwatch/papers.db");
}

/* Options: the global ones anywhere, the command's own after it. Returns
 * -1 after printing a usage error. */
enum {
    O_FORMAT = 1,
    O_DRY = 2,
    O_NONOTIFY = 4,
    O_SOURCE = 8,
    O_LIMIT = 16,
    O_MIN = 32,
    O_SINCE = 64,
    O_ALL = 128,
    O_STARRED = 256,
    O_UNREAD = 512,
    O_TAG = 1024,
    O_OUTPUT = 2048,
    O_RESTART = 4096,
    O_SEND = 8192,
    O_SCORE = 16384
};

static int
take_value(int argc, char **argv, int *i, const char **v)
{
    if (*i + 1 >= argc) {
        usage_error("option %s needs a value", argv[*i]);
        return -1;
    }
    *v = argv[++*i];
    return 0;
}

static int
number_opt(const char *opt, const char *v, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(v, &end);
    if (end == v || *end || errno) {
        fprintf(stderr, "paperwatch: %s: not a number: '%s'\n", opt, v);
        return -1;
    }
    return 0;
}

static int
command_opt(struct cli *c, unsigned allowed, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    double d;

    if ((allowed & O_FORMAT) && strcmp(a, "--format") == 0)
        return take_value(argc, argv, i, &c->format);
    if ((allowed & O_ALL) && strcmp(a, "--all") == 0)
        return c->all = 1, 0;
    if ((allowed & O_DRY) && strcmp(a, "--dry-run") == 0)
        return c->dry_run = 1, 0;
    if ((allowed & O_NONOTIFY) && strcmp(a, "--no-notify") == 0)
        return c->no_notify = 1, 0;
    if ((allowed & O_SOURCE) && strcmp(a, "--source") == 0) {
        if (take_value(argc, argv, i, &v) < 0)
            return -1;
        strv_add(&c->only, v);
        return 0;
    }
    if ((allowed & O_LIMIT) && strcmp(a, "--limit") == 0) {
        if (take_value(argc, argv, i, &v) < 0 || number_opt(a, v, &d) < 0)
            return -1;
        c->limit = (long)d;
        return 0;
    }
    if ((allowed & O_MIN) && strcmp(a, "--min-score") == 0) {
        if (take_value(argc, argv, i, &v) < 0 ||
            number_opt(a, v, &c->min_score) < 0)
            return -1;
        c->has_min = 1;
        return 0;
    }
    if ((allowed & O_SINCE) && strcmp(a, "--since") == 0) {
        int64_t dur;
        if (take_value(argc, argv, i, &v) < 0)
            return -1;
        if (duration_parse(v, &dur) < 0) {
            fprintf(stderr,
                    "paperwatch: --since: not a duration: '%s' "
                    "(like 12h, 2d, 1w)\n",
                    v);
            return -1;
        }
        c->since = time_now() - dur;
        return 0;
    }
    if ((allowed & O_STARRED) && strcmp(a, "--starred") == 0)
        return c->starred = 1, 0;
    if ((allowed & O_UNREAD) && strcmp(a, "--unread") == 0)
        return c->unread = 1, 0;
    if ((allowed & O_RESTART) && strcmp(a, "--restart") == 0)
        return c->restart = 1, 0;
    if ((allowed & O_TAG) && strcmp(a, "--tag") == 0)
        return take_value(argc, argv, i, &c->tag);
    if ((allowed & O_OUTPUT) && strcmp(a, "--output") == 0)
        return take_value(argc, argv, i, &c->output);
    if ((allowed & O_SEND) && strcmp(a, "--send") == 0)
        return c->send = 1, 0;
    if ((allowed & O_SCORE) && strcmp(a, "--score") == 0)
        return c->score = 1, 0;
    usage_error("unknown option '%s'", a);
    return -1;
}

/* 1: it was a global option; 0: not one; -1: bad. */
static int
global_opt(struct cli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];

    if (strcmp(a, "--config") == 0)
        return take_value(argc, argv, i, &c->config) < 0 ? -1 : 1;
    if (strcmp(a, "--db") == 0)
        return take_value(argc, argv, i, &c->db) < 0 ? -1 : 1;
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
        return c->log.level = LOG_ERROR, 1;
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
        return c->log.level = LOG_DEBUG, 1;
    return 0;
}

/* Parse argv[from..]: options and positionals; a command with `rest`
 * stops at its first positional argument (eval passes the rest on). */
static int
parse_args(struct cli *c, unsigned allowed, int rest, int argc, char **argv,
           int from)
{
    c->args = xcalloc((size_t)argc, sizeof(char *));
    for (int i = from; i < argc; i++) {
        int g;
        if (strcmp(argv[i], "--") == 0) {
            while (++i < argc)
                c->args[c->nargs++] = argv[i];
            break;
        }
        if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            c->args[c->nargs++] = argv[i];
            if (rest) {
                while (++i < argc)
                    c->args[c->nargs++] = argv[i];
                break;
            }
            continue;
        }
        if ((g = global_opt(c, argc, argv, &i)) < 0)
            return -1;
        if (g == 0 && command_opt(c, allowed, argc, argv, &i) < 0)
            return -1;
    }
    return 0;
}

static int
check_format(const char *f, const char *allowed)
{
    const char *p = allowed;
    size_t n = strlen(f);

    while ((p = strstr(p, f)) != NULL) {
        if ((p == allowed || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
            return 0;
        p += n;
    }
    fprintf(stderr, "paperwatch: unknown format '%s' (%s)\n", f, allowed);
    return -1;
}

static int
fatal(const struct pw_err *e)
{
    fprintf(stderr, "paperwatch: %s\n", e->msg);
    return EXIT_FATAL;
}

/* Flush stdout and check it (a full disk or a closed pipe is an error). */
static int
finish_output(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "paperwatch: stdout: write error: %s\n",
                strerror(errno));
        return EXIT_FATAL;
    }
    return status;
}

static int
cmd_run(struct cli *c)
{
    struct run_opts o = {
        .config = c->config_path,
        .db = c->db_path,
        .only = &c->only,
        .all = c->all,
        .dry_run = c->dry_run,
        .no_notify = c->no_notify,
        .json = strcmp(c->format, "json") == 0,
        .log = &c->log,
    };
    struct pw_err e;
    int status;

    if (c->nargs)
        return usage_error("run: unexpected argument '%s'", c->args[0]);
    if (check_format(c->format, "text|json") < 0)
        return EXIT_USAGE;
    status = pipeline_run(&o, &e);
    if (status == EXIT_FATAL || status == EXIT_USAGE)
        fprintf(stderr, "paperwatch: %s\n", e.msg);
    return finish_output(status);
}

static int
cmd_sources(struct cli *c)
{
    struct run_opts o = { .config = c->config_path,
                          .db = c->db_path,
                          .json = strcmp(c->format, "json") == 0,
                          .log = &c->log };
    struct pw_err e;

    if (c->nargs)
        return usage_error("sources: unexpected argument '%s'", c->args[0]);
    if (check_format(c->format, "text|json") < 0)
        return EXIT_USAGE;
    if (pipeline_sources(&o, &e) < 0)
        return fatal(&e);
    return finish_output(EXIT_OK);
}

static int
cmd_parse(struct cli *c)
{
    struct run_opts o = { .config = c->config_path, .log = &c->log };
    struct pw_err e;

    if (c->nargs != 1)
        return usage_error("%s", "parse: give one FILE, URL or - (stdin)");
    if (check_format(c->format, "json|text") < 0)
        return EXIT_USAGE;
    if (pipeline_parse(c->args[0], strcmp(c->format, "json") == 0,
                       c->score ? &o : NULL, &c->log, &e) < 0) {
        finish_output(0);
        return fatal(&e);
    }
    return finish_output(EXIT_OK);
}

/* Printing lists of papers (list, search): text sized to the terminal
 * and coloured only on one (never with NO_COLOR), JSON Lines, Markdown. */
struct rows {
    struct cli *c;
    struct store *s; /* borrowed: for each paper's state */
    int width, color, n;
    struct buf b;
};

static void
rows_init(struct rows *rw, struct cli *c, struct store *s)
{
    rw->c = c;
    rw->s = s;
    rw->width = term_width(stdout);
    rw->color = term_color(stdout);
    rw->n = 0;
    buf_init(&rw->b);
}

/* Text with hits between \002 and \003 (from the store's search), the
 * hits shown in colour, as **hit** (md) or *hit* (plain), or not at all
 * (json); cut to cols characters (0: all) when not md. */
static void
add_hits(struct rows *rw, const char *s, const char *fmt, size_t cols)
{
    int json = strcmp(fmt, "json") == 0, md = strcmp(fmt, "md") == 0;
    const char *on = rw->color ? TERM_HIT : md ? "**" : "*";
    const char *off = rw->color ? TERM_RESET : md ? "**" : "*";
    struct buf plain, cut;
    size_t used = 0, keep;
    int open = 0;

    buf_init(&plain);
    buf_init(&cut);
    for (const char *p = s; *p; p++)
        if (*p != '\002' && *p != '\003')
            buf_addc(&plain, *p);
    if (json) { /* a JSON string of the text without marks */
        json_add_string(&rw->b, plain.len ? plain.p : "");
        buf_fini(&plain);
        return;
    }
    term_add_cut(&cut, plain.len ? plain.p : "", cols);
    keep = cols && term_chars(plain.len ? plain.p : "") > cols
               ? cut.len - 3 /* the text before "…" (3 bytes) */
               : cut.len;
    /* marks right after the last byte kept still count (a hit that ends
     * the text); a hit the cut goes through is closed before the "…" */
    for (const char *p = s; *p; p++) {
        if (*p == '\002' || *p == '\003') {
            open = *p == '\002';
            buf_adds(&rw->b, open ? on : off);
            continue;
        }
        if (used == keep)
            break;
        buf_addc(&rw->b, *p);
        used++;
    }
    if (open)
        buf_adds(&rw->b, off);
    if (keep < cut.len) { /* cut: the ellipsis, and no colour left on */
        buf_adds(&rw->b, rw->color ? TERM_RESET : "");
        buf_adds(&rw->b, cut.p + keep);
    }
    buf_fini(&plain);
    buf_fini(&cut);
}

static void
row_state_json(struct rows *rw, const struct store_row *r)
{
    struct paper_state ps;
    struct pw_err e;

    paper_state_init(&ps);
    if (rw->s && store_paper_state(rw->s, r->id, &ps, &e) == 0) {
        json_add_key(&rw->b, "starred", 0);
        buf_adds(&rw->b, ps.starred ? "true" : "false");
        json_add_key(&rw->b, "read", 0);
        buf_adds(&rw->b, ps.read ? "true" : "false");
        json_add_key(&rw->b, "tags", 0);
        json_add_strv(&rw->b, &ps.tags);
    }
    paper_state_fini(&ps);
}

static void
row_md(struct rows *rw, const struct store_row *r)
{
    buf_addf(&rw->b, "%d. **[%s", ++rw->n, r->p.title ? r->p.title : "");
    buf_addf(&rw->b, "](%s)**", r->p.url ? r->p.url : r->p.key);
    for (size_t i = 0; i < r->p.authors.n && i < 3; i++)
        buf_addf(&rw->b, "%s%s", i ? ", " : " \xe2\x80\x94 ",
                 r->p.authors.v[i]);
    if (r->p.authors.n > 3)
        buf_adds(&rw->b, " et al.");
    buf_addf(&rw->b, " (%s, score %.2f)\n", r->p.key, r->score);
    if (r->snippet)
        add_hits(rw, r->snippet, "md", 0), buf_addc(&rw->b, '\n');
}

/* " 12.50  arxiv:2401.12345      Title" cut to the terminal's width; for
 * search hits a line of authors, categories and date, then the snippet. */
static void
row_text(struct rows *rw, const struct store_row *r)
{
    size_t w = rw->width > 40 ? (size_t)rw->width : 0;
    char t[21];

    buf_addf(&rw->b, "%s%6.2f%s  %s%-24s%s  ", rw->color ? TERM_BOLD : "",
             r->score, rw->color ? TERM_RESET : "", rw->color ? TERM_DIM : "",
             r->p.key, rw->color ? TERM_RESET : "");
    add_hits(rw,
             r->title_hl  ? r->title_hl
             : r->p.title ? r->p.title
                          : "",
             "text", w ? w - 34 : 0);
    buf_addc(&rw->b, '\n');
    if (r->snippet == NULL && r->title_hl == NULL)
        return;
    buf_adds(&rw->b, "        ");
    for (size_t i = 0; i < r->p.authors.n && i < 3; i++)
        buf_addf(&rw->b, "%s%s", i ? ", " : "", r->p.authors.v[i]);
    if (r->p.authors.n > 3)
        buf_adds(&rw->b, " et al.");
    if (r->p.categories.n)
        buf_addf(&rw->b, " \xc2\xb7 %s", r->p.categories.v[0]);
    if (r->p.published) {
        time_format(r->p.published, t);
        buf_addf(&rw->b, " \xc2\xb7 %.10s", t);
    }
    buf_addc(&rw->b, '\n');
    if (r->snippet) {
        buf_adds(&rw->b, "        ");
        add_hits(rw, r->snippet, "text", w ? w - 8 : 0);
        buf_addc(&rw->b, '\n');
    }
}

static int
list_row(void *ud, const struct store_row *r, struct pw_err *e)
{
    struct rows *rw = ud;
    const char *f = rw->c->format;

    rw->b.len = 0;
    if (strcmp(f, "json") == 0) {
        pipeline_row_json(r, &rw->b);
        row_state_json(rw, r);
        if (r->snippet) {
            json_add_key(&rw->b, "snippet", 0);
            add_hits(rw, r->snippet, "json", 0);
        }
        buf_adds(&rw->b, "}\n");
    } else if (strcmp(f, "md") == 0) {
        row_md(rw, r);
    } else {
        row_text(rw, r);
    }
    fwrite(rw->b.p, 1, rw->b.len, stdout);
    (void)e;
    return ferror(stdout) ? -1 : 0;
}

static struct store *
open_store(struct cli *c, struct pw_err *e)
{
    if (access(c->db_path, F_OK) != 0) {
        pw_errf(e, "%s: no database yet (run `paperwatch run` first)",
                c->db_path);
        return NULL;
    }
    return store_open(c->db_path, e);
}

static int
cmd_list(struct cli *c)
{
    struct store_query q = { .since = c->since,
                             .has_min_score = c->has_min,
                             .min_score = c->min_score,
                             .limit = c->limit,
                             .starred = c->starred,
                             .unread = c->unread,
                             .source = c->only.n ? c->only.v[0] : NULL,
                             .tag = c->tag };
    struct store *s;
    struct pw_err e;
    struct rows rw;
    int rc;

    if (c->nargs)
        return usage_error("list: unexpected argument '%s'", c->args[0]);
    if (check_format(c->format, "text|json|md") < 0)
        return EXIT_USAGE;
    if ((s = open_store(c, &e)) == NULL)
        return fatal(&e);
    rows_init(&rw, c, s);
    rc = store_list(s, &q, list_row, &rw, &e);
    buf_fini(&rw.b);
    store_close(s);
    if (rc < 0)
        return fatal(&e);
    return finish_output(EXIT_OK);
}

struct show_ctx {
    struct buf *b;
    int json;
    int n;
};

static int
show_score(void *ud, const char *rule, double score, const char *reason,
           struct pw_err *e)
{
    struct show_ctx *sc = ud;

    (void)e;
    if (sc->json) {
        buf_adds(sc->b, sc->n++ ? "," : "");
        buf_addc(sc->b, '{');
        json_add_key(sc->b, "rule", 1);
        json_add_string(sc->b, rule);
        json_add_key(sc->b, "score", 0);
        json_add_number(sc->b, score);
        json_add_key(sc->b, "reason", 0);
        json_add_string(sc->b, reason);
        buf_addc(sc->b, '}');
    } else {
        buf_addf(sc->b, "  %+7.2f  %s%s%s\n", score, rule, reason ? ": " : "",
                 reason ? reason : "");
    }
    return 0;
}

/* starred, read, ignored, tags and rule_tags: the names list and search
 * use for the first, read and tags */
static void
show_state_json(const struct paper_state *ps, struct buf *b)
{
    buf_addf(b, ",\"starred\":%s,\"read\":%s,\"ignored\":%s",
             ps->starred ? "true" : "false", ps->read ? "true" : "false",
             ps->ignored ? "true" : "false");
    json_add_key(b, "tags", 0);
    json_add_strv(b, &ps->tags);
    json_add_key(b, "rule_tags", 0);
    json_add_strv(b, &ps->rule_tags);
}

/* "state:      read, starred" and "tags:       mine, seen (rule)" */
static void
show_state_text(const struct paper_state *ps, struct buf *b)
{
    size_t j = 0;

    buf_addf(b, "state:      %s%s%s\n", ps->read ? "read" : "unread",
             ps->starred ? ", starred" : "", ps->ignored ? ", ignored" : "");
    for (size_t i = 0; i < ps->tags.n; i++) {
        /* both sorted: rule_tags is a subsequence of tags */
        int by_rule = j < ps->rule_tags.n &&
                      strcmp(ps->tags.v[i], ps->rule_tags.v[j]) == 0;

        j += by_rule;
        buf_addf(b, "%s%s%s", i ? ", " : "tags:       ", ps->tags.v[i],
                 by_rule ? " (rule)" : "");
    }
    if (ps->tags.n)
        buf_addc(b, '\n');
}

static void
show_text(const struct store_row *r, struct buf *b)
{
    char t[21];

    buf_addf(b, "%s\n%s\n", r->p.title ? r->p.title : "(no title)", r->p.key);
    for (size_t i = 0; i < r->p.authors.n; i++)
        buf_addf(b, "%s%s", i ? ", " : "authors:    ", r->p.authors.v[i]);
    if (r->p.authors.n)
        buf_addc(b, '\n');
    for (size_t i = 0; i < r->p.categories.n; i++)
        buf_addf(b, "%s%s", i ? " " : "categories: ", r->p.categories.v[i]);
    if (r->p.categories.n)
        buf_addc(b, '\n');
    if (r->p.published) {
        time_format(r->p.published, t);
        buf_addf(b, "published:  %s\n", t);
    }
    if (r->p.version)
        buf_addf(b, "version:    %d\n", r->p.version);
    if (r->p.url)
        buf_addf(b, "url:        %s\n", r->p.url);
    if (r->p.pdf_url)
        buf_addf(b, "pdf:        %s\n", r->p.pdf_url);
    for (size_t i = 0; i < r->sources.n; i++)
        buf_addf(b, "%s%s", i ? ", " : "sources:    ", r->sources.v[i]);
    if (r->sources.n)
        buf_addc(b, '\n');
}

static int
cmd_show(struct cli *c)
{
    struct store_row r;
    struct paper_state ps;
    struct store *s;
    struct pw_err e;
    struct buf b;
    struct show_ctx sc = { .b = &b };
    int found = -1;

    if (c->nargs != 1)
        return usage_error("%s",
                           "show: give one KEY (an arXiv id, URL or key)");
    if (check_format(c->format, "text|json") < 0)
        return EXIT_USAGE;
    sc.json = strcmp(c->format, "json") == 0;
    if ((s = open_store(c, &e)) == NULL)
        return fatal(&e);
    store_row_init(&r);
    paper_state_init(&ps);
    buf_init(&b);
    if ((found = store_get(s, c->args[0], &r, &e)) == 1 &&
        (found = store_paper_state(s, r.id, &ps, &e) < 0 ? -1 : 1) == 1) {
        if (sc.json) {
            pipeline_row_json(&r, &b);
            show_state_json(&ps, &b);
            buf_adds(&b, ",\"rules\":[");
        } else {
            show_text(&r, &b);
            show_state_text(&ps, &b);
            buf_addf(&b, "score:      %.2f%s\n", r.score,
                     r.scored ? "" : " (not scored yet)");
        }
        found = store_scores(s, r.id, show_score, &sc, &e) < 0 ? -1 : 1;
        if (sc.json)
            buf_adds(&b, "]}\n");
        else if (r.p.abstract)
            buf_addf(&b, "\n%s\n", r.p.abstract);
        fwrite(b.p, 1, b.len, stdout);
    }
    buf_fini(&b);
    paper_state_fini(&ps);
    store_row_fini(&r);
    store_close(s);
    if (found < 0)
        return fatal(&e);
    if (found == 0) {
        fprintf(stderr, "paperwatch: no paper '%s' in %s\n", c->args[0],
                c->db_path);
        return EXIT_FATAL;
    }
    return finish_output(EXIT_OK);
}

/* explain KEY, rescore, check (explain.c, check.c). */
static int
cmd_explain(struct cli *c)
{
    struct run_opts o = { .config = c->config_path,
                          .db = c->db_path,
                          .json = strcmp(c->format, "json") == 0,
                          .log = &c->log };
    struct pw_err e;
    int found;

    if (c->nargs != 1)
        return usage_error("%s", "explain: give one KEY");
    if (check_format(c->format, "text|json") < 0)
        return EXIT_USAGE;
    if (access(c->db_path, F_OK) != 0) {
        fprintf(stderr, "paperwatch: %s: no database yet\n", c->db_path);
        return EXIT_FATAL;
    }
    if ((found = explain_paper(&o, c->args[0], &e)) < 0)
        return fatal(&e);
    if (found == 0) {
        fprintf(stderr, "paperwatch: no paper '%s' in %s\n", c->args[0],
                c->db_path);
        return EXIT_FATAL;
    }
    return finish_output(EXIT_OK);
}

static int
cmd_rescore(struct cli *c)
{
    struct run_opts o = { .config = c->config_path,
                          .db = c->db_path,
                          .log = &c->log };
    struct pw_err e;
    long n;

    if (c->nargs)
        return usage_error("rescore: unexpected argument '%s'", c->args[0]);
    if (explain_rescore(&o, &n, &e) < 0)
        return fatal(&e);
    log_info(&c->log, "%ld papers scored again", n);
    return finish_output(EXIT_OK);
}

static int
cmd_check(struct cli *c)
{
    struct run_opts o = { .config = c->config_path, .log = &c->log };
    struct pw_err e;
    int status;

    if (c->nargs)
        return usage_error("check: unexpected argument '%s'", c->args[0]);
    if ((status = check_config(&o, &e)) != EXIT_OK) {
        finish_output(0);
        return fatal(&e);
    }
    return finish_output(EXIT_OK);
}

static int
cmd_eval(struct cli *c)
{
    struct host *h;
    struct pw_err e;
    int status = 0;

    if (c->nargs < 1)
        return usage_error("%s", "eval: give a FILE.lua");
    if ((h = host_new(&c->log, &e)) == NULL)
        return fatal(&e);
    host_set_db_path(h, c->db_path);
    if (host_run_script(h, c->args[0], c->args + 1, c->nargs - 1, &status, &e) <
        0) {
        host_free(h);
        fflush(stdout);
        return fatal(&e);
    }
    host_free(h);
    return finish_output(status);
}

static int
cmd_daemon(struct cli *c)
{
    struct run_opts o = { .config = c->config_path,
                          .db = c->db_path,
                          .log = &c->log };
    struct pw_err e;

    if (c->nargs)
        return usage_error("daemon: unexpected argument '%s'", c->args[0]);
    if (daemon_run(&o, &e) != EXIT_OK)
        return fatal(&e);
    return finish_output(EXIT_OK);
}

/* Triage: star, unstar, read, unread, ignore KEY... Every key is tried;
 * one that names no paper is reported and makes the status 1. */
static int
triage(struct cli *c, const char *cmd, const char *kind)
{
    struct store_row r;
    struct store *s;
    struct pw_err e;
    int status = EXIT_OK;

    if (c->nargs < 1)
        return usage_error("%s: give one KEY or more", cmd);
    if ((s = open_store(c, &e)) == NULL)
        return fatal(&e);
    store_row_init(&r);
    for (int i = 0; i < c->nargs; i++) {
        int found = store_get(s, c->args[i], &r, &e);
        if (found == 1 &&
            store_add_event(s, r.id, kind, time_now(), NULL, &e) == 0 &&
            (strcmp(kind, "ignored") != 0 ||
             store_set_hidden(s, r.id, 1, &e) == 0)) {
            log_info(&c->log, "%s %s", kind, r.p.key);
            continue;
        }
        if (found == 0)
            fprintf(stderr, "paperwatch: %s: no paper '%s' in %s\n", cmd,
                    c->args[i], c->db_path);
        else
            fprintf(stderr, "paperwatch: %s %s: %s\n", cmd, c->args[i], e.msg);
        status = EXIT_FATAL;
    }
    store_row_fini(&r);
    store_close(s);
    return finish_output(status);
}

static int
cmd_star(struct cli *c)
{
    return triage(c, "star", "starred");
}

static int
cmd_unstar(struct cli *c)
{
    return triage(c, "unstar", "unstarred");
}

static int
cmd_read(struct cli *c)
{
    return triage(c, "read", "read");
}

static int
cmd_unread(struct cli *c)
{
    return triage(c, "unread", "unread");
}

static int
cmd_ignore(struct cli *c)
{
    return triage(c, "ignore", "ignored");
}

static int
cmd_search(struct cli *c)
{
    struct store *s;
    struct pw_err e;
    struct rows rw;
    struct buf q;
    double t0 = clock_secs();
    int rc;

    if (c->nargs < 1)
        return usage_error("%s", "search: give a QUERY");
    if (check_format(c->format, "text|json|md") < 0)
        return EXIT_USAGE;
    buf_init(&q);
    for (int i = 0; i < c->nargs; i++)
        buf_addf(&q, "%s%s", i ? " " : "", c->args[i]);
    if ((s = open_store(c, &e)) == NULL) {
        buf_fini(&q);
        return fatal(&e);
    }
    rows_init(&rw, c, s);
    rc = store_search(s, q.p, c->limit < 0 ? 20 : c->limit, list_row, &rw, &e);
    if (rc >= 0)
        log_debug(&c->log, "search: %.1f ms, the database opened included",
                  (clock_secs() - t0) * 1000);
    buf_fini(&rw.b);
    buf_fini(&q);
    store_close(s);
    if (rc < 0 && strncmp(e.msg, "search:", 7) == 0) {
        fprintf(stderr, "paperwatch: %s\n", e.msg);
        return EXIT_USAGE;
    }
    if (rc < 0)
        return fatal(&e);
    return finish_output(EXIT_OK);
}

/* The directory of path ("." when none), owned. */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return xstrdup(".");
    return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static int
make_dirs(const char *dir)
{
    char *p = xstrdup(dir);

    for (char *q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        mkdir(p, 0700);
        *q = '/';
    }
    errno = 0;
    int rc = mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    return rc;
}

/* After an OPML import: the line that makes init.lua use the file. */
static void
print_include(const char *config_dir, const char *lua_out)
{
    char *dir = dir_of(lua_out);
    const char *base = strrchr(lua_out, '/');
    size_t n;

    base = base ? base + 1 : lua_out;
    n = strlen(base);
    if (strcmp(dir, config_dir) == 0 && n > 4 &&
        strcmp(base + n - 4, ".lua") == 0 && strcspn(base, ".") == n - 4)
        printf("require \"%.*s\"\n", (int)(n - 4), base);
    else
        printf("dofile \"%s\"\n", lua_out);
    free(dir);
}

static int
cmd_import(struct cli *c)
{
    struct import_opts o = { .config = c->config_path,
                             .db = c->db_path,
                             .restart = c->restart,
                             .progress = term_isatty(stderr) &&
                                         c->log.level >= LOG_INFO,
                             .log = &c->log };
    struct import_result r;
    struct pw_err e;
    struct buf b;
    char *cdir, *out;

    if (c->nargs != 1)
        return usage_error("%s", "import: give one FILE (OPML or arXiv "
                                 "metadata JSON Lines)");
    o.file = c->args[0];
    cdir = c->config_path
               ? dir_of(c->config_path)
               : xdg_path("XDG_CONFIG_HOME", ".config", "paperwatch");
    buf_init(&b);
    buf_addf(&b, "%s/opml-sources.lua", cdir);
    out = c->output ? xstrdup(c->output) : buf_steal(&b);
    buf_fini(&b);
    o.lua_out = out;
    if (!c->output && make_dirs(cdir) < 0)
        log_warn(&c->log, "%s: %s", cdir, strerror(errno));
    if (importer_run(&o, &r, &e) < 0) {
        free(cdir);
        free(out);
        return fatal(&e);
    }
    if (r.opml) {
        log_info(&c->log,
                 "%ld sources written to %s; add this line to your config "
                 "(%s):",
                 r.sources, out, c->config_path ? c->config_path : "init.lua");
        print_include(cdir, out);
    } else {
        log_info(&c->log, "%s: %lld records stored (%ld new, %ld updated)%s",
                 o.file, (long long)r.records, r.nnew, r.nupdated,
                 r.skipped ? " after resuming" : "");
    }
    free(cdir);
    free(out);
    /* malformed lines were passed over: done, but not all of it */
    return finish_output(r.bad ? EXIT_PARTIAL : EXIT_OK);
}

static int
cmd_export(struct cli *c)
{
    static const char *const names[] = { "bibtex", "json", "jsonfeed", "opml" };
    struct export_opts o = { .config = c->config_path,
                             .db = c->db_path,
                             .keys = c->args,
                             .nkeys = c->nargs,
                             .q = { .since = c->since,
                                    .has_min_score = c->has_min,
                                    .min_score = c->min_score,
                                    .limit = c->limit,
                                    .starred = c->starred,
                                    .unread = c->unread,
                                    .source = c->only.n ? c->only.v[0] : NULL,
                                    .tag = c->tag },
                             .out = stdout,
                             .log = &c->log };
    struct pw_err e;
    int missing = 0, rc;

    if (check_format(c->format, "bibtex|json|jsonfeed|opml") < 0)
        return EXIT_USAGE;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(c->format, names[i]) == 0)
            o.format = (enum export_format)i;
    if (o.format == EXPORT_OPML && c->nargs)
        return usage_error("%s", "export --format opml: the configured "
                                 "sources; no KEY");
    if (o.format != EXPORT_OPML && access(c->db_path, F_OK) != 0) {
        fprintf(stderr, "paperwatch: %s: no database yet\n", c->db_path);
        return EXIT_FATAL;
    }
    errno = 0;
    if (c->output && (o.out = fopen(c->output, "w")) == NULL) {
        fprintf(stderr, "paperwatch: %s: %s\n", c->output, strerror(errno));
        return EXIT_FATAL;
    }
    rc = exporter_run(&o, &missing, &e);
    if (c->output &&
        (fflush(o.out) != 0 || ferror(o.out) | (fclose(o.out) != 0)) && rc == 0)
        rc = pw_errf(&e, "%s: write error: %s", c->output, strerror(errno));
    if (rc < 0) {
        finish_output(0);
        return fatal(&e);
    }
    return finish_output(missing ? EXIT_FATAL : EXIT_OK);
}

/* --format defaults to the --output file's extension, then pw.digest's
 * format, then text: a NULL format here leaves that to the pipeline. */
static int
cmd_digest(struct cli *c)
{
    struct digest_opts o = { .config = c->config_path,
                             .db = c->db_path,
                             .since = c->since,
                             .format = c->format,
                             .output = c->output,
                             .send = c->send,
                             .log = &c->log };
    struct pw_err e;
    int status;

    if (c->nargs)
        return usage_error("digest: unexpected argument '%s'", c->args[0]);
    if (c->format && check_format(c->format, "text|md|html|json") < 0)
        return EXIT_USAGE;
    status = pipeline_digest(&o, &e);
    if (status != EXIT_OK) {
        fflush(stdout);
        fprintf(stderr, "paperwatch: %s\n", e.msg);
        return status;
    }
    return finish_output(EXIT_OK);
}

static const struct command {
    const char *name;
    int (*fn)(struct cli *);
    unsigned opts;
    int rest;           /* positional arguments end option parsing */
    const char *format; /* default --format */
} commands[] = {
    { "daemon", cmd_daemon, 0, 0, "text" },
    { "digest", cmd_digest, O_FORMAT | O_SINCE | O_OUTPUT | O_SEND, 0, NULL },
    { "eval", cmd_eval, 0, 1, "text" },
    { "explain", cmd_explain, O_FORMAT, 0, "text" },
    { "rescore", cmd_rescore, 0, 0, "text" },
    { "check", cmd_check, 0, 0, "text" },
    { "list", cmd_list,
      O_FORMAT | O_LIMIT | O_MIN | O_SINCE | O_STARRED | O_UNREAD | O_TAG |
          O_SOURCE,
      0, "text" },
    { "parse", cmd_parse, O_FORMAT | O_SCORE, 0, "json" },
    { "run", cmd_run, O_FORMAT | O_ALL | O_DRY | O_NONOTIFY | O_SOURCE, 0,
      "text" },
    { "show", cmd_show, O_FORMAT, 0, "text" },
    { "sources", cmd_sources, O_FORMAT, 0, "text" },
    { "star", cmd_star, 0, 0, "text" },
    { "unstar", cmd_unstar, 0, 0, "text" },
    { "read", cmd_read, 0, 0, "text" },
    { "unread", cmd_unread, 0, 0, "text" },
    { "ignore", cmd_ignore, 0, 0, "text" },
    { "search", cmd_search, O_FORMAT | O_LIMIT, 0, "text" },
    { "import", cmd_import, O_OUTPUT | O_RESTART, 0, "text" },
    { "export", cmd_export,
      O_FORMAT | O_OUTPUT | O_LIMIT | O_MIN | O_SINCE | O_STARRED | O_UNREAD |
          O_TAG | O_SOURCE,
      0, "json" },
};

/* `paperwatch COMMAND --help` (before any "--", or any positional
 * argument of a command whose arguments are passed on): 1 when printed. */
static int
command_help(const char *name, int rest, int argc, char **argv, int from)
{
    const char *text = help_for(name);

    for (int i = from; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 || (rest && argv[i][0] != '-'))
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(text ? text : usage_text, stdout);
            return 1;
        }
    }
    return 0;
}

static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int
cli_main(int argc, char **argv)
{
    struct cli c = { .log = { LOG_INFO }, .limit = -1 };
    const struct command *cmd = NULL;
    int i, g, status;

    strv_init(&c.only);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return finish_output(EXIT_OK);
        }
        if (strcmp(argv[i], "--version") == 0) {
            puts("paperwatch " PW_VERSION);
            return finish_output(EXIT_OK);
        }
        if ((g = global_opt(&c, argc, argv, &i)) < 0)
            return EXIT_USAGE;
        if (g == 0)
            break;
    }
    if (i >= argc)
        return usage_error("%s", "no command given");
    if (argv[i][0] == '-')
        return usage_error("unknown option '%s'", argv[i]);
    if ((cmd = find_command(argv[i])) == NULL)
        return usage_error("unknown command '%s'", argv[i]);
    c.format = cmd->format;
    if (command_help(cmd->name, cmd->rest, argc, argv, i + 1))
        return finish_output(EXIT_OK);
    if (parse_args(&c, cmd->opts, cmd->rest, argc, argv, i + 1) < 0) {
        free(c.args);
        strv_fini(&c.only);
        return EXIT_USAGE;
    }
    resolve_paths(&c);
    status = cmd->fn(&c);
    free(c.args);
    free(c.config_path);
    free(c.db_path);
    strv_fini(&c.only);
    return status;
}
