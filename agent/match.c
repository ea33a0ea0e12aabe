/* match.c: declarative rules in C (see match.h).
 *
 * Each alternative of a pattern (each word of a words test) gives either
 * an exact literal, text that is a match wherever it stands once case and
 * word boundaries are checked around it, or the runs of literal text every
 * match must hold, all of which must be seen before PCRE2 is asked. The
 * prefilter must never miss: literals are plain ASCII folded to lower
 * case and the text is folded the same way, so the automaton (lits.c)
 * finds a superset of what a caseless PCRE2 match needs; a neighbour
 * outside ASCII (maybe a letter, maybe a space) leaves the verdict to
 * PCRE2. The two
 * non-ASCII characters Unicode folds to ASCII letters (KELVIN SIGN to k,
 * LONG S to s) are watched for: a field holding one confirms every
 * caseless test. Whatever pattern syntax the extractor is unsure of gives
 * no literal, and the test is then always confirmed.
 *
 * Most rules find nothing in most papers: after the scan only the rules
 * some find concerned get a fresh verdict; the others keep the one of a
 * paper with no find, worked out once (quick0). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lits.h"
#include "match.h"

#define MIN_LITERAL 2
#define MAX_RUNS 2 /* runs kept of an alternative: its longest */
/* A second run shorter than this ("the", "to") rules little out and
 * costs a find every few words. */
#define MIN_SECOND 4
#define UNSAFE (-1) /* a literal that is not a test's: a folding hazard */
#define T_TEXT 1    /* a text test with literals */
#define T_CS 2      /* case-sensitive */

/* What must hold beside an exact literal. */
enum { B_NONE, B_NOT_WORD /* words: (?<!\w) (?!\w) */, B_EDGE /* \b */ };

/* One alternative of a text test. */
struct alt {
    struct strv runs; /* folded: every match holds all of them */
    char *exact;      /* owned: as written, when the alternative is that
                         text; else NULL */
    int ws;           /* a word's: a space in exact is a run of white space */
    unsigned char before, after; /* B_*, around exact or seq */
    /* per run: a \b it stands against (at the alternative's start or
     * end), which a find of it must show too */
    unsigned char rbefore[MAX_RUNS], rafter[MAX_RUNS];
    size_t lit0, nlits; /* its literals in the matcher */
    /* A sequence: each character of the alternative one plain ASCII
     * character or a class of them ("vision[- ]language"), so a find of
     * a run says where a match would start, and C can tell: the members
     * of each place as written (seq[i], a bit per ASCII byte), and where
     * each run starts in it. */
    uint8_t (*seq)[16]; /* owned, or NULL */
    size_t nseq;
    size_t roff[MAX_RUNS];
};

struct test {
    enum match_kind kind;
    unsigned fields; /* MF_* for text tests */
    int always;      /* no literal: confirm on every paper */
    int cs;          /* case-sensitive */
    pcre2_code **rx; /* owned: text tests' regexes */
    size_t nrx;
    struct strv items; /* names (folded), categories, set members */
    struct alt *alts;  /* owned: text tests' alternatives */
    size_t nalts;
};

/* A literal in the automaton, with what a find of it needs at hand. */
struct lit {
    const char *s; /* borrowed: folded */
    size_t len;
    int test; /* or UNSAFE */
    const struct alt *alt;
    unsigned char how; /* H_* */
    unsigned char cs, before, after;
    size_t off; /* H_SEQ: where it starts in the sequence */
};

enum {
    H_SEEN, /* part of what an alternative must hold: note it */
    H_WORD, /* exact, one run: only case and the edges to check */
    H_FULL, /* exact with white space in it: verify() */
    H_SEQ   /* a run of a sequence: verify_seq() */
};

struct mrule {
    double score;
    char *reason; /* owned */
    size_t first; /* its tests: tests[first .. first + n) */
    size_t n;
    int cs; /* case-sensitive text tests */
};

struct matcher {
    struct test *tests; /* owned */
    size_t ntests, captests;
    struct mrule *rules; /* owned */
    size_t nrules, caprules;
    unsigned scan; /* fields the automaton reads */
    int caseless;  /* some text test is caseless */

    struct lits *lx;  /* owned: every literal, found in the fields */
    struct lit *lits; /* owned: what each find of one means */
    size_t nlits;

    pcre2_match_data *md; /* owned */

    /* The current paper. */
    const struct paper *p;
    const char *source;
    int scanned;
    unsigned char *seen; /* owned: per literal, the fields it was seen in */
    unsigned char *hit;  /* owned: per test, the fields any of its
                            literals was seen in (the quick no) */

    /* The quick verdicts: most rules are decided by what the automaton
     * saw, read from small arrays side by side (the tests themselves are
     * out of the cache by the next paper); the rest are asked in full. */
    unsigned char *tflags;  /* owned: per test, T_* */
    unsigned char *tfields; /* owned: per test, its fields */
    uint32_t *rfirst, *rn;  /* owned: per rule, its tests */
    signed char *quick;     /* owned: per rule, 1 yes, 0 no, -1 ask */
    signed char *quick0;    /* owned: the same for a paper with no find */
    uint32_t *trule;        /* owned: per test, its rule */
    uint32_t *touched;      /* owned: the rules a find concerned */
    size_t ntouched;
    unsigned char *rmark; /* owned: per rule, in touched */
    int all;              /* every verdict may differ from quick0 */
    int swept;
    unsigned char *proof; /* owned: per test, the fields it matched */
    unsigned unsafe;      /* fields holding a folding hazard */
    struct buf authors;   /* joined with "\n" */
    struct buf cats;
    int joined;        /* bits: MF_AUTHORS, MF_CATEGORIES built */
    struct buf fields; /* the scanned fields, each ended by its NUL */
    struct {
        size_t off;
        unsigned bit;
    } seg[MF_NFIELDS]; /* where each field starts in fields */
};

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
swap_case(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    if (c >= 'a' && c <= 'z')
        return c - ('a' - 'A');
    return c;
}

static int
is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
is_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static int
word_byte(unsigned char c)
{
    return is_alnum(c) || c == '_';
}

