/* test_rank.c: pwrank() against SQLite's own bm25() on an in-memory FTS5
 * table of made-up papers: for every query and limit the same rows in
 * the same order with bit-identical scores, also with a condition after
 * 'may' (as search leaves hidden papers out) and with 'score' alone. A
 * small vocabulary and short texts make equal scores common, so the tie
 * rule (the lower rowid first) is exercised too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "rank.h"
#include "t.h"

#define NDOCS 3000

static const char *const vocab[] = {
    "learning", "model",     "neural",      "network",  "graph",    "diffusion",
    "language", "transform", "transformer", "quantum",  "galaxy",   "stellar",
    "protein",  "sampling",  "policy",      "robust",   "kernel",   "sparse",
    "convex",   "gradient",  "attention",   "vision",   "speech",   "causal",
    "entropy",  "lattice",   "topology",    "spectral", "manifold", "inference",
};
#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))

static const char *const names[] = { "Liang",  "Smith", "Chen", "Wang",
                                     "Garcia", "Rossi", "Kim",  "Sato" };

/* skewed to the first words, the common ones, as real text is */
static const char *
word(void)
{
    size_t i = (size_t)rand() % NVOCAB;

    return vocab[i * ((size_t)rand() % NVOCAB) / NVOCAB];
}

static void
words(char *out, size_t size, int n)
{
    size_t len = 0;

    out[0] = '\0';
    for (int i = 0; i < n && len + 16 < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? " " : "",
                                word());
}

