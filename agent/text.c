/* text.c: turning feed text into plain text: tags out, character
 * references decoded, whitespace folded, UTF-8 repaired. One pass, no
 * allocation beyond the output buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "entities.h"
#include "text.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* HTML5: numeric references to 0x80..0x9F mean Windows-1252 characters. */
static const unsigned short cp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Elements after which text does not run on: they become a space. Sorted
 * for bsearch. Inline elements (a, b, em, span, sub, sup ...) vanish, so
 * "H<sub>2</sub>O" stays "H2O". */
static const char *const block_tags[] = {
    "address", "article", "aside",  "blockquote", "br",    "caption",
    "dd",      "details", "div",    "dl",         "dt",    "figcaption",
    "figure",  "footer",  "h1",     "h2",         "h3",    "h4",
    "h5",      "h6",      "header", "hr",         "img",   "li",
    "main",    "nav",     "ol",     "p",          "pre",   "section",
    "summary", "table",   "tbody",  "td",         "tfoot", "th",
    "thead",   "tr",      "ul",
};

/* Output with whitespace folding: a run of spaces becomes one space, and
 * only between two pieces of text. */
struct emitter {
    struct buf *out;
    size_t start; /* where this call's text begins in out */
    int space;    /* a space is pending */
};

static void
put(struct emitter *em, const char *s, size_t n)
{
    struct buf *b = em->out;

    if (b->len + n + 2 > b->cap)
        buf_reserve(b, n + 1);
    if (em->space && b->len > em->start)
        b->p[b->len++] = ' ';
    em->space = 0;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* Unicode's white space beyond Latin-1: U+1680, U+2000..U+200A (en, em,
 * thin spaces ...), U+2028, U+2029, U+202F, U+205F, U+3000 (the
 * ideographic space). Folded like a space. */
static inline int
wide_space_cp(unsigned cp)
{
    return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* cp (a scalar value) as UTF-8 into u; returns its length. */
static size_t
utf8_put(char *u, unsigned cp)
{
    if (cp < 0x80) {
        u[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (char)(0xF0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void
put_cp(struct emitter *em, unsigned cp)
{
    char u[4];

    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    else if (cp >= 0x80 && cp <= 0x9F)
        cp = cp1252[cp - 0x80];
    if (cp <= 0x20 || cp == 0x7F || cp == 0xA0 || wide_space_cp(cp)) {
        em->space = 1; /* controls, white space, no-break spaces */
        return;
    }
    put(em, u, utf8_put(u, cp));
}

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80), else 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;

    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

static int
entity_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct entity *)elem)->name);
}

static int
hexdigit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

static const struct entity *
find_entity(const char *name)
{
    return bsearch(name, entities, sizeof(entities) / sizeof(entities[0]),
                   sizeof(entities[0]), entity_cmp);
}

/* A character reference at s[0] == '&': decode it into em and return its
 * length, or 0 when it is not one (the '&' is then text). */
static size_t
char_ref(struct emitter *em, const char *s, size_t n)
{
    char name[ENTITY_NAME_MAX + 1];
    const struct entity *ent;
    unsigned long cp = 0;
    size_t i = 1, len;

    if (n > 2 && s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';

        for (i = hex ? 3 : 2; i < n && i < 16; i++) {
            int d = hex ? hexdigit((unsigned char)s[i])
                        : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
            if (d < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
        }
        if (i == (hex ? 3u : 2u) || i >= n || s[i] != ';')
            return 0;
        put_cp(em, cp > 0x10FFFF ? 0xFFFD : (unsigned)cp);
        return i + 1;
    }
    while (i < n && i <= sizeof(name) &&
           (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
            (s[i] >= '0' && s[i] <= '9')))
        i++;
    len = i - 1;
    if (len == 0 || len >= sizeof(name) || i >= n || s[i] != ';')
        return 0;
    memcpy(name, s + 1, len);
    name[len] = '\0';
    if ((ent = find_entity(name)) == NULL)
        return 0;
    put_cp(em, ent->cp);
    if (ent->cp2)
        put_cp(em, ent->cp2);
    return i + 1;
}

int
text_entity(struct buf *out, const char *name)
{
    const struct entity *ent = find_entity(name);
    char u[8];

    if (ent == NULL)
        return 0;
    buf_add(out, u, utf8_put(u, ent->cp));
    if (ent->cp2)
        buf_add(out, u, utf8_put(u, ent->cp2));
    return 1;
}

static int
str_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static int
is_name_char(int c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == ':' || c == '_';
}

/* Where the text of a raw-text element (script, style) ends: at its
 * closing tag, or the end. */
static size_t
skip_raw(const char *s, size_t n, const char *tag)
{
    size_t tl = strlen(tag);

    for (size_t i = 0; i + 2 + tl <= n; i++)
        if (s[i] == '<' && s[i + 1] == '/' &&
            strncasecmp(s + i + 2, tag, tl) == 0)
            return i;
    return n;
}

/* Find the '>' closing a tag that starts at s, skipping quoted attribute
 * values; falls back to the first '>' when a quote never closes. */
static size_t
tag_end(const char *s, size_t n, size_t from)
{
    const char *gt;
    char q = 0;

    for (size_t i = from; i < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == '>') {
            return i;
        }
    }
    gt = memchr(s + from, '>', n - from);
    return gt ? (size_t)(gt - s) : n;
}

