/* term.c: terminal width and colour, and cutting text to fit. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"

int
term_isatty(FILE *f)
{
    return isatty(fileno(f));
}

int
term_width(FILE *f)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");
    long n;

    if (term_isatty(f) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        return ws.ws_col;
    if (!str_empty(cols) && (n = strtol(cols, NULL, 10)) > 0 && n < 10000)
        return (int)n;
    return 0;
}

int
term_color(FILE *f)
{
    const char *term = getenv("TERM");

    if (!str_empty(getenv("NO_COLOR")))
        return 0;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return 0;
    return term_isatty(f);
}

size_t
term_chars(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

size_t
term_add_cut(struct buf *b, const char *s, size_t cols)
{
    size_t n = 0, i = 0;

    if (s == NULL)
        return 0;
    if (cols == 0 || term_chars(s) <= cols) {
        buf_adds(b, s);
        return term_chars(s);
    }
    /* keep cols - 1 characters and the ellipsis */
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == cols - 1)
            break;
    }
    buf_add(b, s, i);
    buf_adds(b, "\xe2\x80\xa6");
    return cols;
}

void
term_add_wrapped(struct buf *b, const char *s, size_t indent, size_t width)
{
    size_t col = 0;
    const char *sep = " \t\n";

    for (size_t i = 0; i < indent; i++)
        buf_addc(b, ' ');
    col = indent;
    for (const char *w = s + strspn(s, sep); *w; w += strspn(w, sep)) {
        size_t n = strcspn(w, sep), chars;
        char *word = xstrndup(w, n);

        chars = term_chars(word);
        free(word);
        if (col > indent && width && col + 1 + chars > width) {
            buf_addc(b, '\n');
            for (size_t i = 0; i < indent; i++)
                buf_addc(b, ' ');
            col = indent;
        } else if (col > indent) {
            buf_addc(b, ' ');
            col++;
        }
        buf_add(b, w, n);
        col += chars;
        w += n;
    }
}
