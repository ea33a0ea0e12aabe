/* hs_bare.c: the declarative rules through vectorscan, the multi-pattern
 * matcher issue 5 names, for `make bench`: how fast the library made for
 * this does the same work on the same machine.
 *
 * Reads the rules as "rule\tscore\tfields\tpattern" lines (fields: 1 the
 * title, 2 the abstract, 3 both), one database for the title's patterns
 * and one for the abstract's, then scans each paper's title and abstract
 * ("title\tabstract" lines on stdin) and adds up the scores of the rules
 * that matched, each once. Vectorscan has no Unicode \b, so words are
 * matched with ASCII word edges; paperwatch's own are Unicode's.
 * Prints the best papers/s of N runs and the sum of the scores, to be
 * checked against paperwatch's.
 *
 *   hs_bare RULES.tsv [RUNS] < papers.tsv */
#include <hs/hs.h>

#include "papers.h"

struct rules {
    const char **pats;
    unsigned *flags, *ids;
    size_t n, cap;
};

struct state {
    const double *score;
    unsigned *seen; /* per rule: the paper it last matched */
    unsigned paper;
    double total;
};

static void
add(struct rules *r, char *pat, unsigned id)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->pats = realloc(r->pats, r->cap * sizeof(*r->pats));
        r->flags = realloc(r->flags, r->cap * sizeof(*r->flags));
        r->ids = realloc(r->ids, r->cap * sizeof(*r->ids));
        if (!r->pats || !r->flags || !r->ids)
            abort();
    }
    r->pats[r->n] = pat;
    r->flags[r->n] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH | HS_FLAG_UTF8;
    r->ids[r->n++] = id;
}

static hs_database_t *
compile(const struct rules *r, const char *what)
{
    hs_database_t *db = NULL;
    hs_compile_error_t *err;

    if (r->n == 0)
        return NULL;
    if (hs_compile_multi(r->pats, r->flags, r->ids, (unsigned)r->n,
                         HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        fprintf(stderr, "hs_bare: %s pattern %d: %s\n", what, err->expression,
                err->message);
        exit(1);
    }
    return db;
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to,
         unsigned flags, void *ctx)
{
    struct state *st = ctx;

    (void)from, (void)to, (void)flags;
    if (st->seen[id] != st->paper) {
        st->seen[id] = st->paper;
        st->total += st->score[id];
    }
    return 0;
}

static void
scan(hs_database_t *db, hs_scratch_t *s, const char *text, struct state *st)
{
    if (db && hs_scan(db, text, (unsigned)strlen(text), 0, s, on_match, st) !=
                  HS_SUCCESS) {
        fprintf(stderr, "hs_bare: hs_scan failed\n");
        exit(1);
    }
}

int
main(int argc, char **argv)
{
    struct rules title = { 0 }, abstract = { 0 };
    double score[4096] = { 0 }, best = 0;
    unsigned seen[4096];
    struct papers ps;
    char *line = NULL;
    size_t len = 0;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    hs_database_t *tdb, *adb;
    hs_scratch_t *scratch = NULL;
    struct state st = { score, seen, 0, 0 };
    FILE *f;

    if (argc < 2) {
        fprintf(stderr, "usage: hs_bare RULES.tsv [RUNS] < papers.tsv\n");
        return 2;
    }
    if ((f = fopen(argv[1], "r")) == NULL) {
        perror(argv[1]);
        return 1;
    }
    while (getline(&line, &len, f) > 0) {
        unsigned rule, fields;
        double sc;
        int at;
        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%u\t%lf\t%u\t%n", &rule, &sc, &fields, &at) != 3 ||
            rule >= 4096) {
            fprintf(stderr, "hs_bare: %s: bad line: %s\n", argv[1], line);
            return 1;
        }
        score[rule] = sc;
        if (fields & 1)
            add(&title, strdup(line + at), rule);
        if (fields & 2)
            add(&abstract, strdup(line + at), rule);
    }
    fclose(f);
    tdb = compile(&title, "title");
    adb = compile(&abstract, "abstract");
    if ((tdb && hs_alloc_scratch(tdb, &scratch) != HS_SUCCESS) ||
        (adb && hs_alloc_scratch(adb, &scratch) != HS_SUCCESS)) {
        fprintf(stderr, "hs_bare: no scratch space\n");
        return 1;
    }

    papers_read(&ps, stdin);
    if (ps.n == 0) {
        fprintf(stderr, "hs_bare: no papers on stdin\n");
        return 1;
    }

    for (int r = 0; r < runs; r++) {
        double t0 = now(), dt;
        memset(seen, 0xff, sizeof(seen));
        st.total = 0;
        for (size_t i = 0; i < ps.n; i++) {
            st.paper = (unsigned)i;
            scan(tdb, scratch, ps.title[i], &st);
            scan(adb, scratch, ps.abstract[i], &st);
        }
        dt = now() - t0;
        if (dt > 0 && ps.n / dt > best)
            best = ps.n / dt;
    }
    printf("%.0f %.0f\n", best, st.total);
    papers_free(&ps);
    free(line);
    return 0;
}
