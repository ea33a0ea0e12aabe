/* notices.c: from matching papers to bubbles, and from the reader's clicks
 * back to the store. notify.c knows the D-Bus side; this file decides what
 * is shown, when, and in how many bubbles. */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "notices.h"

/* Lines of titles in a summary bubble. */
#define SUMMARY_LINES 3
/* Bytes of the abstract's first sentence in a bubble. */
#define SENTENCE_MAX 280
/* Rules named in a bubble's body. */
#define REASONS_MAX 3

/* Words whose full stop ends no sentence. */
static const char *const abbrevs[] = { "e.g", "i.e", "al", "fig",
                                       "eq",  "vs",  "cf", "resp" };

int
notices_quiet(const struct notice_conf *cf, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int m;

    if (cf->quiet_from < 0 || cf->quiet_from == cf->quiet_to ||
        localtime_r(&tt, &tm) == NULL)
        return 0;
    m = tm.tm_hour * 60 + tm.tm_min;
    if (cf->quiet_from < cf->quiet_to)
        return m >= cf->quiet_from && m < cf->quiet_to;
    return m >= cf->quiet_from || m < cf->quiet_to;
}

static int
is_abbrev(const char *s, size_t dot)
{
    size_t start = dot;

    while (start > 0 && !isspace((unsigned char)s[start - 1]) &&
           s[start - 1] != '(')
        start--;
    if (dot - start == 1 && isupper((unsigned char)s[start]))
        return 1; /* an initial: "J. Smith" */
    for (size_t i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
        if (strlen(abbrevs[i]) == dot - start &&
            strncasecmp(s + start, abbrevs[i], dot - start) == 0)
            return 1;
    return 0;
}

/* Where the first sentence ends (after its '.', '?' or '!'), or the
 * length of s: a stop followed by a space and a capital, digit or
 * bracket, not after an abbreviation. */
static size_t
sentence_end(const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        const char *p;
        if (!strchr(".?!", s[i]) || s[i + 1] != ' ')
            continue;
        for (p = s + i + 1; *p == ' '; p++)
            ;
        if ((isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
             *p == '(' || *p == '[' || *p == '$') &&
            !(s[i] == '.' && is_abbrev(s, i)))
            return i + 1;
    }
    return strlen(s);
}

void
notices_first_sentence(const char *text, size_t max, struct buf *b)
{
    size_t n = sentence_end(text), cut;

    if (n <= max) {
        buf_add(b, text, n);
        return;
    }
    /* cut on a character, and on a word when one ends near */
    cut = max;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t i = cut; i > max / 2; i--)
        if (text[i] == ' ') {
            cut = i;
            break;
        }
    buf_add(b, text, cut);
    buf_adds(b, "\u2026");
}

struct reasons {
    struct buf *b;
    int n;
};

static int
add_reason(void *ud, const char *rule, double score, const char *reason,
           struct pw_err *e)
{
    struct reasons *rs = ud;

    (void)e;
    if (rs->n == REASONS_MAX) {
        buf_adds(rs->b, ", \u2026");
        return 1;
    }
    buf_addf(rs->b, "%s%s %+g", rs->n ? ", " : ": ", rule, score);
    if (!str_empty(reason))
        buf_addf(rs->b, " (%s)", reason);
    rs->n++;
    return 0;
}

void
notices_body(struct store *st, const struct store_row *r, struct buf *b)
{
    struct reasons rs = { b, 0 };
    struct pw_err e;

    for (size_t i = 0; i < r->p.authors.n && i < 3; i++)
        buf_addf(b, "%s%s", i ? ", " : "", r->p.authors.v[i]);
    if (r->p.authors.n > 3)
        buf_adds(b, " et al.");
    buf_addf(b, "%sscore %.1f", r->p.authors.n ? "\n" : "", r->score);
    if (st != NULL)
        store_scores(st, r->id, add_reason, &rs, &e);
    if (!str_empty(r->p.abstract)) {
        buf_adds(b, "\n");
        notices_first_sentence(r->p.abstract, SENTENCE_MAX, b);
    }
}

static int
urgency(const struct notice_conf *cf, double score)
{
    return cf->min_score > 0 && score >= 2 * cf->min_score ? 2 : 1;
}

/* NOTE: test-only: PAPERWATCH_TEST_DIE_AFTER_MARK set kills the process
 * the moment the first mark is committed, as a crash or kill -9 would, so
 * tests can show the next run does not notify the paper again. */
static void
test_crash_point(void)
{
    if (getenv("PAPERWATCH_TEST_DIE_AFTER_MARK") != NULL)
        raise(SIGKILL);
}

/* 1 marked by us, 0 someone else had, -1 failed (logged). */
static int
mark(struct store *st, const struct store_row *r, int64_t now,
     const struct log *lg)
{
    struct pw_err e;
    int rc = store_mark_notified(st, r->id, now, &e);

    if (rc < 0)
        log_warn(lg, "%s", e.msg);
    if (rc == 1)
        test_crash_point();
    return rc;
}

static int
load(struct store *st, int64_t id, struct store_row *r, const struct log *lg)
{
    struct pw_err e;
    int rc = store_get_by_id(st, id, r, &e);

    if (rc < 0)
        log_warn(lg, "%s", e.msg);
    return rc;
}

static void
show(struct notifier *nt, const struct notice *n, const char *key,
     const struct log *lg)
{
    struct pw_err e;

    if (notify_show(nt, n, &e) < 0)
        log_warn(lg, "notification for %s: %s", key, e.msg);
}

