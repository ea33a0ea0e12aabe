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
    int words;
    const char *want; /* per alternative, joined by '|'; NULL for none */
} alts[] = {
    /* regexes: exact ones, with \b edges or none */
    { "diffusion", 0, "=diffusion" },
    { "a\\.b\\-c", 0, "=a.b-c" },
    { "foo|bar", 0, "=foo|=bar" },
    { "\\bRAG\\b", 0, "=\\bRAG\\b" },
    { "\\bfoo", 0, "=\\bfoo" },
    { "foo\\b|\\bbar", 0, "=foo\\b|=\\bbar" },
    /* the runs every match holds: the two longest */
    { "Diffusion Models?", 0, "=Diffusion Model|=Diffusion Models" },
    { "\\bLLMs?\\b", 0, "=\\bLLM\\b|=\\bLLMs\\b" },
    { "\\bgraph\\w*\\b", 0, "\\bgraph" },
    { "x\\d+ GeV\\b", 0, " gev\\b" },
    { "\\bab+\\b", 0, "\\bab" },
    { "\\ba?bc\\b", 0, "=\\bbc\\b|=\\babc\\b" },
    { "colou?r", 0, "=color|=colour" },
    { "graph neural net(work)?s?", 0,
      "=graph neural net|=graph neural nets|=graph neural network|"
      "=graph neural networks" },
    { "ab+cdef", 0, "cdef" }, /* a second run under 4: too common */
    { "abcd+efgh", 0, "abcd&efgh" },
    { "abc+de", 0, "abc" },
    { "x{2}yz", 0, "yz" },
    { "xy{0,3}zz", 0, "zz" },
    { "abc{,3}", 0, "ab" },
    { "ab{c", 0, "ab" },
    { "state[- ]of[- ]the[- ]art", 0, "~state@0/16" },
    /* sequences: plain characters and classes of them, told in C */
    { "vision[- ]language", 0, "~language@7&vision@0/15" },
    { "\\bzero[- ]shot\\b", 0, "~\\bzero@0&shot@5/9\\b" },
    { "[Tt]ransformer", 0, "~ransformer@1/11" },
    { "xy[a-c.\\-]zw", 0, "~xy@0/5" },
    { "ab[^c]d", 0, "ab" },
    { "ab[[:digit:]]d", 0, "ab" },
    { "ab[\\d]d", 0, "ab" },
    { "ab.cd", 0, "ab" },
    { "ab\\sdefg", 0, "defg" },
    { "ab[xy]+cdef", 0, "cdef" },
    /* optional characters: one alternative for each way */
    { "a?b?cd?ef", 0, "=cef|=cdef|=bcef|=bcdef|=acef|=acdef|=abcef|=abcdef" },
    { "ab?+cdef", 0, "cdef" }, /* possessive: not the same */
    { "ab??cdef", 0, "=acdef|=abcdef" },
    { "text[- ]to[- ](image|video)", 0,
      "~image@8&text@0/13|~video@8&text@0/13" },
    { "diffusion (models?|process(es)?)", 0,
      "=diffusion model|=diffusion models|=diffusion process|"
      "=diffusion processes" },
    { "ab(c|d\\d)ef", 0, "=abcef|abd" },
    { "ab(c|(d|e))f", 0, "=abcf|=abdf|=abef" },
    { "ab(c|(?i)d)ef", 0, NULL }, /* options: PCRE2 decides */
    { "(a)b\\1cdef", 0, "cdef" }, /* a back reference */
    { "ab(cd)*efgh", 0, "efgh" },
    { "(?=ab)abcd", 0, "abcd" },
    { "a?b?c?d?e?fghi", 0, "fghi" }, /* too many */
    { "a\\bcd", 0, "cd" },
    { "multi[- ]?modal", 0, "=multimodal|~multi@0&modal@6/11" },
    { "(?:foo|bar)baz", 0, "=foobaz|=barbaz" },
    { "[abc]def[gh]", 0, "~def@1/5" },
    { "[]x]yz", 0, "~yz@1/3" },
    { "[[:alpha:]]+qq", 0, "qq" },
    { "\\d+ GeV", 0, " gev" },
    { "\\x41bcd", 0, "bcd" },
    { "\\x{41}bcd", 0, "bcd" },
    { "\\p{L}xyz", 0, "xyz" },
    { "\\pLxyz", 0, "xyz" },
    { "(?i)Kernel", 0, NULL },
    { "caf\xc3\xa9s", 0, "caf" },
    { "^transformer$", 0, "transformer" },
    { "ab*?cd", 0, "cd" },
    { "ab++cd", 0, "ab" },
    { "\\1abc", 0, "abc" },
    { "x\\g{1}yz", 0, "yz" },
    /* nothing to go on */
    { "foo|b", 0, NULL },
    { "foo|", 0, NULL },
    { "(foo|bar)", 0, "=foo|=bar" },
    { "(fo+|bar)", 0, "fo|=bar" },
    { "(?x) a b c d", 0, NULL },
    { "(?#c)abc", 0, NULL },
    { "\\Qa.b\\E", 0, NULL },
    { "\xc3\xa9t\xc3\xa9", 0, NULL },
    { "a.b.c", 0, NULL },
    { "(?<![\\w])(?:neural\\s+network)(?![\\w])", 0, NULL },
    /* words */
    { "LLM", 1, "=LLM" },
    { "graph neural network", 1, "=graph neural network" },
    { "graph \t neural", 1, "=graph neural" },
    { "c++", 1, "=c++" },
    { "Schr\xc3\xb6"
      "dinger equation",
      1, "equation&dinger" },
    { " foo", 1, "foo" },
    { "a priori", 1, "priori" },
    { "x  y", 1, NULL },
    { "k", 1, NULL },
};

