/* ident.c: recognising arXiv ids and DOIs in the shapes feeds write them.
 *
 * arXiv ids (https://info.arxiv.org/help/arxiv_identifier.html):
 *   new style  YYMM.NNNN (0704..1412) or YYMM.NNNNN (1501 on), "vN" optional
 *   old style  archive[.SC]/YYMMNNN ("hep-th/9901001", "math.GT/0309136");
 *              the subject class is not part of the id and is dropped.
 * A string names an id when the whole of it (after trimming) is one of:
 * the bare id, "arXiv:ID", "oai:arXiv.org:ID", a DOI 10.48550/arXiv.ID (with
 * "doi:" or a resolver URL in front), or an arxiv.org URL whose path is
 * /abs/ID, /pdf/ID[.pdf], /html/ID, /format/ID, followed by nothing, '/',
 * '?' or '#'. Anything else is not an id: no searching inside free text. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ident.h"

enum {
    TAIL_END, /* the id must end the string */
    TAIL_URL, /* ".pdf", '/', '?' or '#' may follow */
};

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* ASCII classes, inline: identifiers are ASCII whatever the locale, and
 * <ctype.h> costs a call per byte for its table. */
static inline int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int
is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int
is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static inline int
is_alpha(int c)
{
    return is_lower(c | 0x20);
}

/* 0x20 at each byte of w that is a lower case letter, 0 elsewhere. */
static inline uint64_t
letters64(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t h = w & ~high;

    return ((h + ones * (0x80 - 'a')) & ~(h + ones * (0x7F - 'z')) & ~w &
            high) >>
           2;
}

static inline uint32_t
letters32(uint32_t w)
{
    const uint32_t ones = 0x01010101u, high = ones * 0x80;
    uint32_t h = w & ~high;

    return ((h + ones * (0x80 - 'a')) & ~(h + ones * (0x7F - 'z')) & ~w &
            high) >>
           2;
}

/* Whether the eight (four) bytes at s are those at lit, ASCII case aside
 * where lit has a letter: a byte ORed with 0x20 is a lower case letter
 * only when it is that letter in either case. */
static inline int
same8(const char *s, const char *lit)
{
    uint64_t v, p;

    memcpy(&v, s, 8);
    memcpy(&p, lit, 8);
    return (v | letters64(p)) == p;
}

static inline int
same4(const char *s, const char *lit)
{
    uint32_t v, p;

    memcpy(&v, s, 4);
    memcpy(&p, lit, 4);
    return (v | letters32(p)) == p;
}

/* len when the n bytes at s start with lit (lower case, 4 to 24 bytes),
 * ASCII case aside; else 0. Called for every identifier of every entry
 * with a literal, so lit's words and letter masks are constants: a few
 * word compares (overlapping at the end), no loop over the bytes. */
static inline size_t
ci_prefix(const char *s, size_t n, const char *lit, size_t len)
{
    if (n < len)
        return 0;
    if (len < 8)
        return same4(s, lit) && same4(s + len - 4, lit + len - 4) ? len : 0;
    if (!same8(s, lit) || !same8(s + len - 8, lit + len - 8))
        return 0;
    return len <= 16 || same8(s + 8, lit + 8) ? len : 0;
}

#define PREFIX(s, n, lit) ci_prefix(s, n, "" lit, sizeof(lit) - 1)

static size_t
digits(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && is_digit((unsigned char)s[n]))
        n++;
    return n;
}

/* After the id proper: "vN", then what `tail` allows. Returns 1 when the
 * rest of the string fits, setting *version. */
static int
id_tail(const char *s, const char *end, int tail, int *version)
{
    size_t n;

    *version = 0;
    if (s < end && *s == 'v') {
        n = digits(s + 1, 4);
        if (n == 0 || (s[1] == '0'))
            return 0;
        for (size_t i = 1; i <= n; i++)
            *version = *version * 10 + (s[i] - '0');
        s += 1 + n;
    }
    if (s == end)
        return 1;
    if (tail != TAIL_URL)
        return 0;
    if (*s == '/' || *s == '?' || *s == '#')
        return 1;
    return end - s == 4 && strncasecmp(s, ".pdf", 4) == 0;
}

/* Whether the four bytes at s are ASCII digits: high nibble 3, and a low
 * one that 6 more does not carry out of (no carry crosses a byte once the
 * high nibbles are known). */
