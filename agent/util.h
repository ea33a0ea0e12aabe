/* util.h: the small shared pieces: errors, growable buffers, string lists,
 * allocation that cannot fail silently, and UTC time. */
#ifndef PW_UTIL_H
#define PW_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PW_ERR_MAX 1024

/* A failure, described for a person: what and where. Core functions fill
 * one and return -1 (or NULL); only cli.c decides what to print. */
struct pw_err {
    char msg[PW_ERR_MAX];
};

int pw_errf(struct pw_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Growable byte buffer, always NUL-terminated once anything is added. */
struct buf {
    char *p; /* owned */
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_fini(struct buf *b);
/* Make room for extra more bytes and a NUL (the slow path, out of line). */
void buf_grow(struct buf *b, size_t extra);
void buf_adds(struct buf *b, const char *s);

/* The fast paths are inline: the parser and the JSON writer call them for
 * every field of every entry. */
static inline void
buf_reserve(struct buf *b, size_t extra)
{
    if (extra >= b->cap - b->len) /* no overflow: cap >= len */
        buf_grow(b, extra);
}

static inline void
buf_add(struct buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void
buf_addc(struct buf *b, char c)
{
    buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the contents over as a NUL-terminated string (never NULL); the buffer
 * is left empty. */
char *buf_steal(struct buf *b);

/* A list of owned strings. */
struct strv {
    char **v; /* owned, each owned */
    size_t n;
    size_t cap;
};

void strv_init(struct strv *sv);
void strv_fini(struct strv *sv);
void strv_clear(struct strv *sv);
void strv_add(struct strv *sv, const char *s);
void strv_addn(struct strv *sv, const char *s, size_t n);
/* Room for one more (strv_push's slow path). */
void strv_grow(struct strv *sv);

/* Append s itself (owned from now on; NULL allowed for "none"). Inline:
 * the parser pushes every author and category of every entry. */
static inline void
strv_push(struct strv *sv, char *s)
{
    if (sv->n == sv->cap)
        strv_grow(sv);
    sv->v[sv->n++] = s;
}
int strv_has(const struct strv *sv, const char *s);

/* Allocation: out of memory aborts with a message (the agent cannot go on
 * sanely, and every caller checking would hide the real logic). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Replace *dst (owned) with a copy of src (or NULL). */
void str_set(char **dst, const char *s);
/* NULL or "". Inline: the parser and the record's writers ask it of most
 * fields of every entry. */
static inline int
str_empty(const char *s)
{
    return s == NULL || *s == '\0';
}
int str_casecmp_prefix(const char *s, const char *prefix);

/* Time: seconds since the epoch, UTC. 0 means unknown. */
int64_t time_now(void);
/* Seconds on the monotonic clock, for measuring. */
double clock_secs(void);
/* Parse RFC 3339 / ISO 8601 and RFC 822/1123 dates; -1 on failure. */
int time_parse(const char *s, int64_t *out);
/* Format as RFC 3339 UTC ("2024-01-02T03:04:05Z") into out[21]. */
void time_format(int64_t t, char out[21]);
/* Parse a duration like "2d", "12h", "30m", "45s", "1w"; -1 on failure. */
int duration_parse(const char *s, int64_t *out);

#endif
