/* test_match.c: the C rule matcher. The literals it extracts (which it
 * must never get wrong: a wrong one hides a match), and a differential
 * run: many random patterns over many random texts, the matcher against
 * PCRE2 on every field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "t.h"

static const struct {
    const char *pat;
    const char *want; /* literals joined with '|', NULL for none */
} lits[] = {
    { "diffusion", "diffusion" },
    { "Diffusion Models?", "diffusion model" },
    { "\\bLLMs?\\b", "llm" },
    { "colou?r", "colo" },
    { "graph neural net(work)?s?", "graph neural net" },
    { "ab+cdef", "cdef" },
    { "abc+de", "abc" },
    { "x{2}yz", "yz" },
    { "xy{0,3}zz", "zz" },
    { "abc{,3}", "ab" },
    { "ab{c", "ab" },
    { "a\\.b\\-c", "a.b-c" },
    { "foo|bar", "foo|bar" },
    { "foo|b", NULL },
    { "foo|", NULL },
    { "(foo|bar)", NULL },
    { "(?:foo|bar)baz", "baz" },
    { "[abc]def[gh]", "def" },
    { "[]x]yz", "yz" },
    { "[[:alpha:]]+qq", "qq" },
    { "\\d+ GeV", " gev" },
    { "\\x41bcd", "bcd" },
    { "\\x{41}bcd", "bcd" },
    { "\\p{L}xyz", "xyz" },
    { "\\pLxyz", "xyz" },
    { "(?i)Kernel", "kernel" },
    { "(?x) a b c d", NULL },
    { "(?#c)abc", NULL },
    { "\\Qa.b\\E", NULL },
    { "caf\xc3\xa9s", "caf" },
    { "\xc3\xa9t\xc3\xa9", NULL },
    { "^transformer$", "transformer" },
    { "a.b.c", NULL },
    { "ab*?cd", "cd" },
    { "ab++cd", "ab" },
    { "(?<![\\w])(?:neural\\s+network)(?![\\w])", NULL },
    { "\\1abc", "abc" },
    { "x\\g{1}yz", "yz" },
};

static const struct {
    const char *pat;
    const char *want; /* exact literals joined with '|', "-" for NULL */
} exacts[] = {
    { "Gaussian", "Gaussian" },
    { "Yap|Cui", "Yap|Cui" },
    { "e\\.g\\.|i\\.e\\.", "e.g.|i.e." },
    { "Yap|Cu.i", "Yap|-" },
    { "colou?r", "-" },
    { "\\bLLM\\b", "-" },
    { "ab+", "-" },
};

static void
test_exact(void)
{
    struct strv out, ex;
    struct buf b;

    buf_init(&b);
    for (size_t i = 0; i < sizeof(exacts) / sizeof(*exacts); i++) {
        strv_init(&out);
        strv_init(&ex);
        b.len = 0;
        buf_adds(&b, "");
        if (match_literals(exacts[i].pat, strlen(exacts[i].pat), &out, &ex) ==
            0)
            for (size_t k = 0; k < ex.n; k++) {
                if (k)
                    buf_addc(&b, '|');
                buf_adds(&b, ex.v[k] ? ex.v[k] : "-");
            }
        T_STR(b.p, exacts[i].want, "exact literals of /%s/", exacts[i].pat);
        strv_fini(&out);
        strv_fini(&ex);
    }
    buf_fini(&b);
}

static void
test_literals(void)
{
    struct strv out;
    struct buf b;

    strv_init(&out);
    buf_init(&b);
    for (size_t i = 0; i < sizeof(lits) / sizeof(*lits); i++) {
        strv_clear(&out);
        b.len = 0;
        buf_adds(&b, "");
        if (match_literals(lits[i].pat, strlen(lits[i].pat), &out, NULL) == 0)
            for (size_t k = 0; k < out.n; k++) {
                if (k)
                    buf_addc(&b, '|');
                buf_adds(&b, out.v[k]);
            }
        else
            b.len = 0, b.p[0] = '\0';
        T_STR(out.n && b.len ? b.p : NULL, lits[i].want, "literals of /%s/",
              lits[i].pat);
    }
    strv_fini(&out);
    buf_fini(&b);
}

/* Random text over a small alphabet, so patterns hit often; with upper
 * case, spaces, punctuation, non-ASCII and the folding hazards. */
static const char *const pieces[] = {
    "a",        "b",
    "c",        "d",
    "e",        "x",
    "y",        "A",
    "B",        "C",
    " ",        "  ",
    "-",        ".",
    "\n",       "ab",
    "abc",      "Abc",
    "cd",       "de",
    "\xc3\xa9", "\xe2\x84\xaa",
    "\xc5\xbf", "k",
    "s",        "K",
    "S",        "ks",
    "sk",       "0",
    "1",        "_",
};

static unsigned long seed = 12345;

static unsigned
rnd(unsigned n)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(seed >> 33) % n;
}

static void
random_text(struct buf *b, unsigned len)
{
    b->len = 0;
    buf_adds(b, "");
    for (unsigned i = 0; i < len; i++)
        buf_adds(b, pieces[rnd(sizeof(pieces) / sizeof(*pieces))]);
}