pcre2_code *
re_compile(const char *pat, size_t len, int cs, struct pw_err *e)
{
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
                    (cs ? 0 : PCRE2_CASELESS);
    PCRE2_UCHAR why[256];
    PCRE2_SIZE off;
    pcre2_code *code;
    int err;

    code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &err, &off, NULL);
    if (code == NULL) {
        pcre2_get_error_message(err, why, sizeof(why));
        pw_errf(e, "regex /%.*s/: %s at position %d", (int)len, pat,
                (const char *)why, (int)off + 1);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* fine if it fails */
    return code;
}

/* Literal extraction. */

/* Past a character class that starts at p[i] == '['. */
static size_t
skip_class(const char *p, size_t i, size_t n)
{
    const char *end;

    i++;
    if (i < n && p[i] == '^')
        i++;
    if (i < n && p[i] == ']') /* a leading ] is a member */
        i++;
    while (i < n && p[i] != ']') {
        if (p[i] == '\\') {
            i += 2;
        } else if (p[i] == '[' && i + 1 < n && p[i + 1] == ':' &&
                   (end = memchr(p + i + 2, ']', n - i - 2)) != NULL &&
                   end[-1] == ':' && end - 1 > p + i + 1) {
            i = (size_t)(end - p) + 1; /* [:alpha:], ended by the first ] */
        } else {
            i++;
        }
    }
    return i < n ? i + 1 : n;
}

/* Past a group that starts at p[i] == '('. */
static size_t
skip_group(const char *p, size_t i, size_t n)
{
    int depth = 0;

    while (i < n) {
        if (p[i] == '\\') {
            i += 2;
            continue;
        }
        if (p[i] == '[') {
            i = skip_class(p, i, n);
            continue;
        }
        if (p[i] == '(')
            depth++;
        else if (p[i] == ')' && --depth == 0)
            return i + 1;
        i++;
    }
    return n;
}

/* Constructs that change what the literal characters of a pattern mean or
 * hide where groups end: extended mode, comments, \Q...\E; an option
 * setting that turns case folding on or off for the rest of the pattern,
 * other alternatives included ("(?i)", "(?-i)", "(?^)"); and the (*...)
 * verbs and lookarounds, which can end a match early ((*ACCEPT)) or make
 * one alternative's failure the whole pattern's ((*COMMIT)). */
static int
unsure(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '\\') {
            if (p[i + 1] == 'Q')
                return 1;
            i++;
        } else if (p[i] == '(' && p[i + 1] == '*') {
            return 1;
        } else if (p[i] == '(' && p[i + 1] == '?') {
            size_t j = i + 2;
            int fold = 0;
            if (j < n && p[j] == '#')
                return 1;
            while (j < n && (is_alnum(p[j]) || p[j] == '-' || p[j] == '^')) {
                if (p[j] == 'x')
                    return 1;
                fold |= p[j] == 'i' || p[j] == '^';
                j++;
            }
            if (fold && j < n && p[j] == ')')
                return 1;
        }
    }
    return 0;
}

/* A quantifier at p[i]: its length, 0 when there is none; *optional when
 * it allows no repetition at all. */
static size_t
quantifier(const char *p, size_t i, size_t n, int *optional)
{
    size_t j = i;

    if (i >= n)
        return 0;
    if (p[i] == '?' || p[i] == '*' || p[i] == '+') {
        *optional = p[i] != '+';
        j++;
    } else if (p[i] == '{') {
        size_t k = i + 1;
        int lo = 0, hi = 0, min = 0;
        for (; k < n && p[k] >= '0' && p[k] <= '9'; k++, lo = 1)
            min |= p[k] != '0';
        if (k < n && p[k] == ',')
            for (k++; k < n && p[k] >= '0' && p[k] <= '9'; k++)
                hi = 1;
        if (k >= n || p[k] != '}' || (!lo && !hi))
            return 0; /* a plain '{' */
        *optional = !min;
        j = k + 1;
    } else {
        return 0;
    }
    if (j < n && (p[j] == '?' || p[j] == '+')) /* lazy, possessive */
        j++;
    return j - i;
}

/* Past the closing character of an escape's argument that starts at p[i]
 * ({...}, <...> or '...'); 0 when it does not close. */
static size_t
skip_arg(const char *p, size_t i, size_t n)
{
    char close = p[i] == '{' ? '}' : p[i] == '<' ? '>' : '\'';
    const char *end = memchr(p + i + 1, close, n - i - 1);

    return end ? (size_t)(end - p) + 1 : 0;
}

/* The escape at p[i] == '\\': its length, *lit the character it stands
 * for when it is one plain ASCII character, else -1. 0 when unsure. */
static size_t
escape(const char *p, size_t i, size_t n, int *lit)
{
    unsigned char c;
    size_t j = i + 2;

    *lit = -1;
    if (i + 1 >= n)
        return 0;
    c = (unsigned char)p[i + 1];
    if (c >= 0x80)
        return 2;
    if (!is_alnum(c)) {
        *lit = c;
        return 2;
    }
    if (strchr("dDwWsShHvVRXCbBAzZGKntrfeaE", c)) /* classes, assertions */
        return 2;
    switch (c) {
    case 'N':
        return j < n && p[j] == '{' ? 0 : 2;
    case 'x':
        if (j < n && p[j] == '{')
            return (j = skip_arg(p, j, n)) ? j - i : 0;
        for (int k = 0; k < 2 && j < n && is_alnum(p[j]); k++)
            j++;
        return j - i;
    case 'o':
        return j < n && p[j] == '{' && (j = skip_arg(p, j, n)) ? j - i : 0;
    case 'c':
        return j < n ? 3 : 0;
    case 'p':
    case 'P':
        if (j < n && p[j] == '{')
            return (j = skip_arg(p, j, n)) ? j - i : 0;
        return j < n ? 3 : 0;
    case 'g':
    case 'k':
        if (j < n && (p[j] == '{' || p[j] == '<' || p[j] == '\''))
            return (j = skip_arg(p, j, n)) ? j - i : 0;
        if (c == 'k')
            return 0;
        if (j < n && (p[j] == '-' || p[j] == '+'))
            j++;
        while (j < n && p[j] >= '0' && p[j] <= '9')
            j++;
        return j - i;
    default:
        if (c >= '0' && c <= '9') { /* back reference or octal */
            while (j < n && p[j] >= '0' && p[j] <= '9')
                j++;
            return j - i;
        }
        return 0;
    }
}

