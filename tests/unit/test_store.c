/* test_store.c: the store against a real SQLite file in a temporary
 * directory: schema and migrations, merging upserts, scores, the notified
 * mark across connections and processes, transactions, queries, FTS. */
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "t.h"

static char dir[64];
static char dbpath[256];

/* --- helpers --- */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The schema version a new database gets (set by the first test). */
static long latest = -1;

/* One number from a query on a separate raw connection; -1 on error. */
static long
q_long(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Run SQL on a separate raw connection: 0 ok, -1 error. */
static int
q_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        rc = 0;
    sqlite3_close(db);
    return rc;
}

static char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long len;

    *n = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        p = xmalloc((size_t)len + 1);
        *n = fread(p, 1, (size_t)len, f);
    }
    fclose(f);
    return p;
}

static void
mk_paper(struct paper *p, const char *key, int version, const char *title)
{
    paper_init(p);
    p->key = xstrdup(key);
    if (strncmp(key, "arxiv:", 6) == 0)
        p->arxiv_id = xstrdup(key + 6);
    p->version = version;
    if (title)
        p->title = xstrdup(title);
}

static void
add_abstract_authors(struct paper *p, const char *abstract)
{
    p->abstract = xstrdup(abstract);
    strv_add(&p->authors, "Ada Lovelace");
    strv_add(&p->authors, "Alan Turing");
    strv_add(&p->categories, "cs.LG");
}

/* The outcome, or -1 on failure. Frees the paper. */
static int
upsert(struct store *s, struct paper *p, const char *source, int64_t now)
{
    enum store_outcome o = STORE_UNCHANGED;
    struct pw_err e = { "" };
    int rc = 0;

    if ((rc = store_upsert_paper(s, p, source, now, &o, &e)) < 0)
        printf("# upsert: %s\n", e.msg);
    paper_fini(p);
    return rc < 0 ? -1 : (int)o;
}

static int64_t
id_of(struct store *s, const char *key)
{
    struct store_row r;
    struct pw_err e;
    int64_t id = -1;

    store_row_init(&r);
    if (store_get(s, key, &r, &e) == 1)
        id = r.id;
    store_row_fini(&r);
    return id;
}

/* --- tests --- */

static void
test_open(void)
{
    struct pw_err e = { "" };
    struct store *s;
    struct stat sb;
    char sub[128];
    long n = -1;

    s = store_open(dbpath, &e);
    T_OK(s != NULL, "open creates the directories and the file (%s)", e.msg);
    snprintf(sub, sizeof(sub), "%s/a/b", dir);
    T_OK(stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode) &&
             (sb.st_mode & 0777) == 0700,
         "new directories are 0700");
    T_STR(store_path(s), dbpath, "store_path");
    latest = q_long(dbpath, "PRAGMA user_version");
    T_OK(latest >= 2, "a new database has the latest schema (%ld)", latest);
    T_OK(q_long(dbpath, "SELECT count(*) FROM sqlite_master WHERE name IN"
                        " ('papers','paper_sources','rule_scores','events',"
                        "'sources','papers_fts')") == 6,
         "all tables exist");
    T_OK(q_long(dbpath, "SELECT count(*) FROM pragma_journal_mode"
                        " WHERE journal_mode = 'wal'") == 1,
         "WAL mode");
    T_OK(store_count_papers(s, &n, &e) == 0 && n == 0, "empty to begin with");
    store_close(s);
}

/* A version 1 database (made by the first release) moves forward to 2 on
 * open, keeping its papers and source state. */
static void
test_migrate_1_to_2(void)
{
    struct pw_err e = { "" };
    struct store *s = store_open(dbpath, &e);
    struct source_state st;
    struct paper p;
    long n = -1;

    mk_paper(&p, "arxiv:1111.00002", 1, "From version 1");
    T_OK(upsert(s, &p, "src", 100) == STORE_NEW, "v1: a paper");
    source_state_init(&st);
    st.etag = xstrdup("\"v1\"");
    T_OK(store_source_put(s, "old", &st, &e) == 0, "v1: a source");
    source_state_fini(&st);
    store_close(s);
    T_OK(q_exec(dbpath, "ALTER TABLE papers DROP COLUMN notified_version;"
                        "ALTER TABLE sources DROP COLUMN moved_to;"
                        "ALTER TABLE sources DROP COLUMN last_ok;"
                        "ALTER TABLE sources DROP COLUMN http_status;"
                        "PRAGMA user_version = 1;") == 0,
         "made a version 1 database");
    s = store_open(dbpath, &e);
    T_OK(s != NULL, "v1 opens (%s)", e.msg);
    if (s == NULL)
        return;
    T_OK(q_long(dbpath, "PRAGMA user_version") == latest,
         "migrated to the latest (%ld)", latest);
    T_OK(store_count_papers(s, &n, &e) == 0 && n >= 1, "papers kept");
    source_state_init(&st);
    T_OK(store_source_get(s, "old", &st, &e) == 1 && st.etag &&
             strcmp(st.etag, "\"v1\"") == 0 && st.moved_to == NULL,
         "source state kept");
    st.moved_to = xstrdup("https://example.org/new");
    st.last_ok = 7;
    st.http_status = 301;
    T_OK(store_source_put(s, "old", &st, &e) == 0, "new columns written");
    source_state_fini(&st);
    T_OK(store_source_get(s, "old", &st, &e) == 1 && st.moved_to &&
             strcmp(st.moved_to, "https://example.org/new") == 0 &&
             st.last_ok == 7 && st.http_status == 301,
         "new columns read back");
    source_state_fini(&st);
    store_close(s);
}