/* Markup at s[0] == '<': comments, declarations and tags are dropped
 * (block tags leave a space; script and style take their contents with
 * them). Returns the length consumed, or 0 when the '<' is text
 * ("a < b", "$x<y$"). */
static size_t
markup(struct emitter *em, const char *s, size_t n)
{
    char name[16];
    size_t i = 1, len, end;
    int closing = 0;

    if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
        const char *e = memmem(s + 4, n - 4, "-->", 3);
        return e ? (size_t)(e - s) + 3 : n;
    }
    if (n >= 2 && (s[1] == '!' || s[1] == '?')) {
        end = tag_end(s, n, 2);
        return end < n ? end + 1 : 0;
    }
    if (i < n && s[i] == '/') {
        closing = 1;
        i++;
    }
    if (i >= n || (s[i] | 0x20) < 'a' || (s[i] | 0x20) > 'z')
        return 0;
    for (len = 0; i < n && is_name_char((unsigned char)s[i]); i++, len++)
        if (len < sizeof(name) - 1)
            name[len] =
                (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
    if (i >= n || !(s[i] == '>' || s[i] == '/' || s[i] == ' ' || s[i] == '\t' ||
                    s[i] == '\n' || s[i] == '\r'))
        return 0;
    end = tag_end(s, n, i);
    if (end >= n)
        return 0;
    end++;
    if (len >= sizeof(name))
        return end; /* no tag we know is that long */
    name[len] = '\0';
    if (bsearch(name, block_tags, sizeof(block_tags) / sizeof(block_tags[0]),
                sizeof(block_tags[0]), str_cmp))
        em->space = 1;
    if (!closing && s[end - 2] != '/' &&
        (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)) {
        em->space = 1;
        return end + skip_raw(s + end, n - end, name);
    }
    return end;
}

/* ASCII that is text here: in HTML, all but '<' and '&'. */
static int
is_ascii_text(unsigned c, int html)
{
    return c < 0x80 && !(html && (c == '<' || c == '&'));
}

/* Byte classes for the byte loop: 0 ends the run (non-ASCII; in HTML '<'
 * and '&'), 1 folds (white space, controls), 2 is text. */