static void
fold_in_place(char *s)
{
    for (; *s; s++)
        *s = (char)lower((unsigned char)*s);
}

static void
alt_free(struct alt *a)
{
    strv_fini(&a->runs);
    free(a->exact);
    free(a->seq);
}

/* Keep the MAX_RUNS longest runs of at least MIN_LITERAL, folded, with
 * their edges (B_EDGE when the run stands against a \b: the first run of
 * an alternative starting with one, the last of one ending with one). */
static void
keep_runs(const struct strv *all, const size_t *offs, int lead, int trail,
          struct alt *a)
{
    int used[MAX_RUNS] = { -1, -1 };

    for (int k = 0; k < MAX_RUNS; k++) {
        size_t best = k ? MIN_SECOND - 1 : MIN_LITERAL - 1;
        for (size_t i = 0; i < all->n; i++) {
            size_t n = strlen(all->v[i]);
            if (n > best && (int)i != used[0]) {
                best = n;
                used[k] = (int)i;
            }
        }
        if (used[k] < 0)
            break;
        if (offs)
            a->roff[a->runs.n] = offs[used[k]];
        a->rbefore[a->runs.n] = lead && used[k] == 0 ? B_EDGE : B_NONE;
        a->rafter[a->runs.n] =
            trail && (size_t)used[k] + 1 == all->n ? B_EDGE : B_NONE;
        strv_add(&a->runs, all->v[used[k]]);
        fold_in_place(a->runs.v[a->runs.n - 1]);
    }
}

/* The class p[i..end) ('[' to past ']') as the set of its members, when
 * each is one plain ASCII character or a range of them: 0, else -1. */
static int
class_set(const char *p, size_t i, size_t end, uint8_t set[16])
{
    size_t k = i + 1, stop = end - 1;

    if (end < i + 3 || p[stop] != ']' || p[k] == '^')
        return -1;
    memset(set, 0, 16);
    while (k < stop) {
        int c = (unsigned char)p[k], hi;
        if (c == '\\') { /* an escaped punctuation character */
            if (k + 2 > stop || is_alnum(p[k + 1]))
                return -1;
            c = (unsigned char)p[k + 1];
            k += 2;
        } else if (c == '[') { /* [:alpha:] and the like */
            return -1;
        } else {
            k++;
        }
        hi = c;
        if (k + 1 < stop && p[k] == '-') {
            hi = (unsigned char)p[k + 1];
            if (hi == '\\' || hi == '[' || hi < c)
                return -1;
            k += 2;
        }
        if (c < 0x20 || hi >= 0x7f)
            return -1;
        for (; c <= hi; c++)
            set[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
    return 0;
}

/* The alternative p[a..b) of a regex: its runs of literal characters, and
 * whether it is one run with nothing else but a \b at either end, or a
 * sequence (see struct alt). */
static int
regex_alt(const char *p, size_t a, size_t b, struct alt *alt)
{
    struct strv runs;
    struct buf run, seq;
    size_t i = a, len, q, offs[64], at = 0, here;
    int optional = 0, lit, others = 0, lead = 0, trail = 0, atoms = 0;
    int lead_run = 0, trail_run = 0; /* a run stands against an edge */
    int is_seq = 1;
    uint8_t set[16];

    strv_init(&runs);
    buf_init(&run);
    buf_init(&seq);
    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        int edge = 0;
        lit = -1;
        if (c == '\\') {
            if ((len = escape(p, i, b, &lit)) == 0)
                goto unsure;
            edge = p[i + 1] == 'b';
        } else if (c == '[') {
            len = skip_class(p, i, b) - i;
        } else if (c == '(') {
            len = skip_group(p, i, b) - i;
        } else if (c >= 0x80 || strchr(".^$*+?{|)", c) != NULL) {
            len = 1;
        } else {
            lit = c;
            len = 1;
        }
        q = quantifier(p, i + len, b, &optional);
        if (q ||
            !(lit >= 0 || (c == '[' && class_set(p, i, i + len, set) == 0) ||
              (edge && (atoms == 0 || i + len == b))))
            is_seq = 0;
        if (!q && lit >= 0) {
            memset(set, 0, sizeof(set));
            set[lit >> 3] = (uint8_t)(1u << (lit & 7));
        }
        here = seq.len / sizeof(set); /* where this atom is in seq */
        if (is_seq && !edge)
            buf_add(&seq, (const char *)set, sizeof(set));
        i += len + q;
        if (edge && !q && atoms == 0)
            lead = 1;
        else if (edge && !q && i == b)
            trail = 1, trail_run = run.len > 0;
        else if (lit < 0 || q)
            others++;
        atoms++;
        if (lit >= 0 && !(q && optional)) {
            if (lead && atoms == 2 && runs.n == 0 && run.len == 0)
                lead_run = 1;
            if (run.len == 0)
                at = here;
            buf_addc(&run, (char)lit);
        }
        if ((lit < 0 || q) && run.len) {
            if (runs.n < sizeof(offs) / sizeof(*offs))
                offs[runs.n] = at;
            else
                is_seq = 0;
            strv_addn(&runs, run.p, run.len);
            run.len = 0;
        }
    }
    if (run.len) {
        if (runs.n < sizeof(offs) / sizeof(*offs))
            offs[runs.n] = at;
        else
            is_seq = 0;
        strv_addn(&runs, run.p, run.len);
    }
    if (others == 0 && runs.n == 1 && strlen(runs.v[0]) >= MIN_LITERAL) {
        alt->exact = xstrdup(runs.v[0]);
        alt->before = lead ? B_EDGE : B_NONE;
        alt->after = trail ? B_EDGE : B_NONE;
        strv_add(&alt->runs, runs.v[0]);
        fold_in_place(alt->runs.v[0]);
    } else {
        keep_runs(&runs, is_seq ? offs : NULL, lead_run, trail_run, alt);
        if (is_seq && alt->runs.n) {
            alt->nseq = seq.len / sizeof(set);
            alt->seq = (uint8_t(*)[16])buf_steal(&seq);
            alt->before = lead ? B_EDGE : B_NONE;
            alt->after = trail ? B_EDGE : B_NONE;
        }
    }
unsure:
    strv_fini(&runs);
    buf_fini(&run);
    buf_fini(&seq);
    return alt->runs.n ? 0 : -1;
}

#define MAX_VARIANTS 16 /* an alternative is expanded into at most */

/* The group p[i..end) ('(' or "(?:" to past ')'): where its body starts,
 * when it and the groups in it are plain groups, not lookarounds, named
 * groups or option settings; else 0. */
static size_t
plain_group(const char *p, size_t i, size_t end)
{
    size_t k = i + 1;

    for (size_t j = i; j + 1 < end; j++) {
        if (p[j] == '\\')
            j++;
        else if (p[j] == '[')
            j = skip_class(p, j, end) - 1;
        else if (p[j] == '(' && p[j + 1] == '?' && p[j + 2] != ':')
            return 0;
    }
    return p[k] == '?' ? k + 2 : k;
}

/* The alternative p[a..b) written out once for each way its first
 * optional plain character or class ("s?", "[- ]?") can be there or not,
 * or once for each branch of its first group ("(image|video)", "(es)?")
 * (\bLLMs?\b: \bLLM\b and \bLLMs\b), so that each variant, expanded in
 * turn, may become a sequence or an exact literal that C can tell, where
 * as one alternative it is left to PCRE2. The variants onto out and how
 * many; 0 when it has nothing to expand, or anything that textual
 * expansion could change the meaning of (a back reference, a group in a
 * group, a quantifier other than ?). */
static int
expand(const char *p, size_t a, size_t b, struct strv *out)
{
    size_t i = a, len, q, at = 0, end = 0, body = 0;
    int optional, lit, found = 0;
    uint8_t set[16];
    struct buf v;

    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        size_t k = 0;
        lit = -1;
        if (c == '\\') {
            if ((len = escape(p, i, b, &lit)) == 0 ||
                (lit < 0 && p[i + 1] != 'b'))
                return 0;
        } else if (c == '[') {
            len = skip_class(p, i, b) - i;
            if (class_set(p, i, i + len, set) < 0)
                return 0;
            lit = c;
        } else if (c == '(') {
            len = skip_group(p, i, b) - i;
            if ((k = plain_group(p, i, i + len)) == 0)
                return 0;
        } else if (c >= 0x80 || strchr(".^$*+?{|)", c) != NULL) {
            return 0;
        } else {
            lit = c;
            len = 1;
        }
        q = quantifier(p, i + len, b, &optional);
        if (q && (p[i + len] != '?' || (q == 2 && p[i + len + 1] != '?') ||
                  (lit < 0 && k == 0)))
            return 0; /* only a plain ? (or a lazy ??) */
        if (!found && (q || k)) {
            found = 1;
            at = i;
            end = i + len;
            body = k;
        }
        i += len + q;
    }
    if (!found)
        return 0;
    buf_init(&v);
    q = quantifier(p, end, b, &optional);
    if (q) { /* without it */
        buf_add(&v, p + a, at - a);
        buf_add(&v, p + end + q, b - end - q);
        strv_addn(out, v.p, v.len);
    }
    if (body == 0) { /* a character, with it */
        v.len = 0;
        buf_add(&v, p + a, end - a);
        buf_add(&v, p + end + q, b - end - q);
        strv_addn(out, v.p, v.len);
    }
    for (size_t j = body, from = body; body && j < end; j++) {
        if (p[j] == '\\') {
            j++;
        } else if (p[j] == '[') {
            j = skip_class(p, j, end) - 1;
        } else if (p[j] == '(') {
            j = skip_group(p, j, end) - 1;
        } else if (p[j] == '|' || j + 1 == end) { /* a branch, with it */
            v.len = 0;
            buf_add(&v, p + a, at - a);
            buf_add(&v, p + from, j - from);
            buf_add(&v, p + end + q, b - end - q);
            strv_addn(out, v.p, v.len);
            from = j + 1;
        }
    }
    buf_fini(&v);
    return (int)out->n;
}

