/* rank.c: pwrank(), bm25 for the rows that can make the top N.
 *
 * SQLite's bm25() looks up the row's length in tokens (a statement on
 * %_docsize) for every row that matches; for a word in half of 60000
 * papers that is most of a search. Yet a row's score is largest when its
 * length is smallest, and what bounds the length from below is known
 * from the hits alone: a hit at offset k means the column holds more
 * than k tokens. So the score with that least length is an upper bound,
 * computed from the position lists FTS5 has already read; a row whose
 * bound cannot beat the n-th best exact score so far cannot make the top
 * n, and its length is never looked up.
 *
 * The exact score is computed as fts5_aux.c computes bm25 (the same
 * constants, idf and operations in the same order), so the top n rows,
 * their scores and their order are bm25()'s. The bound is the same
 * expression with a length no greater, and floating point rounding is
 * monotonic, so it is never below the exact score. */
#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "rank.h"

/* bm25's constants (fts5_aux.c) */
static const double k1 = 1.2;
static const double b = 0.75;

struct best {
    double score; /* bm25 as a positive number: larger is better */
    sqlite3_int64 rowid;
};

/* Per query (FTS5 auxdata): the statistics bm25 computes once, the row
 * at hand, and the n best rows scored so far in a heap, worst on top. */
struct rank {
    int nphrase, ncol;
    double avgdl;
    /* the four arrays live in this struct's allocation, after it */
    double *idf;  /* [nphrase] */
    double *freq; /* [nphrase] weighted hits in the row at hand */
    double *w;    /* [ncol] column weights */
    int *last;    /* [ncol] offset of the row's last hit in each column */
    sqlite3_int64 rowid;
    int have_freq;  /* freq and last are the row's */
    int have_score; /* score is the row's result */
    double score;
    long n; /* the heap's capacity; 0: no pruning */
    long nbest;
    struct best *best; /* owned; [n] */
};

/* a ranks after b: a lower score, or the same and a later row */
static int
worse(double as, sqlite3_int64 ar, double bs, sqlite3_int64 br)
{
    return as < bs || (as == bs && ar > br);
}

static void
sift_down(struct best *h, long n, long i)
{
    for (;;) {
        long l = 2 * i + 1, r = l + 1, m = i;
        struct best t;

        if (l < n && worse(h[l].score, h[l].rowid, h[m].score, h[m].rowid))
            m = l;
        if (r < n && worse(h[r].score, h[r].rowid, h[m].score, h[m].rowid))
            m = r;
        if (m == i)
            return;
        t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void
sift_up(struct best *h, long i)
{
    while (i > 0) {
        long p = (i - 1) / 2;
        struct best t;

        if (!worse(h[i].score, h[i].rowid, h[p].score, h[p].rowid))
            return;
        t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* Keep (score, rowid) if it is among the n best seen. */
static void
keep(struct rank *r, double score, sqlite3_int64 rowid)
{
    if (r->n <= 0)
        return;
    if (r->nbest < r->n) {
        r->best[r->nbest].score = score;
        r->best[r->nbest].rowid = rowid;
        sift_up(r->best, r->nbest++);
    } else if (worse(r->best[0].score, r->best[0].rowid, score, rowid)) {
        r->best[0].score = score;
        r->best[0].rowid = rowid;
        sift_down(r->best, r->nbest, 0);
    }
}

/* Can a row whose score is at most bound make the n best? */
static int
may_enter(const struct rank *r, double bound, sqlite3_int64 rowid)
{
    return r->n <= 0 || r->nbest < r->n ||
           worse(r->best[0].score, r->best[0].rowid, bound, rowid);
}

/* fts5_aux.c's sum, for a row of D tokens: keep the operations as they
 * are there, or the scores are no longer bm25()'s to the last bit. */
static double
bm25(const struct rank *r, double D)
{
    double score = 0.0;

    for (int i = 0; i < r->nphrase; i++)
        score += r->idf[i] * ((r->freq[i] * (k1 + 1.0)) /
                              (r->freq[i] + k1 * (1 - b + b * D / r->avgdl)));
    return score;
}

static int
count_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ud)++;
    return SQLITE_OK;
}

static void
rank_free(void *p)
{
    struct rank *r = p;

    if (r != NULL)
        sqlite3_free(r->best);
    sqlite3_free(r);
}

/* The per-query part, as fts5Bm25GetData: average length, idf of each
 * phrase from the number of rows it is in (floored at 1e-6). */
static int
rank_new(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_int64 n, int nw,
         sqlite3_value **wv, struct rank **out)
{
    int np = api->xPhraseCount(fts), nc = api->xColumnCount(fts);
    sqlite3_int64 nrow = 0, ntok = 0;
    size_t size = sizeof(struct rank) + (size_t)np * 2 * sizeof(double) +
                  (size_t)nc * (sizeof(double) + sizeof(int));
    struct rank *r = sqlite3_malloc64(size);
    int rc;

    *out = NULL;
    if (r == NULL)
        return SQLITE_NOMEM;
    memset(r, 0, size);
    r->nphrase = np;
    r->ncol = nc;
    r->idf = (double *)&r[1];
    r->freq = r->idf + np;
    r->w = r->freq + np;
    r->last = (int *)(r->w + nc);
    for (int i = 0; i < nc; i++)
        r->w[i] = i < nw ? sqlite3_value_double(wv[i]) : 1.0;
    if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK ||
        (rc = api->xColumnTotalSize(fts, -1, &ntok)) != SQLITE_OK)
        goto fail;
    r->avgdl = (double)ntok / (double)nrow;
    /* n rows or more: every row makes it, no heap */
    if (n > 0 && n < nrow) {
        r->n = (long)n;
        if ((r->best = sqlite3_malloc64((size_t)n * sizeof(*r->best))) ==
            NULL) {
            rc = SQLITE_NOMEM;
            goto fail;
        }
    }
    for (int i = 0; i < np; i++) {
        sqlite3_int64 nhit = 0;
        double idf;

        if ((rc = api->xQueryPhrase(fts, i, &nhit, count_hit)) != SQLITE_OK)
            goto fail;
        idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
        r->idf[i] = idf <= 0.0 ? 1e-6 : idf;
    }
    if ((rc = api->xSetAuxdata(fts, r, rank_free)) != SQLITE_OK)
        return rc; /* xSetAuxdata has freed r */
    *out = r;
    return SQLITE_OK;
fail:
    rank_free(r);
    return rc;
}

/* The row's weighted hits per phrase and its last hit in each column,
 * from the position lists alone. Phrase by phrase, in position order:
 * the order in which bm25() adds them up. */
static int
row_hits(struct rank *r, const Fts5ExtensionApi *api, Fts5Context *fts)
{
    for (int c = 0; c < r->ncol; c++)
        r->last[c] = 0;
    for (int i = 0; i < r->nphrase; i++) {
        Fts5PhraseIter it;
        int col, off, rc;
        double f = 0.0;

        if ((rc = api->xPhraseFirst(fts, i, &it, &col, &off)) != SQLITE_OK)
            return rc;
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
            if (col >= r->ncol)
                return SQLITE_CORRUPT_VTAB;
            f += r->w[col];
            if (off > r->last[col])
                r->last[col] = off;
        }
        r->freq[i] = f;
    }
    return SQLITE_OK;
}

