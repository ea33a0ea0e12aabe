/* parallel.c: one large feed file parsed on several cores (parallel.h).
 *
 * The calling thread parses the file's first segment with the caller's
 * own parser, which finds where the first entry starts (the head is what
 * comes before it) and how its end tag is written. Workers take the later
 * segments in turn; segment k (k >= 1) runs from the first end tag that
 * ends at k * SEGMENT or later to the next such cut, so each worker finds
 * its own bounds with a short read. The calling thread writes the outputs
 * in order; a worker runs at most a few segments ahead of it, which bounds
 * the memory whatever the file's size. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parallel.h"

#define SEGMENT (256u << 10) /* bytes a segment is cut at, at least */
#define MIN_SEGMENTS 4       /* a shorter file is left to one parser */
#define CHUNK (64u << 10)    /* bytes read at a time */
#define THREADS_MAX 8
#define AHEAD 2 /* segments a worker may finish before they are written */
#define SLOTS_MAX (THREADS_MAX * AHEAD)
#define TAG_MAX 128  /* an end tag's bytes, "</...>" */
#define WINDOW 16384 /* bytes read at a time when looking for a cut */

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

/* A segment being parsed or waiting to be written. */
struct slot {
    long k;
    enum slot_state state;
    int ok;     /* parsed, and ended between entries (or finished) */
    int last;   /* it ended the file */
    int parsed; /* not empty */
    long entries;
    struct buf out;
};

struct par {
    const struct parallel_ops *ops; /* borrowed */
    const char *name;               /* borrowed */
    int fd;
    long long size;
    long long seg; /* bytes a segment is cut at */
    char *head;    /* owned: the input before the first entry */
    size_t nhead;
    char tag[TAG_MAX]; /* "</entry>" as the document writes it */
    size_t ntag;
    long long b1; /* where segment 1 starts */
    pthread_mutex_t mu;
    /* cut_at(x) is known for x from cut_from to cut_to: cut_to. Inside an
     * entry of many segments, every segment's bounds are its end: it is
     * looked for once, not once a segment. */
    long long cut_from, cut_to;
    pthread_cond_t cv;
    long next;  /* the segment the next worker takes */
    long taken; /* segments the calling thread is done with */
    int stop;
    int nslots;
    struct slot slots[SLOTS_MAX];
    pthread_t th[THREADS_MAX];
    int nth;
};

/* PW_PARSE_SEGMENT: bytes per segment, for tests that want small files
 * cut into many segments (with threads even on one core, and whatever the
 * head's length: the limits are for speed, not for the result); 0: never. */
static long long
segment_size(int *forced)
{
    const char *s = getenv("PW_PARSE_SEGMENT");

    *forced = s != NULL && *s != '\0';
    return *forced ? strtoll(s, NULL, 10) : (long long)SEGMENT;
}

static int
threads(int forced)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        n = CPU_COUNT(&set);
    else /* more CPUs than a cpu_set_t holds */
        n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n > THREADS_MAX)
        n = THREADS_MAX;
    return forced && n < 2 ? 2 : (int)n;
}

/* Up to n bytes at off, fewer only at the end of the file; -1 on error. */
static long long
read_at(int fd, char *p, size_t n, long long off)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t)(off + (long long)got));

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long long)got;
}

/* Where the first end tag that ends at `from` or later ends; the file's
 * size when none does before it (a file that grew since is read to its
 * size, finished there, fails, and is parsed again by one parser to its
 * new end); -1 on a read error. */
static long long
cut_at(const struct par *pp, long long from)
{
    char w[WINDOW];
    long long off = from - (long long)pp->ntag, n;

    if (off < 0)
        off = 0;
    for (;;) {
        const char *q;

        if ((n = read_at(pp->fd, w, sizeof(w), off)) < 0)
            return -1;
        if ((q = memmem(w, (size_t)n, pp->tag, pp->ntag)) != NULL) {
            off += (q - w) + (long long)pp->ntag;
            return off < pp->size ? off : pp->size;
        }
        if (off + n >= pp->size || n < (long long)pp->ntag)
            return pp->size;
        off += n - (long long)pp->ntag + 1;
    }
}

static long long
segment_start(struct par *pp, long k)
{
    long long at = (long long)k * pp->seg, to;

    if (k == 1)
        return pp->b1;
    if (at < pp->b1)
        at = pp->b1;
    pthread_mutex_lock(&pp->mu);
    to = at >= pp->cut_from && at <= pp->cut_to ? pp->cut_to : -1;
    pthread_mutex_unlock(&pp->mu);
    if (to >= 0 || (to = cut_at(pp, at)) < 0)
        return to;
    pthread_mutex_lock(&pp->mu);
    if (to > pp->cut_to) {
        pp->cut_from = at;
        pp->cut_to = to;
    }
    pthread_mutex_unlock(&pp->mu);
    return to;
}

