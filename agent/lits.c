/* lits.c: every occurrence of a set of literals (see lits.h).
 *
 * One Aho-Corasick automaton over all of them, as a full transition table
 * over byte classes: a state is its row's offset in the table, with
 * OUT_BIT set on entering a state that has outputs, and a row's last cell
 * says where in out its outputs start, each state's ended by OUT_END. */
#include <stdlib.h>
#include <string.h>

#include "lits.h"
#include "util.h"

#define OUT_BIT 0x80000000u
#define OUT_END UINT32_MAX

struct lit {
    const char *s; /* borrowed: folded */
    size_t len;
    int word; /* reported only at a word start */
};

struct lits {
    struct lit *v; /* owned */
    size_t n, cap;
    uint8_t cls[256];
    size_t ncls, width, maxlen;
    uint32_t *delta;     /* owned */
    uint32_t *out;       /* owned */
    struct lits_find *f; /* owned: the last scan's finds */
    size_t nf, capf;
};

static int
word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

struct lits *
lits_new(void)
{
    return xcalloc(1, sizeof(struct lits));
}

void
lits_free(struct lits *l)
{
    if (l == NULL)
        return;
    free(l->v);
    free(l->delta);
    free(l->out);
    free(l->f);
    free(l);
}

void
lits_add(struct lits *l, const char *s, size_t len, int word_start)
{
    struct lit *t;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    t = &l->v[l->n++];
    t->s = s;
    t->len = len;
    t->word = word_start;
    if (len > l->maxlen)
        l->maxlen = len;
}

static void
add_find(struct lits *l, size_t lit, size_t at)
{
    if (l->nf == l->capf) {
        l->capf = l->capf ? 2 * l->capf : 256;
        l->f = xrealloc(l->f, l->capf * sizeof(*l->f));
    }
    l->f[l->nf].lit = (uint32_t)lit;
    l->f[l->nf].at = (uint32_t)at;
    l->nf++;
}

void
lits_build(struct lits *l)
{
    size_t total = 1, nstates = 1, k;
    uint32_t *fail, *queue, **own, *nown;
    size_t *out_at, *out_n; /* per state: its first output, how many */
    unsigned char used[256] = { 0 };

    /* Byte classes: one per byte some literal has (upper case folded in),
     * class 0 for the rest. */
    for (size_t i = 0; i < l->n; i++) {
        for (size_t j = 0; j < l->v[i].len; j++)
            used[(unsigned char)l->v[i].s[j]] = 1;
        total += l->v[i].len;
    }
    l->ncls = 1;
    for (int c = 0; c < 256; c++)
        if (used[c])
            l->cls[c] = (uint8_t)l->ncls++;
    for (int c = 'A'; c <= 'Z'; c++)
        l->cls[c] = l->cls[lower(c)];

    /* The trie, as a table of state numbers (0 = none yet). */
    l->width = l->ncls + 1;
    l->delta = xcalloc(total * l->width, sizeof(*l->delta));
    own = xcalloc(total, sizeof(*own));
    nown = xcalloc(total, sizeof(*nown));
    for (size_t i = 0; i < l->n; i++) {
        size_t s = 0;
        for (size_t j = 0; j < l->v[i].len; j++) {
            uint32_t *to =
                &l->delta[s * l->width + l->cls[(unsigned char)l->v[i].s[j]]];
            if (*to == 0)
                *to = (uint32_t)nstates++;
            s = *to;
        }
        own[s] = xrealloc(own[s], (size_t)(nown[s] + 1) * sizeof(**own));
        own[s][nown[s]++] = (uint32_t)i;
    }

    /* Breadth first, so a state's failure state is complete before it:
     * failure links, the full transitions, and each state's outputs (its
     * own and its failure state's). */
    fail = xcalloc(nstates, sizeof(*fail));
    queue = xcalloc(nstates, sizeof(*queue));
    out_at = xcalloc(nstates, sizeof(*out_at));
    out_n = xcalloc(nstates, sizeof(*out_n));
    k = 0;
    for (size_t qh = 0, qt = 1; qh < qt; qh++) {
        size_t s = queue[qh], f = fail[s];
        out_at[s] = k;
        l->out =
            xrealloc(l->out, (k + nown[s] + out_n[f] + 2) * sizeof(*l->out));
        for (size_t j = 0; j < nown[s]; j++)
            l->out[k++] = own[s][j];
        if (s)
            for (size_t j = 0; j < out_n[f]; j++)
                l->out[k++] = l->out[out_at[f] + j];
        out_n[s] = k - out_at[s];
        l->out[k++] = OUT_END;
        l->delta[s * l->width + l->ncls] = (uint32_t)out_at[s];
        for (size_t c = 0; c < l->ncls; c++) {
            uint32_t *to = &l->delta[s * l->width + c];
            uint32_t via = s ? l->delta[f * l->width + c] : 0;
            if (*to) { /* a child in the trie */
                fail[*to] = via;
                queue[qt++] = *to;
            } else {
                *to = via;
            }
        }
    }
    /* Rows as offsets, outputs flagged. */
    for (size_t s = 0; s < nstates; s++)
        for (size_t c = 0; c < l->ncls; c++) {
            uint32_t *to = &l->delta[s * l->width + c];
            uint32_t t = *to;
            *to = (uint32_t)(t * l->width) | (out_n[t] ? OUT_BIT : 0);
        }
    for (size_t s = 0; s < total; s++)
        free(own[s]);
    free(own);
    free(nown);
    free(fail);
    free(queue);
    free(out_at);
    free(out_n);
}

