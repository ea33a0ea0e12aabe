/* util.c: errors, buffers, string lists, allocation and UTC time. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"

int
pw_errf(struct pw_err *e, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static void
oom(void)
{
    fputs("paperwatch: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        oom();
    return p;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void
str_set(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

int
str_casecmp_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix));
}

/* buffers */

void
buf_init(struct buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void
buf_fini(struct buf *b)
{
    free(b->p);
    buf_init(b);
}

void
buf_grow(struct buf *b, size_t extra)
{
    size_t cap;

    if (extra > (size_t)-1 / 2 - b->len)
        oom();
    if (b->len + extra + 1 <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void
buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *
buf_steal(struct buf *b)
{
    char *p = b->p ? b->p : xstrdup("");

    buf_init(b);
    return p;
}

/* string lists */

void
strv_init(struct strv *sv)
{
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

void
strv_clear(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    sv->n = 0;
}

void
strv_fini(struct strv *sv)
{
    strv_clear(sv);
    free(sv->v);
    strv_init(sv);
}

void
strv_grow(struct strv *sv)
{
    sv->cap = sv->cap ? sv->cap * 2 : 4;
    sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
}

void
strv_addn(struct strv *sv, const char *s, size_t n)
{
    strv_push(sv, xstrndup(s, n));
}

void
strv_add(struct strv *sv, const char *s)
{
    strv_addn(sv, s, strlen(s));
}

int
strv_has(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return 1;
    return 0;
}

/* time */

double
clock_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t
time_now(void)
{
    return (int64_t)time(NULL);
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian; the
 * well-known era arithmetic), so formatting needs no strftime. */
static void
civil(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* v (0 to 99) as two digits, from a table: a time written has six. */
static void
put2(char *p, int v)
{
    static const char pairs[] =
        "000102030405060708091011121314151617181920212223242526272829"
        "303132333435363738394041424344454647484950515253545556575859"
        "606162636465666768697071727374757677787980818283848586878889"
        "90919293949596979899";

    memcpy(p, pairs + 2 * v, 2);
}

void
time_format(int64_t t, char out[21])
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int y, m, d;

    civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, 21, "%s",
                 y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
        return;
    }
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, (int)(secs / 3600));
    out[13] = ':';
    put2(out + 14, (int)(secs / 60 % 60));
    out[16] = ':';
    put2(out + 17, (int)(secs % 60));
    out[19] = 'Z';
    out[20] = '\0';
}

/* Read up to `max` digits (at least `min`) into *v. */
static const char *
digits(const char *s, int min, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && isdigit((unsigned char)s[n]))
        *v = *v * 10 + (s[n++] - '0');
    return n >= min ? s + n : NULL;
}

/* Days since 1970-01-01 of a civil date, the inverse of civil(); a day
 * past the month's end counts on into the next, as timegm() does. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* timegm() of a checked struct tm, without the library's normalizing. */
static int64_t
tm_seconds(const struct tm *tm)
{
    return days_from_civil((int64_t)tm->tm_year + 1900, tm->tm_mon + 1,
                           tm->tm_mday) *
               86400 +
           tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
}

/* A date that is on the calendar: no 30 February, no 31 April. */
static int
valid_tm(const struct tm *tm)
{
    static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31 };
    int y = tm->tm_year + 1900;

    if (tm->tm_mon < 0 || tm->tm_mon >= 12 || tm->tm_mday < 1 ||
        tm->tm_mday > mdays[tm->tm_mon])
        return 0;
    if (tm->tm_mon == 1 && tm->tm_mday == 29 &&
        (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
        return 0;
    return tm->tm_hour >= 0 && tm->tm_hour <= 24 && tm->tm_min >= 0 &&
           tm->tm_min < 60 && tm->tm_sec >= 0 && tm->tm_sec <= 60;
}

/* "Z", "+hh:mm", "+hhmm", "-hh", or nothing (taken as UTC). */
static const char *
numeric_zone(const char *s, long *off)
{
    int h, m = 0, sign;

    *off = 0;
    if (*s == 'Z' || *s == 'z')
        return s + 1;
    if (*s != '+' && *s != '-')
        return s;
    sign = *s++ == '-' ? -1 : 1;
    if ((s = digits(s, 2, 2, &h)) == NULL)
        return NULL;
    if (*s == ':')
        s++;
    if (isdigit((unsigned char)*s) && (s = digits(s, 2, 2, &m)) == NULL)
        return NULL;
    if (h > 23 || m > 59)
        return NULL; /* not a zone on Earth */
    *off = sign * (h * 3600L + m * 60L);
    return s;
}

/* 2024-01-02, 2024-01-02T03:04, 2024-01-02 03:04:05.123+01:00 ... */
static int
parse_iso(const char *s, int64_t *out)
{
    struct tm tm = { 0 };
    int y, v;
    long off = 0;

    if ((s = digits(s, 4, 4, &y)) == NULL || *s++ != '-')
        return -1;
    tm.tm_year = y - 1900;
    if ((s = digits(s, 2, 2, &v)) == NULL)
        return -1;
    tm.tm_mon = v - 1;
    if (*s++ != '-' || (s = digits(s, 2, 2, &tm.tm_mday)) == NULL)
        return -1;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        s++;
        if ((s = digits(s, 2, 2, &tm.tm_hour)) == NULL || *s++ != ':' ||
            (s = digits(s, 2, 2, &tm.tm_min)) == NULL)
            return -1;
        if (*s == ':' && (s = digits(s + 1, 2, 2, &tm.tm_sec)) == NULL)
            return -1;
        if (*s == '.' || *s == ',')
            for (s++; isdigit((unsigned char)*s); s++)
                ;
        while (*s == ' ')
            s++;
        if ((s = numeric_zone(s, &off)) == NULL)
            return -1;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '\0' || !valid_tm(&tm))
        return -1;
    *out = tm_seconds(&tm) - off;
    return 0;
}

static const struct {
    const char *name;
    int minutes;
} zones[] = {
    { "UT", 0 },        { "UTC", 0 },
    { "GMT", 0 },       { "Z", 0 },
    { "EST", -5 * 60 }, { "EDT", -4 * 60 },
    { "CST", -6 * 60 }, { "CDT", -5 * 60 },
    { "MST", -7 * 60 }, { "MDT", -6 * 60 },
    { "PST", -8 * 60 }, { "PDT", -7 * 60 },
    { "CET", 60 },      { "CEST", 2 * 60 },
    { "BST", 60 },      { "IST", 5 * 60 + 30 },
    { "JST", 9 * 60 },  { "AEST", 10 * 60 },
};

/* A zone's name. RFC 822's one-letter military zones had their signs the
 * wrong way round; RFC 5322 says to take them as an unknown zone, -0000,
 * and so UTC. IST is India's (+05:30), the one feeds mean. */
static const char *
named_zone(const char *s, long *off)
{
    size_t n = 0;

    while (isalpha((unsigned char)s[n]))
        n++;
    if (n == 1 && (s[0] | 0x20) != 'j') {
        *off = 0;
        return s + 1;
    }
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
        if (strlen(zones[i].name) == n &&
            strncasecmp(s, zones[i].name, n) == 0) {
            *off = zones[i].minutes * 60L;
            return s + n;
        }
    return NULL;
}

/* The month a three-letter name at s names, any case; -1 if none. Every
 * RSS date comes here: the letters are compared in ASCII lower case, the
 * three at once, without a library call per month. */
static int
month_index(const char *s)
{
    unsigned c[3];

    for (int k = 0; k < 3; k++) {
        c[k] = (unsigned char)s[k];
        if (c[k] >= 'A' && c[k] <= 'Z')
            c[k] |= 0x20;
        else if (c[k] < 'a' || c[k] > 'z')
            return -1; /* the end of s too: no month has it */
    }
    switch (c[0] << 16 | c[1] << 8 | c[2]) { /* a search, not a scan */
#define M(x, y, z, i)                                                          \
    case (x) << 16 | (y) << 8 | (z):                                           \
        return i;
        M('j', 'a', 'n', 0)
        M('f', 'e', 'b', 1)
        M('m', 'a', 'r', 2)
        M('a', 'p', 'r', 3)
        M('m', 'a', 'y', 4)
        M('j', 'u', 'n', 5)
        M('j', 'u', 'l', 6)
        M('a', 'u', 'g', 7)
        M('s', 'e', 'p', 8)
        M('o', 'c', 't', 9)
        M('n', 'o', 'v', 10)
        M('d', 'e', 'c', 11)
#undef M
    }
    return -1;
}

/* [Wed,] 02 Oct 2002 13:00[:00] +0000|GMT|EST ... (RFC 822/1123/2822) */
static int
parse_rfc822(const char *s, int64_t *out)
{
    struct tm tm = { 0 };
    int y;
    long off = 0;

    while (isspace((unsigned char)*s))
        s++;
    if (isalpha((unsigned char)*s)) { /* day name */
        while (isalpha((unsigned char)*s))
            s++;
        if (*s == ',')
            s++;
        while (isspace((unsigned char)*s))
            s++;
    }
    if ((s = digits(s, 1, 2, &tm.tm_mday)) == NULL)
        return -1;
    while (*s == ' ' || *s == '-')
        s++;
    if ((tm.tm_mon = month_index(s)) < 0)
        return -1;
    while (isalpha((unsigned char)*s))
        s++;
    while (*s == ' ' || *s == '-')
        s++;
    if ((s = digits(s, 2, 4, &y)) == NULL)
        return -1;
    tm.tm_year = (y < 100 ? (y < 50 ? y + 2000 : y + 1900) : y) - 1900;
    while (*s == ' ')
        s++;
    if (*s) {
        if ((s = digits(s, 1, 2, &tm.tm_hour)) == NULL || *s++ != ':' ||
            (s = digits(s, 2, 2, &tm.tm_min)) == NULL)
            return -1;
        if (*s == ':' && (s = digits(s + 1, 2, 2, &tm.tm_sec)) == NULL)
            return -1;
        while (*s == ' ')
            s++;
        if (*s == '+' || *s == '-' || *s == 'Z' || *s == 'z')
            s = numeric_zone(s, &off);
        else if (*s)
            s = named_zone(s, &off);
        if (s == NULL)
            return -1;
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '(') /* "+0000 (UTC)" */
            s += strlen(s);
    }
    if (*s != '\0' || !valid_tm(&tm))
        return -1;
    *out = tm_seconds(&tm) - off;
    return 0;
}