/* fp reads the file from *off up to `to`: 0, or -1 with e filled when
 * fp fails, or 1 when the file ends early or cannot be read (one parser
 * then meets that in its own words). */
static int
feed_to(struct feed_parser *fp, int fd, long long *off, long long to,
        struct pw_err *e)
{
    while (*off < to) {
        size_t want = to - *off < CHUNK ? (size_t)(to - *off) : CHUNK;
        long long n = read_at(fd, feed_parser_space(fp, want), want, *off);

        if (feed_parser_commit(fp, n > 0 ? (size_t)n : 0, e) < 0)
            return -1;
        if (n <= 0)
            return 1;
        *off += n;
    }
    return 0;
}

struct seg_ctx {
    const struct parallel_ops *ops;
    void *user;
};

static int
seg_entry(void *ud, const struct paper *p, struct pw_err *e)
{
    struct seg_ctx *c = ud;

    return c->ops->entry(c->user, p, e);
}

/* Segment k into sl, on a worker. Any failure only leaves sl->ok 0: the
 * redo meets it again and tells it as one parser would. */
static void
run_segment(struct par *pp, long k, struct slot *sl)
{
    long long start = segment_start(pp, k), end, off;
    struct seg_ctx c = { pp->ops, NULL };
    struct feed_parser *fp;
    struct pw_err e;
    int rc;

    sl->ok = sl->last = sl->parsed = 0;
    sl->entries = 0;
    sl->out.len = 0;
    if (start >= pp->size) { /* past the last: never written */
        sl->ok = sl->last = 1;
        return;
    }
    if (start < 0 || (end = segment_start(pp, k + 1)) < 0)
        return;
    if (start == end) { /* one entry longer than a segment took it all */
        sl->ok = 1;
        return;
    }
    sl->parsed = 1;
    fp = feed_parser_new(pp->name, seg_entry, &c);
    c.user = pp->ops->open(pp->ops->ud, fp, &sl->out);
    off = start;
    rc = feed_parser_write(fp, pp->head, pp->nhead, &e);
    feed_parser_seal(fp);
    if (rc == 0)
        rc = feed_to(fp, pp->fd, &off, end, &e);
    if (rc == 0 && end == pp->size) {
        sl->last = 1;
        rc = feed_parser_finish(fp, &e);
    } else if (rc == 0 && !feed_parser_between(fp)) {
        rc = -1;
    }
    sl->ok = rc == 0;
    sl->entries = feed_parser_info(fp)->entries;
    pp->ops->close(c.user);
    feed_parser_free(fp);
}

static void *
worker(void *arg)
{
    struct par *pp = arg;

    pthread_mutex_lock(&pp->mu);
    for (;;) {
        struct slot *sl;
        long k;

        while (!pp->stop && pp->next >= pp->taken + pp->nslots)
            pthread_cond_wait(&pp->cv, &pp->mu);
        if (pp->stop)
            break;
        k = pp->next++;
        sl = &pp->slots[k % pp->nslots];
        sl->state = SLOT_BUSY;
        pthread_mutex_unlock(&pp->mu);
        run_segment(pp, k, sl);
        pthread_mutex_lock(&pp->mu);
        sl->k = k;
        sl->state = SLOT_READY;
        pthread_cond_broadcast(&pp->cv);
    }
    pthread_mutex_unlock(&pp->mu);
    return NULL;
}

static void
stop_workers(struct par *pp)
{
    pthread_mutex_lock(&pp->mu);
    pp->stop = 1;
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    for (int i = 0; i < pp->nth; i++)
        pthread_join(pp->th[i], NULL);
    pp->nth = 0;
}

/* Workers take segments 1, 2, ... as slots come free. */
static void
start_workers(struct par *pp, int n)
{
    pp->next = pp->taken = 1;
    pp->nslots = n * AHEAD;
    for (int i = 0; i < pp->nslots; i++)
        buf_init(&pp->slots[i].out);
    for (int i = 0; i < n; i++)
        if (pthread_create(&pp->th[pp->nth], NULL, worker, pp) == 0)
            pp->nth++;
}