/* The least the row's length can be: a hit at offset k means more than
 * k tokens. (k, not k + 1: the bound stays a bound even if a tokenizer
 * ever reported an offset one past the end.) */
static double
least_length(const struct rank *r)
{
    double d = 0.0;

    for (int c = 0; c < r->ncol; c++)
        d += (double)r->last[c];
    return d;
}

static void
pwrank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
       int nval, sqlite3_value **val)
{
    struct rank *r = api->xGetAuxdata(fts, 0);
    sqlite3_int64 rowid = api->xRowid(fts);
    const char *mode;
    int rc, score_mode, nt;

    if (nval < 2) {
        sqlite3_result_error(ctx, "pwrank: expected (fts, mode, n, weights)",
                             -1);
        return;
    }
    mode = (const char *)sqlite3_value_text(val[0]);
    if (mode == NULL || (strcmp(mode, "may") != 0 && strcmp(mode, "score"))) {
        sqlite3_result_error(ctx, "pwrank: mode must be 'may' or 'score'", -1);
        return;
    }
    score_mode = mode[0] == 's';
    if (r == NULL && (rc = rank_new(api, fts, sqlite3_value_int64(val[1]),
                                    nval - 2, val + 2, &r)) != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    if (!r->have_freq || r->rowid != rowid) {
        r->rowid = rowid;
        r->have_freq = r->have_score = 0;
        if ((rc = row_hits(r, api, fts)) != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        r->have_freq = 1;
    }
    if (score_mode && r->have_score) { /* the same row asked again */
        sqlite3_result_double(ctx, r->score);
        return;
    }
    if (!may_enter(r, bm25(r, least_length(r)), rowid)) {
        if (score_mode)
            sqlite3_result_double(ctx, RANK_OUT);
        else
            sqlite3_result_int(ctx, 0);
        return;
    }
    if (!score_mode) {
        sqlite3_result_int(ctx, 1);
        return;
    }
    if ((rc = api->xColumnSize(fts, -1, &nt)) != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    r->score = bm25(r, (double)nt);
    keep(r, r->score, rowid);
    r->score = -1.0 * r->score;
    r->have_score = 1;
    sqlite3_result_double(ctx, r->score);
}

int
rank_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    /* how an application reaches FTS5's C API (fts5.html, section 7) */
    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        rc = sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK && api == NULL)
        rc = SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "pwrank", NULL, pwrank, NULL);
    return rc;
}
