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

/* 1 when text_plain would append s as it is (a short string without
 * markup, white space to fold or bytes to repair); 0 when it may not. */
int text_plain_already(const char *s, size_t n, int html);

/* Append the text of the HTML5 named character reference &name; as
 * UTF-8 (name without & and ;). Returns 0, appending nothing, when there
 * is no such name. */
int text_entity(struct buf *out, const char *name);

/* Fold runs of whitespace to one space and trim, in place; returns s. */
char *text_fold(char *s);

/* 1 when s is valid UTF-8 without control characters other than white
 * space: text, not binary. */
int text_is_utf8(const char *s, size_t n);

/* How many bytes at the start of s an XML parser reading UTF-8 takes as
 * they are: valid UTF-8 without the control characters XML 1.0 forbids
 * (all below 0x20 but tab, LF, CR) and without U+FFFE and U+FFFF. */
size_t text_xml_clean(const char *s, size_t n);

/* Append s to out made what text_xml_clean takes whole: each invalid byte,
 * U+FFFE and U+FFFF become U+FFFD, forbidden control characters are
 * dropped. Unless final, a sequence cut short by the end of s is left
 * for the next call. Returns the bytes of s used. */
size_t text_xml_repair(struct buf *out, const char *s, size_t n, int final);

/* Append the bytes base64 text s decodes to (white space skipped; stops at
 * the padding or the first byte that is not base64). Returns how many
 * bytes were appended. */
size_t text_base64(struct buf *out, const char *s, size_t n);

/* Append ref resolved against base (RFC 3986 section 5.2), both trimmed of
 * white space; ref alone when base is NULL or ref is absolute. */
void text_resolve_url(struct buf *out, const char *base, const char *ref);

/* Append s escaped for Pango/HTML markup (& < > " '). */
void text_markup_escape(struct buf *out, const char *s);

#endif
