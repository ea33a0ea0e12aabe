/* json.c: JSON text out. Reading is cJSON's (chosen over jansson: 5x faster
 * on the Hugging Face fixture, see README). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json.h"

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static int
needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

#ifdef __SSE2__
/* The bytes of the sixteen at s that need a look (a control, '"', '\\',
 * or non-ASCII, validated as UTF-8), as a bit mask. */
static unsigned
special16(const unsigned char *s)
{
    __m128i x = _mm_loadu_si128((const __m128i *)s);
    __m128i hit =
        _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), /* and >= 0x80 */
                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));

    return (unsigned)_mm_movemask_epi8(hit);
}
#else
static unsigned
special16(const unsigned char *s)
{
    unsigned m = 0;

    for (int k = 0; k < 16; k++)
        if (s[k] >= 0x80 || needs_escape(s[k]))
            m |= 1u << k;
    return m;
}
#endif

/* Whether any of the eight bytes at s needs a look, a word at a time
 * (what special16 leaves of a string: authors, categories, the tails). */
static int
special_word(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t q, b;

    q = v ^ (ones * '"');
    b = v ^ (ones * '\\');
    /* non-ASCII, below 0x20, a zero byte in q or b */
    return ((v | ((v - ones * 0x20) & ~v) | ((q - ones) & ~q) |
             ((b - ones) & ~b)) &
            high) != 0;
}

static int
special8(const unsigned char *s)
{
    uint64_t v;

    memcpy(&v, s, 8);
    return special_word(v);
}

/* Write the escape of c at w (room for six bytes); returns its length. */
static size_t
escape_byte(char *w, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e = c == '"'    ? '"'
             : c == '\\' ? '\\'
             : c == '\n' ? 'n'
             : c == '\t' ? 't'
             : c == '\r' ? 'r'
                         : 0;

    w[0] = '\\';
    if (e) {
        w[1] = e;
        return 2;
    }
    memcpy(w + 1, "u00", 3);
    w[4] = hex[c >> 4];
    w[5] = hex[c & 15];
    return 6;
}

/* The byte (or UTF-8 sequence) at s[i] out at w, escaped or replaced;
 * returns the bytes of s used, *w moved past what was written. */
static size_t
special_out(char **w, const unsigned char *s, size_t i, size_t n)
{
    size_t len;

    if (s[i] < 0x80 && !needs_escape(s[i])) {
        *(*w)++ = (char)s[i];
        return 1;
    }
    if (s[i] < 0x80) {
        *w += escape_byte(*w, s[i]);
        return 1;
    }
    if ((len = utf8_len(s + i, n - i)) == 0) {
        memcpy(*w, "\xEF\xBF\xBD", 3); /* U+FFFD */
        *w += 3;
        return 1;
    }
    memcpy(*w, s + i, len);
    *w += len;
    return len;
}

/* Copy k bytes (less than 16) from s to w: two words that overlap where
 * k is not a multiple, no loop and no call. */
static inline void
copy_short(char *w, const unsigned char *s, size_t k)
{
    uint64_t x, y;
    uint32_t u, v;

    if (k >= 8) {
        memcpy(&x, s, 8);
        memcpy(&y, s + k - 8, 8);
        memcpy(w, &x, 8);
        memcpy(w + k - 8, &y, 8);
    } else if (k >= 4) {
        memcpy(&u, s, 4);
        memcpy(&v, s + k - 4, 4);
        memcpy(w, &u, 4);
        memcpy(w + k - 4, &v, 4);
    } else {
        for (size_t j = 0; j < k; j++)
            w[j] = (char)s[j];
    }
}

/* Abstracts are most of the output: sixteen bytes are looked at at once,
 * copied up to the first that needs a look, which is written on its own.
 * What is left of a string of sixteen bytes or more (ids, links: most
 * strings but the abstract) is looked at as the sixteen that end it, the
 * bits of bytes already written shifted out; shorter strings (and their
 * ends) go a word, then a byte, at a time. */