static void
test_alts(void)
{
    struct strv out;
    struct buf b;

    strv_init(&out);
    buf_init(&b);
    for (size_t i = 0; i < sizeof(alts) / sizeof(*alts); i++) {
        strv_clear(&out);
        b.len = 0;
        buf_adds(&b, "");
        if (match_alts(alts[i].pat, strlen(alts[i].pat), alts[i].words, &out) ==
            0)
            for (size_t k = 0; k < out.n; k++) {
                if (k)
                    buf_addc(&b, '|');
                buf_adds(&b, out.v[k]);
            }
        T_STR(b.len ? b.p : NULL, alts[i].want, "%s /%s/",
              alts[i].words ? "word" : "regex", alts[i].pat);
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
    "\t",       "\xc2\xa0",
    "AB CD",    "ab\ncd",
    "c++",      "ab \t cd",
};

static unsigned long seed = 12345;

#define rnd(n) t_rnd(&seed, (n))

static void
random_text(struct buf *b, unsigned len)
{
    b->len = 0;
    buf_adds(b, "");
    for (unsigned i = 0; i < len; i++)
        buf_adds(b, pieces[rnd(sizeof(pieces) / sizeof(*pieces))]);
}

static const char *const atoms[] = {
    "a",       "b",      "c",         "d",        "e",        "k",
    "s",       "A",      "K",         "S",        "x",        " ",
    "\\.",     "-",      "[ab]",      "\\w",      "\\s+",     ".",
    "(ab|cd)", "(?:de)", "\\b",       "\xc3\xa9", "\xc3\x89", "  ",
    "(?i)",    "(?-i)",  "(*COMMIT)", "[[:a]",    ":]",
};
static const char *const quants[] = { "",    "",      "",    "",  "?",
                                      "?",   "??",    "?+",  "*", "+",
                                      "{2}", "{0,2}", "{1,}" };

static void
random_pattern(struct buf *b)
{
    static const char *const plain[] = { "ab", "abc", "cd",      "AB",  "b c",
                                         "ks", "de",  "c\\+\\+", "e\\." };
    unsigned n = 1 + rnd(5);

    b->len = 0;
    buf_adds(b, "");
    if (rnd(4) == 0) { /* sequences: plain characters and classes */
        static const char *const seq[] = { "ab",  "cd",     "de",   "ks",
                                           "e",   "[- ]",   "[ab]", "[a-c]",
                                           "[K]", "[.x]",   "\\-",  " ",
                                           "[S]", "[\\-_]", "c\\+", "A" };
        unsigned nalt = 1 + rnd(2);
        for (unsigned i = 0; i < nalt; i++) {
            if (i)
                buf_addc(b, '|');
            buf_adds(b, rnd(2) ? "\\b" : "");
            for (unsigned k = 1 + rnd(5); k > 0; k--)
                buf_adds(b, seq[rnd(sizeof(seq) / sizeof(*seq))]);
            buf_adds(b, rnd(2) ? "\\b" : "");
        }
        return;
    }
    if (rnd(3) == 0) { /* exact forms: a literal, \b at either end */
        unsigned nalt = 1 + rnd(2);
        for (unsigned i = 0; i < nalt; i++) {
            if (i)
                buf_addc(b, '|');
            buf_adds(b, rnd(2) ? "\\b" : "");
            buf_adds(b, plain[rnd(sizeof(plain) / sizeof(*plain))]);
            buf_adds(b, rnd(2) ? "\\b" : "");
        }
        return;
    }
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

/* The fields rule i reads: both, the title or the abstract (the fields
 * are walked together, and each find must count for its own). */
static unsigned
rule_fields(int i)
{
    static const unsigned f[] = { MF_TITLE | MF_ABSTRACT, MF_TITLE,
                                  MF_ABSTRACT };
    return f[(i / 3) % 3]; /* every third rule is a words rule */
}

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
                              rule_fields(i), &one, w ? b.p : NULL, &e) == 0,
             "rule %d /%s/ compiles", i, pats[i]);
    }
    matcher_build(m);
    paper_init(&p);
    for (int n = 0; n < NTEXTS; n++) {
        random_text(&t1, rnd(12));
        random_text(&t2, rnd(2) ? rnd(60) : 100 + rnd(300));
        p.title = t1.p;
        p.abstract = t2.p;
        matcher_begin(m, &p, NULL);
        for (int i = 0; i < NRULES; i++) {
            double sc = 0;
            const char *why = NULL;
            int want =
                ((rule_fields(i) & MF_TITLE) && pcre_match(ref[i], t1.p)) ||
                ((rule_fields(i) & MF_ABSTRACT) && pcre_match(ref[i], t2.p));
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

/* Cases a review found where C and PCRE2 once disagreed: each rule alone,
 * its verdict on the text against PCRE2's. */
static void
test_cases(void)
{
    static const struct {
        const char *pat;
        int cs;
        const char *text;
    } cases[] = {
        { "ab  cd", 0, "ab  cd" }, /* a space in a regex is one space */
        { "ab  cd", 0, "ab cd" },
        { "ab \\b", 0, "ab  x" },
        { "ab \\b", 0, "ab x" },
        { "xyzw(?-i)q|Abcd", 0, "abcd" }, /* options reach later branches */
        { "xyzw(?i)q|kelvin", 1, "KELVIN" },
        { "(?i)kelvin", 1,
          "\xe2\x84\xaa"
          "elvin" },
        { "(?^)Abcd|xy", 0, "abcd" },
        { "(?i:ab)cd", 1, "ABcd" },      /* scoped: fine as it was */
        { "(*pla:ab|cd)xy", 0, "cdxy" }, /* verbs and lookarounds */
        { "abc(*pla:d|e)dx", 0, "abcedx" },
        { "ab(*ACCEPT)cdef", 0, "ab" },
        { "a(*COMMIT)b|ac", 0, "ac" },
        { "xy[[:a]b|cd:]zw", 0, "cd:]zw" }, /* [: ended by the first ] */
        { "xy[[:alpha:]]zw", 0, "xyQzw" },
    };
    struct pw_err e;
    struct paper p;

    paper_init(&p);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct matcher *m = matcher_new();
        pcre2_code *ref =
            re_compile(cases[i].pat, strlen(cases[i].pat), cases[i].cs, &e);
        struct strv one;
        double sc;
        const char *why;
        int want, got;
        strv_init(&one);
        strv_add(&one, cases[i].pat);
        matcher_add_rule(m, 1, NULL, cases[i].cs);
        matcher_add_test(m, 0, MK_REGEX, MF_TITLE, &one, NULL, &e);
        matcher_build(m);
        p.title = (char *)cases[i].text;
        matcher_begin(m, &p, NULL);
        want = pcre_match(ref, cases[i].text);
        got = matcher_rule(m, 0, &sc, &why, &e);
        T_OK(got == want, "/%s/%s on \"%s\": %d, as PCRE2", cases[i].pat,
             cases[i].cs ? " (case-sensitive)" : "", cases[i].text, want);
        p.title = NULL;
        pcre2_code_free(ref);
        strv_fini(&one);
        matcher_free(m);
    }
    paper_fini(&p);
}

/* The fields are walked together, end to end: each find must still be
 * taken in its own field, and none may span two. */
static void
test_fields(void)
{
    static const struct {
        const char *word;
        unsigned fields;
        int want;
    } rules[] = {
        { "xvision transformer", MF_TITLE | MF_ABSTRACT, 0 }, /* spans */
        { "transformer", MF_TITLE, 0 },    /* only in the abstract */
        { "transformer", MF_ABSTRACT, 1 }, /* at its start */
        { "vision", MF_TITLE, 0 },         /* "xvision" */
        { "vision", MF_ABSTRACT, 0 },
        { "xvision", MF_TITLE, 1 },  /* at the title's end */
        { "smith", MF_ABSTRACT, 0 }, /* an author */
        { "smith", MF_AUTHORS, 1 },
        { "all", MF_ABSTRACT, 1 }, /* at the end of the last field */
        { "cs.lg", MF_CATEGORIES, 1 },
    };
    size_t n = sizeof(rules) / sizeof(*rules);
    struct matcher *m = matcher_new();
    struct pw_err e = { 0 };
    struct paper p;

    paper_init(&p);
    for (size_t i = 0; i < n; i++) {
        struct strv one;
        char rx[128];
        strv_init(&one);
        strv_add(&one, rules[i].word);
        snprintf(rx, sizeof(rx), "(?<![\\w])(?:%s)(?![\\w])", rules[i].word);
        matcher_add_rule(m, 1, NULL, 0);
        T_OK(matcher_add_test(m, i, MK_WORDS, rules[i].fields, &one, rx, &e) ==
                 0,
             "words %s: %s", rules[i].word, e.msg[0] ? e.msg : "added");
        strv_fini(&one);
    }
    matcher_build(m);
    p.title = (char *)"Toward xvision";
    p.abstract = (char *)"Transformer for all";
    strv_add(&p.authors, "Jane Smith");
    strv_add(&p.categories, "cs.LG");
    matcher_begin(m, &p, NULL);
    for (size_t i = 0; i < n; i++) {
        double sc;
        const char *why;
        int got = matcher_rule(m, i, &sc, &why, &e);
        T_OK(got == rules[i].want, "words %s in fields %#x: %d, want %d",
             rules[i].word, rules[i].fields, got, rules[i].want);
    }
    p.title = p.abstract = NULL;
    paper_fini(&p);
    matcher_free(m);
}

int
main(void)
{
    test_cases();
    test_fields();
    test_alts();
    test_differential();
    return t_done();
}