static void
test_reopen(void)
{
    struct pw_err e = { "" };
    struct store *s = store_open(dbpath, &e);
    struct paper p;
    long n = -1;

    mk_paper(&p, "arxiv:1111.00001", 1, "Persisted");
    T_OK(upsert(s, &p, "src", 100) == STORE_NEW, "insert before reopen");
    store_close(s);
    s = store_open(dbpath, &e);
    T_OK(s != NULL, "reopen (%s)", e.msg);
    T_OK(store_count_papers(s, &n, &e) == 0 && n == 1, "data kept");
    T_OK(q_long(dbpath, "PRAGMA user_version") == latest, "user_version kept");
    store_close(s);
}

static void
test_newer(void)
{
    char path[256], *before, *after;
    struct pw_err e = { "" };
    size_t nb, na;
    sqlite3 *db;

    snprintf(path, sizeof(path), "%s/future.db", dir);
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 99;", NULL, NULL,
                 NULL);
    sqlite3_close(db);
    before = slurp(path, &nb);
    T_OK(store_open(path, &e) == NULL, "a newer schema is refused");
    T_OK(strstr(e.msg, path) && strstr(e.msg, "newer paperwatch"),
         "error names the file and the cause: %s", e.msg);
    after = slurp(path, &na);
    T_OK(before && after && nb == na && memcmp(before, after, nb) == 0,
         "the newer database is not modified");
    T_OK(q_long(path, "PRAGMA user_version") == 99, "its version is kept");
    free(before);
    free(after);
}

static void
test_not_db(void)
{
    char path[256];
    struct pw_err e = { "" };
    FILE *f;

    snprintf(path, sizeof(path), "%s/junk.db", dir);
    f = fopen(path, "w");
    fputs("this is certainly not an SQLite database, just some text that "
          "is long enough to have a header of the wrong kind\n",
          f);
    fclose(f);
    T_OK(store_open(path, &e) == NULL, "a text file is refused");
    T_OK(strstr(e.msg, path) && strstr(e.msg, "not a database"),
         "error names the path: %s", e.msg);
}

static void
test_versions(struct store *s)
{
    struct store_row r;
    struct pw_err e = { "" };
    struct paper p;

    store_row_init(&r);
    mk_paper(&p, "arxiv:2401.12345", 1, "First title");
    add_abstract_authors(&p, "We study two-phase things.");
    T_OK(upsert(s, &p, "arxiv", 1000) == STORE_NEW, "new paper: NEW");
    mk_paper(&p, "arxiv:2401.12345", 1, "First title");
    add_abstract_authors(&p, "We study two-phase things.");
    T_OK(upsert(s, &p, "arxiv", 1100) == STORE_UNCHANGED,
         "same again: UNCHANGED");
    T_OK(store_set_scores(s, id_of(s, "arxiv:2401.12345"), "h1", NULL, 0, 1,
                          &e) == 0,
         "score it");
    mk_paper(&p, "arxiv:2401.12345", 2, "Second title");
    T_OK(upsert(s, &p, "arxiv", 1200) == STORE_UPDATED,
         "higher version: UPDATED");
    T_OK(store_get(s, "arxiv:2401.12345", &r, &e) == 1, "get");
    T_STR(r.p.title, "Second title", "new version's title");
    T_STR(r.p.abstract, "We study two-phase things.",
          "abstract the new version lacked is kept");
    T_OK(r.p.version == 2 && !r.scored && r.changed_at == 1200 &&
             r.first_seen == 1000 && r.last_seen == 1200,
         "version 2, score_hash cleared, times");
    mk_paper(&p, "arxiv:2401.12345", 1, "First title");
    T_OK(upsert(s, &p, "arxiv", 1300) == STORE_UNCHANGED,
         "lower version: UNCHANGED");
    store_get(s, "arxiv:2401.12345", &r, &e);
    T_STR(r.p.title, "Second title", "lower version does not overwrite");
    T_OK(r.p.version == 2 && r.last_seen == 1300, "version kept, last_seen");
    store_row_fini(&r);
}