static const char *const atoms[] = {
    "a",    "b", "c",       "d",      "e",   "k",        "s",        "A",
    "K",    "S", "x",       " ",      "\\.", "-",        "[ab]",     "\\w",
    "\\s+", ".", "(ab|cd)", "(?:de)", "\\b", "\xc3\xa9", "\xc3\x89",
};
static const char *const quants[] = { "",  "",  "",    "",      "?",
                                      "*", "+", "{2}", "{0,2}", "{1,}" };

static void
random_pattern(struct buf *b)
{
    unsigned n = 1 + rnd(5);

    b->len = 0;
    buf_adds(b, "");
    for (unsigned i = 0; i < n; i++) {
        buf_adds(b, atoms[rnd(sizeof(atoms) / sizeof(*atoms))]);
        buf_adds(b, quants[rnd(sizeof(quants) / sizeof(*quants))]);
        if (rnd(8) == 0)
            buf_addc(b, '|');
    }
}

/* Words, and their regex as rules.lua's words_regex writes it. */
static const char *const words[] = {
    "ab",   "abc", "cd", "k",        "s",         "a",  "AB", "ab cd",
    "x  y", "c++", "de", "\xc3\xa9", "b\xc3\xa9", "KS", "e.", "-",
};

static void
random_words(struct strv *w, struct buf *rx)
{
    unsigned n = 1 + rnd(3);

    strv_clear(w);
    rx->len = 0;
    buf_adds(rx, "(?<![\\w])(?:");
    for (unsigned i = 0; i < n; i++) {
        const char *word = words[rnd(sizeof(words) / sizeof(*words))];
        int space = 0;
        strv_add(w, word);
        if (i)
            buf_addc(rx, '|');
        for (const char *c = word; *c; c++) {
            if (*c == ' ') {
                if (!space)
                    buf_adds(rx, "\\s+");
                space = 1;
                continue;
            }
            space = 0;
            if (strchr("^$()%.[]*+-?{}|\\", *c))
                buf_addc(rx, '\\');
            buf_addc(rx, *c);
        }
    }
    buf_adds(rx, ")(?![\\w])");
}

static int
pcre_match(pcre2_code *c, const char *s)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int rc = pcre2_match(c, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);

    pcre2_match_data_free(md);
    return rc >= 0;
}

#define NRULES 200
#define NTEXTS 400

static void
test_differential(void)
{
    struct matcher *m = matcher_new();
    pcre2_code *ref[NRULES];
    char *pats[NRULES];
    struct buf b, t1, t2;
    struct strv one;
    struct pw_err e;
    struct paper p;
    long wrong = 0, hits = 0;

    buf_init(&b);
    buf_init(&t1);
    buf_init(&t2);
    strv_init(&one);
    for (int i = 0; i < NRULES; i++) {
        int cs = i % 5 == 0, w = i % 3 == 1;
        do {
            if (w)
                random_words(&one, &b);
            else
                random_pattern(&b);
            ref[i] = re_compile(b.p, b.len, cs, &e);
        } while (ref[i] == NULL);
        pats[i] = xstrdup(b.p);
        if (!w) {
            strv_clear(&one);
            strv_add(&one, b.p);
        }
        matcher_add_rule(m, i, pats[i], cs);
        T_OK(matcher_add_test(m, (size_t)i, w ? MK_WORDS : MK_REGEX,
                              MF_TITLE | MF_ABSTRACT, &one, w ? b.p : NULL,
                              &e) == 0,
             "rule %d /%s/ compiles", i, pats[i]);
    }
    matcher_build(m);
    paper_init(&p);
    for (int n = 0; n < NTEXTS; n++) {
        random_text(&t1, rnd(12));
        random_text(&t2, rnd(60));
        p.title = t1.p;
        p.abstract = t2.p;
        matcher_begin(m, &p, NULL);
        for (int i = 0; i < NRULES; i++) {
            double sc = 0;
            const char *why = NULL;
            int want = pcre_match(ref[i], t1.p) || pcre_match(ref[i], t2.p);
            int got = matcher_rule(m, (size_t)i, &sc, &why, &e);
            hits += want;
            if (got != want ||
                (got && (sc != i || strcmp(why, pats[i]) != 0))) {
                if (wrong++ < 5)
                    printf("# /%s/ on \"%s\" | \"%s\": got %d, want %d\n",
                           pats[i], t1.p, t2.p, got, want);
            }
        }
    }
    p.title = p.abstract = NULL;
    paper_fini(&p);
    T_OK(wrong == 0,
         "matcher agrees with PCRE2 on %d patterns x %d texts "
         "(%ld matches, %ld differences)",
         NRULES, NTEXTS, hits, wrong);
    T_OK(hits > NRULES * NTEXTS / 20,
         "the random cases match often enough "
         "to mean something (%ld)",
         hits);
    for (int i = 0; i < NRULES; i++) {
        pcre2_code_free(ref[i]);
        free(pats[i]);
    }
    matcher_free(m);
    strv_fini(&one);
    buf_fini(&b);
    buf_fini(&t1);
    buf_fini(&t2);
}

int
main(void)
{
    test_literals();
    test_exact();
    test_differential();
    return t_done();
}