enum { C_STOP, C_FOLD, C_TEXT };
static const unsigned char class_text[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const unsigned char class_html[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* A no-break space (U+00A0, folded as white space) or a C1 control
 * (U+0080..U+009F) at the valid UTF-8 sequence s: the latter is nearly
 * always Windows-1252 read as ISO-8859-1 (0x92, a quote, became U+0092),
 * and is put back as what Windows-1252 means, as HTML5 does for &#146;. */
static inline int
c1_or_nbsp(const unsigned char *s)
{
    return s[0] == 0xC2 && s[1] <= 0xA0;
}

/* The same, the valid three-byte sequence at s. */
static inline int
wide_space(const unsigned char *s)
{
    return wide_space_cp((unsigned)(s[0] & 0x0F) << 12 |
                         (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F));
}

#ifdef __SSE2__
/* Whether the `width` (16 or 32) bytes at s, with the non-ASCII bytes
 * `hi` (a bit mask) among them, hold whole valid UTF-8 sequences that
 * stay text (a no-break space folds, an invalid byte is replaced: both
 * for the byte loop): -1 if not, else by how many bytes the last sequence
 * runs past the block (at most three, all of them before s + n). */
static int
utf8_block(const unsigned char *s, size_t n, uint32_t hi, unsigned width)
{
    while (hi) {
        unsigned j = (unsigned)__builtin_ctz(hi);
        size_t k = 2;

        /* two bytes from C3 on (é, ö: most letters of names) need
         * neither the call nor the no-break space test */
        if (s[j] < 0xC3 || s[j] > 0xDF || j + 1 >= n ||
            (s[j + 1] & 0xC0) != 0x80) {
            k = utf8_len(s + j, n - j);
            if (k == 0 || c1_or_nbsp(s + j) || (k == 3 && wide_space(s + j)))
                return -1;
        }
        if (j + k > width)
            return (int)(j + k - width); /* the last bytes of the block */
        hi &= ~(((1u << k) - 1) << j);
    }
    return 0;
}

/* Running text that needs nothing but its white space bytes made spaces,
 * thirty-two bytes a turn: no DEL, no two white space bytes in a row (nor
 * one at the end before what is not text), no markup in HTML, and bytes
 * outside ASCII only in valid UTF-8 (checked by utf8_block in the few
 * blocks that have them). Most of an abstract is that; the first block
 * that is not is left to the loop below, which knows the rest. Controls
 * become spaces by an unsigned max with ' '. Returns the bytes taken from
 * s (and stored at w); a turn needs 33 bytes of the n. */
static inline __attribute__((always_inline)) size_t
clean_runs(char *w, const unsigned char *s, size_t n, int html,
           const unsigned char *cls)
{
    const __m128i sp = _mm_set1_epi8(' '), lim = _mm_set1_epi8(0x21);
    const __m128i del = _mm_set1_epi8(0x7F), lt = _mm_set1_epi8('<');
    const __m128i amp = _mm_set1_epi8('&');
    size_t i = 0, last; /* w and s go on together: one index */
    int over;

    if (n < 33)
        return 0;
    last = n - 33;
    while (i <= last) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(s + i + 16));
        __m128i sx = _mm_or_si128(x, _mm_cmpeq_epi8(x, del));
        __m128i sy = _mm_or_si128(y, _mm_cmpeq_epi8(y, del));
        uint32_t stop, ws, pair;

        if (html) {
            sx = _mm_or_si128(sx, _mm_or_si128(_mm_cmpeq_epi8(x, lt),
                                               _mm_cmpeq_epi8(x, amp)));
            sy = _mm_or_si128(sy, _mm_or_si128(_mm_cmpeq_epi8(y, lt),
                                               _mm_cmpeq_epi8(y, amp)));
        }
        stop = (uint32_t)_mm_movemask_epi8(sx) | (uint32_t)_mm_movemask_epi8(sy)
                                                     << 16;
        /* at or below ' ', signed: bytes outside ASCII too (stop has
         * them); a saturating subtract sets the sign bit of just those */
        ws = (uint32_t)_mm_movemask_epi8(_mm_subs_epi8(x, lim)) |
             (uint32_t)_mm_movemask_epi8(_mm_subs_epi8(y, lim)) << 16;
        pair = ws & ws >> 1;
        if ((ws >> 31) && cls[s[i + 32]] != C_TEXT)
            pair |= 1u << 31;
        over = 0;
        if (stop | pair) {
            /* letters outside ASCII are text when they are valid (and
             * no no-break space): only those may have stopped it */
            uint32_t hi = (uint32_t)_mm_movemask_epi8(x) |
                          (uint32_t)_mm_movemask_epi8(y) << 16;

            if (stop != hi || (pair & ~hi & ~(hi >> 1)) ||
                (over = utf8_block(s + i, n - i, hi, 32)) < 0)
                break;
        }
        _mm_storeu_si128((__m128i *)(w + i), _mm_max_epu8(x, sp));
        _mm_storeu_si128((__m128i *)(w + i + 16), _mm_max_epu8(y, sp));
        i += 32;
        for (; over > 0; over--, i++) /* a sequence the block cut */
            w[i] = (char)s[i];
    }
    return i;
}

