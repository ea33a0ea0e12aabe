/* test_lits.c: the literal finder against a plain search, on random sets of
 * literals and texts: every occurrence, ASCII case folded, word-start
 * literals only where no ASCII word character is before them. */
#include <stdlib.h>

#include "lits.h"
#include "t.h"
#include "util.h"

static unsigned long seed = 2024;

#define rnd(n) t_rnd(&seed, (n))

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Text bytes: letters of both cases (few, so literals recur), word and
 * non-word punctuation, and bytes outside ASCII. */
static const char alphabet[] = "abcdeABCDE_0 -.\n\xc3\xa9\xe2\x84\xaa";

static void
random_string(struct buf *b, size_t n, int lower_only)
{
    b->len = 0;
    buf_adds(b, "");
    for (size_t i = 0; i < n; i++) {
        int c = alphabet[rnd(sizeof(alphabet) - 1)];
        buf_addc(b, (char)(lower_only ? lower(c) : c));
    }
}

static int
cmp_find(const void *a, const void *b)
{
    const struct lits_find *x = a, *y = b;

    if (x->lit != y->lit)
        return x->lit < y->lit ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Sorted, duplicates dropped. */
static size_t
normalize(struct lits_find *f, size_t n)
{
    size_t k = 0;

    qsort(f, n, sizeof(*f), cmp_find);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cmp_find(&f[k - 1], &f[i]) != 0)
            f[k++] = f[i];
    return k;
}

static size_t
reference(char **lit, size_t nlit, const int *word, const char *text,
          size_t len, struct lits_find *out)
{
    size_t n = 0;

    for (size_t i = 0; i < nlit; i++) {
        size_t m = strlen(lit[i]);
        for (size_t at = 0; at + m <= len; at++) {
            size_t j = 0;
            while (j < m && lower((unsigned char)text[at + j]) ==
                                (unsigned char)lit[i][j])
                j++;
            if (j == m && (!word[i] || at == 0 ||
                           !word_byte((unsigned char)text[at - 1])))
                out[n++] = (struct lits_find){ (uint32_t)i, (uint32_t)at };
        }
    }
    return n;
}

#define ROUNDS 60
#define TEXTS 40

int
main(void)
{
    long wrong = 0, finds = 0, texts = 0;
    struct buf b;

    buf_init(&b);
    for (int round = 0; round < ROUNDS; round++) {
        size_t nlit = 1 + rnd(round % 3 ? 12 : 150);
        char **lit = xcalloc(nlit, sizeof(*lit));
        int *word = xcalloc(nlit, sizeof(*word));
        struct lits *l = lits_new();

        for (size_t i = 0; i < nlit; i++) {
            /* mostly short, some long (a long one sets how far back the
             * side-by-side walks start) */
            random_string(&b, 1 + rnd(rnd(8) ? 4 : 40), 1);
            lit[i] = xstrdup(b.p);
            word[i] = rnd(2);
            lits_add(l, lit[i], strlen(lit[i]), word[i]);
        }
        lits_build(l);
        for (int k = 0; k < TEXTS; k++) {
            size_t len = rnd(4) ? rnd(80) : 200 + rnd(3000), n, want;
            const struct lits_find *got;
            struct lits_find *g, *w;
            random_string(&b, len, 0);
            len = b.len;
            n = lits_scan(l, b.p, len, &got);
            g = xcalloc(n + 1, sizeof(*g));
            if (n)
                memcpy(g, got, n * sizeof(*g));
            n = normalize(g, n);
            w = xcalloc(len * nlit + 1, sizeof(*w));
            want = normalize(w, reference(lit, nlit, word, b.p, len, w));
            if (n != want || (n && memcmp(g, w, n * sizeof(*g)) != 0)) {
                if (wrong++ < 3)
                    printf("# round %d: %zu finds, want %zu, in \"%s\"\n",
                           round, n, want, b.p);
            }
            finds += (long)want;
            texts++;
            free(g);
            free(w);
        }
        lits_free(l);
        for (size_t i = 0; i < nlit; i++)
            free(lit[i]);
        free(lit);
        free(word);
    }
    T_OK(wrong == 0,
         "the automaton finds what a plain search does in %ld texts "
         "(%ld finds, %ld texts differ)",
         texts, finds, wrong);
    T_OK(finds > texts * 5, "the random cases find enough (%ld)", finds);

    /* No literal at all, an empty text. */
    {
        struct lits *l = lits_new();
        const struct lits_find *f;
        lits_build(l);
        T_OK(lits_scan(l, "abc", 3, &f) == 0, "no literals: no finds");
        lits_free(l);
        l = lits_new();
        lits_add(l, "ab", 2, 1);
        lits_build(l);
        T_OK(lits_scan(l, "", 0, &f) == 0, "an empty text: no finds");
        T_OK(lits_scan(l, "xab ab AB", 9, &f) == 2 && f[0].at == 4 &&
                 f[1].at == 7,
             "a word-start literal: not inside a word, in any case");
        lits_free(l);
    }
    buf_fini(&b);
    return t_done();
}
