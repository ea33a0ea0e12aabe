/* digest.c: pw.digest's settings, its schedule in local time, and the
 * papers of one digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "digest.h"

#define HOUR 3600
#define DAY 86400
#define WEEK (7 * DAY)

struct digest_def *
digest_def_new(void)
{
    struct digest_def *d = xcalloc(1, sizeof(*d));

    d->min_score = 1;
    d->top = 25;
    strv_init(&d->mail.to);
    return d;
}

void
digest_def_free(struct digest_def *d)
{
    if (d == NULL)
        return;
    free(d->every);
    free(d->at);
    free(d->format);
    free(d->subject);
    strv_fini(&d->mail.to);
    free(d->mail.from);
    free(d->mail.url);
    free(d->mail.user);
    free(d->mail.password_command);
    free(d);
}

/* ---- the schedule ------------------------------------------------------- */

static const struct {
    const char *name;
    int64_t secs;
} periods[] = {
    { "hour", HOUR }, { "hourly", HOUR }, { "day", DAY },
    { "daily", DAY }, { "week", WEEK },   { "weekly", WEEK },
};

static const char *const weekdays[] = { "sun", "mon", "tue", "wed",
                                        "thu", "fri", "sat" };

static int
parse_every(const char *every, int64_t *secs, struct pw_err *e)
{
    const char *s = every ? every : "day";

    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
        if (strcmp(s, periods[i].name) == 0)
            return *secs = periods[i].secs, 0;
    if (duration_parse(s, secs) == 0 && *secs > 0)
        return 0;
    return pw_errf(e,
                   "pw.digest: every = '%s': not a period (hour, day, week "
                   "or a duration like 12h)",
                   s);
}

/* "08:00" or "mon 08:00": *wday -1 when no weekday was given. */
static int
parse_at(const char *at, int *wday, int *hour, int *min, struct pw_err *e)
{
    const char *s = at;
    char tail;

    *wday = -1;
    for (int i = 0; i < 7; i++)
        if (strncasecmp(s, weekdays[i], 3) == 0) {
            *wday = i;
            s += 3;
            while (*s && *s != ' ')
                s++; /* "monday" */
            while (*s == ' ')
                s++;
            break;
        }
    if (sscanf(s, "%2d:%2d%c", hour, min, &tail) != 2 || *hour < 0 ||
        *hour > 23 || *min < 0 || *min > 59)
        return pw_errf(e,
                       "pw.digest: at = '%s': not a time of day (like "
                       "\"08:00\", or \"mon 08:00\" for a weekly digest)",
                       at);
    return 0;
}

/* The first local time hh:mm (on weekday wday, unless -1) after t. */
static int64_t
next_clock(int64_t t, int wday, int hour, int min)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    for (int day = 0; day <= 8; day++) {
        struct tm c = tm;
        time_t r;
        c.tm_mday += day;
        c.tm_hour = hour;
        c.tm_min = min;
        c.tm_sec = 0;
        c.tm_isdst = -1; /* mktime finds it: DST changes are handled */
        r = mktime(&c);
        if (r > tt && (wday < 0 || c.tm_wday == wday))
            return (int64_t)r;
    }
    return t + WEEK; /* not reached */
}

int
digest_next(const struct digest_def *d, int64_t last, int64_t *next,
            struct pw_err *e)
{
    int64_t period;
    int wday, hour, min;

    if (parse_every(d->every, &period, e) < 0)
        return -1;
    if (d->at && parse_at(d->at, &wday, &hour, &min, e) < 0)
        return -1;
    if (last <= 0) {
        *next = 0;
        return 0;
    }
    if (d->at == NULL || (period != DAY && period != WEEK)) {
        *next = last + period;
        return 0;
    }
    if (period == WEEK && wday < 0)
        wday = 1; /* Monday */
    if (period == DAY)
        wday = -1;
    *next = next_clock(last, wday, hour, min);
    return 0;
}

int
digest_period(const struct digest_def *d, int64_t *secs, struct pw_err *e)
{
    return parse_every(d->every, secs, e);
}

int
digest_due(const struct digest_def *d, int64_t last, int64_t t,
           struct pw_err *e)
{
    int64_t next;

    if (digest_next(d, last, &next, e) < 0)
        return -1;
    return t >= next;
}

/* ---- one digest --------------------------------------------------------- */

void
digest_init(struct digest *d)
{
    memset(d, 0, sizeof(*d));
}

void
digest_fini(struct digest *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct digest_item *it = &d->items[i];
        store_row_fini(&it->row);
        for (size_t j = 0; j < it->nreasons; j++) {
            free(it->reasons[j].rule);
            free(it->reasons[j].reason);
        }
        free(it->reasons);
        strv_fini(&it->tags);
    }
    free(d->items);
    digest_init(d);
}

struct digest_item *
digest_add(struct digest *d)
{
    struct digest_item *it;

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    it = &d->items[d->n++];
    memset(it, 0, sizeof(*it));
    store_row_init(&it->row);
    strv_init(&it->tags);
    return it;
}

void
digest_item_reason(struct digest_item *it, const char *rule, double score,
                   const char *reason)
{
    struct digest_reason *r;

    it->reasons =
        xrealloc(it->reasons, (it->nreasons + 1) * sizeof(*it->reasons));
    r = &it->reasons[it->nreasons++];
    r->rule = xstrdup(rule);
    r->score = score;
    r->reason = reason ? xstrdup(reason) : NULL;
}