/* Sixteen bytes at a time: a block is stored at once with each white space
 * byte as a space, up to the first byte that needs more (two white space
 * bytes in a row, one that would lead, non-ASCII, markup). A run of white
 * space is then skipped, and the blocks go on from after it; the rest is
 * for the byte loop. Returns how much was taken. This sees every byte of
 * every abstract, so the state lives in locals (stores through b->p could
 * alias b and em). */
static inline __attribute__((always_inline)) size_t
fold_blocks(struct emitter *em, const unsigned char *s, size_t n, int html,
            const unsigned char *cls)
{
    struct buf *b = em->out;
    const __m128i sp = _mm_set1_epi8(' '), lim = _mm_set1_epi8(0x21);
    const __m128i del = _mm_set1_epi8(0x7F), lt = _mm_set1_epi8('<');
    const __m128i amp = _mm_set1_epi8('&'), zero = _mm_setzero_si128();
    size_t i = 0, len, start = em->start;
    unsigned space = (unsigned)em->space;
    char *p;

    buf_reserve(b, n + 1); /* out: at most a space and the input */
    p = b->p;
    len = b->len;
    while (i + 16 <= n) {
        __m128i x, ws;
        unsigned m, k, bad, stop;

        /* Inside running text (no space pending) most blocks are words
         * and single spaces: stored as they come, with the fewest tests.
         * White space that ends a block is single when the byte after it
         * is text. Letters outside ASCII are checked where they are and
         * stored with the rest. The other blocks go the long way. */
        while (!space && len > start && i + 17 <= n) {
            unsigned hi, next;
            int over = 0;
            size_t k32 = clean_runs(p + len, s + i, n - i, html, cls);

            len += k32;
            i += k32;
            if (i + 17 > n)
                break;
            x = _mm_loadu_si128((const __m128i *)(s + i));
            ws = _mm_or_si128(_mm_cmplt_epi8(x, lim), _mm_cmpeq_epi8(x, del));
            hi = (unsigned)_mm_movemask_epi8(x);
            if (hi) /* not white space, whatever the signed compare said */
                ws = _mm_andnot_si128(_mm_cmplt_epi8(x, zero), ws);
            m = (unsigned)_mm_movemask_epi8(ws);
            stop = 0;
            if (html)
                stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                    _mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, amp)));
            next = cls[s[i + 16]] != C_TEXT;
            if (stop | (m & (m >> 1 | next << 15)))
                break;
            if (hi && (over = utf8_block(s + i, n - i, hi, 16)) < 0)
                break;
            x = _mm_or_si128(_mm_and_si128(ws, sp), _mm_andnot_si128(ws, x));
            _mm_storeu_si128((__m128i *)(p + len), x);
            len += 16;
            i += 16;
            for (; over > 0; over--) /* a sequence the block cut */
                p[len++] = (char)s[i++];
        }
        if (i + 16 > n)
            break;
        x = _mm_loadu_si128((const __m128i *)(s + i));
        stop = (unsigned)_mm_movemask_epi8(x);

        ws = _mm_or_si128(_mm_cmplt_epi8(x, lim), _mm_cmpeq_epi8(x, del));
        m = (unsigned)_mm_movemask_epi8(ws) & ~stop; /* not non-ASCII */
        if (html)
            stop |= (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, amp)));
        bad = stop | (m & m >> 1) | (m & (space || len == start));
        k = bad ? (unsigned)__builtin_ctz(bad) : 16;
        if (k > 0) { /* s[i..i+k): words and single spaces */
            unsigned last = m >> (k - 1) & 1; /* waits for what follows */

            if (space && len > start)
                p[len++] = ' ';
            x = _mm_or_si128(_mm_and_si128(ws, sp), _mm_andnot_si128(ws, x));
            _mm_storeu_si128((__m128i *)(p + len), x);
            len += k - last;
            space = last;
            i += k;
        }
        if (k == 16)
            continue;
        if (stop >> k & 1)
            break; /* for the caller */
        while (i < n && (s[i] <= 0x20 || s[i] == 0x7F))
            i++;
        space = 1;
    }
    b->len = len;
    em->space = (int)space;
    return i;
}
#endif

/* The same a byte at a time, for up to n bytes: short strings (names,
 * terms) and the blocks the loop above leaves. */
