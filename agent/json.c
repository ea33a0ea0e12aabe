/* json.c: JSON text out. Reading is cJSON's (chosen over jansson: 5x faster
 * on the Hugging Face fixture, see README). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* Does any of eight bytes need a look: a control, '"', '\\', or non-ASCII
 * (validated as UTF-8)? Bit tricks on the word ("has a zero byte", "has a
 * byte below n"): never a false "no", and a false "yes" only costs the
 * byte loop. */
static int
word_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');

    uint64_t hit =
        ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs) | w;

    return (hit & high) != 0; /* not a plain int conversion: bits 32-63 */
}

static void
escape_byte(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

    switch (c) {
    case '"':
        buf_add(b, "\\\"", 2);
        break;
    case '\\':
        buf_add(b, "\\\\", 2);
        break;
    case '\n':
        buf_add(b, "\\n", 2);
        break;
    case '\t':
        buf_add(b, "\\t", 2);
        break;
    case '\r':
        buf_add(b, "\\r", 2);
        break;
    default:
        buf_add(b, u, 6);
        break;
    }
}

void
json_add_stringn(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run;
    uint64_t w;

    buf_reserve(b, n + 2);
    b->p[b->len++] = '"';
    while (i < n) {
        /* the longest run that needs nothing, copied at once */
        for (run = i; run + 8 <= n; run += 8) {
            memcpy(&w, s + run, 8);
            if (word_special(w))
                break;
        }
        while (run < n && s[run] < 0x80 && !needs_escape(s[run]))
            run++;
        if (run > i) {
            buf_add(b, str + i, run - i);
            i = run;
            continue;
        }
        if (s[i] >= 0x80) {
            size_t len = utf8_len(s + i, n - i);
            if (len == 0) {
                buf_add(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
                i++;
            } else {
                buf_add(b, str + i, len);
                i += len;
            }
            continue;
        }
        escape_byte(b, s[i++]);
    }
    buf_addc(b, '"');
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
json_add_number(struct buf *b, double v)
{
    if (isnan(v) || isinf(v))
        buf_add(b, "null", 4);
    else if (v == (double)(long long)v && fabs(v) < 1e15)
        buf_addf(b, "%lld", (long long)v);
    else
        buf_addf(b, "%.15g", v);
}

void
json_add_time(struct buf *b, int64_t t)
{
    char s[21];

    if (t == 0) {
        buf_add(b, "null", 4);
        return;
    }
    time_format(t, s);
    buf_addc(b, '"');
    buf_adds(b, s);
    buf_addc(b, '"');
}