static void
test_sources_merge(struct store *s)
{
    struct store_row r;
    struct pw_err e = { "" };
    struct paper p;
    long n0 = 0, n1 = 0;

    store_row_init(&r);
    store_count_papers(s, &n0, &e);
    mk_paper(&p, "arxiv:2402.00001", 1, "Merged paper");
    add_abstract_authors(&p, "Abstract from arXiv.");
    p.doi = xstrdup("10.1234/abc");
    p.announce = xstrdup("new");
    p.extras = xstrdup("{\"primary\":\"cs.LG\"}");
    T_OK(upsert(s, &p, "arxiv:cs.LG", 2000) == STORE_NEW, "from arXiv");
    mk_paper(&p, "arxiv:2402.00001", 0, "Merged paper");
    p.extras = xstrdup("{\"upvotes\":12}");
    p.announce = xstrdup("replace");
    T_OK(upsert(s, &p, "hf", 2100) == STORE_UNCHANGED,
         "from HF with nothing new: UNCHANGED");
    store_count_papers(s, &n1, &e);
    T_OK(n1 == n0 + 1, "one row for both sources");
    T_OK(store_get(s, "arxiv:2402.00001", &r, &e) == 1 && r.sources.n == 2 &&
             strv_has(&r.sources, "hf") && strv_has(&r.sources, "arxiv:cs.LG"),
         "two sources recorded");
    T_STR(r.p.extras, "{\"primary\":\"cs.LG\",\"upvotes\":12}",
          "extras merged");
    T_STR(r.p.doi, "10.1234/abc", "doi kept");
    T_STR(r.p.announce, "new", "first announcement kept");
    T_STR(r.p.abstract, "Abstract from arXiv.", "empty field not erased");
    T_OK(r.p.authors.n == 2 && r.p.categories.n == 1,
         "authors and categories not erased");
    mk_paper(&p, "arxiv:2402.00001", 0, NULL);
    p.extras = xstrdup("{\"upvotes\":15}");
    p.abstract = xstrdup(""); /* empty, not just missing */
    upsert(s, &p, "hf", 2200);
    store_get(s, "arxiv:2402.00001", &r, &e);
    T_STR(r.p.extras, "{\"primary\":\"cs.LG\",\"upvotes\":15}",
          "incoming extras override");
    T_STR(r.p.title, "Merged paper", "missing title not erased");
    T_STR(r.p.abstract, "Abstract from arXiv.", "empty abstract not erased");
    T_OK(q_long(dbpath, "SELECT count(*) FROM paper_sources s JOIN papers p"
                        " ON p.id = s.paper_id WHERE p.key ="
                        " 'arxiv:2402.00001' AND s.source = 'hf' AND"
                        " s.announce = 'replace' AND s.last_seen = 2200") == 1,
         "announce and last_seen per source");
    mk_paper(&p, "arxiv:2402.00001", 1, "Merged paper");
    add_abstract_authors(&p, "Abstract from arXiv.");
    strv_add(&p.authors, "Grace Hopper");
    T_OK(upsert(s, &p, "arxiv:cs.LG", 2300) == STORE_UPDATED,
         "same version, an author more: UPDATED");
    store_row_fini(&r);
}

/* The same version from two sources keeps the richest of each field; the
 * one source that gave a paper may edit it; a DOI-keyed record and an
 * arXiv one with that DOI are one paper, under the arXiv key. */