static size_t
fold_bytes(struct emitter *em, const unsigned char *s, size_t n, int html)
{
    const unsigned char *cls = html ? class_html : class_text;
    struct buf *b = em->out;
    size_t i = 0, len, start = em->start;
    int space = em->space;
    char *p;

    buf_reserve(b, n + 1);
    p = b->p;
    len = b->len;
    while (i < n) {
        if (cls[s[i]] == C_TEXT) { /* a word, copied in a tight loop */
            if (space && len > start)
                p[len++] = ' ';
            space = 0;
            do
                p[len++] = (char)s[i++];
            while (i < n && cls[s[i]] == C_TEXT);
        } else if (cls[s[i]] == C_FOLD) {
            space = 1;
            i++;
        } else {
            break;
        }
    }
    b->len = len;
    em->space = space;
    return i;
}

/* Put the ASCII text at s (up to n bytes) with its white space folded;
 * returns how much was taken: up to markup or non-ASCII. */
static size_t
fold_ascii(struct emitter *em, const unsigned char *s, size_t n, int html)
{
    size_t i = 0;

#ifdef __SSE2__
    if (n >= 16) /* each mode its own copy, with its tests folded */
        i = html ? fold_blocks(em, s, n, 1, class_html)
                 : fold_blocks(em, s, n, 0, class_text);
#endif
    return i + fold_bytes(em, s + i, n - i, html); /* the rest, if any */
}

/* The words of plain_already: eight bytes a turn while they are ASCII
 * (a name takes a loop of fifteen turns a byte otherwise). Returns where
 * the byte loop is to go on (at the first non-ASCII word), or SIZE_MAX
 * when a word holds what is not plain: a control, DEL, two spaces in a
 * row, '<' or '&' in HTML. The tests are exact byte by byte, as no byte
 * is 0x80 or more: no sum carries into the next byte. */
static size_t
ascii_words(const unsigned char *s, size_t n, int html)
{
    const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
    uint64_t v, bad, sp;
    size_t i;

    for (i = 0; n - i >= 8; i += 8) {
        memcpy(&v, s + i, 8);
        if (v & high)
            break;
        bad = ~(v + ones * 0x60) | (v + ones); /* below 0x20, or DEL */
        sp = ~((v ^ (ones * ' ')) + ones * 0x7F) & high;
        if (html)
            bad |= ~((v ^ (ones * '<')) + ones * 0x7F) |
                   ~((v ^ (ones * '&')) + ones * 0x7F);
        if ((bad & high) || (sp & (sp << 8)))
            return SIZE_MAX;
        if (s[i + 7] == ' ' && s[i + 8] == ' ') /* s[n - 1] is no space */
            return SIZE_MAX;
    }
    return i;
}

#ifdef __SSE2__
/* ascii_words sixteen bytes a turn, for strings of sixteen bytes or more
 * (ids, links, titles, author lists), and letters outside ASCII checked
 * in the block (utf8_block) rather than left to the byte loop: SIZE_MAX
 * when a block holds what is not plain, else how far all is plain. The
 * last block ends at n while the bytes it shares with the one before are
 * ASCII; after a letter outside it, the byte loop takes the rest. */
static size_t
ascii_blocks(const unsigned char *s, size_t n, int html)
{
    const __m128i sp = _mm_set1_epi8(' '), del = _mm_set1_epi8(0x7F);
    const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');
    size_t i = 0;
    int over, seen = 0;

    while (i < n) {
        __m128i x, low;
        unsigned hi, bad, m;

        if (n - i < 16) {
            if (seen)
                return i;
            i = n - 16;
        }
        x = _mm_loadu_si128((const __m128i *)(s + i));
        hi = (unsigned)_mm_movemask_epi8(x);
        /* below ' ' signed: controls, and the bytes hi has */
        low = _mm_or_si128(_mm_cmplt_epi8(x, sp), _mm_cmpeq_epi8(x, del));
        bad = (unsigned)_mm_movemask_epi8(low) & ~hi;
        if (html)
            bad |= (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, amp)));
        m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, sp));
        /* a space ending the block is never s[n - 1]: s[i + 16] is there */
        if (bad || (m & m >> 1) || (m >> 15 && s[i + 16] == ' '))
            return SIZE_MAX;
        over = 0;
        if (hi) {
            if ((over = utf8_block(s + i, n - i, hi, 16)) < 0)
                return SIZE_MAX; /* invalid, or a no-break space */
            seen = 1;
        }
        i += 16 + (size_t)over;
    }
    return i;
}
#endif

