/* cli.c: the command line (a contract: DESIGN.md). Only this file decides
 * what is printed on failure and with which exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "host.h"
#include "json.h"
#include "log.h"
#include "pipeline.h"
#include "store.h"

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
};

static const char usage_text[] =
    "usage: paperwatch [--config FILE] [--db FILE] [-q|-v] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run [--all] [--source NAME]... [--dry-run] [--no-notify]\n"
    "      [--format text|json]\n"
    "                      fetch the sources that are due (--all: every\n"
    "                      one), store, score, notify\n"
    "  parse [--format json|text] FILE|URL|-\n"
    "                      a feed as paperwatch sees it (no database)\n"
    "  list [--since 2d] [--min-score N] [--limit N] [--format text|json]\n"
    "                      stored papers, best first\n"
    "  show [--format text|json] KEY\n"
    "                      one paper with each rule's contribution\n"
    "  sources [--format text|json]\n"
    "                      each source's health: last fetch and status,\n"
    "                      items, failures in a row, next due\n"
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
    "3 some sources failed\n";

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
    O_ALL = 128
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
    struct pw_err e;

    if (c->nargs != 1)
        return usage_error("%s", "parse: give one FILE, URL or - (stdin)");
    if (check_format(c->format, "json|text") < 0)
        return EXIT_USAGE;
    if (pipeline_parse(c->args[0], strcmp(c->format, "json") == 0, &c->log,
                       &e) < 0) {
        finish_output(0);
        return fatal(&e);
    }
    return finish_output(EXIT_OK);
}

static int
list_row(void *ud, const struct store_row *r, struct pw_err *e)
{
    struct cli *c = ud;
    struct buf b;

    buf_init(&b);
    if (strcmp(c->format, "json") == 0) {
        pipeline_row_json(r, &b);
        buf_adds(&b, "}\n");
    } else {
        buf_addf(&b, "%6.2f  %-24s  %s\n", r->score, r->p.key,
                 r->p.title ? r->p.title : "");
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_fini(&b);
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
                             .limit = c->limit };
    struct store *s;
    struct pw_err e;
    int rc;

    if (c->nargs)
        return usage_error("list: unexpected argument '%s'", c->args[0]);
    if (check_format(c->format, "text|json") < 0)
        return EXIT_USAGE;
    if ((s = open_store(c, &e)) == NULL)
        return fatal(&e);
    rc = store_list(s, &q, list_row, c, &e);
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
    buf_addf(b, "\nscore:      %.2f%s\n", r->score,
             r->scored ? "" : " (not scored yet)");
}

static int
cmd_show(struct cli *c)
{
    struct store_row r;
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
    buf_init(&b);
    if ((found = store_get(s, c->args[0], &r, &e)) == 1) {
        if (sc.json) {
            pipeline_row_json(&r, &b);
            buf_adds(&b, ",\"rules\":[");
        } else {
            show_text(&r, &b);
        }
        found = store_scores(s, r.id, show_score, &sc, &e) < 0 ? -1 : 1;
        if (sc.json)
            buf_adds(&b, "]}\n");
        else if (r.p.abstract)
            buf_addf(&b, "\n%s\n", r.p.abstract);
        fwrite(b.p, 1, b.len, stdout);
    }
    buf_fini(&b);
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
    if (host_run_script(h, c->args[0], c->args + 1, c->nargs - 1, &status, &e) <
        0) {
        host_free(h);
        fflush(stdout);
        return fatal(&e);
    }
    host_free(h);
    return finish_output(status);
}

static const struct command {
    const char *name;
    int (*fn)(struct cli *);
    unsigned opts;
    int rest;           /* positional arguments end option parsing */
    const char *format; /* default --format */
} commands[] = {
    { "eval", cmd_eval, 0, 1, "text" },
    { "list", cmd_list, O_FORMAT | O_LIMIT | O_MIN | O_SINCE, 0, "text" },
    { "parse", cmd_parse, O_FORMAT, 0, "json" },
    { "run", cmd_run, O_FORMAT | O_ALL | O_DRY | O_NONOTIFY | O_SOURCE, 0,
      "text" },
    { "show", cmd_show, O_FORMAT, 0, "text" },
    { "sources", cmd_sources, O_FORMAT, 0, "text" },
};

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
    struct cli c = { .log = { LOG_INFO } };
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