static void
test_richest(struct store *s)
{
    struct store_row r;
    struct pw_err e = { "" };
    struct paper p;
    long n0 = 0, n1 = 0;

    store_row_init(&r);
    mk_paper(&p, "arxiv:2606.11111", 1, "A Study of Merging");
    p.abstract = xstrdup("A long abstract from arXiv, as it was written.");
    strv_add(&p.authors, "Alice A");
    strv_add(&p.authors, "Bob B");
    strv_add(&p.categories, "cs.LG");
    strv_add(&p.categories, "cs.CL");
    p.published = 1781092800; /* 2026-06-10T12:00:00Z */
    T_OK(upsert(s, &p, "arx", 3000) == STORE_NEW, "richest: from arXiv");
    mk_paper(&p, "arxiv:2606.11111", 1, "Merging paper");
    p.abstract = xstrdup("Short.");
    strv_add(&p.authors, "Carol");
    strv_add(&p.categories, "ml");
    p.published = 1781049600; /* the same day, a date alone */
    T_OK(upsert(s, &p, "blog", 3100) == STORE_UNCHANGED,
         "richest: a poorer record of the same version: UNCHANGED");
    T_OK(store_get(s, "arxiv:2606.11111", &r, &e) == 1, "richest: get");
    T_STR(r.p.title, "A Study of Merging", "richest: stored title kept");
    T_STR(r.p.abstract, "A long abstract from arXiv, as it was written.",
          "richest: the longer abstract kept");
    T_OK(r.p.authors.n == 2 && r.p.categories.n == 2,
         "richest: the longer lists kept");
    T_OK(r.p.published == 1781092800, "richest: a time over a bare date");
    T_OK(r.sources.n == 2, "richest: both sources");

    /* one source only: its entry, edited */
    mk_paper(&p, "https://b.example/1", 0, "Old title");
    p.abstract = xstrdup("A longer first description of it.");
    T_OK(upsert(s, &p, "b", 3200) == STORE_NEW, "edit: new");
    mk_paper(&p, "https://b.example/1", 0, "New title");
    p.abstract = xstrdup("Fixed.");
    T_OK(upsert(s, &p, "b", 3300) == STORE_UPDATED, "edit: UPDATED");
    store_get(s, "https://b.example/1", &r, &e);
    T_STR(r.p.title, "New title", "edit: the source's new title");
    T_STR(r.p.abstract, "Fixed.", "edit: the source's new abstract");

    /* a journal's record by DOI, then arXiv's with that DOI */
    store_count_papers(s, &n0, &e);
    mk_paper(&p, "doi:10.1234/merge.2026", 0, "A Study (journal)");
    p.doi = xstrdup("10.1234/merge.2026");
    p.journal_ref = xstrdup("J. Merg. 1 (2026)");
    T_OK(upsert(s, &p, "journal", 3400) == STORE_NEW, "doi: the journal's");
    mk_paper(&p, "arxiv:2606.22222", 1, "A Study");
    p.doi = xstrdup("10.1234/merge.2026");
    T_OK(upsert(s, &p, "arx", 3500) == STORE_UPDATED,
         "doi: arXiv's, the same paper: UPDATED");
    store_count_papers(s, &n1, &e);
    T_OK(n1 == n0 + 1, "doi: one row");
    T_OK(store_get(s, "arxiv:2606.22222", &r, &e) == 1 &&
             strcmp(r.p.key, "arxiv:2606.22222") == 0 && r.sources.n == 2,
         "doi: under the arXiv key, both sources");
    T_STR(r.p.journal_ref, "J. Merg. 1 (2026)", "doi: the journal's ref kept");
    mk_paper(&p, "doi:10.1234/merge.2026", 0, "A Study (journal)");
    p.doi = xstrdup("10.1234/merge.2026");
    T_OK(upsert(s, &p, "journal", 3600) == STORE_UNCHANGED,
         "doi: the journal's again finds the arXiv row");
    store_count_papers(s, &n1, &e);
    T_OK(n1 == n0 + 1, "doi: still one row");
    /* two arXiv ids with one DOI stay two papers */
    mk_paper(&p, "arxiv:2606.33333", 1, "Another");
    p.doi = xstrdup("10.1234/merge.2026");
    T_OK(upsert(s, &p, "arx", 3700) == STORE_NEW,
         "doi: another arXiv id with it is another paper");
    store_row_fini(&r);
}

static int
collect_score(void *ud, const char *rule, double score, const char *reason,
              struct pw_err *e)
{
    struct buf *b = ud;

    (void)e;
    buf_addf(b, "%s=%g(%s);", rule, score, reason ? reason : "-");
    return 0;
}

static void
test_scores(struct store *s)
{
    struct rule_score sc[] = {
        { "zero", 0, NULL },
        { "small", 1, "word" },
        { "big", -4, "survey" },
    };
    struct pw_err e = { "" };
    int64_t *ids = NULL, id;
    size_t n = 0, i;
    struct buf b;
    int found;

    buf_init(&b);
    id = id_of(s, "arxiv:2402.00001");
    T_OK(store_unscored(s, &ids, &n, &e) == 0 && n > 0, "unscored list");
    for (found = 0, i = 0; i < n; i++)
        found |= ids[i] == id;
    T_OK(found, "the updated paper is unscored");
    free(ids);
    T_OK(store_set_scores(s, id, "hash1", sc, 3, -3, &e) == 0, "set (%s)",
         e.msg);
    T_OK(q_long(dbpath, "SELECT count(*) FROM rule_scores") == 2,
         "zeros not stored");
    T_OK(store_scores(s, id, collect_score, &b, &e) == 0, "scores");
    T_STR(b.p, "big=-4(survey);small=1(word);", "by descending |score|");
    store_set_scores(s, id, "hash2", sc + 1, 1, 1, &e);
    T_OK(q_long(dbpath, "SELECT count(*) FROM rule_scores") == 1,
         "old scores replaced");
    store_unscored(s, &ids, &n, &e);
    for (found = 0, i = 0; i < n; i++)
        found |= ids[i] == id;
    T_OK(!found, "scored paper not unscored");
    free(ids);
    T_OK(store_unscore_all(s, &e) == 0, "unscore all");
    store_unscored(s, &ids, &n, &e);
    T_OK((long)n == q_long(dbpath, "SELECT count(*) FROM papers"),
         "all unscored");
    free(ids);
    T_OK(store_set_scores(s, 99999, "h", NULL, 0, 1, &e) < 0 &&
             strstr(e.msg, "no such paper"),
         "unknown paper: %s", e.msg);
    buf_fini(&b);
}