static struct alt *
push_alt(struct alt **alts, size_t *nalts)
{
    struct alt *alt;

    *alts = xrealloc(*alts, (*nalts + 1) * sizeof(**alts));
    alt = &(*alts)[(*nalts)++];
    memset(alt, 0, sizeof(*alt));
    strv_init(&alt->runs);
    return alt;
}

/* The alternatives of a regex, or -1 when one has nothing to go on. */
static int
regex_alts(const char *pat, size_t n, struct alt **alts, size_t *nalts)
{
    size_t i = 0, a = 0, k;
    struct strv done, todo, more;
    int rc = 0;

    if (unsure(pat, n))
        return -1;
    strv_init(&done);
    strv_init(&todo);
    strv_init(&more);
    for (;;) {
        if (i >= n || pat[i] == '|') {
            /* expanded while it has something to expand and the
             * variants stay few; else as written */
            strv_clear(&done);
            strv_clear(&todo);
            strv_addn(&todo, pat + a, i - a);
            for (k = 0; k < todo.n && done.n + todo.n - k <= MAX_VARIANTS;
                 k++) {
                strv_clear(&more);
                if (expand(todo.v[k], 0, strlen(todo.v[k]), &more) == 0)
                    strv_add(&done, todo.v[k]);
                for (size_t j = 0; j < more.n; j++)
                    strv_add(&todo, more.v[j]);
            }
            if (k < todo.n) { /* too many */
                strv_clear(&done);
                strv_addn(&done, pat + a, i - a);
            }
            for (k = 0; rc == 0 && k < done.n; k++)
                rc = regex_alt(done.v[k], 0, strlen(done.v[k]),
                               push_alt(alts, nalts));
            if (rc < 0 || i >= n)
                break;
            a = ++i;
        } else if (pat[i] == '\\') {
            i += 2;
        } else if (pat[i] == '[') {
            i = skip_class(pat, i, n);
        } else if (pat[i] == '(') {
            i = skip_group(pat, i, n);
        } else {
            i++;
        }
    }
    strv_fini(&done);
    strv_fini(&todo);
    strv_fini(&more);
    return rc;
}

/* A word of a words test: exact when it is plain ASCII (its white space
 * inside matching any run of white space) with a first token worth
 * looking for, else the longest runs of ASCII non-space characters. */
