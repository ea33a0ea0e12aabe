/* fuzz_feed.c: libFuzzer harness for the streaming feed parser, over every
 * format it knows (Atom, RSS, RDF, JSON). Built and run by scripts/fuzz.sh.
 *
 * The input is the document itself, byte for byte, so a crash input is also
 * a file `paperwatch parse` can be run on. How it is cut into writes comes
 * from a hash of the input: whole, byte by byte, fixed-size pieces, small
 * or large random pieces, one split point, with empty writes mixed in, so
 * the boundaries inside tags, entities, UTF-8 sequences, the BOM and the
 * format detection head all get hit. The same hash sometimes makes the
 * callback stop the parse after a few entries, and sometimes writes again
 * after the end. Every field of each paper is read (and written out as
 * JSON) so AddressSanitizer sees any bad pointer the parser hands over.
 *
 * The optional settings (an HTTP charset, the document's URL) are used
 * when the parser has them, chosen by the same hash: they are weak
 * references, so the harness builds against a parser with or without. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed.h"
#include "paper.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void feed_parser_set_base(struct feed_parser *fp, const char *url);
int feed_parser_set_charset(struct feed_parser *fp, const char *charset,
                            struct pw_err *e);
#pragma weak feed_parser_set_base
#pragma weak feed_parser_set_charset

static const char *const charsets[] = {
    "iso-8859-1", "windows-1252", "iso-8859-2",      "koi8-r",    "utf-16",
    "utf-16le",   "utf-16be",     "utf-32",          "shift_jis", "euc-jp",
    "gb18030",    "big5",         "iso-2022-jp",     "utf-7",     "utf-8",
    "us-ascii",   "ibm037",       "no-such-charset", "",
};

static const char *const bases[] = {
    "https://arxiv.org/list/cs/new",
    "http://example.org/a/b/feed.xml?x=1#frag",
    "https://h",
    "relative/base/",
    "//host/path/",
    "http://[::1]:8080/",
    "file:///tmp/x",
    "",
};

struct run {
    long entries;
    long stop_at; /* the callback fails on this entry; -1 never */
};

static volatile size_t sink; /* keeps the reads from being optimized away */

static uint64_t
hash(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint64_t
next(uint64_t *s)
{
    uint64_t x = *s; /* xorshift64 */

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static size_t
touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t
touch_list(const struct strv *sv)
{
    size_t n = sv->n;

    for (size_t i = 0; i < sv->n; i++)
        n += strlen(sv->v[i]);
    return n;
}

static int
on_entry(void *ud, const struct paper *p, struct pw_err *e)
{
    struct run *r = ud;
    struct buf b;

    sink += touch(p->key) + touch(p->arxiv_id) + touch(p->doi) +
            touch(p->entry_id) + touch(p->title) + touch(p->abstract) +
            touch(p->url) + touch(p->pdf_url) + touch(p->announce) +
            touch(p->comment) + touch(p->journal_ref) + touch(p->extras);
    sink += touch_list(&p->authors) + touch_list(&p->categories);
    sink += (size_t)p->version + (size_t)p->published + (size_t)p->updated;
    buf_init(&b);
    paper_to_json(p, &b, 0);
    sink += b.len;
    buf_fini(&b);
    if (r->entries++ == r->stop_at)
        return pw_errf(e, "fuzz: stop after %ld entries", r->entries);
    return 0;
}

/* The size of the next write, from pattern `mode`; 0 is an empty write. */
static size_t
piece(int mode, uint64_t *s, size_t fixed, size_t left)
{
    size_t n;

    switch (mode) {
    case 0: /* whole */
        n = left;
        break;
    case 1: /* byte by byte */
        n = 1;
        break;
    case 2: /* fixed pieces of 1..64 bytes */
        n = fixed;
        break;
    case 3: /* random 0..16 */
        n = next(s) % 17;
        break;
    case 4: /* random 0..4096 */
        n = next(s) % 4097;
        break;
    default: /* one split point, then the rest */
        n = fixed == 0 ? left : next(s) % (left + 1);
        break;
    }
    return n < left ? n : left;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t h = hash(data, size), s = h | 1;
    int mode = (int)(h % 6);
    size_t fixed = 1 + (size_t)((h >> 8) % 64), off = 0, n;
    struct run r = { 0, -1 };
    struct feed_parser *fp;
    const struct feed_info *fi;
    struct pw_err e;

    if ((h >> 16) % 8 == 0)
        r.stop_at = (long)((h >> 20) % 4);
    fp = feed_parser_new("fuzz", on_entry, &r);
    if (feed_parser_set_charset && (h >> 28) % 3 == 0) {
        const char *cs =
            charsets[(h >> 32) % (sizeof(charsets) / sizeof(*charsets))];

        if (feed_parser_set_charset(fp, cs, &e) < 0)
            sink += strlen(e.msg);
    }
    if (feed_parser_set_base && (h >> 40) % 2 == 0)
        feed_parser_set_base(
            fp, bases[(h >> 41) % (sizeof(bases) / sizeof(*bases))]);
    while (off < size) {
        n = piece(mode, &s, fixed, size - off);
        if (mode == 5)
            fixed = 0; /* the split is done: the rest in one */
        e.msg[0] = '\0';
        if (feed_parser_write(fp, (const char *)data + off, n, &e) < 0) {
            sink += strlen(e.msg);
            break;
        }
        off += n;
    }
    e.msg[0] = '\0';
    if (feed_parser_finish(fp, &e) < 0)
        sink += strlen(e.msg);
    if ((h >> 24) % 16 == 0) /* a write after the end must fail cleanly */
        feed_parser_write(fp, "<", 1, &e);
    fi = feed_parser_info(fp);
    sink += touch(fi->title) + (size_t)fi->entries + (size_t)fi->total_results +
            (size_t)fi->format;
    feed_parser_free(fp);
    return 0;
}
