/* parallel.h: one large feed file parsed on several cores.
 *
 * A feed is a run of entries, each of which is parsed the same whatever
 * came before it, once the document's head (XML declaration, root element,
 * namespaces, feed title) is known. So the file is cut into segments at
 * end tags of its entries, and each segment is parsed by its own parser on
 * a worker thread, given the head first; the outputs are written in file
 * order. A cut can land where it must not (inside a comment or CDATA
 * section that holds "</entry>"): every parser checks that it ended
 * between two entries as the one before it would have, and when any check
 * fails the caller parses again from the start, one parser, skipping what
 * was written. The output is the same bytes as one parser's, always. */
#ifndef PW_PARALLEL_H
#define PW_PARALLEL_H

#include "feed.h"
#include "util.h"

struct parallel_ops {
    /* On a worker thread, once per segment: the state fp's entries are
     * written with, into out; then entry with that state, then close. */
    void *(*open)(void *ud, struct feed_parser *fp, struct buf *out);
    feed_entry_fn entry;
    void (*close)(void *seg);
    /* On the calling thread, in file order: a segment's output. */
    int (*write)(void *ud, const char *s, size_t n, struct pw_err *e);
    void *ud; /* shared by all threads: read only while parallel_parse runs */
};

enum parallel_result {
    PARALLEL_NOT,  /* not worth it or not possible (a short file, one core,
                      a head too long, a read error): fp took the first
                      *consumed bytes; go on with it from there */
    PARALLEL_DONE, /* all parsed, finished and written: *consumed bytes */
    PARALLEL_REDO  /* a segment could not be parsed on its own: *written
                      entries are out; parse again from the start, passing
                      over them */
};

/* What came of it, for -v. */
struct parallel_stats {
    int threads;   /* workers; 0: one parser throughout */
    long segments; /* parsed and written, the calling thread's included */
    long redo_at;  /* the segment that could not be parsed on its own */
};

/* The regular file fd (size bytes, read with pread from offset 0), whose
 * parser fp the caller made (its entries go the caller's own way, before
 * any segment's). Returns an enum parallel_result, or -1 with e filled
 * when fp fails or a write does; a segment's failure is met again by the
 * redo. */
int parallel_parse(const struct parallel_ops *ops, const char *name, int fd,
                   long long size, struct feed_parser *fp, long long *consumed,
                   long *written, struct parallel_stats *st, struct pw_err *e);

#endif