static void
test_notified(struct store *s)
{
    struct pw_err e = { "" };
    struct store *s2 = store_open(dbpath, &e);
    int64_t id = id_of(s, "arxiv:2401.12345");
    struct store_row r;

    store_row_init(&r);
    T_OK(store_mark_notified(s, id, 5000, &e) == 1, "first mark: 1");
    T_OK(store_mark_notified(s, id, 5001, &e) == 0, "again: 0");
    T_OK(s2 && store_mark_notified(s2, id, 5002, &e) == 0,
         "second connection: 0");
    store_get_by_id(s2, id, &r, &e);
    T_OK(r.notified_at == 5000, "notified_at from the first mark");
    T_OK(q_long(dbpath, "SELECT count(*) FROM events WHERE kind ="
                        " 'notified'") == 1,
         "one notified event");
    id = id_of(s, "arxiv:2402.00001");
    T_OK(store_mark_notified(s2, id, 5003, &e) == 1 &&
             store_mark_notified(s, id, 5004, &e) == 0,
         "the other way round");
    store_row_fini(&r);
    store_close(s2);
}

/* Two processes race to mark the same papers: each is marked once. Only
 * children use SQLite after fork() (a connection must not cross a fork), so
 * the parent has closed its store before. */
static void
race_child(int go, int res, const int64_t *ids, int n)
{
    struct pw_err e;
    struct store *c;
    int r[2] = { 0, 0 }; /* marks, errors */
    char b;

    if (read(go, &b, 1) < 0) /* EOF: go */
        _exit(1);
    c = store_open(dbpath, &e);
    for (int i = 0; i < n; i++) {
        int m = c ? store_mark_notified(c, ids[i], 6001, &e) : -1;

        r[0] += m == 1;
        r[1] += m < 0;
    }
    store_close(c);
    _exit(write(res, r, sizeof(r)) == sizeof(r) ? 0 : 1);
}

static void
test_notified_race(void)
{
    enum { N = 300 };
    static int64_t ids[N];
    struct pw_err e = { "" };
    struct store *s = store_open(dbpath, &e);
    int go[2], res[2], r[2], marks = 0, errors = 0, each[2] = { 0, 0 }, k;
    char key[64];

    store_begin(s, &e);
    for (int i = 0; i < N; i++) {
        struct paper p;

        snprintf(key, sizeof(key), "race:%d", i);
        mk_paper(&p, key, 0, "Race");
        upsert(s, &p, "race", 6000);
        ids[i] = id_of(s, key);
    }
    store_commit(s, &e);
    store_close(s);
    if (pipe(go) < 0 || pipe(res) < 0)
        return;
    fflush(stdout);
    for (k = 0; k < 2; k++) {
        if (fork() == 0) {
            close(go[1]);
            race_child(go[0], res[1], ids, N);
        }
    }
    close(go[1]); /* both start now */
    close(res[1]);
    for (k = 0; read(res[0], r, sizeof(r)) == sizeof(r); k++) {
        each[k % 2] = r[0];
        marks += r[0];
        errors += r[1];
    }
    while (wait(NULL) > 0)
        ;
    close(go[0]);
    close(res[0]);
    T_OK(marks == N && errors == 0,
         "two processes racing: %d + %d marks for %d papers, %d errors",
         each[0], each[1], N, errors);
    T_OK(q_long(dbpath, "SELECT count(*) FROM events WHERE kind = 'notified'"
                        " AND paper_id IN (SELECT id FROM papers WHERE key"
                        " LIKE 'race:%')") == N,
         "one notified event each");
}

static void
test_transactions(struct store *s)
{
    struct pw_err e = { "" };
    struct paper p;

    T_OK(store_begin(s, &e) == 0, "begin");
    mk_paper(&p, "tx:outer", 0, "Outer");
    upsert(s, &p, NULL, 7000);
    T_OK(store_begin(s, &e) == 0, "nested begin");
    mk_paper(&p, "tx:inner", 0, "Inner");
    upsert(s, &p, NULL, 7000);
    T_OK(store_rollback(s) == 0, "inner rollback");
    T_OK(store_commit(s, &e) == 0, "outer commit");
    T_OK(id_of(s, "tx:outer") > 0 && id_of(s, "tx:inner") < 0,
         "inner rollback discards only the inner work");
    store_begin(s, &e);
    mk_paper(&p, "tx:a", 0, "A");
    upsert(s, &p, NULL, 7000);
    store_begin(s, &e);
    mk_paper(&p, "tx:b", 0, "B");
    upsert(s, &p, NULL, 7000);
    T_OK(store_commit(s, &e) == 0, "inner commit");
    T_OK(store_rollback(s) == 0, "outer rollback");
    T_OK(id_of(s, "tx:a") < 0 && id_of(s, "tx:b") < 0,
         "outer rollback discards all");
    T_OK(store_commit(s, &e) < 0 && strstr(e.msg, "no transaction"),
         "commit without begin: %s", e.msg);
    T_OK(store_rollback(s) == 0, "rollback without begin does nothing");
}