/* The two ASCII digits at s as a number, or -1. */
static inline __attribute__((always_inline)) int
two_digits(const char *s)
{
    unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';

    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* The two shapes nearly every feed writes its times in, read in one go:
 * "2014-10-01T00:00:00Z" (Atom) and "Thu, 11 Aug 2013 00:00:00 -0500"
 * (RSS), exactly and nothing after. The general parsers take these the
 * same way, a byte at a time with a call per field: each entry has one
 * or two times. Returns 1 with *tm and *off set, 0 for another shape. */
static int
common_time(const char *s, size_t n, struct tm *tm, long *off)
{
    int y1, y2, h, m, rfc = 0;

    if (n == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
        s[16] == ':' && s[19] == 'Z') {
        y1 = two_digits(s);
        y2 = two_digits(s + 2);
        tm->tm_mon = two_digits(s + 5) - 1;
        tm->tm_mday = two_digits(s + 8);
        tm->tm_hour = two_digits(s + 11);
        tm->tm_min = two_digits(s + 14);
        tm->tm_sec = two_digits(s + 17);
        *off = 0;
    } else if (n == 31 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' &&
               s[11] == ' ' && s[16] == ' ' && s[19] == ':' && s[22] == ':' &&
               s[25] == ' ' && (s[26] == '+' || s[26] == '-') &&
               isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]) &&
               isalpha((unsigned char)s[2])) {
        tm->tm_mday = two_digits(s + 5);
        tm->tm_mon = month_index(s + 8);
        y1 = two_digits(s + 12);
        y2 = two_digits(s + 14);
        tm->tm_hour = two_digits(s + 17);
        tm->tm_min = two_digits(s + 20);
        tm->tm_sec = two_digits(s + 23);
        h = two_digits(s + 27);
        m = two_digits(s + 29);
        if (h < 0 || m < 0 || h > 23 || m > 59)
            return 0; /* parse_rfc822 refuses it */
        *off = (s[26] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
        rfc = 1;
    } else {
        return 0;
    }
    if (y1 < 0 || y2 < 0 || tm->tm_mon < 0 || tm->tm_mday < 0 ||
        tm->tm_hour < 0 || tm->tm_min < 0 || tm->tm_sec < 0)
        return 0;
    y1 = y1 * 100 + y2;
    if (rfc && y1 < 100) /* as parse_rfc822 reads "0013" */
        y1 = y1 < 50 ? y1 + 2000 : y1 + 1900;
    tm->tm_year = y1 - 1900;
    return 1;
}

int
time_parse(const char *s, int64_t *out)
{
    struct tm tm = { 0 };
    long off;

    while (s && isspace((unsigned char)*s))
        s++;
    if (str_empty(s))
        return -1;
    if (common_time(s, strlen(s), &tm, &off)) {
        if (!valid_tm(&tm))
            return -1;
        *out = tm_seconds(&tm) - off;
        return 0;
    }
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
        s[4] == '-')
        return parse_iso(s, out);
    return parse_rfc822(s, out);
}

int
duration_parse(const char *s, int64_t *out)
{
    char *end;
    long long v;
    int64_t unit;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || errno || v < 0)
        return -1;
    switch (*end) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
    case '\0':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return -1;
    }
    if (*end && end[1] != '\0')
        return -1;
    *out = (int64_t)v * unit;
    return 0;
}
