/* rank.h: pwrank(), an FTS5 ranking function that gives the top N rows
 * of a search the very bm25 score SQLite's own bm25() gives them, and
 * spends the work of computing it (a document-size lookup per row) on
 * the rows that can still make the top N only. */
#ifndef PW_RANK_H
#define PW_RANK_H

#include <sqlite3.h>

/* The score pwrank() gives a row that cannot make the top N: after any
 * real score (those are <= 0, smaller is better, as bm25()). */
#define RANK_OUT 1e300

/* Register pwrank on db (an SQLite built with FTS5). SQLITE_OK or an
 * SQLite error code.
 *
 *   pwrank(fts, 'may', n, w0, w1, ...)    in WHERE: 0 when the row's score
 *                                         cannot beat the n-th best so far
 *   pwrank(fts, 'score', n, w0, w1, ...)  its score, as bm25(fts, w0, ...)
 *                                         for each row that can, else
 *                                         RANK_OUT
 *
 * Both forms must see the same n and weights, and 'score' only rows that
 * pass every other condition (a result column does): the n best scored
 * so far are what 'may' compares against. Ties go to the lower rowid, so
 * the SQL orders by (score, rowid). n <= 0 scores every row. */
int rank_register(sqlite3 *db);

#endif
