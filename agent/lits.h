/* lits.h: every occurrence of a set of literals in a text, ASCII case
 * folded (the matcher's prefilter; see match.c).
 *
 * Literals are added folded to lower case (A-Z only) and found wherever
 * the text, folded the same way, holds them. A literal added as
 * `word_start` is reported only where it starts a word: where the byte
 * before it is not an ASCII letter, digit or underscore (a byte outside
 * ASCII counts as not one; the caller decides what such a neighbour means).
 *
 * The literals go into one Aho-Corasick automaton, walked over the text a
 * byte at a time (a long text in pieces side by side).
 * The order of the finds is unspecified and one may come twice. */
#ifndef PW_LITS_H
#define PW_LITS_H

#include <stddef.h>
#include <stdint.h>

struct lits_find {
    uint32_t lit; /* in the order added */
    uint32_t at;  /* its first byte's offset in the text */
};

struct lits;

struct lits *lits_new(void);
void lits_free(struct lits *l);

/* s is borrowed until lits_free and must not change; len >= 1. */
void lits_add(struct lits *l, const char *s, size_t len, int word_start);
void lits_build(struct lits *l);

/* The finds in text[0 .. len), valid until the next call. */
size_t lits_scan(struct lits *l, const char *text, size_t len,
                 const struct lits_find **finds);

#endif