/* Up to this length a string is looked at for plain_already: titles and
 * author lists (a hundred bytes or two) mostly are, and are then copied
 * as they are; an abstract is longer, and seldom is. */
#define PLAIN_MAX 256

/* The ASCII words of s from its start: ascii_words or ascii_blocks. */
static size_t
ascii_prefix(const unsigned char *s, size_t n, int html)
{
#ifdef __SSE2__
    if (n >= 16)
        return ascii_blocks(s, n, html);
#endif
    return ascii_words(s, n, html);
}

/* Whether the string s is plain text already: printable ASCII (less '<'
 * and '&' in HTML) and valid UTF-8 other than a no-break space, with
 * single spaces inside. Names, terms, ids, links and titles mostly are:
 * copied as they are, without the loops. The ASCII between letters
 * outside it goes a word or a block at a time. */
static int
plain_already(const unsigned char *s, size_t n, const unsigned char *cls)
{
    size_t i = 0, k;

    if (n == 0 || n > PLAIN_MAX || s[0] == ' ' || s[n - 1] == ' ')
        return 0;
    while (i < n) {
        if ((k = ascii_prefix(s + i, n - i, cls == class_html)) == SIZE_MAX)
            return 0;
        for (i += k; i < n; i++) {
            if (cls[s[i]] == C_TEXT)
                continue;
            if (s[i] == ' ') { /* never the last byte */
                if (s[i + 1] == ' ')
                    return 0;
            } else if (s[i] < 0x80) {
                return 0;
            } else { /* kept as it is, as the loops would */
                k = utf8_len(s + i, n - i);
                if (k == 0 || c1_or_nbsp(s + i) ||
                    (k == 3 && wide_space(s + i)))
                    return 0;
                i += k;
                break; /* the words again */
            }
        }
    }
    return 1;
}

int
text_plain_already(const char *s, size_t n, int html)
{
    return plain_already((const unsigned char *)s, n,
                         html ? class_html : class_text);
}