static int
word_alt(const char *w, struct alt *a)
{
    struct strv runs;
    size_t at = 0, i, first = 0;
    int ascii = 1;

    strv_init(&runs);
    for (i = 0;; i++) {
        unsigned char c = (unsigned char)w[i];
        ascii &= c < 0x80;
        if (c == '\0' || c >= 0x80 || is_space(c)) {
            if (i > at)
                strv_addn(&runs, w + at, i - at);
            if (runs.n == 1 && first == 0)
                first = i - at;
            at = i + 1;
            if (c == '\0')
                break;
        }
    }
    if (ascii && i && !is_space((unsigned char)w[0]) &&
        !is_space((unsigned char)w[i - 1]) && first >= MIN_LITERAL) {
        struct buf b;
        buf_init(&b);
        for (size_t k = 0; k < runs.n; k++) {
            if (k)
                buf_addc(&b, ' ');
            buf_adds(&b, runs.v[k]);
        }
        a->exact = buf_steal(&b);
        a->before = a->after = B_NOT_WORD;
        a->ws = 1;
        strv_addn(&a->runs, w, first);
        fold_in_place(a->runs.v[0]);
    } else {
        keep_runs(&runs, NULL, 0, 0, a);
    }
    strv_fini(&runs);
    return a->runs.n ? 0 : -1;
}

int
match_alts(const char *pat, size_t len, int words, struct strv *out)
{
    struct alt *alts = NULL;
    size_t nalts = 0;
    struct buf b;
    int rc;

    if (words) {
        alts = xcalloc(1, sizeof(*alts));
        strv_init(&alts->runs);
        nalts = 1;
        rc = word_alt(pat, alts);
    } else {
        rc = regex_alts(pat, len, &alts, &nalts);
    }
    buf_init(&b);
    for (size_t i = 0; rc == 0 && i < nalts; i++) {
        const struct alt *a = &alts[i];
        b.len = 0;
        buf_adds(&b, "");
        if (a->exact) {
            buf_addf(&b, "=%s%s%s", a->before == B_EDGE ? "\\b" : "", a->exact,
                     a->after == B_EDGE ? "\\b" : "");
        } else if (a->seq) {
            buf_addf(&b, "~%s", a->before == B_EDGE ? "\\b" : "");
            for (size_t k = 0; k < a->runs.n; k++)
                buf_addf(&b, "%s%s@%zu", k ? "&" : "", a->runs.v[k],
                         a->roff[k]);
            buf_addf(&b, "/%zu%s", a->nseq, a->after == B_EDGE ? "\\b" : "");
        } else {
            for (size_t k = 0; k < a->runs.n; k++) {
                buf_addf(&b, "%s%s%s%s", k ? "&" : "",
                         a->rbefore[k] ? "\\b" : "", a->runs.v[k],
                         a->rafter[k] ? "\\b" : "");
            }
        }
        strv_add(out, b.p);
    }
    buf_fini(&b);
    for (size_t i = 0; i < nalts; i++)
        alt_free(&alts[i]);
    free(alts);
    return rc;
}

/* Names compare as paper.lua's fold: ASCII lower case, spaces folded,
 * ends trimmed. */
static void
fold_name(const char *s, struct buf *out)
{
    int space = 0;

    out->len = 0;
    buf_addc(out, '\0');
    out->len = 0;
    for (; *s; s++) {
        if (is_space((unsigned char)*s)) {
            space = 1;
            continue;
        }
        if (space && out->len)
            buf_addc(out, ' ');
        space = 0;
        buf_addc(out, (char)lower((unsigned char)*s));
    }
}

/* Building. */

struct matcher *
matcher_new(void)
{
    struct matcher *m = xcalloc(1, sizeof(*m));

    buf_init(&m->authors);
    buf_init(&m->cats);
    buf_init(&m->fields);
    m->md = pcre2_match_data_create(1, NULL);
    return m;
}

void
matcher_free(struct matcher *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->ntests; i++) {
        struct test *t = &m->tests[i];
        for (size_t k = 0; k < t->nrx; k++)
            pcre2_code_free(t->rx[k]);
        free(t->rx);
        strv_fini(&t->items);
        for (size_t k = 0; k < t->nalts; k++)
            alt_free(&t->alts[k]);
        free(t->alts);
    }
    for (size_t i = 0; i < m->nrules; i++)
        free(m->rules[i].reason);
    free(m->tests);
    free(m->rules);
    lits_free(m->lx);
    free(m->lits);
    free(m->seen);
    free(m->hit);
    free(m->tflags);
    free(m->tfields);
    free(m->rfirst);
    free(m->rn);
    free(m->quick);
    free(m->quick0);
    free(m->trule);
    free(m->touched);
    free(m->rmark);
    free(m->proof);
    pcre2_match_data_free(m->md);
    buf_fini(&m->authors);
    buf_fini(&m->cats);
    buf_fini(&m->fields);
    free(m);
}

size_t
matcher_add_rule(struct matcher *m, double score, const char *reason,
                 int case_sensitive)
{
    struct mrule *r;

    if (m->nrules == m->caprules) {
        m->caprules = m->caprules ? 2 * m->caprules : 16;
        m->rules = xrealloc(m->rules, m->caprules * sizeof(*m->rules));
    }
    r = &m->rules[m->nrules];
    r->score = score;
    r->reason = reason ? xstrdup(reason) : NULL;
    r->first = m->ntests;
    r->n = 0;
    r->cs = case_sensitive;
    return m->nrules++;
}

static int
add_regex(struct test *t, const char *pat, struct pw_err *e)
{
    pcre2_code *code = re_compile(pat, strlen(pat), t->cs, e);

    if (code == NULL)
        return -1;
    t->rx = xrealloc(t->rx, (t->nrx + 1) * sizeof(*t->rx));
    t->rx[t->nrx++] = code;
    return 0;
}

static struct alt *
new_alt(struct test *t)
{
    struct alt *a;

    t->alts = xrealloc(t->alts, (t->nalts + 1) * sizeof(*t->alts));
    a = &t->alts[t->nalts++];
    memset(a, 0, sizeof(*a));
    strv_init(&a->runs);
    return a;
}

int
matcher_add_test(struct matcher *m, size_t rule, enum match_kind kind,
                 unsigned fields, const struct strv *pats, const char *words_rx,
                 struct pw_err *e)
{
    struct mrule *r = &m->rules[rule];
    struct test *t;
    struct buf b;

