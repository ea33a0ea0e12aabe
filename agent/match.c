/* match.c: declarative rules in C (see match.h).
 *
 * The prefilter must never miss: a test is skipped only when some literal
 * that every match of it contains is absent from the field. Literals are
 * plain ASCII folded to lower case and the text is folded the same way, so
 * the automaton finds a superset of what a caseless PCRE2 match needs. The
 * two non-ASCII characters Unicode folds to ASCII letters (KELVIN SIGN to
 * k, LONG S to s) are watched for: a field holding one confirms every
 * caseless test. Whatever pattern syntax the extractor is unsure of gives
 * no literal, and the test is then always confirmed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

#define MIN_LITERAL 2
#define OUT_BIT 0x80000000u
#define UNSAFE (-1) /* an output that is not a test: a folding hazard */

struct test {
    enum match_kind kind;
    unsigned fields; /* MF_* for text tests */
    int always;      /* no literal: confirm on every paper */
    int cs;          /* case-sensitive */
    pcre2_code **rx; /* owned: text tests' regexes */
    size_t nrx;
    struct strv items; /* names (folded), categories, set members */
    struct strv lits;  /* text tests' literals, folded */
    struct strv exact; /* per literal: as written when a match of it is a
                          match of the test, else NULL */
    int words;         /* MK_WORDS: exact literals need word boundaries */
};

/* A literal in the automaton: the test it serves and, when exact, how to
 * prove a match on the spot. */
struct lit {
    const char *s; /* borrowed: folded */
    int test;      /* or UNSAFE */
    const char *exact;
    size_t len;
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

    /* The automaton: a full transition table over byte classes. A
     * state is its row's offset in delta, with OUT_BIT set on entering
     * a state that has outputs. */
    uint8_t cls[256];
    size_t ncls;
    uint32_t *delta;  /* owned */
    struct lit *lits; /* owned */
    size_t nlits;
    int *out;       /* owned: outputs (lits) of all states, flat */
    size_t *out_at; /* owned: per state, its first output in out */
    size_t *out_n;  /* owned: per state, how many */

    pcre2_match_data *md; /* owned */