void
text_plain(struct buf *out, const char *s, size_t n, int html)
{
    struct emitter em = { out, out->len, 0 };
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, j;

    if (plain_already(u, n, html ? class_html : class_text)) {
        buf_add(out, s, n);
        return;
    }
    buf_reserve(out, n);
    while (i < n) {
        if (is_ascii_text(u[i], html)) {
            i += fold_ascii(&em, u + i, n - i, html);
        } else if (u[i] < 0x80) { /* '<' or '&' in HTML */
            j = u[i] == '<' ? markup(&em, s + i, n - i)
                            : char_ref(&em, s + i, n - i);
            if (j == 0)
                put(&em, s + i, 1);
            i += j ? j : 1;
        } else if ((j = utf8_len(u + i, n - i)) != 0) {
            if (c1_or_nbsp(u + i))
                put_cp(&em, u[i + 1]); /* a space, or Windows-1252's */
            else if (j == 3 && wide_space(u + i))
                em.space = 1;
            else
                put(&em, s + i, j);
            i += j;
        } else {
            put(&em, REPLACEMENT, 3);
            i++;
        }
    }
    out->p[out->len] = '\0'; /* put() keeps room for it */
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

char *
text_fold(char *s)
{
    char *r = s, *w = s;
    int space = 0;

    if (s == NULL)
        return NULL;
    for (; *r; r++) {
        if (is_space((unsigned char)*r)) {
            space = 1;
            continue;
        }
        if (space && w > s)
            *w++ = ' ';
        space = 0;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

void
text_markup_escape(struct buf *out, const char *s)
{
    const char *run = s;

    if (s == NULL)
        return;
    for (; *s; s++) {
        const char *rep;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        buf_add(out, run, (size_t)(s - run));
        buf_adds(out, rep);
        run = s + 1;
    }
    buf_add(out, run, (size_t)(s - run));
}

int
text_is_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        if (u[i] >= 0x80) {
            if ((k = utf8_len(u + i, n - i)) == 0)
                return 0;
            i += k;
        } else if (u[i] < 0x20 && !is_space(u[i])) {
            return 0;
        } else {
            i++;
        }
    }
    return 1;
}

/* A byte XML 1.0 allows in no document: the controls but tab, LF, CR. */
static int
xml_control(unsigned c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/* The length of the UTF-8 sequence at s (lead byte >= 0x80) that XML
 * takes, else 0: U+FFFE and U+FFFF are valid UTF-8 but no characters. */
static size_t
xml_utf8_len(const unsigned char *s, size_t n)
{
    size_t k = utf8_len(s, n);

    if (k == 3 && s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE)
        return 0;
    return k;
}

size_t
text_xml_clean(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k;

#ifdef __SSE2__
    /* thirty-two bytes a turn: a signed compare with ' ' marks the
     * controls and the bytes outside ASCII at once; the few marked are
     * looked at one by one (a line's end, a letter like é) */
    const __m128i lim = _mm_set1_epi8(' '), lf = _mm_set1_epi8('\n');

    while (n - i >= 32) {
        __m128i x = _mm_loadu_si128((const __m128i *)(u + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(u + i + 16));
        uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(x, lim)) |
                     (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(y, lim)) << 16;
        size_t next = i + 32;

        if (m) /* line ends, in every wrapped abstract, need no look */
            m &= ~((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf)) |
                   (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(y, lf)) << 16);

        while (m) {
            unsigned j = (unsigned)__builtin_ctz(m);
            unsigned c = u[i + j];

            if (c < 0x80) {
                if (xml_control(c))
                    return i + j;
                m &= m - 1;
                continue;
            }
            /* two bytes from C3 on (é, ö) without the call */
            if (c >= 0xC3 && c <= 0xDF && j < 31 &&
                (u[i + j + 1] & 0xC0) == 0x80)
                k = 2;
            else if ((k = xml_utf8_len(u + i + j, n - i - j)) == 0)
                return i + j;
            if (j + k >= 32) { /* the sequence runs to the next block */
                next = i + j + k;
                break;
            }
            m &= ~(((1u << k) - 1) << j);
        }
        i = next;
    }
#endif
    while (i < n) {
        if (u[i] >= 0x80) {
            if ((k = xml_utf8_len(u + i, n - i)) == 0)
                return i;
            i += k;
        } else if (xml_control(u[i])) {
            return i;
        } else {
            i++;
        }
    }
    return n;
}

/* Whether s (n bytes, n > 0) is the start of a UTF-8 sequence the end of
 * the bytes cut short. */
static int
utf8_cut(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    unsigned char pad[4] = { 0x80, 0x80, 0x80, 0x80 };

    if (s[0] < 0xC2 || s[0] > 0xF4 || n >= len)
        return 0;
    /* cut: the bytes there are, made whole with the smallest tail */
    memcpy(pad, s, n);
    if (pad[0] == 0xE0 && n < 2)
        pad[1] = 0xA0;
    else if (pad[0] == 0xF0 && n < 2)
        pad[1] = 0x90;
    return utf8_len(pad, len) == len;
}

size_t
text_xml_repair(struct buf *out, const char *s, size_t n, int final)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, ok, k;

    while (i < n) {
        ok = text_xml_clean(s + i, n - i);
        buf_add(out, s + i, ok);
        if ((i += ok) == n)
            break;
        if (u[i] < 0x80) { /* a control character: gone */
            i++;
            continue;
        }
        if (!final && utf8_cut(u + i, n - i))
            break; /* the rest comes with the next bytes */
        buf_add(out, REPLACEMENT, 3);
        if ((k = utf8_len(u + i, n - i)) == 0) /* U+FFFE, U+FFFF: all */
            for (k = 1; k < 3 && i + k < n && utf8_cut(u + i, k + 1); k++)
                ; /* the start of a sequence cut short: one U+FFFD */
        i += k;
    }
    return i;
}

size_t
text_base64(struct buf *out, const char *s, size_t n)
{
    size_t start = out->len;
    unsigned acc = 0;
    int bits = 0;

    buf_reserve(out, n / 4 * 3 + 3);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int v;

        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        else
            break; /* '=' or garbage */
        acc = (acc << 6 | (unsigned)v) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out->p[out->len++] = (char)(acc >> bits & 0xFF);
        }
    }
    out->p[out->len] = '\0';
    return out->len - start;
}