    if (rule + 1 != m->nrules || r->first + r->n != m->ntests)
        return pw_errf(e, "matcher: tests must follow their rule");
    if (m->ntests == m->captests) {
        m->captests = m->captests ? 2 * m->captests : 32;
        m->tests = xrealloc(m->tests, m->captests * sizeof(*m->tests));
    }
    t = &m->tests[m->ntests];
    memset(t, 0, sizeof(*t));
    strv_init(&t->items);
    t->kind = kind;
    t->fields = fields;
    t->cs = r->cs;
    m->ntests++;
    r->n++;
    switch (kind) {
    case MK_REGEX:
        for (size_t i = 0; i < pats->n; i++) {
            if (add_regex(t, pats->v[i], e) < 0)
                return -1;
            if (!t->always && regex_alts(pats->v[i], strlen(pats->v[i]),
                                         &t->alts, &t->nalts) < 0)
                t->always = 1;
        }
        break;
    case MK_WORDS:
        if (words_rx == NULL)
            return pw_errf(e, "matcher: words without their regex");
        if (add_regex(t, words_rx, e) < 0)
            return -1;
        for (size_t i = 0; i < pats->n && !t->always; i++)
            if (word_alt(pats->v[i], new_alt(t)) < 0)
                t->always = 1;
        break;
    case MK_NAMES:
        buf_init(&b);
        for (size_t i = 0; i < pats->n; i++) {
            fold_name(pats->v[i], &b);
            strv_addn(&t->items, b.p, b.len);
        }
        buf_fini(&b);
        break;
    default:
        for (size_t i = 0; i < pats->n; i++)
            strv_add(&t->items, pats->v[i]);
        break;
    }
    return 0;
}

/* The automaton over every literal of every test not always confirmed,
 * plus the folding hazards. */

static void
add_lit(struct matcher *m, const char *str, int test, const struct alt *a,
        size_t run)
{
    struct lit *l;

    m->lits = xrealloc(m->lits, (m->nlits + 1) * sizeof(*m->lits));
    l = &m->lits[m->nlits++];
    l->s = str;
    l->test = test;
    l->alt = a;
    l->len = strlen(str);
    l->how = H_SEEN;
    l->cs = test >= 0 && m->tests[test].cs;
    l->before = l->after = B_NONE;
    if (a && a->exact) {
        l->how = a->ws && strchr(a->exact, ' ') ? H_FULL : H_WORD;
        l->before = a->before;
        l->after = a->after;
    } else if (a && a->seq) {
        l->how = H_SEQ;
        l->off = a->roff[run];
    } else if (a) {
        l->before = a->rbefore[run];
        l->after = a->rafter[run];
    }
}

static signed char verdict(const struct matcher *m, size_t r);

/* Whether a literal's finds count only where no ASCII word character is
 * before it: lits.c then need not report the others. */
static int
word_start(const struct lit *l)
{
    return l->test != UNSAFE &&
           (l->before == B_NOT_WORD ||
            (l->before == B_EDGE && word_byte((unsigned char)l->s[0])));
}

void
matcher_build(struct matcher *m)
{
    static const char *const hazards[] = { "\xe2\x84\xaa", "\xc5\xbf" };
    struct lit *lits;
    size_t nlits;

    for (size_t i = 0; i < m->ntests; i++) {
        struct test *t = &m->tests[i];
        if (t->kind != MK_REGEX && t->kind != MK_WORDS)
            continue;
        m->caseless |= !t->cs;
        if (t->always)
            continue;
        m->scan |= t->fields;
        for (size_t j = 0; j < t->nalts; j++) {
            struct alt *a = &t->alts[j];
            a->lit0 = m->nlits;
            a->nlits = a->runs.n;
            for (size_t r = 0; r < a->runs.n; r++)
                add_lit(m, a->runs.v[r], (int)i, a, r);
        }
    }
    if (m->caseless && m->scan)
        for (size_t i = 0; i < 2; i++)
            add_lit(m, hazards[i], UNSAFE, NULL, 0);
    lits = m->lits;
    nlits = m->nlits;
    m->seen = xcalloc(nlits ? nlits : 1, 1);
    m->proof = xcalloc(m->ntests ? m->ntests : 1, 1);
    m->hit = xcalloc(m->ntests ? m->ntests : 1, 1);
    m->tflags = xcalloc(m->ntests ? m->ntests : 1, 1);
    m->tfields = xcalloc(m->ntests ? m->ntests : 1, 1);
    for (size_t i = 0; i < m->ntests; i++) {
        const struct test *t = &m->tests[i];
        m->tflags[i] =
            (unsigned char)((t->cs ? T_CS : 0) |
                            ((t->kind == MK_REGEX || t->kind == MK_WORDS) &&
                                     !t->always
                                 ? T_TEXT
                                 : 0));
        m->tfields[i] = (unsigned char)t->fields;
    }
    m->rfirst = xcalloc(m->nrules ? m->nrules : 1, sizeof(*m->rfirst));
    m->rn = xcalloc(m->nrules ? m->nrules : 1, sizeof(*m->rn));
    m->quick = xcalloc(m->nrules ? m->nrules : 1, 1);
    m->quick0 = xcalloc(m->nrules ? m->nrules : 1, 1);
    m->touched = xcalloc(m->nrules ? m->nrules : 1, sizeof(*m->touched));
    m->rmark = xcalloc(m->nrules ? m->nrules : 1, 1);
    m->trule = xcalloc(m->ntests ? m->ntests : 1, sizeof(*m->trule));
    for (size_t i = 0; i < m->nrules; i++) {
        m->rfirst[i] = (uint32_t)m->rules[i].first;
        m->rn[i] = (uint32_t)m->rules[i].n;
        for (size_t t = 0; t < m->rules[i].n; t++)
            m->trule[m->rules[i].first + t] = (uint32_t)i;
    }
    for (size_t i = 0; i < m->nrules; i++) /* nothing seen yet */
        m->quick0[i] = verdict(m, i);

    m->lx = lits_new();
    for (size_t i = 0; i < nlits; i++)
        lits_add(m->lx, lits[i].s, lits[i].len, word_start(&lits[i]));
    lits_build(m->lx);
}

/* Running. */