void
json_add_stringn(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, k;
    char *w;

    buf_reserve(b, n + 2);
    b->p[b->len++] = '"';
    if (n >= 4 && n < 16) { /* keys, ids, announcement types */
        uint64_t x, y;
        uint32_t u, v;

        if (n >= 8) {
            memcpy(&x, s, 8);
            memcpy(&y, s + n - 8, 8);
        } else {
            memcpy(&u, s, 4);
            memcpy(&v, s + n - 4, 4);
            x = (uint64_t)u << 32 | u; /* no zero bytes to flag */
            y = (uint64_t)v << 32 | v;
        }
        if (!special_word(x) && !special_word(y)) {
            copy_short(b->p + b->len, s, n);
            b->len += n;
            i = n;
        }
    } else if (n >= 16 && n <= 32 &&
               (special16(s) | special16(s + n - 16)) == 0) {
        /* links, entry ids, keys: two blocks that overlap, no loop */
        memcpy(b->p + b->len, s, 16);
        memcpy(b->p + b->len + n - 16, s + n - 16, 16);
        b->len += n;
        i = n;
    }
    while (i < n) {
        unsigned m = 0;

        buf_reserve(b, n - i + 16 + 2); /* escapes may have used the room */
        w = b->p + b->len; /* a local: stores through it could alias b */
        while (n - i >= 16 && (m = special16(s + i)) == 0) {
            memcpy(w, s + i, 16);
            w += 16;
            i += 16;
        }
        if (m) { /* copy up to the byte that needs a look */
            memcpy(w, s + i, 16);
            w += __builtin_ctz(m);
            i += (size_t)__builtin_ctz(m);
        } else if (n >= 16 && i < n) { /* the last sixteen bytes */
            k = n - i;
            m = special16(s + n - 16) >> (16 - k);
            if (m)
                k = (size_t)__builtin_ctz(m);
            copy_short(w, s + i, k);
            w += k;
            i += k;
        } else {
            while (n - i >= 8 && !special8(s + i)) {
                memcpy(w, s + i, 8);
                w += 8;
                i += 8;
            }
            while (i < n && s[i] < 0x80 && !needs_escape(s[i]))
                *w++ = (char)s[i++];
        }
        if (i < n)
            i += special_out(&w, s, i, n);
        b->len = (size_t)(w - b->p);
    }
    b->p[b->len++] = '"';
    b->p[b->len] = '\0';
}

/* Copy s to w up to the first '"' or '\\' (or all n bytes); returns how
 * many bytes that is. Up to 16 bytes past it may be written at w as well:
 * the caller's room allows it, and what follows overwrites them. */
static size_t
plain_run(char *w, const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    size_t i = 0;
    uint64_t v, q, b, hit;

#ifdef __SSE2__
    if (n >= 16) {
        const __m128i dq = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
        __m128i x, y, qx, qy;
        unsigned m;

        /* an abstract: thirty-two bytes a turn, one test for both halves */
        for (; n - i >= 32; i += 32) {
            x = _mm_loadu_si128((const __m128i *)(s + i));
            y = _mm_loadu_si128((const __m128i *)(s + i + 16));
            _mm_storeu_si128((__m128i *)(w + i), x);
            _mm_storeu_si128((__m128i *)(w + i + 16), y);
            qx = _mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, bs));
            qy = _mm_or_si128(_mm_cmpeq_epi8(y, dq), _mm_cmpeq_epi8(y, bs));
            if (_mm_movemask_epi8(_mm_or_si128(qx, qy))) {
                m = (unsigned)_mm_movemask_epi8(qx) |
                    (unsigned)_mm_movemask_epi8(qy) << 16;
                return i + (size_t)__builtin_ctz(m);
            }
        }
        if (i == n)
            return n;
        for (;; i += 16) {
            if (n - i < 16) { /* the last block ends at n: the bytes it
                                 shares with the one before are clean */
                i = n - 16;
            }
            x = _mm_loadu_si128((const __m128i *)(s + i));
            _mm_storeu_si128((__m128i *)(w + i), x);
            m = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, bs)));
            if (m)
                return i + (size_t)__builtin_ctz(m);
            if (i + 16 == n)
                return n;
        }
    }
#endif
    /* eight bytes at a time, the last word ending at n; the lowest byte
     * the test marks is exact (a borrow only runs upwards) */
    if (n >= 8) {
        for (;; i += 8) {
            if (n - i < 8)
                i = n - 8;
            memcpy(&v, s + i, 8);
            memcpy(w + i, &v, 8);
            q = v ^ (ones * '"');
            b = v ^ (ones * '\\');
            hit = (((q - ones) & ~q) | ((b - ones) & ~b)) & high;
            if (hit)
                return i + (size_t)(__builtin_ctzll(hit) >> 3);
            if (i + 8 == n)
                return n;
        }
    }
    for (; i < n && s[i] != '"' && s[i] != '\\'; i++)
        w[i] = (char)s[i];
    return i;
}