static void
test_source_state(struct store *s)
{
    struct source_state in, out;
    struct pw_err e = { "" };

    source_state_init(&in);
    source_state_init(&out);
    T_OK(store_source_get(s, "nowhere", &out, &e) == 0 && out.url == NULL &&
             out.failures == 0,
         "missing source: 0, initialized");
    in.url = xstrdup("https://rss.arxiv.org/atom/cs.LG");
    in.etag = xstrdup("\"abc\"");
    in.last_modified = xstrdup("Tue, 02 Jan 2024 03:04:05 GMT");
    in.last_fetch = 8000;
    in.last_status = xstrdup("error");
    in.last_error = xstrdup("HTTP 503");
    in.items_last = 42;
    in.failures = 3;
    in.next_due = 9000;
    T_OK(store_source_put(s, "arxiv:cs.LG", &in, &e) == 0, "put");
    in.failures = 4;
    T_OK(store_source_put(s, "arxiv:cs.LG", &in, &e) == 0, "put again");
    T_OK(store_source_get(s, "arxiv:cs.LG", &out, &e) == 1, "get");
    T_STR(out.url, in.url, "url");
    T_STR(out.etag, in.etag, "etag");
    T_STR(out.last_modified, in.last_modified, "last_modified");
    T_STR(out.last_status, "error", "last_status");
    T_STR(out.last_error, "HTTP 503", "last_error");
    T_OK(out.last_fetch == 8000 && out.items_last == 42 && out.failures == 4 &&
             out.next_due == 9000,
         "numbers");
    source_state_fini(&in);
    source_state_fini(&out);
}

static void
test_typed_keys(struct store *s)
{
    static const struct {
        const char *typed;
        const char *key;
    } cases[] = {
        { "arXiv:2401.12345v3", "arxiv:2401.12345" },
        { "https://arxiv.org/abs/2401.12345", "arxiv:2401.12345" },
        { "2401.12345", "arxiv:2401.12345" },
        { "arxiv:2401.12345", "arxiv:2401.12345" },
        { "https://doi.org/10.5555/XYZ", "doi:10.5555/xyz" },
        { "doi:10.1234/ABC", "arxiv:2402.00001" }, /* by the doi column */
        { "tx:outer", "tx:outer" },
        { "arXiv:9999.99999", NULL },
    };
    struct store_row r;
    struct pw_err e = { "" };
    struct paper p;

    mk_paper(&p, "doi:10.5555/xyz", 0, "A journal paper");
    p.doi = xstrdup("10.5555/xyz");
    upsert(s, &p, "journal", 8000);
    store_row_init(&r);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = store_get(s, cases[i].typed, &r, &e);

        T_OK(rc == (cases[i].key != NULL), "get '%s': %d (%s)", cases[i].typed,
             rc, e.msg);
        if (cases[i].key)
            T_STR(r.p.key, cases[i].key, "key for '%s'", cases[i].typed);
    }
    store_row_fini(&r);
}

static int
collect_key(void *ud, const struct store_row *r, struct pw_err *e)
{
    struct buf *b = ud;

    (void)e;
    buf_addf(b, "%s;", r->p.key);
    return 0;
}

static void
list_keys(struct store *s, const struct store_query *q, struct buf *b)
{
    struct pw_err e = { "" };

    b->len = 0;
    buf_adds(b, "");
    if (store_list(s, q, collect_key, b, &e) < 0)
        buf_addf(b, "error: %s", e.msg);
}