    /* The current paper. */
    const struct paper *p;
    const char *source;
    int scanned;
    unsigned char *cand;  /* owned: per test, the fields its literals hit */
    unsigned char *proof; /* owned: per test, the fields it matched */
    unsigned unsafe;      /* fields holding a folding hazard */
    struct buf authors;   /* joined with "\n" */
    struct buf cats;
    int joined; /* bits: MF_AUTHORS, MF_CATEGORIES built */
};

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
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
                   (end = memmem(p + i + 2, n - i - 2, ":]", 2)) != NULL) {
            i = (size_t)(end - p) + 2; /* [:alpha:] */
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
 * hide where groups end: extended mode, comments, \Q...\E. */
static int
unsure(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '\\') {
            if (p[i + 1] == 'Q')
                return 1;
            i++;
        } else if (p[i] == '(' && p[i + 1] == '?') {
            size_t j = i + 2;
            if (j < n && p[j] == '#')
                return 1;
            while (j < n && (is_alnum(p[j]) || p[j] == '-' || p[j] == '^')) {
                if (p[j] == 'x')
                    return 1;
                j++;
            }
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

/* Keep the longer of run and best. */
static void
end_run(struct buf *run, struct buf *best)
{
    if (run->len > best->len) {
        best->len = 0;
        buf_add(best, run->p, run->len);
    }
    run->len = 0;
}

/* The longest run of literal characters of the alternative p[a..b), in
 * the pattern's case; *plain when the alternative is that run and nothing
 * else (a match of the run is a match of the alternative). */
static int
alt_literal(const char *p, size_t a, size_t b, struct buf *best, int *plain)
{
    struct buf run;
    size_t i = a, len, q;
    int optional = 0, lit;

    buf_init(&run);
    best->len = 0;
    *plain = 1;
    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        lit = -1;
        if (c == '\\') {
            if ((len = escape(p, i, b, &lit)) == 0) {
                buf_fini(&run);
                return -1;
            }
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
        i += len;
        q = quantifier(p, i, b, &optional);
        i += q;
        if (lit >= 0 && !(q && optional))
            buf_addc(&run, (char)lit);
        if (lit < 0 || q) {
            *plain = 0;
            end_run(&run, best);
        }
    }
    end_run(&run, best);
    buf_fini(&run);
    return 0;
}

static void
fold_in_place(char *s)
{
    for (; *s; s++)
        *s = (char)lower((unsigned char)*s);
}

int
match_literals(const char *pat, size_t n, struct strv *out, struct strv *exact)
{
    struct buf best;
    size_t i = 0, a = 0;
    int rc = 0, plain;

    if (unsure(pat, n))
        return -1;
    buf_init(&best);
    for (;;) {
        if (i >= n || pat[i] == '|') {
            if (alt_literal(pat, a, i, &best, &plain) < 0 ||
                best.len < MIN_LITERAL) {
                rc = -1;
                break;
            }
            strv_addn(out, best.p, best.len);
            fold_in_place(out->v[out->n - 1]);
            if (exact)
                strv_push(exact, plain ? xstrndup(best.p, best.len) : NULL);
            if (i >= n)
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
    buf_fini(&best);
    return rc;
}

/* A word's literal: its longest run of ASCII non-space characters; and
 * the word itself as exact when it is all such characters (then a match
 * of the literal with no word character on either side is a match). */
static int
word_literal(const char *w, struct strv *out, struct strv *exact)
{
    size_t best = 0, bat = 0, at = 0, i;

    for (i = 0;; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c == '\0' || c >= 0x80 || is_space(c)) {
            if (i - at > best) {
                best = i - at;
                bat = at;
            }
            at = i + 1;
            if (c == '\0')
                break;
        }
    }
    if (best == i && best > 0) { /* the whole word */
        strv_add(out, w);
        strv_add(exact, w);
    } else if (best >= MIN_LITERAL) {
        strv_addn(out, w + bat, best);
        strv_push(exact, NULL);
    } else {
        return -1;
    }
    fold_in_place(out->v[out->n - 1]);
    return 0;
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
        strv_fini(&t->lits);
        strv_fini(&t->exact);
    }
    for (size_t i = 0; i < m->nrules; i++)
        free(m->rules[i].reason);
    free(m->tests);
    free(m->rules);
    free(m->delta);
    free(m->out);
    free(m->out_at);
    free(m->out_n);
    free(m->cand);
    free(m->proof);
    free(m->lits);
    pcre2_match_data_free(m->md);
    buf_fini(&m->authors);
    buf_fini(&m->cats);
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
    strv_init(&t->lits);
    strv_init(&t->exact);
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
            if (match_literals(pats->v[i], strlen(pats->v[i]), &t->lits,
                               &t->exact) < 0)
                t->always = 1;
        }
        break;
    case MK_WORDS:
        if (words_rx == NULL)
            return pw_errf(e, "matcher: words without their regex");
        if (add_regex(t, words_rx, e) < 0)
            return -1;
        t->words = 1;
        for (size_t i = 0; i < pats->n; i++)
            if (word_literal(pats->v[i], &t->lits, &t->exact) < 0)
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
add_lit(struct matcher *m, const char *str, int test, const char *exact)
{
    struct lit *l;

    m->lits = xrealloc(m->lits, (m->nlits + 1) * sizeof(*m->lits));
    l = &m->lits[m->nlits++];
    l->s = str;
    l->test = test;
    l->exact = exact;
    l->len = strlen(str);
}

void
matcher_build(struct matcher *m)
{
    static const char *const hazards[] = { "\xe2\x84\xaa", "\xc5\xbf" };
    struct lit *lits;
    size_t nlits, total = 1, nstates = 1, k;
    int *fail, *queue, **own, *nown;
    unsigned char seen[256] = { 0 };

    for (size_t i = 0; i < m->ntests; i++) {
        struct test *t = &m->tests[i];
        if (t->kind != MK_REGEX && t->kind != MK_WORDS)
            continue;
        m->caseless |= !t->cs;
        if (t->always)
            continue;
        m->scan |= t->fields;
        for (size_t j = 0; j < t->lits.n; j++)
            add_lit(m, t->lits.v[j], (int)i, t->exact.v[j]);
    }
    if (m->caseless && m->scan)
        for (size_t i = 0; i < 2; i++)
            add_lit(m, hazards[i], UNSAFE, NULL);
    lits = m->lits;
    nlits = m->nlits;
    m->cand = xcalloc(m->ntests ? m->ntests : 1, 1);
    m->proof = xcalloc(m->ntests ? m->ntests : 1, 1);

    /* Byte classes: one per byte some literal has (upper case folded in),
     * class 0 for the rest. */
    for (size_t i = 0; i < nlits; i++) {
        for (const char *s = lits[i].s; *s; s++)
            seen[(unsigned char)*s] = 1;
        total += strlen(lits[i].s);
    }
    m->ncls = 1;
    for (int c = 0; c < 256; c++)
        if (seen[c])
            m->cls[c] = (uint8_t)m->ncls++;
    for (int c = 'A'; c <= 'Z'; c++)
        m->cls[c] = m->cls[lower(c)];

    /* The trie, as a table of state numbers (0 = none yet). */
    m->delta = xcalloc(total * m->ncls, sizeof(*m->delta));
    own = xcalloc(total, sizeof(*own));
    nown = xcalloc(total, sizeof(*nown));
    for (size_t i = 0; i < nlits; i++) {
        size_t s = 0;
        for (const char *c = lits[i].s; *c; c++) {
            uint32_t *to = &m->delta[s * m->ncls + m->cls[(unsigned char)*c]];
            if (*to == 0)
                *to = (uint32_t)nstates++;
            s = *to;
        }
        own[s] = xrealloc(own[s], (size_t)(nown[s] + 1) * sizeof(int));
        own[s][nown[s]++] = (int)i;
    }

    /* Breadth first, so a state's failure state is complete before it:
     * failure links, the full transitions, and each state's outputs (its
     * own and its failure state's). */
    fail = xcalloc(nstates, sizeof(int));
    queue = xcalloc(nstates, sizeof(int));
    m->out_at = xcalloc(nstates, sizeof(*m->out_at));
    m->out_n = xcalloc(nstates, sizeof(*m->out_n));
    k = 0;
    for (size_t qh = 0, qt = 1; qh < qt; qh++) {
        size_t s = (size_t)queue[qh], f = (size_t)fail[s];
        m->out_at[s] = k;
        m->out = xrealloc(m->out, (k + (size_t)nown[s] + m->out_n[f] + 1) *
                                      sizeof(int));
        for (int j = 0; j < nown[s]; j++)
            m->out[k++] = own[s][j];
        if (s)
            for (size_t j = 0; j < m->out_n[f]; j++)
                m->out[k++] = m->out[m->out_at[f] + j];
        m->out_n[s] = k - m->out_at[s];
        for (size_t c = 0; c < m->ncls; c++) {
            uint32_t *to = &m->delta[s * m->ncls + c];
            uint32_t via = s ? m->delta[f * m->ncls + c] : 0;
            if (*to) { /* a child in the trie */
                fail[*to] = (int)via;
                queue[qt++] = (int)*to;
            } else {
                *to = via;
            }
        }
    }
    /* Rows as offsets, outputs flagged. */
    for (size_t s = 0; s < nstates; s++)
        for (size_t c = 0; c < m->ncls; c++) {
            uint32_t *to = &m->delta[s * m->ncls + c];
            uint32_t t = *to;
            *to = (uint32_t)(t * m->ncls) | (m->out_n[t] ? OUT_BIT : 0);
        }
    for (size_t s = 0; s < total; s++)
        free(own[s]);
    free(own);
    free(nown);
    free(fail);
    free(queue);
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

static int
word_byte(unsigned char c)
{
    return is_alnum(c) || c == '_';
}

/* A literal found ending at end in the field that starts at base. An
 * exact one is proof of its test, once case (for case-sensitive tests)
 * and word boundaries (for words) are checked; a neighbour outside ASCII
 * could be a letter, and leaves it to PCRE2. Any other is a candidate. */
static void
found(struct matcher *m, const struct lit *l, const char *base, const char *end,
      unsigned bit)
{
    const struct test *t;
    const unsigned char *at;
    unsigned char before, after;

    if (l->test == UNSAFE) {
        m->unsafe |= bit;
        return;
    }
    t = &m->tests[l->test];
    if (l->exact == NULL) {
        m->cand[l->test] |= (unsigned char)bit;
        return;
    }
    at = (const unsigned char *)end + 1 - l->len;
    if (t->cs && memcmp(at, l->exact, l->len) != 0)
        return;
    if (t->words) {
        before = at > (const unsigned char *)base ? at[-1] : ' ';
        after = at[l->len];
        if (before >= 0x80 || after >= 0x80) {
            m->cand[l->test] |= (unsigned char)bit;
            return;
        }
        if (word_byte(before) || word_byte(after))
            return;
    }
    m->proof[l->test] |= (unsigned char)bit;
}

/* One pass of the automaton over a field. */
static void
scan_field(struct matcher *m, const char *base, unsigned bit)
{
    const uint32_t *delta = m->delta;
    const uint8_t *cls = m->cls;
    uint32_t st = 0;

    for (const char *s = base; *s; s++) {
        st = delta[st + cls[(unsigned char)*s]];
        if (st & OUT_BIT) {
            size_t n;
            const int *o;
            st &= ~OUT_BIT;
            n = m->out_n[st / m->ncls];
            o = m->out + m->out_at[st / m->ncls];
            for (size_t i = 0; i < n; i++)
                found(m, &m->lits[o[i]], base, s, bit);
        }
    }
}

static void
scan(struct matcher *m)
{
    const char *s;

    memset(m->cand, 0, m->ntests);
    memset(m->proof, 0, m->ntests);
    m->unsafe = 0;
    m->scanned = 1;
    for (unsigned f = 1; f < 1u << MF_NFIELDS; f <<= 1)
        if ((m->scan & f) && (s = field_text(m, f)) != NULL)
            scan_field(m, s, f);
}

static int
regex_test(struct matcher *m, size_t ti, struct pw_err *e)
{
    struct test *t = &m->tests[ti];
    const char *s;
    int rc;

    if (!t->always && !m->scanned)
        scan(m);
    if (!t->always && (m->proof[ti] & t->fields))
        return 1;
    for (unsigned f = 1; f < 1u << MF_NFIELDS; f <<= 1) {
        if (!(t->fields & f))
            continue;
        if (!t->always && !(m->cand[ti] & f) && (t->cs || !(m->unsafe & f)))
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

int
matcher_rule(struct matcher *m, size_t rule, double *score, const char **reason,
             struct pw_err *e)
{
    const struct mrule *r = &m->rules[rule];
    const char *v;
    int ok = 1;

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