int
matcher_begin(struct matcher *m, const struct paper *p, const char *source)
{
    static const char *const shown[] = { "\"comment\"", "\"journal_ref\"",
                                         "\"source\"", "\"announce\"" };

    m->p = p;
    m->source = source;
    m->scanned = 0;
    m->swept = 0;
    m->joined = 0;
    if (p->extras)
        for (size_t i = 0; i < sizeof(shown) / sizeof(*shown); i++)
            if (strstr(p->extras, shown[i]))
                return -1;
    return 0;
}

static const char *
joined(struct buf *b, const struct strv *sv)
{
    b->len = 0;
    buf_addc(b, '\0');
    b->len = 0;
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            buf_addc(b, '\n');
        buf_adds(b, sv->v[i]);
    }
    return b->p;
}

/* The text a field shows rules (as lbind_push_paper and rules.lua's
 * text_test see it), or NULL when the paper has none. */
static const char *
field_text(struct matcher *m, unsigned f)
{
    const struct paper *p = m->p;

    switch (f) {
    case MF_TITLE:
        return p->title ? p->title : "";
    case MF_ABSTRACT:
        return p->abstract ? p->abstract : "";
    case MF_AUTHORS:
        if (!(m->joined & MF_AUTHORS))
            joined(&m->authors, &p->authors);
        m->joined |= MF_AUTHORS;
        return m->authors.p;
    case MF_CATEGORIES:
        if (!(m->joined & MF_CATEGORIES))
            joined(&m->cats, &p->categories);
        m->joined |= MF_CATEGORIES;
        return m->cats.p;
    case MF_COMMENT:
        return p->comment;
    case MF_JOURNAL_REF:
        return p->journal_ref;
    default:
        return m->source;
    }
}

/* An edge of kind B_* between `out`, the byte outside a match, and `in`,
 * the match's byte beside it: 1 it holds, 0 not, -1 cannot tell here (a
 * byte outside ASCII may be a letter or not). */
static int
edge(unsigned char kind, unsigned char out, unsigned char in)
{
    if (kind == B_NONE)
        return 1;
    if (out >= 0x80)
        return -1;
    return kind == B_NOT_WORD ? !word_byte(out)
                              : word_byte(out) != word_byte(in);
}

/* An exact alternative at `at`: 1 a match, 0 not, -1 cannot tell here (a
 * neighbour outside ASCII could be a letter or a space). */
static int
verify(const struct alt *a, int cs, const unsigned char *base,
       const unsigned char *at)
{
    const unsigned char *p = at, *x = (const unsigned char *)a->exact;
    int v = edge(a->before, at > base ? at[-1] : ' ', *x);

    if (v <= 0)
        return v;
    while (*x) {
        if (*x == ' ') { /* \s+ */
            if (!is_space(*p))
                return *p >= 0x80 ? -1 : 0;
            while (is_space(*p))
                p++;
            if (*p >= 0x80)
                return -1;
            x++;
            continue;
        }
        if (cs ? *p != *x : lower(*p) != lower(*x))
            return 0;
        p++;
        x++;
    }
    return edge(a->after, *p, x[-1]);
}

static int
member(const uint8_t set[16], unsigned char c)
{
    return c < 0x80 && set[c >> 3] >> (c & 7) & 1;
}

/* A sequence alternative at `at`: 1, 0 or -1 as verify() says. A
 * character outside ASCII matches no place (each is plain ASCII; the two
 * that fold to ASCII letters are watched for apart). */
static int
verify_seq(const struct alt *a, int cs, const unsigned char *base,
           const unsigned char *at)
{
    const unsigned char *p = at;
    int v;

    for (size_t i = 0; i < a->nseq; i++, p++) /* the NUL ends a short text */
        if (!member(a->seq[i], *p) &&
            (cs || !member(a->seq[i], (unsigned char)swap_case(*p))))
            return 0;
    v = edge(a->before, at > base ? at[-1] : ' ', *at);
    return v <= 0 ? v : edge(a->after, *p, p[-1]);
}

/* The quick verdict of rule r may differ from quick0 now. */
static void
touch(struct matcher *m, uint32_t r)
{
    if (!m->rmark[r]) {
        m->rmark[r] = 1;
        m->touched[m->ntouched++] = r;
    }
}

/* Literal l found at `start` in the field that starts at base. */
static void
found(struct matcher *m, const struct lit *l, const char *base,
      const char *start, unsigned bit)
{
    const unsigned char *at = (const unsigned char *)start;
    int v;

    if (l->test == UNSAFE) {
        m->unsafe |= bit;
        return;
    }
    if (m->proof[l->test] & bit) /* a common word, again */
        return;
    if (l->how == H_FULL) {
        v = verify(l->alt, l->cs, (const unsigned char *)base, at);
    } else if (l->how == H_SEQ) {
        if ((size_t)(at - (const unsigned char *)base) < l->off)
            return;
        v = verify_seq(l->alt, l->cs, (const unsigned char *)base, at - l->off);
    } else { /* verify() without its loop; a run's edges */
        int b = edge(l->before, at > (const unsigned char *)base ? at[-1] : ' ',
                     *at),
            e = edge(l->after, at[l->len], at[l->len - 1]);
        if (b == 0 || e == 0 ||
            (l->how == H_WORD && l->cs &&
             memcmp(at, l->alt->exact, l->len) != 0))
            return;
        v = l->how == H_WORD && b > 0 && e > 0 ? 1 : -1;
    }
    if (v == 0)
        return;
    if (v > 0) {
        m->proof[l->test] |= (unsigned char)bit;
    } else {
        m->seen[l - m->lits] |= (unsigned char)bit;
        m->hit[l->test] |= (unsigned char)bit;
    }
    touch(m, m->trule[l->test]);
}

/* The literals in the fields rules read, found in one walk over them
 * laid end to end: a walk over a short title alone would be one load
 * waiting for the last, where the automaton's interleaved walks share out
 * the title and the abstract. Each field keeps its NUL, a byte no literal
 * holds, so no find spans two and each field ends as it does on its own. */