static void
test_list(const char *path)
{
    struct pw_err e = { "" };
    struct store *s = store_open(path, &e);
    struct store_query q = { 0 };
    struct paper p;
    struct buf b;
    struct {
        const char *key;
        int64_t seen;
        double score;
    } rows[] = {
        { "l:a", 100, 1 },  { "l:b", 200, 5 },      { "l:c", 300, 1 },
        { "l:d", 400, -2 }, { "l:hidden", 500, 9 },
    };

    buf_init(&b);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        mk_paper(&p, rows[i].key, 0, "Listed");
        upsert(s, &p, "l", rows[i].seen);
        store_set_scores(s, id_of(s, rows[i].key), "h", NULL, 0, rows[i].score,
                         &e);
    }
    store_set_hidden(s, id_of(s, "l:hidden"), 1, &e);
    list_keys(s, &q, &b);
    T_STR(b.p, "l:b;l:c;l:a;l:d;", "by score, then newest; no hidden");
    q.include_hidden = 1;
    list_keys(s, &q, &b);
    T_STR(b.p, "l:hidden;l:b;l:c;l:a;l:d;", "hidden on request");
    q.include_hidden = 0;
    q.has_min_score = 1;
    q.min_score = 1;
    list_keys(s, &q, &b);
    T_STR(b.p, "l:b;l:c;l:a;", "min_score");
    q.since = 200;
    list_keys(s, &q, &b);
    T_STR(b.p, "l:b;l:c;", "since");
    q.limit = 1;
    list_keys(s, &q, &b);
    T_STR(b.p, "l:b;", "limit");
    list_keys(s, NULL, &b);
    T_STR(b.p, "l:b;l:c;l:a;l:d;", "no query: all");
    buf_fini(&b);
    store_close(s);
}

static int
count_rows(void *ud, const struct store_row *r, struct pw_err *e)
{
    (void)r;
    (void)e;
    ++*(int *)ud;
    return 0;
}

static void
test_fts(struct store *s)
{
    struct pw_err e = { "" };
    struct paper p;
    int n = 0;

    mk_paper(&p, "fts:1", 0, "Quokka migrations in Rottnest");
    strv_add(&p.authors, "Zebulon Quigley");
    upsert(s, &p, NULL, 9000);
    T_OK(q_long(dbpath, "SELECT rowid FROM papers_fts WHERE papers_fts"
                        " MATCH 'quokka'") == id_of(s, "fts:1"),
         "FTS row for the title");
    T_OK(q_long(dbpath, "SELECT count(*) FROM papers_fts WHERE papers_fts"
                        " MATCH 'authors:quigley'") == 1,
         "FTS over authors");
    mk_paper(&p, "fts:1", 0, "Wombat burrows");
    upsert(s, &p, NULL, 9100);
    T_OK(q_long(dbpath, "SELECT count(*) FROM papers_fts WHERE papers_fts"
                        " MATCH 'quokka'") == 0 &&
             q_long(dbpath, "SELECT count(*) FROM papers_fts WHERE"
                            " papers_fts MATCH 'wombat'") == 1,
         "FTS follows an update");
    T_OK(store_search(s, "wombat-burrows", 0, count_rows, &n, &e) == 0 &&
             n == 1,
         "store_search with punctuation (%s)", e.msg);
    n = 0;
    T_OK(store_search(s, "womb* OR nothing", 0, count_rows, &n, &e) == 0 &&
             n == 1,
         "prefix and OR");
    T_OK(q_exec(dbpath, "INSERT INTO papers_fts(papers_fts, rank) VALUES"
                        " ('integrity-check', 1)") == 0,
         "FTS index consistent with its content table");
}

/* --- the search index kept by batch (store_fts_defer) --- */

/* Words from a small vocabulary by a fixed LCG, so bm25 differs by row
 * and the test is the same every run. */
static void
gen_text(struct buf *b, unsigned *seed, int words)
{
    static const char *const vocab[] = { "graph",   "neural",  "quantum",
                                         "galaxy",  "lattice", "sparse",
                                         "kernel",  "policy",  "diffusion",
                                         "entropy", "causal",  "spectral",
                                         "manifold" };
    const size_t nv = sizeof(vocab) / sizeof(vocab[0]);

    b->len = 0;
    buf_adds(b, "");
    for (int i = 0; i < words; i++) {
        *seed = *seed * 1103515245u + 12345u;
        buf_addf(b, "%s%s", i ? " " : "", vocab[(*seed >> 16) % nv]);
    }
}

/* Paper k of the set, in version v: its title and abstract change with
 * v, so a second pass updates every paper. */
static void
gen_paper(struct paper *p, int k, int v)
{
    unsigned seed = (unsigned)(k * 31 + v);
    struct buf b;
    char key[32];

    buf_init(&b);
    snprintf(key, sizeof(key), "bulk:%d", k);
    gen_text(&b, &seed, 3 + k % 5);
    mk_paper(p, key, v, b.p);
    gen_text(&b, &seed, 20 + k % 40);
    add_abstract_authors(p, b.p);
    buf_fini(&b);
}

static int
collect_hit(void *ud, const struct store_row *r, struct pw_err *e)
{
    (void)e;
    buf_addf(ud, "%s|%s|%s;", r->p.key, r->title_hl ? r->title_hl : "",
             r->snippet ? r->snippet : "");
    return 0;
}

/* Papers 0..n-1 in version v; deferred: in one transaction that defers
 * the index, as the importer does, else row by row. */
