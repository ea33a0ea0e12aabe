/* query.c: the search language of `paperwatch search` turned into FTS5
 * syntax. Every word and phrase is quoted for FTS5, so "two-phase" or
 * "C++" never is a syntax error; operators and parentheses pass through. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Field prefixes and the FTS5 column they search. */
static const struct field {
    const char *name;
    const char *column;
} fields[] = {
    { "author", "authors" },    { "authors", "authors" }, { "title", "title" },
    { "abstract", "abstract" }, { "abs", "abstract" },    { "ti", "title" },
    { "au", "authors" },
};

void
search_query_init(struct search_query *q)
{
    buf_init(&q->fts);
    q->since = 0;
    strv_init(&q->cats);
    q->prefix = 0;
}

void
search_query_fini(struct search_query *q)
{
    buf_fini(&q->fts);
    strv_fini(&q->cats);
    search_query_init(q);
}

/* A word or "phrase" starting at s: its text into out (unquoted), its
 * length in the input returned; *star set for a trailing '*'. -1 for an
 * unterminated quote. */
static long
term_text(const char *s, struct buf *out, int *star)
{
    const char *p = s;

    *star = 0;
    out->len = 0;
    if (*p == '"') {
        const char *end = strchr(p + 1, '"');
        if (end == NULL)
            return -1;
        buf_add(out, p + 1, (size_t)(end - p - 1));
        p = end + 1;
    } else {
        size_t n = strcspn(p, " \t\r\n()");
        buf_add(out, p, n);
        p += n;
    }
    if (*p == '*') {
        *star = 1;
        p++;
    } else if (out->len > 1 && out->p[out->len - 1] == '*') {
        *star = 1;
        out->p[--out->len] = '\0';
    }
    return (long)(p - s);
}

static void
add_quoted(struct buf *b, const char *s, int star)
{
    buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addc(b, '"');
        buf_addc(b, *s);
    }
    buf_adds(b, star ? "\"*" : "\"");
}

static int
is_operator(const char *w, size_t n)
{
    return (n == 2 && strncmp(w, "OR", 2) == 0) ||
           (n == 3 && (strncmp(w, "AND", 3) == 0 || strncmp(w, "NOT", 3) == 0));
}

static int
parse_since(const char *v, int64_t *out, struct pw_err *e)
{
    int64_t d;

    if (time_parse(v, out) == 0)
        return 0;
    if (duration_parse(v, &d) == 0) {
        *out = time_now() - d;
        return 0;
    }
    return pw_errf(e,
                   "search: since:%s: not a date or duration "
                   "(like 2024-01-31 or 2w)",
                   v);
}

/* A filter or field term "name:value" at w; 1 handled, 0 not one, -1
 * bad. *used gets the characters consumed. */
static int
prefixed(const char *w, struct search_query *q, struct buf *tmp, size_t *used,
         struct pw_err *e)
{
    size_t n = strcspn(w, ": \t\r\n()\"");
    const char *v = w + n + 1;
    int star;
    long len;

    if (w[n] != ':' || n == 0)
        return 0;
    if ((len = term_text(v, tmp, &star)) < 0)
        return pw_errf(e, "search: unterminated quote after '%.*s:'", (int)n,
                       w);
    *used = n + 1 + (size_t)len;
    if (n == 3 && strncmp(w, "cat", 3) == 0) {
        strv_add(&q->cats, tmp->p ? tmp->p : "");
        return 1;
    }
    if (n == 5 && strncmp(w, "since", 5) == 0)
        return parse_since(tmp->p ? tmp->p : "", &q->since, e) < 0 ? -1 : 1;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strlen(fields[i].name) == n && strncmp(w, fields[i].name, n) == 0) {
            buf_addf(&q->fts, "%s : ", fields[i].column);
            add_quoted(&q->fts, tmp->p ? tmp->p : "", star);
            q->prefix |= star;
            return 1;
        }
    }
    return 0; /* "name:thing" that is no field: a plain word */
}

/* FTS5 joins two phrases by AND implicitly, but not a group and a
 * phrase: "(a OR b) c" needs the AND written. */
static void
operand(struct search_query *q, int *prev_operand)
{
    if (*prev_operand)
        buf_adds(&q->fts, " AND ");
    else if (q->fts.len && q->fts.p[q->fts.len - 1] != '(')
        buf_addc(&q->fts, ' ');
    *prev_operand = 1;
}

int
search_query_parse(const char *in, struct search_query *q, struct pw_err *e)
{
    const char *sep = " \t\r\n";
    struct buf tmp;
    int rc = -1, prev = 0; /* the last thing written was an operand */

    buf_init(&tmp);
    for (const char *w = in + strspn(in, sep); *w; w += strspn(w, sep)) {
        size_t n = strcspn(w, " \t\r\n()"), used = 0, at = q->fts.len;
        int star, f;
        long len;

        if (*w == '(' || *w == ')') {
            if (*w == '(')
                operand(q, &prev);
            buf_addc(&q->fts, *w++);
            prev = w[-1] == ')';
            continue;
        }
        if (is_operator(w, n)) {
            buf_addc(&q->fts, ' ');
            buf_add(&q->fts, w, n);
            w += n;
            prev = 0;
            continue;
        }
        if ((f = prefixed(w, q, &tmp, &used, e)) < 0)
            goto out;
        if (f == 1) {
            if (q->fts.len > at) { /* a field term: move it after the AND */
                char *t = xstrdup(q->fts.p + at);
                q->fts.len = at;
                operand(q, &prev);
                buf_adds(&q->fts, t);
                free(t);
            }
            w += used;
            continue;
        }
        if ((len = term_text(w, &tmp, &star)) < 0) {
            pw_errf(e, "search: unterminated quote in '%s'", in);
            goto out;
        }
        operand(q, &prev);
        add_quoted(&q->fts, tmp.p ? tmp.p : "", star);
        q->prefix |= star;
        w += len;
    }
    rc = 0;
out:
    buf_fini(&tmp);
    return rc;
}