static void
scan(struct matcher *m)
{
    const struct lits_find *f;
    const char *s;
    size_t nseg = 0, n;

    memset(m->seen, 0, m->nlits);
    memset(m->proof, 0, m->ntests);
    memset(m->hit, 0, m->ntests);
    for (size_t k = 0; k < m->ntouched; k++)
        m->rmark[m->touched[k]] = 0;
    m->ntouched = 0;
    m->unsafe = 0;
    m->scanned = 1;
    m->fields.len = 0;
    for (unsigned b = 1; b < 1u << MF_NFIELDS; b <<= 1)
        if ((m->scan & b) && (s = field_text(m, b)) != NULL) {
            m->seg[nseg].off = m->fields.len;
            m->seg[nseg++].bit = b;
            buf_add(&m->fields, s, strlen(s) + 1);
        }
    if (nseg == 0)
        return;
    n = lits_scan(m->lx, m->fields.p, m->fields.len, &f);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k + 1 < nseg && m->seg[k + 1].off <= f[i].at)
            k++;
        found(m, &m->lits[f[i].lit], m->fields.p + m->seg[k].off,
              m->fields.p + f[i].at, m->seg[k].bit);
    }
}

/* Whether all the runs of some alternative of the test were seen. */
static int
candidate(const struct matcher *m, const struct test *t, unsigned f)
{
    for (size_t j = 0; j < t->nalts; j++) {
        const struct alt *a = &t->alts[j];
        size_t k = 0;
        while (k < a->nlits && (m->seen[a->lit0 + k] & f))
            k++;
        if (k == a->nlits)
            return 1;
    }
    return 0;
}

static int
regex_test(struct matcher *m, size_t ti, struct pw_err *e)
{
    struct test *t = &m->tests[ti];
    const char *s;
    int rc;

    if (!t->always) {
        if (!m->scanned)
            scan(m);
        if (m->proof[ti] & t->fields)
            return 1;
        if (!((m->hit[ti] | (t->cs ? 0 : m->unsafe)) & t->fields))
            return 0; /* none of its literals anywhere: most tests */
    }
    for (unsigned f = 1; f < 1u << MF_NFIELDS; f <<= 1) {
        if (!(t->fields & f))
            continue;
        if (!t->always && (t->cs || !(m->unsafe & f)) &&
            (!(m->hit[ti] & f) || !candidate(m, t, f)))
            continue;
        if ((s = field_text(m, f)) == NULL)
            continue;
        for (size_t k = 0; k < t->nrx; k++) {
            rc = pcre2_match(t->rx[k], (PCRE2_SPTR)s, strlen(s), 0, 0, m->md,
                             NULL);
            if (rc >= 0)
                return 1;
            if (rc != PCRE2_ERROR_NOMATCH)
                return pw_errf(e, "regex match failed (%d)", rc);
        }
    }
    return 0;
}

static int
has_name(struct matcher *m, const struct test *t)
{
    struct buf b;
    int found = 0;

    buf_init(&b);
    for (size_t i = 0; i < m->p->authors.n && !found; i++) {
        fold_name(m->p->authors.v[i], &b);
        found = strv_has(&t->items, b.p);
    }
    buf_fini(&b);
    return found;
}

static int
in_category(const struct paper *p, const struct test *t)
{
    for (size_t i = 0; i < p->categories.n; i++) {
        const char *c = p->categories.v[i];
        for (size_t k = 0; k < t->items.n; k++) {
            const char *want = t->items.v[k];
            size_t n = strlen(want);
            if (strncmp(c, want, n) == 0 && (c[n] == '\0' || c[n] == '.'))
                return 1;
        }
    }
    return 0;
}

/* A rule's quick verdict: no when a text test's literals were not seen,
 * yes when every test is a text test its literals proved, else ask. */
static signed char
verdict(const struct matcher *m, size_t r)
{
    uint32_t t = m->rfirst[r], end = t + m->rn[r];
    signed char q = m->scan ? 1 : -1;

    for (; t < end; t++) {
        unsigned f = m->tfields[t], fl = m->tflags[t];
        if (!(fl & T_TEXT)) {
            q = -1;
        } else if (!(m->proof[t] & f)) {
            if (!((m->hit[t] | (fl & T_CS ? 0 : m->unsafe)) & f))
                return 0;
            q = -1;
        }
    }
    return q;
}

/* Every rule's verdict. Only the rules whose literals were found can
 * differ from a paper with none, unless a folding hazard was seen. */
static void
sweep(struct matcher *m)
{
    if (m->scan && !m->scanned)
        scan(m);
    m->swept = 1;
    if (m->unsafe) {
        for (size_t r = 0; r < m->nrules; r++)
            m->quick[r] = verdict(m, r);
        m->all = 1;
        return;
    }
    memcpy(m->quick, m->quick0, m->nrules);
    for (size_t k = 0; k < m->ntouched; k++)
        m->quick[m->touched[k]] = verdict(m, m->touched[k]);
    m->all = 0;
}

const signed char *
matcher_quick(struct matcher *m)
{
    if (!m->swept)
        sweep(m);
    return m->quick;
}

const signed char *
matcher_quick0(const struct matcher *m)
{
    return m->quick0;
}

size_t
matcher_changed(struct matcher *m, const uint32_t **rules)
{
    if (!m->swept)
        sweep(m);
    *rules = m->touched;
    return m->all ? SIZE_MAX : m->ntouched;
}

int
matcher_rule(struct matcher *m, size_t rule, double *score, const char **reason,
             struct pw_err *e)
{
    const struct mrule *r;
    const char *v;
    int ok = 1;

    if (!m->swept)
        sweep(m);
    if (m->quick[rule] == 0)
        return 0;
    r = &m->rules[rule];
    if (m->quick[rule] == 1) {
        *score = r->score;
        *reason = r->reason;
        return 1;
    }

    for (size_t i = r->first; ok == 1 && i < r->first + r->n; i++) {
        const struct test *t = &m->tests[i];
        switch (t->kind) {
        case MK_REGEX:
        case MK_WORDS:
            ok = regex_test(m, i, e);
            break;
        case MK_NAMES:
            ok = has_name(m, t);
            break;
        case MK_CATEGORIES:
            ok = in_category(m->p, t);
            break;
        case MK_ANNOUNCE:
        case MK_SOURCE:
            v = t->kind == MK_ANNOUNCE ? m->p->announce : m->source;
            ok = strv_has(&t->items, v ? v : "");
            break;
        }
    }
    if (ok == 1) {
        *score = r->score;
        *reason = r->reason;
    }
    return ok;
}