/* ---- URLs --------------------------------------------------------------- */

/* Length of the scheme with its ':' at s, or 0. */
static size_t
scheme_len(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !(((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')))
        return 0;
    while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
                     s[i] == '-' || s[i] == '.'))
        i++;
    return i < n && s[i] == ':' ? i + 1 : 0;
}

/* RFC 3986 5.2.4 on out from `from` on, in place: the writer never
 * passes the reader. */
static void
remove_dots(struct buf *out, size_t from)
{
    char *in = out->p + from, *w = in;
    size_t n = out->len - from, i = 0;

    while (i < n) {
        const char *seg = in + i;
        size_t rest = n - i, k;

        if (rest >= 3 && memcmp(seg, "../", 3) == 0) {
            i += 3;
        } else if (rest >= 2 && memcmp(seg, "./", 2) == 0) {
            i += 2;
        } else if (rest >= 3 && memcmp(seg, "/./", 3) == 0) {
            i += 2;
        } else if (rest == 2 && memcmp(seg, "/.", 2) == 0) {
            in[++i] = '/';
        } else if ((rest >= 4 && memcmp(seg, "/../", 4) == 0) ||
                   (rest == 3 && memcmp(seg, "/..", 3) == 0)) {
            i += 3;
            if (rest == 3)
                in[--i] = '/';
            while (w > in && *--w != '/')
                ;
        } else if ((rest == 1 && seg[0] == '.') ||
                   (rest == 2 && memcmp(seg, "..", 2) == 0)) {
            i += rest;
        } else {
            for (k = seg[0] == '/' ? 1 : 0; k < rest && seg[k] != '/'; k++)
                ;
            memmove(w, seg, k);
            w += k;
            i += k;
        }
    }
    out->len = (size_t)(w - out->p);
    out->p[out->len] = '\0';
}

static void
trim_span(const char **s, size_t *n)
{
    while (*n && is_space((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

void
text_resolve_url(struct buf *out, const char *base, const char *ref)
{
    size_t rn = ref ? strlen(ref) : 0, bn = base ? strlen(base) : 0;
    size_t bs, auth_end, path_end, rpath, q, start = out->len;

    if (ref == NULL)
        ref = "";
    trim_span(&ref, &rn);
    if (base)
        trim_span(&base, &bn);
    bs = base ? scheme_len(base, bn) : 0;
    if (bs == 0 || scheme_len(ref, rn)) {
        buf_add(out, ref, rn);
        return;
    }
    if (rn >= 2 && ref[0] == '/' && ref[1] == '/') { /* network path */
        buf_add(out, base, bs);
        buf_add(out, ref, rn);
        return;
    }
    /* base: scheme ':' ['//' authority] path ['?' query] ['#' fragment] */
    auth_end = bs;
    if (bn - bs >= 2 && base[bs] == '/' && base[bs + 1] == '/')
        for (auth_end = bs + 2; auth_end < bn && !strchr("/?#", base[auth_end]);
             auth_end++)
            ;
    for (path_end = auth_end;
         path_end < bn && base[path_end] != '?' && base[path_end] != '#';
         path_end++)
        ;
    buf_add(out, base, auth_end);
    if (rn == 0 || ref[0] == '#' || ref[0] == '?') { /* same document */
        for (q = path_end; q < bn && base[q] != '#'; q++)
            ;
        buf_add(out, base + auth_end,
                (rn && ref[0] == '?' ? path_end : q) - auth_end);
        buf_add(out, ref, rn);
        return;
    }
    for (rpath = 0; rpath < rn && ref[rpath] != '?' && ref[rpath] != '#';
         rpath++)
        ;
    if (ref[0] != '/') { /* merge with the base path up to its last '/' */
        size_t slash = path_end;

        while (slash > auth_end && base[slash - 1] != '/')
            slash--;
        if (slash == auth_end && auth_end > bs)
            buf_addc(out, '/'); /* an authority and an empty path */
        buf_add(out, base + auth_end, slash - auth_end);
    }
    buf_add(out, ref, rpath);
    remove_dots(out, start + auth_end);
    buf_add(out, ref + rpath, rn - rpath);
}
