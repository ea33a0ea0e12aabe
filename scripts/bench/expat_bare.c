/* expat_bare: the floor for `make bench`. One namespace-aware expat pass
 * over a feed, read in 64 KiB chunks, with handlers that touch the data
 * just enough not to be optimized away: it counts <entry>/<item> elements
 * and character data, and prints "entries chars" on stdout.
 *
 *   expat_bare FILE|-
 */
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NS_SEP '\x01' /* as agent/feed.c */
#define CHUNK (64 * 1024)

struct count {
    unsigned long entries;
    unsigned long chars;
    unsigned depth;
    unsigned char sum;
};

static const char *
local_name(const char *name)
{
    const char *sep = strrchr(name, NS_SEP);
    return sep ? sep + 1 : name;
}

static void XMLCALL
on_start(void *ud, const char *name, const char **attrs)
{
    struct count *c = ud;
    const char *l = local_name(name);

    (void)attrs;
    c->depth++;
    if (strcmp(l, "entry") == 0 || strcmp(l, "item") == 0)
        c->entries++;
}

static void XMLCALL
on_end(void *ud, const char *name)
{
    struct count *c = ud;

    (void)name;
    c->depth--;
}

static void XMLCALL
on_text(void *ud, const char *s, int len)
{
    struct count *c = ud;

    c->chars += (unsigned long)len;
    c->sum ^= (unsigned char)s[0];
}

int
main(int argc, char **argv)
{
    static char buf[CHUNK];
    struct count c = { 0, 0, 0, 0 };
    XML_Parser xp;
    int fd = 0;
    ssize_t n;

    if (argc != 2) {
        fputs("usage: expat_bare FILE|-\n", stderr);
        return 2;
    }
    if (strcmp(argv[1], "-") != 0 && (fd = open(argv[1], O_RDONLY)) < 0) {
        perror(argv[1]);
        return 1;
    }
    xp = XML_ParserCreateNS(NULL, NS_SEP);
    if (xp == NULL)
        return 1;
    XML_SetUserData(xp, &c);
    XML_SetElementHandler(xp, on_start, on_end);
    XML_SetCharacterDataHandler(xp, on_text);
    do {
        n = read(fd, buf, sizeof buf);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (XML_Parse(xp, buf, (int)n, n == 0) != XML_STATUS_OK) {
            fprintf(stderr, "expat_bare: line %lu: %s\n",
                    (unsigned long)XML_GetCurrentLineNumber(xp),
                    XML_ErrorString(XML_GetErrorCode(xp)));
            return 1;
        }
    } while (n > 0);
    XML_ParserFree(xp);
    printf("%lu %lu %u\n", c.entries, c.chars, (unsigned)c.sum);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