/* From this length on a plain string is written by plain_long. */
#define PLAIN_LONG 256

/* Whether the eight bytes of v hold a '"' or a '\\'. */
static inline int
quote8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');

    return ((((q - ones) & ~q) | ((b - ones) & ~b)) & high) != 0;
}

/* The escapes of a long plain string (an abstract) written at w; returns
 * where they end. Its '"' and '\\' are few (a formula's backslashes):
 * libc's memchr finds each kind far faster than one loop testing for
 * both, and memcpy moves the runs between them. */
static char *
plain_long(char *w, const char *s, size_t n)
{
    const char *end = s + n;
    const char *q = memchr(s, '"', n), *bs = memchr(s, '\\', n);

    for (;;) {
        const char *next = q && (bs == NULL || q < bs) ? q : bs;

        if (next == NULL)
            break;
        memcpy(w, s, (size_t)(next - s));
        w += next - s;
        *w++ = '\\';
        *w++ = *next;
        s = next + 1;
        if (next == q)
            q = memchr(s, '"', (size_t)(end - s));
        else
            bs = memchr(s, '\\', (size_t)(end - s));
    }
    memcpy(w, s, (size_t)(end - s));
    return w + (end - s);
}

void
json_add_plain(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, k;
    char *w;
    uint64_t x, y;

    buf_reserve(b, 2 * n + 16 + 2); /* every byte escaped, at worst */
    w = b->p + b->len;
    *w++ = '"';
    /* a name or a category of 4 to 16 bytes, without a quote: two words
     * that overlap, no loop (most list items) */
    if (n >= 8 && n <= 16) {
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        if (!quote8(x) && !quote8(y)) {
            memcpy(w, &x, 8);
            memcpy(w + n - 8, &y, 8);
            i = n;
            w += n;
        }
    } else if (n >= 4 && n < 8) {
        uint32_t u, v;

        memcpy(&u, s, 4);
        memcpy(&v, s + n - 4, 4);
        if (!quote8((uint64_t)u << 32 | v)) {
            memcpy(w, &u, 4);
            memcpy(w + n - 4, &v, 4);
            i = n;
            w += n;
        }
    }
    if (n >= PLAIN_LONG) {
        w = plain_long(w, str, n);
        i = n;
    }
    while (i < n) {
        k = plain_run(w, s + i, n - i);
        w += k;
        i += k;
        if (i == n)
            break;
        *w++ = '\\';
        *w++ = (char)s[i++];
    }
    *w++ = '"';
    *w = '\0';
    b->len = (size_t)(w - b->p);
}

void
json_add_string(struct buf *b, const char *s)
{
    if (s == NULL)
        buf_add(b, "null", 4);
    else
        json_add_stringn(b, s, strlen(s));
}

void
json_add_strv(struct buf *b, const struct strv *sv)
{
    buf_addc(b, '[');
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            buf_addc(b, ',');
        json_add_string(b, sv->v[i]);
    }
    buf_addc(b, ']');
}

void
json_add_key(struct buf *b, const char *name, int first)
{
    if (!first)
        buf_addc(b, ',');
    json_add_string(b, name);
    buf_addc(b, ':');
}

void
json_add_int(struct buf *b, long long v)
{
    char d[24], *q = d + sizeof(d);
    unsigned long long u =
        v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

    do
        *--q = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--q = '-';
    buf_add(b, q, (size_t)(d + sizeof(d) - q));
}

void
json_add_number(struct buf *b, double v)
{
    if (isnan(v) || isinf(v))
        buf_add(b, "null", 4);
    else if (v == (double)(long long)v && fabs(v) < 1e15)
        json_add_int(b, (long long)v);
    else
        buf_addf(b, "%.15g", v);
}

void
json_add_time(struct buf *b, int64_t t)
{
    char s[22];

    if (t == 0) {
        buf_add(b, "null", 4);
        return;
    }
    s[0] = '"';
    time_format(t, s + 1); /* always 20 characters */
    s[21] = '"';
    buf_add(b, s, sizeof(s));
}