static size_t
show_each(struct store *st, struct notifier *nt, const struct notice_conf *cf,
          const int64_t *ids, size_t n, int64_t now, const struct log *lg)
{
    struct store_row r;
    struct buf body;
    size_t done = 0;

    store_row_init(&r);
    buf_init(&body);
    for (size_t i = 0; i < n; i++) {
        if (load(st, ids[i], &r, lg) <= 0 || mark(st, &r, now, lg) <= 0)
            continue;
        body.len = 0;
        notices_body(st, &r, &body);
        struct notice nc = { .title = r.p.title ? r.p.title : r.p.key,
                             .body = body.p,
                             .url = r.p.url,
                             .tag = r.p.key,
                             .urgency = urgency(cf, r.score) };
        show(nt, &nc, r.p.key, lg);
        done++;
    }
    buf_fini(&body);
    store_row_fini(&r);
    return done;
}

/* "12 new papers" and the best few titles: every paper is marked first. */
static size_t
show_summary(struct store *st, struct notifier *nt,
             const struct notice_conf *cf, const int64_t *ids, size_t n,
             int64_t now, const struct log *lg)
{
    struct store_row r;
    struct buf title, body;
    size_t done = 0;
    double best = 0;

    store_row_init(&r);
    buf_init(&title);
    buf_init(&body);
    for (size_t i = 0; i < n; i++) {
        if (load(st, ids[i], &r, lg) <= 0 || mark(st, &r, now, lg) <= 0)
            continue;
        if (done == 0)
            best = r.score;
        if (done < SUMMARY_LINES)
            buf_addf(&body, "%s%s (%.1f)",
                     done ? "\n" : "best: ", r.p.title ? r.p.title : r.p.key,
                     r.score);
        done++;
    }
    if (done > SUMMARY_LINES)
        buf_addf(&body, "\n\u2026 and %zu more: paperwatch list --since 1d",
                 done - SUMMARY_LINES);
    buf_addf(&title, "%zu new papers", done);
    struct notice nc = { .title = title.p,
                         .body = body.p,
                         .urgency = urgency(cf, best) };
    if (done > 0)
        show(nt, &nc, "the summary", lg);
    buf_fini(&title);
    buf_fini(&body);
    store_row_fini(&r);
    return done;
}

static size_t
mute(struct store *st, const int64_t *ids, size_t n, int64_t now,
     const struct log *lg)
{
    struct store_row r;
    struct pw_err e;
    size_t done = 0;

    store_row_init(&r);
    for (size_t i = 0; i < n; i++) {
        if (load(st, ids[i], &r, lg) <= 0 || mark(st, &r, now, lg) <= 0)
            continue;
        if (store_add_event(st, r.id, "muted", now, "quiet hours", &e) < 0)
            log_warn(lg, "%s", e.msg);
        done++;
    }
    store_row_fini(&r);
    return done;
}

size_t
notices_show(struct store *st, struct notifier *nt,
             const struct notice_conf *cf, const int64_t *ids, size_t n,
             int64_t now, const struct log *lg)
{
    long max = cf->max > 0 ? cf->max : NOTICES_MAX_DEFAULT;
    size_t done;

    if (n == 0)
        return 0;
    if (notices_quiet(cf, now)) {
        done = mute(st, ids, n, now, lg);
        log_info(lg, "%zu papers matched in quiet hours: marked, not shown",
                 done);
        return 0;
    }
    if (n > (size_t)max)
        return show_summary(st, nt, cf, ids, n, now, lg);
    return show_each(st, nt, cf, ids, n, now, lg);
}

/* The page in the reader's browser: xdg-open by argument vector, never a
 * shell, and only for http and https (a feed could carry any scheme). */
static int
open_page(const char *url, struct pw_err *e)
{
    char *argv[] = { (char *)"xdg-open", (char *)url, NULL };
    GError *err = NULL;

    if (url == NULL || (g_ascii_strncasecmp(url, "https://", 8) != 0 &&
                        g_ascii_strncasecmp(url, "http://", 7) != 0))
        return pw_errf(e, "not an http(s) page: %s", url ? url : "(none)");
    /* without G_SPAWN_DO_NOT_REAP_CHILD GLib reaps it: no zombie */
    if (!g_spawn_async(NULL, argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL, NULL,
                       NULL, NULL, &err)) {
        pw_errf(e, "xdg-open %s: %s", url, err->message);
        g_error_free(err);
        return -1;
    }
    return 0;
}

void
notices_on_event(void *ud, const char *tag, const char *url,
                 enum notify_event ev)
{
    static const char *const kinds[] = {
        [NOTIFY_OPEN] = "opened",
        [NOTIFY_STAR] = "starred",
        [NOTIFY_DISMISSED] = "dismissed",
    };
    struct notices_feedback *fb = ud;
    struct store_row r;
    struct pw_err e;
    int found;

    store_row_init(&r);
    if (ev == NOTIFY_OPEN && open_page(url, &e) < 0)
        log_warn(fb->log, "%s: %s", tag, e.msg);
    if ((found = store_get(fb->store, tag, &r, &e)) <= 0)
        log_warn(fb->log, "%s: %s", tag,
                 found < 0 ? e.msg : "no longer in the database");
    else if (store_add_event(fb->store, r.id, kinds[ev], time_now(), NULL, &e) <
             0)
        log_warn(fb->log, "%s", e.msg);
    else
        log_info(fb->log, "%s: %s from its notification", tag, kinds[ev]);
    store_row_fini(&r);
}
