/* query.h: a search as people type it -> an FTS5 query and filters.
 *
 *   diffusion "language model" transform*   words, phrases, prefixes
 *   A OR B, A AND B, A NOT B, ( )            operators (upper case)
 *   author:liang  title:survey  abstract:x   one field (a word or "phrase")
 *   cat:cs.LG  cat:cs                        a category or a whole archive
 *   since:2024-01-01  since:2w               published on or after
 *
 * Knows nothing of SQLite: the store binds what this produces. */
#ifndef PW_QUERY_H
#define PW_QUERY_H

#include <stdint.h>

#include "util.h"

struct search_query {
    struct buf fts;   /* the FTS5 MATCH text; empty: filters only */
    int64_t since;    /* 0: any time */
    struct strv cats; /* each must match (a category or its archive) */
    int prefix;       /* a term ends in '*' */
};

void search_query_init(struct search_query *q);
void search_query_fini(struct search_query *q);

/* -1 with e naming the problem (an unterminated quote, a bad since:). */
int search_query_parse(const char *in, struct search_query *q,
                       struct pw_err *e);

#endif
