/* json.h: writing JSON text into a buf (reading goes through cJSON). */
#ifndef PW_JSON_H
#define PW_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A JSON string with quotes; invalid UTF-8 becomes U+FFFD; NULL -> null. */
void json_add_string(struct buf *b, const char *s);
/* The same for n bytes of s (which need not be NUL-terminated). */
void json_add_stringn(struct buf *b, const char *s, size_t n);
/* The same for text known to be valid UTF-8 without control characters
 * (what text_plain writes): only '"' and '\\' need escaping, so the bytes
 * are copied in runs up to them. */
void json_add_plain(struct buf *b, const char *s, size_t n);
/* ["a","b"] */
void json_add_strv(struct buf *b, const struct strv *sv);
/* "name": (with a leading comma unless first) */
void json_add_key(struct buf *b, const char *name, int first);
/* An integer, without printf. */
void json_add_int(struct buf *b, long long v);
/* A number: integers without a fraction, else %.17g trimmed; NaN -> null. */
void json_add_number(struct buf *b, double v);
/* RFC 3339 UTC string, or null for 0. */
void json_add_time(struct buf *b, int64_t t);

#endif
