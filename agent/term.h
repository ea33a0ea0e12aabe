/* term.h: what the terminal allows: its width, whether colour is wanted,
 * and text cut to fit (counted in characters, not bytes). */
#ifndef PW_TERM_H
#define PW_TERM_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* Columns of the terminal f is, else $COLUMNS, else 0 (not a terminal:
 * lines are not cut). */
int term_width(FILE *f);

/* Colour and bold: only when f is a terminal, $NO_COLOR is unset or empty
 * and $TERM is not "dumb". */
int term_color(FILE *f);

/* Whether f is a terminal (progress bars). */
int term_isatty(FILE *f);

/* SGR sequences, or "" when colour is off. */
#define TERM_BOLD "\033[1m"
#define TERM_DIM "\033[2m"
#define TERM_HIT "\033[1;33m"
#define TERM_RESET "\033[0m"

/* Append at most cols characters of s (UTF-8), ending in "…" when cut;
 * cols 0: all of it. Returns the characters appended. */
size_t term_add_cut(struct buf *b, const char *s, size_t cols);

/* Characters (not bytes) of UTF-8 s. */
size_t term_chars(const char *s);

/* Append s word-wrapped to width columns, each line after the first (and
 * the first too) starting with indent spaces. width 0: one line. */
void term_add_wrapped(struct buf *b, const char *s, size_t indent,
                      size_t width);

#endif