static inline int
digits4(const char *s)
{
    const uint32_t ones = 0x01010101u, high = ones * 0xF0;
    uint32_t w;

    memcpy(&w, s, 4);
    return (w & high) == ones * 0x30 && ((w + ones * 6) & high) == ones * 0x30;
}

/* New style: YYMM.NNNN[N]. Writes the id into out. The digits on either
 * side of the dot are tested four at a time. */
static int
new_style(const char *s, const char *end, int tail, char *out, size_t outsz,
          int *version)
{
    int yymm, mm;
    size_t want;
    const char *next;

    if (end - s < 9 || s[4] != '.' || !digits4(s) || !digits4(s + 5))
        return 0;
    yymm = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
           (s[3] - '0');
    mm = yymm % 100;
    if (mm < 1 || mm > 12 || yymm < 704)
        return 0;
    want = yymm < 1501 ? 4 : 5;
    if (want == 5 && (end - s < 10 || !is_digit((unsigned char)s[9])))
        return 0;
    next = s + 5 + want;
    if (next < end && is_digit((unsigned char)*next))
        return 0;
    if (!id_tail(next, end, tail, version))
        return 0;
    if (outsz < 6 + want)
        return 0;
    memcpy(out, s, 5 + want);
    out[5 + want] = '\0';
    return 1;
}

/* Old style: archive[.SC]/YYMMNNN. The archive is lower case letters with
 * at most one '-' ("hep-th", "cond-mat"); the subject class is dropped. */
static int
old_style(const char *s, const char *end, int tail, char *out, size_t outsz,
          int *version)
{
    const char *p = s, *arch_end, *num;
    int mm;

    while (p < end && (is_lower((unsigned char)*p) || *p == '-'))
        p++;
    arch_end = p;
    if (arch_end - s < 2 || s[0] == '-' || arch_end[-1] == '-')
        return 0;
    if (p < end && *p == '.') { /* subject class: "GT", "AI", "str-el" */
        p++;
        while (p < end && (is_alpha((unsigned char)*p) || *p == '-'))
            p++;
        if (p - arch_end < 2)
            return 0;
    }
    if (p >= end || *p != '/')
        return 0;
    num = p + 1;
    if (end - num < 7 || digits(num, 8) != 7)
        return 0;
    mm = (num[2] - '0') * 10 + (num[3] - '0');
    if (mm < 1 || mm > 12)
        return 0;
    if (!id_tail(num + 7, end, tail, version))
        return 0;
    if ((size_t)(arch_end - s) + 9 > outsz)
        return 0;
    memcpy(out, s, (size_t)(arch_end - s));
    out[arch_end - s] = '/';
    memcpy(out + (arch_end - s) + 1, num, 7);
    out[(arch_end - s) + 8] = '\0';
    return 1;
}

static int
bare_id(const char *s, const char *end, int tail, char *out, size_t outsz,
        int *version)
{
    return new_style(s, end, tail, out, outsz, version) ||
           old_style(s, end, tail, out, outsz, version);
}

/* "http(s)://" -> its length, or 0. */
static size_t
http_scheme(const char *s, size_t len)
{
    size_t n = PREFIX(s, len, "https://");

    return n ? n : PREFIX(s, len, "http://");
}

/* "http(s)://[www.|export.]arxiv.org/" (len bytes at s) -> length of that
 * prefix, or 0. */
static size_t
arxiv_host(const char *s, size_t len)
{
    size_t n = http_scheme(s, len), m; /* else a bare "arxiv.org/abs/..." */

    if ((m = PREFIX(s + n, len - n, "arxiv.org/")) != 0 ||
        (m = PREFIX(s + n, len - n, "www.arxiv.org/")) != 0 ||
        (m = PREFIX(s + n, len - n, "export.arxiv.org/")) != 0)
        return n + m;
    return 0;
}

/* A DOI resolver in front of a DOI (len bytes at s): "doi:",
 * "https://doi.org/", "http://dx.doi.org/" ... -> its length, or 0. Told
 * apart by the first letter: most strings asked about are no resolver. */