static void
store_set(struct store *s, int n, int v, int deferred)
{
    struct pw_err e = { "" };
    struct paper p;

    if (deferred && (store_begin(s, &e) < 0 || store_fts_defer(s, &e) < 0))
        printf("# defer: %s\n", e.msg);
    for (int k = 0; k < n; k++) {
        gen_paper(&p, k, v);
        upsert(s, &p, "src", 8000 + v);
    }
    if (deferred && store_commit(s, &e) < 0)
        printf("# commit: %s\n", e.msg);
}

/* The same papers stored row by row and by batch answer every search
 * alike, hit for hit, in the same order; and both indexes match their
 * papers exactly (FTS5's integrity-check with rank 1). The batch store
 * also sees papers updated within the batch that inserted them (their
 * rows not yet indexed) and papers from before it (indexed). */
static void
test_fts_deferred(void)
{
    static const char *const queries[] = {
        "graph",           "neural OR quantum",  "\"sparse kernel\"", "diff*",
        "author:lovelace", "galaxy NOT entropy", "title:manifold"
    };
    const char *check = "INSERT INTO papers_fts(papers_fts, rank)"
                        " VALUES ('integrity-check', 1)";
    struct pw_err e = { "" };
    char pa[256], pb[256];
    struct store *a, *b;
    struct buf ha, hb;
    int same = 1;

    snprintf(pa, sizeof(pa), "%s/rows.db", dir);
    snprintf(pb, sizeof(pb), "%s/batch.db", dir);
    a = store_open(pa, &e);
    b = store_open(pb, &e);
    T_OK(a && b, "open two stores (%s)", e.msg);
    if (!a || !b)
        goto out;
    T_OK(store_fts_defer(b, &e) < 0 && strstr(e.msg, "no transaction"),
         "defer outside a transaction is refused: %s", e.msg);
    e.msg[0] = '\0';
    /* a: 120 papers, then 60 of them changed and 60 more, row by row */
    store_set(a, 120, 1, 0);
    store_set(a, 180, 2, 0);
    /* b: 40 row by row; a batch inserts 80 more and changes 100 (60 of
     * them inserted by this batch, 40 indexed before it); a batch inserts
     * the last 60 and changes 20 */
    store_set(b, 40, 1, 0);
    store_begin(b, &e);
    store_fts_defer(b, &e);
    store_set(b, 120, 1, 0);
    store_set(b, 100, 2, 0);
    T_OK(store_commit(b, &e) == 0, "a batch commits (%s)", e.msg);
    store_set(b, 180, 2, 1);
    buf_init(&ha);
    buf_init(&hb);
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        ha.len = hb.len = 0;
        buf_adds(&ha, "");
        buf_adds(&hb, "");
        store_search(a, queries[i], 0, collect_hit, &ha, &e);
        store_search(b, queries[i], 0, collect_hit, &hb, &e);
        if (ha.len < 200 || strcmp(ha.p, hb.p) != 0) {
            printf("# %s: row by row %zu bytes, by batch %zu\n", queries[i],
                   ha.len, hb.len);
            same = 0;
        }
    }
    T_OK(same, "searches find the same papers in the same order");
    buf_fini(&ha);
    buf_fini(&hb);
    T_OK(q_exec(pa, check) == 0 && q_exec(pb, check) == 0,
         "both indexes match their papers");
    T_OK(q_long(pb, "SELECT count(*) FROM papers_fts_pending") == 0,
         "nothing left pending");
    /* a rollback takes the deferral with it: later rows are indexed */
    store_begin(b, &e);
    store_fts_defer(b, &e);
    store_set(b, 200, 3, 0);
    T_OK(store_rollback(b) == 0, "rollback of a deferred batch");
    store_set(b, 1, 4, 0);
    T_OK(q_long(pb, "SELECT count(*) FROM papers_fts_pending") == 0 &&
             q_exec(pb, check) == 0,
         "after a rollback rows are indexed row by row again");
    T_OK(store_fts_optimize(b, &e) == 0 && q_exec(pb, check) == 0,
         "optimize (%s)", e.msg);
out:
    store_close(a);
    store_close(b);
}

int
main(void)
{
    struct pw_err e = { "" };
    struct store *s;
    char path2[256];

    snprintf(dir, sizeof(dir), "/tmp/pw-test-store-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(dbpath, sizeof(dbpath), "%s/a/b/papers.db", dir);
    test_open();
    test_reopen();
    test_migrate_1_to_2();
    test_newer();
    test_not_db();
    s = store_open(dbpath, &e);
    T_OK(s != NULL, "open for the merge tests (%s)", e.msg);
    if (s) {
        test_versions(s);
        test_sources_merge(s);
        test_richest(s);
        test_scores(s);
        test_notified(s);
        test_transactions(s);
        test_source_state(s);
        test_typed_keys(s);
        test_fts(s);
        store_close(s);
        test_notified_race();
    }
    snprintf(path2, sizeof(path2), "%s/list.db", dir);
    test_list(path2);
    test_fts_deferred();
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return t_done();
}