/* Segments 1, 2, ... written in order, as their workers finish them. */
static int
write_segments(struct par *pp, long *written, struct parallel_stats *st,
               struct pw_err *e)
{
    for (long k = 1;; k++) {
        struct slot *sl = &pp->slots[k % pp->nslots];

        pthread_mutex_lock(&pp->mu);
        while (!(sl->state == SLOT_READY && sl->k == k))
            pthread_cond_wait(&pp->cv, &pp->mu);
        pthread_mutex_unlock(&pp->mu);
        if (!sl->ok) {
            st->redo_at = k;
            return PARALLEL_REDO;
        }
        if (sl->out.len &&
            pp->ops->write(pp->ops->ud, sl->out.p, sl->out.len, e) < 0)
            return -1;
        *written += sl->entries;
        st->segments += sl->parsed;
        if (sl->last)
            return PARALLEL_DONE;
        pthread_mutex_lock(&pp->mu);
        sl->state = SLOT_FREE;
        pp->taken = k + 1;
        pthread_cond_broadcast(&pp->cv);
        pthread_mutex_unlock(&pp->mu);
    }
}

/* The end tag of the entry whose start tag is at `at`: "</" name ">". */
static int
entry_tag(struct par *pp, long long at)
{
    char w[TAG_MAX];
    long long n = read_at(pp->fd, w, sizeof(w), at);
    size_t len = 1;

    if (n < 2 || w[0] != '<')
        return -1;
    while ((long long)len < n && !strchr(" \t\r\n/>", w[len]))
        len++;
    if (len == 1 || len + 2 > sizeof(pp->tag) || (long long)len == n)
        return -1;
    pp->tag[0] = '<';
    pp->tag[1] = '/';
    memcpy(pp->tag + 2, w + 1, len - 1);
    pp->tag[len + 1] = '>';
    pp->ntag = len + 2;
    return 0;
}

/* Workers on segments 1, 2, ... while fp reads on to b1; then their
 * outputs, in order. */
static int
run_workers(struct par *pp, int n, struct feed_parser *fp, long long *consumed,
            long *written, struct parallel_stats *st, struct pw_err *e)
{
    int rc = PARALLEL_NOT, r;

    pthread_mutex_init(&pp->mu, NULL);
    pthread_cond_init(&pp->cv, NULL);
    start_workers(pp, n);
    st->threads = pp->nth;
    st->segments = 1;
    if (pp->nth == 0)
        goto out;
    if ((r = feed_to(fp, pp->fd, consumed, pp->b1, e)) != 0) {
        rc = r < 0 ? -1 : PARALLEL_NOT;
        goto out;
    }
    if (feed_parser_between(fp)) {
        *written = feed_parser_info(fp)->entries;
        if ((rc = write_segments(pp, written, st, e)) == PARALLEL_DONE)
            *consumed = pp->size;
    }
out:
    stop_workers(pp);
    for (int i = 0; i < pp->nslots; i++)
        buf_fini(&pp->slots[i].out);
    pthread_cond_destroy(&pp->cv);
    pthread_mutex_destroy(&pp->mu);
    return rc;
}

int
parallel_parse(const struct parallel_ops *ops, const char *name, int fd,
               long long size, struct feed_parser *fp, long long *consumed,
               long *written, struct parallel_stats *st, struct pw_err *e)
{
    struct par pp;
    int forced, n, r, rc = PARALLEL_NOT;
    long long at = -1, step, head_max;

    memset(&pp, 0, sizeof(pp));
    memset(st, 0, sizeof(*st));
    *consumed = 0;
    *written = 0;
    pp.ops = ops;
    pp.name = name;
    pp.fd = fd;
    pp.size = size;
    pp.seg = segment_size(&forced);
    pp.cut_from = pp.cut_to = -1;
    n = threads(forced);
    if (pp.seg <= 0 || n < 2 || pp.seg > size / (forced ? 2 : MIN_SEGMENTS))
        return PARALLEL_NOT;
    /* fp reads on until it meets the first entry, half a segment at most:
     * every segment reads the head again */
    head_max = forced ? size : pp.seg / 2;
    step = pp.seg / 4 < CHUNK ? pp.seg / 4 + 1 : CHUNK;
    while (*consumed < head_max && (at = feed_parser_entry_at(fp)) == -1)
        if ((r = feed_to(fp, fd, consumed,
                         *consumed + step < size ? *consumed + step : size,
                         e)) != 0)
            return r < 0 ? -1 : PARALLEL_NOT;
    /* from here a read error only leaves the file to one parser, which
     * meets it again in its own words */
    if (at < 0 || at > head_max || entry_tag(&pp, at) < 0)
        return PARALLEL_NOT;
    pp.b1 = cut_at(&pp, *consumed > pp.seg ? *consumed : pp.seg);
    if (pp.b1 < 0 || pp.b1 >= size)
        return PARALLEL_NOT;
    pp.head = xmalloc((size_t)at + 1);
    pp.nhead = (size_t)at;
    if (read_at(fd, pp.head, pp.nhead, 0) == at)
        rc = run_workers(&pp, n, fp, consumed, written, st, e);
    free(pp.head);
    return rc;
}