static size_t
doi_resolver(const char *s, size_t len)
{
    size_t n, m;

    switch (lower((unsigned char)*s)) {
    case 'h':
        if ((n = http_scheme(s, len)) == 0)
            return 0;
        if ((m = PREFIX(s + n, len - n, "doi.org/")) != 0 ||
            (m = PREFIX(s + n, len - n, "dx.doi.org/")) != 0 ||
            (m = PREFIX(s + n, len - n, "www.doi.org/")) != 0)
            return n + m;
        return 0;
    case 'd':
        if ((n = PREFIX(s, len, "doi.org/")) != 0 ||
            (n = PREFIX(s, len, "dx.doi.org/")) != 0 ||
            (n = PREFIX(s, len, "doi:")) != 0)
            return n;
        return 0;
    case 'i':
        return PREFIX(s, len, "info:doi/");
    default:
        return 0;
    }
}

static void
trim(const char **s, const char **end)
{
    while (*s < *end && is_space((unsigned char)**s))
        (*s)++;
    while (*end > *s && is_space((unsigned char)(*end)[-1]))
        (*end)--;
}

int
ident_arxiv(const char *s, char *id, size_t idsz, int *version)
{
    const char *end;
    size_t len, n, m;
    int v = 0;

    if (s == NULL || idsz == 0)
        return 0;
    end = s + strlen(s);
    trim(&s, &end);
    len = (size_t)(end - s);
    if ((n = PREFIX(s, len, "arxiv:")) != 0 ||
        (n = PREFIX(s, len, "oai:arxiv.org:")) != 0) {
        if (!bare_id(s + n, end, TAIL_END, id, idsz, &v))
            return 0;
    } else if ((n = arxiv_host(s, len)) != 0) {
        if ((m = PREFIX(s + n, len - n, "abs/")) == 0 &&
            (m = PREFIX(s + n, len - n, "pdf/")) == 0 &&
            (m = PREFIX(s + n, len - n, "html/")) == 0 &&
            (m = PREFIX(s + n, len - n, "format/")) == 0)
            return 0;
        if (!bare_id(s + n + m, end, TAIL_URL, id, idsz, &v))
            return 0;
    } else {
        n = doi_resolver(s, len);
        if (PREFIX(s + n, len - n, "10.48550/arxiv.") != 0) {
            if (!bare_id(s + n + 15, end, TAIL_END, id, idsz, &v))
                return 0;
        } else if (n != 0 || !bare_id(s, end, TAIL_END, id, idsz, &v)) {
            return 0;
        }
    }
    if (version)
        *version = v;
    return 1;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A DOI is "10." registrant "/" suffix (https://www.doi.org/the-identifier/
 * resources/handbook/2_numbering). Resolver URLs are percent-decoded; the
 * result is lower case (DOIs are case-insensitive), without whitespace. */
int
ident_doi(const char *s, char *out, size_t outsz)
{
    const char *end, *p, *slash;
    size_t len, resolver, n = 0, reg;
    int url;

    if (s == NULL || outsz == 0)
        return 0;
    end = s + strlen(s);
    trim(&s, &end);
    len = (size_t)(end - s);
    resolver = doi_resolver(s, len);
    url = resolver && !PREFIX(s, len, "doi:") && !PREFIX(s, len, "info:doi/");
    p = s + resolver;
    if (end - p < 5 || strncmp(p, "10.", 3) != 0)
        return 0;
    reg = digits(p + 3, 10);
    if (reg < 4 || reg > 9)
        return 0;
    slash = p + 3 + reg;
    while (slash < end && (*slash == '.' || is_digit((unsigned char)*slash)))
        slash++; /* sub-registrants: 10.1000.10/... */
    if (slash >= end || *slash != '/' || slash + 1 >= end)
        return 0;
    for (; p < end; p++) {
        int c = (unsigned char)*p;

        if (is_space(c)) { /* the first of a list ("10.1/a 10.1/b", as
                              arXiv has), else no DOI */
            const char *q = p;

            while (q < end && is_space((unsigned char)*q))
                q++;
            if (end - q < 3 || strncmp(q, "10.", 3) != 0)
                return 0;
            break;
        }
        if (url && (c == '?' || c == '#'))
            break;
        if (url && c == '%' && end - p >= 3 && hexval(p[1]) >= 0 &&
            hexval(p[2]) >= 0) {
            c = hexval(p[1]) * 16 + hexval(p[2]);
            p += 2;
        }
        if (n + 1 >= outsz)
            return 0;
        out[n++] = (char)lower(c);
    }
    if (out[n - 1] == '/')
        return 0;
    out[n] = '\0';
    return 1;
}