/* Entering a state with outputs at text[i]: each literal ending there,
 * its outputs starting at out[at]. */
static void
outputs(struct lits *l, uint32_t at, const unsigned char *text, size_t i)
{
    for (const uint32_t *o = l->out + at; *o != OUT_END; o++) {
        const struct lit *t = &l->v[*o];
        size_t start = i + 1 - t->len;
        if (!t->word || start == 0 || !word_byte(text[start - 1]))
            add_find(l, *o, start);
    }
}

/* The walk through the table is one load after another, waiting for the
 * last: a long text is cut in four pieces walked side by side, each
 * started maxlen - 1 bytes early so no literal across a cut is missed
 * (one found twice is harmless). */
#define CELL(st, c) (delta[(size_t)(st) + cls[c]])
#define STEP(st, i)                                                            \
    do {                                                                       \
        if ((st)&OUT_BIT) {                                                    \
            (st) &= ~OUT_BIT;                                                  \
            outputs(l, delta[(st) + l->ncls], text, (i));                      \
        }                                                                      \
    } while (0)

static void
walk(struct lits *l, const unsigned char *text, size_t len)
{
    const uint32_t *delta = l->delta;
    const uint8_t *cls = l->cls;
    size_t piece = len / 4, back = l->maxlen - 1, i1, i2, i3;
    uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;

    if (len < 64 + 4 * back) {
        for (size_t i = 0; i < len; i++) {
            s0 = CELL(s0, text[i]);
            STEP(s0, i);
        }
        return;
    }
    i1 = piece - back;
    i2 = 2 * piece - back;
    i3 = 3 * piece - back;
    for (size_t i = 0; i < piece; i++) {
        s0 = CELL(s0, text[i]);
        s1 = CELL(s1, text[i1 + i]);
        s2 = CELL(s2, text[i2 + i]);
        s3 = CELL(s3, text[i3 + i]);
        if ((s0 | s1 | s2 | s3) & OUT_BIT) {
            STEP(s0, i);
            STEP(s1, i1 + i);
            STEP(s2, i2 + i);
            STEP(s3, i3 + i);
        }
    }
    /* the pieces started early end late; the last one runs to the end */
    for (i1 += piece; i1 < 2 * piece; i1++) {
        s1 = CELL(s1, text[i1]);
        STEP(s1, i1);
    }
    for (i2 += piece; i2 < 3 * piece; i2++) {
        s2 = CELL(s2, text[i2]);
        STEP(s2, i2);
    }
    for (i3 += piece; i3 < len; i3++) {
        s3 = CELL(s3, text[i3]);
        STEP(s3, i3);
    }
}

size_t
lits_scan(struct lits *l, const char *text, size_t len,
          const struct lits_find **finds)
{
    l->nf = 0;
    if (l->n && len)
        walk(l, (const unsigned char *)text, len);
    *finds = l->f;
    return l->nf;
}