static int
fill(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char title[256], authors[256], abstract[2048];
    int rc;

    rc = sqlite3_exec(db,
                      "CREATE VIRTUAL TABLE t USING fts5(title, authors,"
                      " abstract, tokenize='porter unicode61 "
                      "remove_diacritics 2'); BEGIN",
                      NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2, ?3)", -1,
                                &st, NULL);
    for (int i = 0; rc == SQLITE_OK && i < NDOCS; i++) {
        words(title, sizeof(title), 2 + rand() % 5);
        snprintf(authors, sizeof(authors), "A. %s, B. %s", names[rand() % 8],
                 names[rand() % 8]);
        words(abstract, sizeof(abstract), rand() % 3 ? 5 + rand() % 40 : 0);
        sqlite3_bind_text(st, 1, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, authors, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, abstract, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = SQLITE_ERROR;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

struct hits {
    int n;
    sqlite3_int64 rowid[NDOCS];
    double score[NDOCS];
};

/* The rows sql gives for (query, limit); -1 on an error. */
static int
run(sqlite3 *db, const char *sql, const char *query, int limit, struct hits *h)
{
    sqlite3_stmt *st = NULL;
    int rc;

    h->n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        printf("# %s: %s\n", sql, sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && h->n < NDOCS) {
        h->rowid[h->n] = sqlite3_column_int64(st, 0);
        h->score[h->n++] = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int
by_rank(const void *a, const void *b)
{
    const double *x = a, *y = b;

    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Rows in any order (a scan newest first), ranked here: (score, rowid),
 * the first limit of them. */
static void
rank_here(struct hits *h, int limit)
{
    static double pair[NDOCS][2];

    for (int i = 0; i < h->n; i++) {
        pair[i][0] = h->score[i];
        pair[i][1] = (double)h->rowid[i];
    }
    qsort(pair, (size_t)h->n, sizeof(pair[0]), by_rank);
    if (limit >= 0 && h->n > limit)
        h->n = limit;
    for (int i = 0; i < h->n; i++) {
        h->score[i] = pair[i][0];
        h->rowid[i] = (sqlite3_int64)pair[i][1];
    }
}

/* Same rows, same order, the same scores to the bit. */
static int
same(const struct hits *a, const struct hits *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->rowid[i] != b->rowid[i] ||
            memcmp(&a->score[i], &b->score[i], sizeof(double)) != 0)
            return 0;
    return 1;
}

static const char *const queries[] = {
    "learning",
    "model",
    "\"neural network\"",
    "learning model",
    "learning OR graph",
    "learning NOT model",
    "transform*",
    "lear*",
    "title : learning",
    "authors : liang",
    "authors : liang diffusion",
    "{title abstract} : model",
    "NEAR(learning model, 3)",
    "(graph OR galaxy) AND learning",
    "inference",
    "nomatchatall",
};

static const int limits[] = { 1, 2, 5, 20, 100, -1 };

#define BUILTIN(cond)                                                          \
    "SELECT rowid, bm25(t, 10.0, 5.0, 1.0) AS r FROM t WHERE t MATCH ?1" cond  \
    " ORDER BY r, rowid LIMIT ?2"
#define PWRANK(cond)                                                           \
    "SELECT rowid, pwrank(t, 'score', ?2, 10.0, 5.0, 1.0) AS r FROM t"         \
    " WHERE t MATCH ?1 AND pwrank(t, 'may', ?2, 10.0, 5.0, 1.0)" cond          \
    " ORDER BY r, rowid LIMIT ?2"

static void
test_same_as_bm25(sqlite3 *db)
{
    static struct hits want, got;
    static const struct {
        const char *name, *builtin, *ours;
    } forms[] = {
        { "may and score", BUILTIN(""), PWRANK("") },
        { "a condition after may", BUILTIN(" AND rowid % 3 <> 0"),
          PWRANK(" AND rowid % 3 <> 0") },
        { "score alone", BUILTIN(""),
          "SELECT rowid, pwrank(t, 'score', ?2, 10.0, 5.0, 1.0) AS r FROM t"
          " WHERE t MATCH ?1 ORDER BY r, rowid LIMIT ?2" },
        { "no weights",
          "SELECT rowid, bm25(t) AS r FROM t WHERE t MATCH ?1"
          " ORDER BY r, rowid LIMIT ?2",
          "SELECT rowid, pwrank(t, 'score', ?2) AS r FROM t WHERE t MATCH ?1"
          " AND pwrank(t, 'may', ?2) ORDER BY r, rowid LIMIT ?2" },
    };

    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
            int ok = 1, ties = 0;

            for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
                if (run(db, forms[f].builtin, queries[q], limits[l], &want) <
                        0 ||
                    run(db, forms[f].ours, queries[q], limits[l], &got) < 0 ||
                    (rank_here(&got, limits[l]), !same(&want, &got))) {
                    ok = 0;
                    printf("# limit %d: %d rows, want %d\n", limits[l], got.n,
                           want.n);
                }
                for (int i = 1; i < want.n; i++)
                    ties += want.score[i] == want.score[i - 1];
            }
            T_OK(ok, "%s: '%s' ranks as bm25() (%d ties)", forms[f].name,
                 queries[q], ties);
        }
    }
}

/* The point of it: most rows of a common word are never scored. */
static void
test_prunes(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    long all = 0, out = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT pwrank(t, 'score', 10, 10.0, 5.0, 1.0)"
                           " FROM t WHERE t MATCH 'learning'",
                           -1, &st, NULL) == SQLITE_OK)
        for (; sqlite3_step(st) == SQLITE_ROW; all++)
            out += sqlite3_column_double(st, 0) == RANK_OUT;
    sqlite3_finalize(st);
    T_OK(all > 1000 && out > all / 2,
         "a common word: %ld of %ld rows left unscored", out, all);
}

static void
test_misuse(sqlite3 *db)
{
    T_OK(sqlite3_exec(
             db, "SELECT pwrank(t, 'best', 5) FROM t WHERE t MATCH 'model'",
             NULL, NULL, NULL) == SQLITE_ERROR &&
             strstr(sqlite3_errmsg(db), "mode") != NULL,
         "an unknown mode is an error (%s)", sqlite3_errmsg(db));
    T_OK(sqlite3_exec(db, "SELECT pwrank(t) FROM t WHERE t MATCH 'model'", NULL,
                      NULL, NULL) == SQLITE_ERROR,
         "no mode is an error");
}

int
main(void)
{
    sqlite3 *db = NULL;

    srand(7);
    T_OK(sqlite3_open(":memory:", &db) == SQLITE_OK &&
             rank_register(db) == SQLITE_OK && fill(db) == SQLITE_OK,
         "an FTS5 table of %d papers, pwrank registered", NDOCS);
    test_same_as_bm25(db);
    test_prunes(db);
    test_misuse(db);
    sqlite3_close(db);
    return t_done();
}
