/* text.h: turning feed text into plain text. */
#ifndef PW_TEXT_H
#define PW_TEXT_H

#include <stddef.h>

#include "util.h"

/* Append s as plain text to out: HTML tags stripped (block elements become
 * spaces), character references decoded (numeric, XML, HTML5 named),
 * whitespace folded to single spaces and trimmed, invalid UTF-8 replaced by
 * U+FFFD. `html` says whether s is markup (else only whitespace folding and
 * UTF-8 repair apply). */
void text_plain(struct buf *out, const char *s, size_t n, int html);

/* Fold runs of whitespace to one space and trim, in place; returns s. */
char *text_fold(char *s);

/* Append s escaped for Pango/HTML markup (& < > " '). */
void text_markup_escape(struct buf *out, const char *s);

#endif
