/* store.c: the one SQLite file. Schema and forward migrations, merging
 * upserts (one paper however many sources, days and versions bring it),
 * scores, the atomic notified mark, queries, source state and FTS5.
 *
 * Statements used without a callback are prepared once and cached in
 * struct store (reset after every use, so no read snapshot stays open);
 * those that call back into the caller (list, scores, search) are prepared
 * per call, so a callback may use the store again. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "ident.h"
#include "json.h"
#include "query.h"
#include "rank.h"
#include "store.h"

/* Migrations: entry i takes the schema from user_version i to i + 1. Only
 * ever append. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE papers ("
    " id INTEGER PRIMARY KEY,"
    " key TEXT UNIQUE NOT NULL,"
    " arxiv_id TEXT, version INTEGER NOT NULL DEFAULT 0, doi TEXT,"
    " entry_id TEXT, title TEXT, abstract TEXT, url TEXT, pdf_url TEXT,"
    " authors TEXT, categories TEXT,"      /* JSON arrays of strings */
    " published INTEGER, updated INTEGER," /* UTC seconds */
    " announce TEXT, comment TEXT, journal_ref TEXT,"
    " extras TEXT," /* JSON object */
    " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " changed_at INTEGER NOT NULL,"
    " score REAL NOT NULL DEFAULT 0,"
    " score_hash TEXT," /* NULL: needs scoring */
    " notified_at INTEGER,"
    " hidden INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX papers_by_score ON papers(score DESC, first_seen DESC);"
    "CREATE INDEX papers_by_first_seen ON papers(first_seen);"
    "CREATE INDEX papers_unscored ON papers(id) WHERE score_hash IS NULL;"
    "CREATE INDEX papers_by_doi ON papers(doi) WHERE doi IS NOT NULL;"
    "CREATE TABLE paper_sources ("
    " paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,"
    " source TEXT NOT NULL,"
    " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " announce TEXT, extras TEXT,"
    " PRIMARY KEY (paper_id, source)) WITHOUT ROWID;"
    "CREATE TABLE rule_scores ("
    " paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,"
    " rule TEXT NOT NULL, score REAL NOT NULL, reason TEXT,"
    " PRIMARY KEY (paper_id, rule)) WITHOUT ROWID;"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY,"
    " paper_id INTEGER REFERENCES papers(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, at INTEGER NOT NULL, detail TEXT);"
    "CREATE INDEX events_by_paper ON events(paper_id, kind);"
    "CREATE INDEX events_by_time ON events(at);"
    "CREATE TABLE sources ("
    " name TEXT PRIMARY KEY, url TEXT, etag TEXT, last_modified TEXT,"
    " last_fetch INTEGER, last_status TEXT, last_error TEXT,"
    " items_last INTEGER, failures INTEGER, next_due INTEGER);"
    "CREATE VIRTUAL TABLE papers_fts USING fts5(title, authors, abstract,"
    " content='papers', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2');"
    "CREATE TRIGGER papers_fts_ai AFTER INSERT ON papers BEGIN"
    " INSERT INTO papers_fts(rowid, title, authors, abstract)"
    " VALUES (new.id, new.title, new.authors, new.abstract); END;"
    "CREATE TRIGGER papers_fts_ad AFTER DELETE ON papers BEGIN"
    " INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)"
    " VALUES ('delete', old.id, old.title, old.authors, old.abstract); END;"
    "CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, authors, abstract"
    " ON papers BEGIN"
    " INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)"
    " VALUES ('delete', old.id, old.title, old.authors, old.abstract);"
    " INSERT INTO papers_fts(rowid, title, authors, abstract)"
    " VALUES (new.id, new.title, new.authors, new.abstract); END;",
    /* 1 -> 2: where a source moved to for good (301/308), its last success
     * and its last HTTP status, for `paperwatch sources` */
    "ALTER TABLE sources ADD COLUMN moved_to TEXT;"
    "ALTER TABLE sources ADD COLUMN last_ok INTEGER;"
    "ALTER TABLE sources ADD COLUMN http_status INTEGER;",
    /* 2 -> 3: tags (by rules or by the user), per-rule hit counts, small
     * settings (the rule set last warned about). papers.hidden is 1 when
     * the user hid a paper, 2 when a hide rule did. */
    "CREATE TABLE IF NOT EXISTS tags ("
    " paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL, by_rule INTEGER NOT NULL DEFAULT 0, at INTEGER,"
    " PRIMARY KEY (paper_id, tag)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS tags_by_tag ON tags(tag);"
    "CREATE TABLE IF NOT EXISTS rule_hits ("
    " rule TEXT PRIMARY KEY, hits INTEGER NOT NULL DEFAULT 0,"
    " last_hit INTEGER) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT)"
    " WITHOUT ROWID;",
    /* 3 -> 4: how far `paperwatch import` got in each file, to resume;
     * hidden papers found without a scan (search leaves them out) */
    "CREATE TABLE IF NOT EXISTS imports ("
    " file TEXT PRIMARY KEY, offset INTEGER NOT NULL, records INTEGER NOT NULL,"
    " done INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS papers_hidden ON papers(id)"
    " WHERE hidden <> 0;",
    /* 4 -> 5: the version a paper was last notified in, so a rule can ask
     * for a new version to notify again (once per version) */
    "ALTER TABLE papers ADD COLUMN notified_version INTEGER;",
    /* 5 -> 6: a merge rewrites title, authors and abstract even when they
     * did not change; reindexing them every time a stored paper is seen
     * again made a re-fetch of a listing 5x slower */
    "DROP TRIGGER IF EXISTS papers_fts_au;"
    "CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, authors, abstract"
    " ON papers WHEN old.title IS NOT new.title"
    " OR old.authors IS NOT new.authors OR old.abstract IS NOT new.abstract"
    " BEGIN"
    " INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)"
    " VALUES ('delete', old.id, old.title, old.authors, old.abstract);"
    " INSERT INTO papers_fts(rowid, title, authors, abstract)"
    " VALUES (new.id, new.title, new.authors, new.abstract); END;",
    /* 6 -> 7: an import indexes each batch with one statement at its end
     * (store_fts_defer): FTS5 writes out what it holds at every statement
     * that changes it, so a trigger per row made the index 3/4 of an
     * import's time. Papers from papers_fts_pending.from_id up are left to that
     * statement; the row lives only inside the importer's transaction. */
    "CREATE TABLE IF NOT EXISTS papers_fts_pending ("
    " from_id INTEGER NOT NULL);"
    "DROP TRIGGER IF EXISTS papers_fts_ai;"
    "DROP TRIGGER IF EXISTS papers_fts_ad;"
    "DROP TRIGGER IF EXISTS papers_fts_au;"
    "CREATE TRIGGER papers_fts_ai AFTER INSERT ON papers"
    " WHEN NOT EXISTS (SELECT 1 FROM papers_fts_pending"
    " WHERE from_id <= new.id)"
    " BEGIN"
    " INSERT INTO papers_fts(rowid, title, authors, abstract)"
    " VALUES (new.id, new.title, new.authors, new.abstract); END;"
    "CREATE TRIGGER papers_fts_ad AFTER DELETE ON papers"
    " WHEN NOT EXISTS (SELECT 1 FROM papers_fts_pending"
    " WHERE from_id <= old.id)"
    " BEGIN"
    " INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)"
    " VALUES ('delete', old.id, old.title, old.authors, old.abstract); END;"
    "CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, authors, abstract"
    " ON papers WHEN (old.title IS NOT new.title"
    " OR old.authors IS NOT new.authors OR old.abstract IS NOT new.abstract)"
    " AND NOT EXISTS (SELECT 1 FROM papers_fts_pending"
    " WHERE from_id <= old.id)"
    " BEGIN"
    " INSERT INTO papers_fts(papers_fts, rowid, title, authors, abstract)"
    " VALUES ('delete', old.id, old.title, old.authors, old.abstract);"
    " INSERT INTO papers_fts(rowid, title, authors, abstract)"
    " VALUES (new.id, new.title, new.authors, new.abstract); END;",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The columns a struct store_row is read from, in the order of enum col. */
#define ROW_COLS                                                               \
    "id, key, arxiv_id, version, doi, entry_id, title, abstract, url, "        \
    "pdf_url, authors, categories, published, updated, announce, comment, "    \
    "journal_ref, extras, score, score_hash IS NOT NULL, first_seen, "         \
    "last_seen, changed_at, notified_at, hidden"

enum col {
    C_ID,
    C_KEY,
    C_ARXIV,
    C_VERSION,
    C_DOI,
    C_ENTRY,
    C_TITLE,
    C_ABSTRACT,
    C_URL,
    C_PDF,
    C_AUTHORS,
    C_CATS,
    C_PUBLISHED,
    C_UPDATED,
    C_ANNOUNCE,
    C_COMMENT,
    C_JREF,
    C_EXTRAS,
    C_SCORE,
    C_SCORED,
    C_FIRST,
    C_LAST,
    C_CHANGED,
    C_NOTIFIED,
    C_HIDDEN
};

/* ?17 as a JSON object, else NULL. CASE evaluates lazily, so json_type never
 * sees invalid text. */
#define EXTRAS_IN                                                              \
    "CASE WHEN NOT coalesce(json_valid(?17), 0) THEN NULL "                    \
    "WHEN json_type(?17) <> 'object' THEN NULL ELSE json(?17) END"

/* Stored extras patched with ?17 (RFC 7386: incoming keys override). */
#define EXTRAS_MERGE                                                           \
    "CASE WHEN NOT coalesce(json_valid(?17), 0) THEN extras "                  \
    "WHEN json_type(?17) <> 'object' THEN extras "                             \
    "WHEN NOT coalesce(json_valid(extras), 0) THEN json(?17) "                 \
    "WHEN json_type(extras) <> 'object' THEN json(?17) "                       \
    "ELSE json_patch(extras, ?17) END"

/* A paper's latest event among two kinds decides its state. */
#define LATEST(yes, no)                                                        \
    "coalesce((SELECT kind = '" yes "' FROM events WHERE paper_id = papers.id" \
    " AND kind IN ('" yes "', '" no "') ORDER BY id DESC LIMIT 1), 0)"
#define STARRED LATEST("starred", "unstarred")
#define READ LATEST("read", "unread")

#define SQL_STATE                                                              \
    "SELECT " STARRED ", " READ ", EXISTS (SELECT 1 FROM events WHERE"         \
    " paper_id = papers.id AND kind = 'ignored') FROM papers WHERE id = ?1"

/* Cached statements. bind_paper() fills ?2..?17 of Q_INSERT and Q_UPDATE. */
enum q {
    Q_BY_KEY,
    Q_BY_ID,
    Q_BY_DOI,
    Q_REKEY,
    Q_INSERT,
    Q_UPDATE,
    Q_SEEN,
    Q_SOURCES,
    Q_UNSCORED,
    Q_UNSCORE_ALL,
    Q_DEL_SCORES,
    Q_ADD_SCORE,
    Q_SET_SCORE,
    Q_MARK,
    Q_EVENT,
    Q_HIDE,
    Q_SRC_GET,
    Q_SRC_PUT,
    Q_COUNT,
    Q_STATE,
    Q_TAGS,
    Q_MAX
};

static const char *const sql[Q_MAX] = {
    [Q_BY_KEY] = "SELECT " ROW_COLS " FROM papers WHERE key = ?1",
    [Q_BY_ID] = "SELECT " ROW_COLS " FROM papers WHERE id = ?1",
    [Q_BY_DOI] = "SELECT " ROW_COLS " FROM papers WHERE doi = ?1"
                 " ORDER BY id LIMIT 1",
    [Q_REKEY] = "UPDATE papers SET key = ?2 WHERE id = ?1",
    [Q_INSERT] =
        "INSERT INTO papers (key, arxiv_id, version, doi, entry_id, title,"
        " abstract, url, pdf_url, authors, categories, published, updated,"
        " announce, comment, journal_ref, extras, first_seen, last_seen,"
        " changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
        " ?12, ?13, ?14, ?15, ?16, " EXTRAS_IN ", ?18, ?18, ?18)",
    [Q_UPDATE] =
        "UPDATE papers SET arxiv_id = ?2, version = ?3, doi = ?4,"
        " entry_id = ?5, title = ?6, abstract = ?7, url = ?8, pdf_url = ?9,"
        " authors = ?10, categories = ?11, published = ?12, updated = ?13,"
        " announce = coalesce(announce, ?14), comment = ?15,"
        " journal_ref = ?16, extras = " EXTRAS_MERGE ", last_seen = ?18,"
        " changed_at = CASE WHEN ?19 THEN ?18 ELSE changed_at END,"
        " score_hash = CASE WHEN ?19 THEN NULL ELSE score_hash END"
        " WHERE id = ?1",
    [Q_SEEN] =
        "INSERT INTO paper_sources (paper_id, source, first_seen, last_seen,"
        " announce, extras) VALUES (?1, ?2, ?18, ?18, ?14, " EXTRAS_IN ")"
        " ON CONFLICT (paper_id, source) DO UPDATE SET"
        " last_seen = excluded.last_seen,"
        " announce = coalesce(excluded.announce, announce),"
        " extras = coalesce(excluded.extras, extras)",
    [Q_SOURCES] = "SELECT source FROM paper_sources WHERE paper_id = ?1"
                  " ORDER BY first_seen, source",
    [Q_UNSCORED] = "SELECT id FROM papers WHERE score_hash IS NULL"
                   " ORDER BY id",
    [Q_UNSCORE_ALL] = "UPDATE papers SET score_hash = NULL"
                      " WHERE score_hash IS NOT NULL",
    [Q_DEL_SCORES] = "DELETE FROM rule_scores WHERE paper_id = ?1",
    [Q_ADD_SCORE] = "INSERT INTO rule_scores (paper_id, rule, score, reason)"
                    " VALUES (?1, ?2, ?3, ?4)",
    [Q_SET_SCORE] = "UPDATE papers SET score = ?2, score_hash = ?3"
                    " WHERE id = ?1",
    [Q_MARK] = "UPDATE papers SET notified_at = ?2, notified_version = version"
               " WHERE id = ?1 AND notified_at IS NULL",
    [Q_EVENT] = "INSERT INTO events (paper_id, kind, at, detail)"
                " VALUES (?1, ?2, ?3, ?4)",
    [Q_HIDE] = "UPDATE papers SET hidden = ?2 WHERE id = ?1",
    [Q_SRC_GET] = "SELECT url, etag, last_modified, last_fetch, last_status,"
                  " last_error, items_last, failures, next_due, moved_to,"
                  " last_ok, http_status FROM sources WHERE name = ?1",
    [Q_SRC_PUT] =
        "INSERT INTO sources (name, url, etag, last_modified, last_fetch,"
        " last_status, last_error, items_last, failures, next_due, moved_to,"
        " last_ok, http_status)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        " ON CONFLICT (name) DO UPDATE SET url = excluded.url,"
        " etag = excluded.etag, last_modified = excluded.last_modified,"
        " last_fetch = excluded.last_fetch,"
        " last_status = excluded.last_status,"
        " last_error = excluded.last_error,"
        " items_last = excluded.items_last, failures = excluded.failures,"
        " next_due = excluded.next_due, moved_to = excluded.moved_to,"
        " last_ok = excluded.last_ok, http_status = excluded.http_status",
    [Q_COUNT] = "SELECT count(*) FROM papers",
    /* once per row of a list or a search: prepared once */
    [Q_STATE] = SQL_STATE,
    [Q_TAGS] = "SELECT tag, by_rule FROM tags WHERE paper_id = ?1"
               " ORDER BY tag",
};

#define SQL_LIST                                                               \
    "SELECT " ROW_COLS " FROM papers WHERE first_seen >= ?1"                   \
    " AND (?2 IS NULL OR score >= ?2) AND (?3 OR hidden = 0)"                  \
    " AND (NOT ?5 OR " STARRED ") AND (NOT ?6 OR NOT " READ ")"                \
    " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM paper_sources"                  \
    " WHERE paper_id = papers.id AND source = ?7))"                            \
    " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM tags"                           \
    " WHERE paper_id = papers.id AND tag = ?8))"                               \
    " ORDER BY score DESC, first_seen DESC, id DESC LIMIT ?4"

#define SQL_SCORES                                                             \
    "SELECT rule, score, reason FROM rule_scores WHERE paper_id = ?1"          \
    " ORDER BY abs(score) DESC, rule"

/* Search filters on a papers row: ?3 published since, ?4 a JSON array of
 * categories that must each match (exactly, or as the archive "cs"). */
#define SEARCH_FILTERS                                                         \
    "p.hidden = 0 AND (?3 = 0 OR coalesce(nullif(p.published, 0),"             \
    " p.first_seen) >= ?3) AND (?4 IS NULL OR NOT EXISTS (SELECT 1 FROM"       \
    " json_each(?4) AS w WHERE NOT EXISTS (SELECT 1 FROM"                      \
    " json_each(p.categories) AS h WHERE h.value = w.value"                    \
    " OR h.value LIKE w.value || '.%')))"

/* Title weighs most, then authors, then the abstract: bm25 with these
 * weights, as pwrank() computes it for the rows that can make the top ?2
 * (rank.h); 'may' in WHERE skips the others before anything else is
 * looked up. Equal scores: the older row first. The top rows are picked
 * from the index alone (papers is joined there only for since: and
 * cat:), then joined. */
#define RANK_WEIGHTS "10.0, 5.0, 1.0"
#define RANK_MAY "pwrank(papers_fts, 'may', ?2, " RANK_WEIGHTS ")"
#define RANK_SCORE "pwrank(papers_fts, 'score', ?2, " RANK_WEIGHTS ")"
#define TOP_PLAIN                                                              \
    "WITH top AS MATERIALIZED (SELECT rowid AS fid, " RANK_SCORE " AS rank"    \
    " FROM papers_fts WHERE papers_fts MATCH ?1 AND " RANK_MAY                 \
    " AND rowid NOT IN (SELECT id FROM papers WHERE hidden <> 0)"              \
    " AND ?3 = 0 AND ?4 IS NULL ORDER BY rank, fid LIMIT ?2)"
#define TOP_FILTERED                                                           \
    "WITH top AS MATERIALIZED (SELECT f.rowid AS fid, " RANK_SCORE " AS rank"  \
    " FROM papers_fts AS f JOIN papers AS p ON p.id = f.rowid"                 \
    " WHERE papers_fts MATCH ?1 AND " RANK_MAY " AND " SEARCH_FILTERS          \
    " ORDER BY rank, fid LIMIT ?2)"

/* The highlighted title and the snippet, for the top rows only: a
 * lookup by rowid each, one for both (CROSS JOIN keeps top the outer
 * loop; left to itself the planner scanned every match of a phrase). But
 * FTS5 answers a lookup of a prefix query ("transform*") by merging the
 * whole doclist of every term the prefix covers, a scan's worth of work
 * each time; for those one pass over the matches makes them all. */
#define MARKS_COLS                                                             \
    "highlight(papers_fts, 0, char(2), char(3)) AS hl,"                        \
    " snippet(papers_fts, 2, char(2), char(3), '...', 24) AS sn"
#define MARKS_LOOKUP                                                           \
    ", marks AS MATERIALIZED (SELECT f.rowid AS mid, " MARKS_COLS              \
    " FROM top CROSS JOIN papers_fts AS f ON f.rowid = fid"                    \
    " WHERE papers_fts MATCH ?1)"
#define MARKS_SCAN                                                             \
    ", marks AS MATERIALIZED (SELECT rowid AS mid, " MARKS_COLS                \
    " FROM papers_fts WHERE papers_fts MATCH ?1"                               \
    " AND +rowid IN (SELECT fid FROM top))"
#define SEARCH_END                                                             \
    " SELECT " ROW_COLS ", coalesce(hl, title), sn FROM top"                   \
    " JOIN papers ON id = fid LEFT JOIN marks ON mid = fid ORDER BY rank, fid"

/* [since: or cat:][a prefix] */
static const char *const sql_search[2][2] = {
    { TOP_PLAIN MARKS_LOOKUP SEARCH_END, TOP_PLAIN MARKS_SCAN SEARCH_END },
    { TOP_FILTERED MARKS_LOOKUP SEARCH_END,
      TOP_FILTERED MARKS_SCAN SEARCH_END },
};

/* Filters alone (no words): newest first. */
#define SQL_SEARCH_FILTERS                                                     \
    "SELECT " ROW_COLS                                                         \
    ", title, NULL FROM papers AS p WHERE ?1 IS NULL AND " SEARCH_FILTERS      \
    " ORDER BY coalesce(nullif(published, 0), first_seen) DESC"                \
    " LIMIT ?2"

struct store {
    sqlite3 *db;             /* owned */
    char *path;              /* owned */
    int depth;               /* open transaction + savepoints */
    int fts_deferred;        /* store_fts_defer() in this transaction */
    sqlite3_stmt *st[Q_MAX]; /* owned, prepared on first use */
};

/* --- errors and statements --- */

static int dberrf(struct store *s, struct pw_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "path: what: sqlite's message"; returns -1. */
static int
dberrf(struct store *s, struct pw_err *e, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return pw_errf(e, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *
stmt(struct store *s, enum q q, struct pw_err *e)
{
    if (s->st[q] == NULL &&
        sqlite3_prepare_v3(s->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->st[q], NULL) != SQLITE_OK) {
        dberrf(s, e, "prepare");
        return NULL;
    }
    return s->st[q];
}

/* Give a cached statement back: reset ends its read, bindings dropped. */
static void
release(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static sqlite3_stmt *
prepare(struct store *s, const char *text, struct pw_err *e)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK) {
        dberrf(s, e, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static int
exec(struct store *s, const char *text, const char *what, struct pw_err *e)
{
    if (sqlite3_exec(s->db, text, NULL, NULL, NULL) != SQLITE_OK)
        return dberrf(s, e, "%s", what);
    return 0;
}

static void
bind_str(sqlite3_stmt *st, int i, const char *v)
{
    if (str_empty(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* 0 (unknown) is stored as NULL. */
static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t == 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, t);
}

static void
bind_strv(sqlite3_stmt *st, int i, const struct strv *sv)
{
    struct buf b;

    if (sv->n == 0) {
        sqlite3_bind_null(st, i);
        return;
    }
    buf_init(&b);
    json_add_strv(&b, sv);
    sqlite3_bind_text(st, i, b.p, (int)b.len, SQLITE_TRANSIENT);
    buf_fini(&b);
}

static char *
col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? xstrdup((const char *)t) : NULL;
}

/* A JSON array of strings into sv; anything else is ignored. */
static void
col_strv(sqlite3_stmt *st, int i, struct strv *sv)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    cJSON *a, *it;

    if (t == NULL || (a = cJSON_Parse((const char *)t)) == NULL)
        return;
    if (cJSON_IsArray(a)) {
        cJSON_ArrayForEach(it, a)
        {
            if (cJSON_IsString(it))
                strv_add(sv, it->valuestring);
        }
    }
    cJSON_Delete(a);
}

/* --- opening --- */

/* mkdir -p of the directory part of path; new directories are 0700. */
static int
make_parent(const char *path, struct pw_err *e)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *q;
    struct stat sb;
    int rc = 0, err;

    if (slash == NULL || slash == dir)
        goto out;
    *slash = '\0';
    for (q = dir + 1;; q++) {
        char c = *q;

        if (c != '/' && c != '\0')
            continue;
        *q = '\0';
        errno = 0;
        if (mkdir(dir, 0700) < 0 && (err = errno) != EEXIST &&
            (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))) {
            rc = pw_errf(e, "%s: creating directory %s: %s", path, dir,
                         strerror(err));
            goto out;
        }
        *q = c;
        if (c == '\0')
            break;
    }
out:
    free(dir);
    return rc;
}

static int
open_db(struct store *s, struct pw_err *e)
{
    int err;

    if (sqlite3_open_v2(s->path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(s->db, 5000);
        if (rank_register(s->db) != SQLITE_OK)
            return pw_errf(e, "%s: cannot register pwrank(): %s", s->path,
                           sqlite3_errmsg(s->db));
        return 0;
    }
    if (s->db == NULL)
        return pw_errf(e, "%s: cannot open: out of memory", s->path);
    err = sqlite3_system_errno(s->db);
    if (err != 0)
        return pw_errf(e, "%s: %s (%s)", s->path, sqlite3_errmsg(s->db),
                       strerror(err));
    return pw_errf(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
}

/* The first read: a file that is not a database fails here, as
 * "path: file is not a database". */
static int
user_version(struct store *s, int *v, struct pw_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        pw_errf(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
        goto out;
    }
    *v = sqlite3_column_int(st, 0);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int
newer(struct store *s, int v, struct pw_err *e)
{
    return pw_errf(e,
                   "%s: schema version %d was made by a newer paperwatch "
                   "(this one knows up to %d); leaving it untouched",
                   s->path, v, SCHEMA_VERSION);
}

/* Steps from the current version up, all in one transaction; the version
 * is read again inside it, as another process may have migrated. */
static int
migrate(struct store *s, struct pw_err *e)
{
    char set[64];
    int v, rc = -1;

    if (store_begin(s, e) < 0)
        return -1;
    if (user_version(s, &v, e) < 0)
        goto out;
    if (v > SCHEMA_VERSION) {
        newer(s, v, e);
        goto out;
    }
    for (; v < SCHEMA_VERSION; v++) {
        if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            dberrf(s, e, "migrating the schema to version %d", v + 1);
            goto out;
        }
    }
    snprintf(set, sizeof(set), "PRAGMA user_version = %d", SCHEMA_VERSION);
    if (exec(s, set, "setting the schema version", e) < 0)
        goto out;
    rc = store_commit(s, e);
out:
    if (rc < 0)
        store_rollback(s);
    return rc;
}

struct store *
store_open(const char *path, struct pw_err *e)
{
    struct store *s = xcalloc(1, sizeof(*s));
    int v, ok = 0;

    s->path = xstrdup(path);
    if (make_parent(path, e) < 0 || open_db(s, e) < 0)
        goto out;
    /* Refuse a newer schema before anything (even WAL mode) writes. */
    if (user_version(s, &v, e) < 0)
        goto out;
    if (v > SCHEMA_VERSION) {
        newer(s, v, e);
        goto out;
    }
    if (exec(s,
             "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
             " PRAGMA synchronous = NORMAL;",
             "setting up the connection", e) < 0)
        goto out;
    if (v < SCHEMA_VERSION && migrate(s, e) < 0)
        goto out;
    ok = 1;
out:
    if (!ok) {
        store_close(s);
        s = NULL;
    }
    return s;
}

void
store_close(struct store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < Q_MAX; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close_v2(s->db); /* rolls back an open transaction */
    free(s->path);
    free(s);
}

const char *
store_path(const struct store *s)
{
    return s->path;
}

/* --- transactions --- */

/* SQLite ends a transaction by itself on some errors (full disk, I/O). */
static void
sync_depth(struct store *s)
{
    if (sqlite3_get_autocommit(s->db))
        s->depth = s->fts_deferred = 0;
}

/* Index the papers store_fts_defer() left out, in one statement, and end
 * the deferral; with none pending this inserts nothing. */
#define SQL_FTS_CATCH_UP                                                       \
    "INSERT INTO papers_fts(rowid, title, authors, abstract)"                  \
    " SELECT id, title, authors, abstract FROM papers"                         \
    " WHERE id >= (SELECT min(from_id) FROM papers_fts_pending);"              \
    " DELETE FROM papers_fts_pending;"

int
store_begin(struct store *s, struct pw_err *e)
{
    char q[48];

    sync_depth(s);
    if (s->depth == 0)
        snprintf(q, sizeof(q), "BEGIN IMMEDIATE");
    else
        snprintf(q, sizeof(q), "SAVEPOINT sp%d", s->depth);
    if (exec(s, q, s->depth ? "savepoint" : "begin", e) < 0)
        return -1;
    s->depth++;
    return 0;
}

int
store_commit(struct store *s, struct pw_err *e)
{
    char q[48];

    sync_depth(s);
    if (s->depth == 0)
        return pw_errf(e, "%s: commit: no transaction is open", s->path);
    /* Never commit papers the index does not have. */
    if (s->depth == 1 && s->fts_deferred &&
        exec(s, SQL_FTS_CATCH_UP, "updating the search index", e) < 0) {
        store_rollback(s);
        return -1;
    }
    if (s->depth == 1)
        snprintf(q, sizeof(q), "COMMIT");
    else
        snprintf(q, sizeof(q), "RELEASE sp%d", s->depth - 1);
    if (exec(s, q, "commit", e) < 0) {
        store_rollback(s);
        return -1;
    }
    s->depth--;
    s->fts_deferred = s->fts_deferred && s->depth > 0;
    return 0;
}

int
store_rollback(struct store *s)
{
    char q[64];

    sync_depth(s);
    if (s->depth == 0)
        return 0;
    s->depth--;
    if (s->depth == 0) {
        s->fts_deferred = 0; /* the pending row goes with the rest */
        snprintf(q, sizeof(q), "ROLLBACK");
    } else
        snprintf(q, sizeof(q), "ROLLBACK TO sp%d; RELEASE sp%d", s->depth,
                 s->depth);
    if (sqlite3_exec(s->db, q, NULL, NULL, NULL) != SQLITE_OK) {
        sync_depth(s);
        return -1;
    }
    return 0;
}

int
store_fts_defer(struct store *s, struct pw_err *e)
{
    sync_depth(s);
    if (s->depth == 0)
        return pw_errf(e, "%s: fts defer: no transaction is open", s->path);
    if (s->fts_deferred)
        return 0;
    /* The next rowid SQLite gives is above every one there is now. */
    if (exec(s,
             "INSERT INTO papers_fts_pending (from_id)"
             " SELECT coalesce(max(id), 0) + 1 FROM papers",
             "deferring the search index", e) < 0)
        return -1;
    s->fts_deferred = 1;
    return 0;
}

int
store_fts_optimize(struct store *s, struct pw_err *e)
{
    if (store_begin(s, e) < 0)
        return -1;
    if (exec(s, "INSERT INTO papers_fts(papers_fts) VALUES ('optimize')",
             "optimizing the search index", e) < 0) {
        store_rollback(s);
        return -1;
    }
    return store_commit(s, e);
}

/* --- rows --- */

void
store_row_init(struct store_row *r)
{
    memset(r, 0, sizeof(*r));
    paper_init(&r->p);
    strv_init(&r->sources);
}

void
store_row_fini(struct store_row *r)
{
    paper_fini(&r->p);
    strv_fini(&r->sources);
    free(r->title_hl);
    free(r->snippet);
    store_row_init(r);
}

static void
row_paper(sqlite3_stmt *st, struct paper *p)
{
    p->key = col_str(st, C_KEY);
    p->arxiv_id = col_str(st, C_ARXIV);
    p->version = sqlite3_column_int(st, C_VERSION);
    p->doi = col_str(st, C_DOI);
    p->entry_id = col_str(st, C_ENTRY);
    p->title = col_str(st, C_TITLE);
    p->abstract = col_str(st, C_ABSTRACT);
    p->url = col_str(st, C_URL);
    p->pdf_url = col_str(st, C_PDF);
    col_strv(st, C_AUTHORS, &p->authors);
    col_strv(st, C_CATS, &p->categories);
    p->published = sqlite3_column_int64(st, C_PUBLISHED);
    p->updated = sqlite3_column_int64(st, C_UPDATED);
    p->announce = col_str(st, C_ANNOUNCE);
    p->comment = col_str(st, C_COMMENT);
    p->journal_ref = col_str(st, C_JREF);
    p->extras = col_str(st, C_EXTRAS);
}

/* The current row of a ROW_COLS statement into r (sources not read). */
static void
row_read(sqlite3_stmt *st, struct store_row *r)
{
    store_row_fini(r);
    r->id = sqlite3_column_int64(st, C_ID);
    row_paper(st, &r->p);
    r->score = sqlite3_column_double(st, C_SCORE);
    r->scored = sqlite3_column_int(st, C_SCORED);
    r->first_seen = sqlite3_column_int64(st, C_FIRST);
    r->last_seen = sqlite3_column_int64(st, C_LAST);
    r->changed_at = sqlite3_column_int64(st, C_CHANGED);
    r->notified_at = sqlite3_column_int64(st, C_NOTIFIED);
    r->hidden = sqlite3_column_int(st, C_HIDDEN);
    if (sqlite3_column_count(st) > C_HIDDEN + 2) { /* a search */
        r->title_hl = col_str(st, C_HIDDEN + 1);
        r->snippet = col_str(st, C_HIDDEN + 2);
    }
}

static int
row_sources(struct store *s, struct store_row *r, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, step;

    if ((st = stmt(s, Q_SOURCES, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, r->id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        strv_add(&r->sources, (const char *)sqlite3_column_text(st, 0));
    if (step != SQLITE_DONE) {
        dberrf(s, e, "sources of paper %lld", (long long)r->id);
        goto out;
    }
    rc = 0;
out:
    release(st);
    return rc;
}

/* One row by a Q_BY_* statement, keyed by text (or id when text is NULL).
 * 1 found, 0 not, -1 error. */
static int
fetch(struct store *s, enum q q, const char *text, int64_t id,
      struct store_row *r, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, step;

    if ((st = stmt(s, q, e)) == NULL)
        return -1;
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        row_read(st, r);
        rc = 1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    } else {
        dberrf(s, e, "reading paper %s", text ? text : "by id");
    }
    release(st);
    return rc;
}

/* --- upsert --- */

/* ?2..?17 of Q_INSERT and Q_UPDATE (and ?14, ?17 of Q_SEEN) */
static void
bind_paper(sqlite3_stmt *st, const struct paper *p)
{
    bind_str(st, 2, p->arxiv_id);
    sqlite3_bind_int(st, 3, p->version);
    bind_str(st, 4, p->doi);
    bind_str(st, 5, p->entry_id);
    bind_str(st, 6, p->title);
    bind_str(st, 7, p->abstract);
    bind_str(st, 8, p->url);
    bind_str(st, 9, p->pdf_url);
    bind_strv(st, 10, &p->authors);
    bind_strv(st, 11, &p->categories);
    bind_time(st, 12, p->published);
    bind_time(st, 13, p->updated);
    bind_str(st, 14, p->announce);
    bind_str(st, 15, p->comment);
    bind_str(st, 16, p->journal_ref);
    bind_str(st, 17, p->extras);
}

static int
insert_paper(struct store *s, const struct paper *p, int64_t now, int64_t *id,
             struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1;

    if ((st = stmt(s, Q_INSERT, e)) == NULL)
        return -1;
    sqlite3_bind_text(st, 1, p->key, -1, SQLITE_TRANSIENT);
    bind_paper(st, p);
    sqlite3_bind_int64(st, 18, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        dberrf(s, e, "adding %s", p->key);
        goto out;
    }
    *id = sqlite3_last_insert_rowid(s->db);
    rc = 0;
out:
    release(st);
    return rc;
}

/* The value to keep: an empty one never wins over a present one. */
static char *
pick(char *stored, char *in, int prefer_in)
{
    if (str_empty(in))
        return stored;
    if (str_empty(stored))
        return in;
    return prefer_in ? in : stored;
}

static struct strv
pick_strv(const struct strv *stored, const struct strv *in, int prefer_in)
{
    if (in->n == 0)
        return *stored;
    if (stored->n == 0)
        return *in;
    return prefer_in ? *in : *stored;
}

/* The earlier time, but a time of day over a bare date of the same day
 * (Hugging Face's publishedAt is a date at midnight, arXiv's a time). */
static int64_t
earliest(int64_t a, int64_t b)
{
    if (a == 0 || b == 0)
        return a ? a : b;
    if (a / 86400 == b / 86400 && (a % 86400 == 0) != (b % 86400 == 0))
        return a % 86400 ? a : b;
    return a < b ? a : b;
}

/* The text with more to it: the stored one unless the other is longer. */
static char *
longer(char *stored, char *in)
{
    if (str_empty(in))
        return stored;
    if (str_empty(stored) || strlen(in) > strlen(stored))
        return in;
    return stored;
}

static struct strv
longer_strv(const struct strv *stored, const struct strv *in)
{
    return in->n > stored->n ? *in : *stored;
}

static int
same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static int
same_strv(const struct strv *a, const struct strv *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

/* The merged record: a borrowed view of old and in, never paper_fini'd.
 * A higher incoming version, or the same one from the only source that
 * has given the paper (its entry edited there), is an update: its
 * non-empty values win. A lower one keeps the stored text. The same
 * version from another source keeps the richest value of each field:
 * the stored, unless empty, but the longer abstract and the longer lists
 * of authors and categories (a blog's "Short." never replaces arXiv's
 * abstract). announce and extras are merged in SQL. */
static void
merge(const struct paper *old, const struct paper *in, int same_source,
      struct paper *m)
{
    int pi = in->version > old->version ||
             (in->version == old->version && same_source);

    *m = *in;
    m->arxiv_id = pick(old->arxiv_id, in->arxiv_id, pi);
    m->version = pi ? in->version : old->version;
    m->doi = pick(old->doi, in->doi, pi);
    m->entry_id = pick(old->entry_id, in->entry_id, pi);
    m->title = pick(old->title, in->title, pi);
    m->abstract = pick(old->abstract, in->abstract, pi);
    m->url = pick(old->url, in->url, pi);
    m->pdf_url = pick(old->pdf_url, in->pdf_url, pi);
    m->authors = pick_strv(&old->authors, &in->authors, pi);
    m->categories = pick_strv(&old->categories, &in->categories, pi);
    m->published = earliest(old->published, in->published);
    m->updated = in->updated > old->updated ? in->updated : old->updated;
    m->comment = pick(old->comment, in->comment, pi);
    m->journal_ref = pick(old->journal_ref, in->journal_ref, pi);
    if (!pi && in->version == old->version) {
        m->abstract = longer(old->abstract, in->abstract);
        m->authors = longer_strv(&old->authors, &in->authors);
        m->categories = longer_strv(&old->categories, &in->categories);
    }
}

/* UPDATED: a higher version than a known stored one, or changed title,
 * abstract, authors or categories. */
static enum store_outcome
outcome_of(const struct paper *old, const struct paper *in,
           const struct paper *m)
{
    if (old->version > 0 && in->version > old->version)
        return STORE_UPDATED;
    if (!same_str(old->title, m->title) ||
        !same_str(old->abstract, m->abstract) ||
        !same_strv(&old->authors, &m->authors) ||
        !same_strv(&old->categories, &m->categories))
        return STORE_UPDATED;
    return STORE_UNCHANGED;
}

/* Whether source is the only one that has given this paper (or none has). */
static int
only_source(const struct store_row *r, const char *source)
{
    for (size_t i = 0; i < r->sources.n; i++)
        if (str_empty(source) || strcmp(r->sources.v[i], source) != 0)
            return 0;
    return 1;
}

static int
update_paper(struct store *s, const struct store_row *old,
             const struct paper *in, const char *source, int64_t now,
             enum store_outcome *outcome, struct pw_err *e)
{
    sqlite3_stmt *st;
    struct paper m;
    int rc = -1;

    merge(&old->p, in, only_source(old, source), &m);
    *outcome = outcome_of(&old->p, in, &m);
    if ((st = stmt(s, Q_UPDATE, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, old->id);
    bind_paper(st, &m); /* announce and extras: in's, merged in SQL */
    sqlite3_bind_int64(st, 18, now);
    sqlite3_bind_int(st, 19, *outcome == STORE_UPDATED);
    if (sqlite3_step(st) != SQLITE_DONE) {
        dberrf(s, e, "updating %s", in->key);
        goto out;
    }
    rc = 0;
out:
    release(st);
    return rc;
}

static int
seen_in(struct store *s, int64_t id, const char *source, const struct paper *p,
        int64_t now, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1;

    if ((st = stmt(s, Q_SEEN, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
    bind_str(st, 14, p->announce);
    bind_str(st, 17, p->extras);
    sqlite3_bind_int64(st, 18, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        dberrf(s, e, "recording %s as seen in %s", p->key, source);
        goto out;
    }
    rc = 0;
out:
    release(st);
    return rc;
}

/* The stored paper that is p under another key: one keyed by the DOI p
 * has (a journal's feed) when p is not, or p keyed by its DOI and the
 * stored one by its arXiv id. Two arXiv ids with one DOI stay two. */
static int
by_doi(struct store *s, const struct paper *p, struct store_row *r,
       struct pw_err *e)
{
    int found;

    if (str_empty(p->doi))
        return 0;
    if ((found = fetch(s, Q_BY_DOI, p->doi, 0, r, e)) != 1)
        return found;
    if (p->arxiv_id && r->p.arxiv_id && strcmp(p->arxiv_id, r->p.arxiv_id))
        return 0;
    return 1;
}

/* The arXiv key over a DOI key (issue 3's order of keys). */
static int
rekey(struct store *s, int64_t id, const char *key, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_REKEY, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = dberrf(s, e, "re-keying paper %lld as %s", (long long)id, key);
    release(st);
    return rc;
}

int
store_upsert_paper(struct store *s, const struct paper *p, const char *source,
                   int64_t now, enum store_outcome *outcome, struct pw_err *e)
{
    struct store_row old;
    int64_t id;
    int rc = -1, began = 0, found;

    store_row_init(&old);
    if (str_empty(p->key)) {
        pw_errf(e, "%s: cannot store a paper without a key (title: %s)",
                s->path, p->title ? p->title : "none");
        goto out;
    }
    if (store_begin(s, e) < 0)
        goto out;
    began = 1;
    if ((found = fetch(s, Q_BY_KEY, p->key, 0, &old, e)) < 0 ||
        (!found && (found = by_doi(s, p, &old, e)) < 0) ||
        (found && row_sources(s, &old, e) < 0))
        goto out;
    if (found) {
        id = old.id;
        if (strcmp(old.p.key, p->key) != 0 && p->arxiv_id &&
            rekey(s, id, p->key, e) < 0)
            goto out;
        if (update_paper(s, &old, p, source, now, outcome, e) < 0)
            goto out;
    } else {
        *outcome = STORE_NEW;
        if (insert_paper(s, p, now, &id, e) < 0)
            goto out;
    }
    if (!str_empty(source) && seen_in(s, id, source, p, now, e) < 0)
        goto out;
    began = 0; /* commit rolls back itself on failure */
    rc = store_commit(s, e);
out:
    if (began)
        store_rollback(s);
    store_row_fini(&old);
    return rc;
}

/* --- scores and marks --- */

/* Run a cached statement that returns no rows; *changes gets the count of
 * rows it touched (may be NULL). */
static int
run(struct store *s, sqlite3_stmt *st, int *changes)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

    if (rc == 0 && changes)
        *changes = sqlite3_changes(s->db);
    return rc;
}

int
store_unscored(struct store *s, int64_t **ids, size_t *n, struct pw_err *e)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    int rc = -1, step;

    *ids = NULL;
    *n = 0;
    if ((st = stmt(s, Q_UNSCORED, e)) == NULL)
        return -1;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = xrealloc(*ids, cap * sizeof(**ids));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (step != SQLITE_DONE) {
        dberrf(s, e, "listing unscored papers");
        free(*ids);
        *ids = NULL;
        *n = 0;
        goto out;
    }
    rc = 0;
out:
    release(st);
    return rc;
}

int
store_unscore_all(struct store *s, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_UNSCORE_ALL, e)) == NULL)
        return -1;
    if (run(s, st, NULL) < 0)
        rc = dberrf(s, e, "marking all papers unscored");
    release(st);
    return rc;
}

static int
add_score(struct store *s, int64_t id, const struct rule_score *sc,
          struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_ADD_SCORE, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, sc->rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, sc->score);
    bind_str(st, 4, sc->reason);
    if (run(s, st, NULL) < 0)
        rc = dberrf(s, e, "score of paper %lld by rule '%s'", (long long)id,
                    sc->rule);
    release(st);
    return rc;
}

static int
set_total(struct store *s, int64_t id, const char *hash, double total,
          struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0, n = 0;

    if ((st = stmt(s, Q_SET_SCORE, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, total);
    sqlite3_bind_text(st, 3, hash ? hash : "", -1, SQLITE_TRANSIENT);
    if (run(s, st, &n) < 0)
        rc = dberrf(s, e, "score of paper %lld", (long long)id);
    else if (n != 1)
        rc = pw_errf(e, "%s: score of paper %lld: no such paper", s->path,
                     (long long)id);
    release(st);
    return rc;
}

int
store_set_scores(struct store *s, int64_t id, const char *ruleset_hash,
                 const struct rule_score *sc, size_t n, double total,
                 struct pw_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (isnan(total))
        return pw_errf(e, "%s: score of paper %lld is not a number", s->path,
                       (long long)id);
    if (store_begin(s, e) < 0)
        return -1;
    if ((st = stmt(s, Q_DEL_SCORES, e)) == NULL)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    if (run(s, st, NULL) < 0) {
        dberrf(s, e, "clearing scores of paper %lld", (long long)id);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        /* sparse: a rule that did not contribute leaves no row */
        if (sc[i].score == 0 || isnan(sc[i].score))
            continue;
        if (add_score(s, id, &sc[i], e) < 0)
            goto out;
    }
    if (set_total(s, id, ruleset_hash, total, e) < 0)
        goto out;
    release(st);
    st = NULL;
    return store_commit(s, e);
out:
    release(st);
    store_rollback(s);
    return rc;
}

int
store_add_event(struct store *s, int64_t id, const char *kind, int64_t now,
                const char *detail, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_EVENT, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    bind_str(st, 4, detail);
    if (run(s, st, NULL) < 0)
        rc = dberrf(s, e, "event '%s' of paper %lld", kind, (long long)id);
    release(st);
    return rc;
}

/* The UPDATE's WHERE notified_at IS NULL decides, under the write lock
 * BEGIN IMMEDIATE holds: of two processes, exactly one sees a change. */
int
store_mark_notified(struct store *s, int64_t id, int64_t now, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, n = 0;

    if (store_begin(s, e) < 0)
        return -1;
    if ((st = stmt(s, Q_MARK, e)) == NULL)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    if (run(s, st, &n) < 0) {
        dberrf(s, e, "marking paper %lld notified", (long long)id);
        goto out;
    }
    release(st);
    st = NULL;
    if (n == 1 && store_add_event(s, id, "notified", now, NULL, e) < 0)
        goto out;
    if (store_commit(s, e) < 0)
        return -1;
    return n == 1;
out:
    release(st);
    store_rollback(s);
    return rc;
}

/* Only in a version newer than the one notified, and only once: of two
 * processes re-arming at once, one changes the row. */
#define SQL_REARM                                                              \
    "UPDATE papers SET notified_at = NULL WHERE id = ?1"                       \
    " AND notified_at IS NOT NULL AND version > coalesce(notified_version, 0)"

int
store_rearm_notified(struct store *s, int64_t id, struct pw_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(s->db, SQL_REARM, -1, &st, NULL) != SQLITE_OK) {
        dberrf(s, e, "preparing to notify paper %lld again", (long long)id);
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        dberrf(s, e, "re-arming the notification of paper %lld", (long long)id);
        goto out;
    }
    rc = sqlite3_changes(s->db) == 1;
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_set_hidden(struct store *s, int64_t id, int hidden, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0, n = 0;

    if ((st = stmt(s, Q_HIDE, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, hidden != 0);
    if (run(s, st, &n) < 0)
        rc = dberrf(s, e, "hiding paper %lld", (long long)id);
    else if (n != 1)
        rc = pw_errf(e, "%s: hiding paper %lld: no such paper", s->path,
                     (long long)id);
    release(st);
    return rc;
}

/* A paper's tags into all, and those a rule set into by_rule (if not
 * NULL), both sorted. */
static int
read_tags(struct store *s, int64_t id, struct strv *all, struct strv *by_rule,
          struct pw_err *e)
{
    sqlite3_stmt *st = stmt(s, Q_TAGS, e);
    int step;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *tag = (const char *)sqlite3_column_text(st, 0);

        strv_add(all, tag);
        if (by_rule && sqlite3_column_int(st, 1))
            strv_add(by_rule, tag);
    }
    if (step != SQLITE_DONE)
        dberrf(s, e, "reading tags");
    release(st);
    return step == SQLITE_DONE ? 0 : -1;
}

void
paper_state_init(struct paper_state *ps)
{
    memset(ps, 0, sizeof(*ps));
    strv_init(&ps->tags);
    strv_init(&ps->rule_tags);
}

void
paper_state_fini(struct paper_state *ps)
{
    strv_fini(&ps->tags);
    strv_fini(&ps->rule_tags);
    paper_state_init(ps);
}

int
store_paper_state(struct store *s, int64_t id, struct paper_state *ps,
                  struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1;

    paper_state_fini(ps);
    if ((st = stmt(s, Q_STATE, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        dberrf(s, e, "state of paper %lld", (long long)id);
        goto out;
    }
    ps->starred = sqlite3_column_int(st, 0);
    ps->read = sqlite3_column_int(st, 1);
    ps->ignored = sqlite3_column_int(st, 2);
    rc = read_tags(s, id, &ps->tags, &ps->rule_tags, e);
out:
    release(st);
    return rc;
}

int
store_import_get(struct store *s, const char *file, int64_t *offset,
                 int64_t *records, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, step;

    *offset = *records = 0;
    st = prepare(s, "SELECT offset, records FROM imports WHERE file = ?1", e);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_TRANSIENT);
    if ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *offset = sqlite3_column_int64(st, 0);
        *records = sqlite3_column_int64(st, 1);
        rc = 1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    } else {
        dberrf(s, e, "reading the import state of %s", file);
    }
    sqlite3_finalize(st);
    return rc;
}

int
store_import_put(struct store *s, const char *file, int64_t offset,
                 int64_t records, int done, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    st = prepare(s,
                 "INSERT INTO imports (file, offset, records, done, at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (file) DO UPDATE"
                 " SET offset = excluded.offset, records = excluded.records,"
                 " done = excluded.done, at = excluded.at",
                 e);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, offset);
    sqlite3_bind_int64(st, 3, records);
    sqlite3_bind_int(st, 4, done != 0);
    sqlite3_bind_int64(st, 5, time_now());
    if (run(s, st, NULL) < 0)
        rc = dberrf(s, e, "saving the import state of %s", file);
    sqlite3_finalize(st);
    return rc;
}

/* --- reading --- */

/* A key as people type it: any arXiv form -> arxiv:ID, a DOI -> doi:...,
 * else as given. */
static void
normalize_key(const char *key, struct buf *out)
{
    char id[512];
    int v;

    if (ident_arxiv(key, id, sizeof(id), &v))
        buf_addf(out, "arxiv:%s", id);
    else if (ident_doi(key, id, sizeof(id)))
        buf_addf(out, "doi:%s", id);
    else
        buf_adds(out, key);
}

/* By normalized key, then the key as typed, then a DOI among the papers
 * keyed otherwise. */
static int
find_typed(struct store *s, const char *key, struct store_row *r,
           struct pw_err *e)
{
    struct buf k;
    int rc;

    buf_init(&k);
    normalize_key(key, &k);
    rc = fetch(s, Q_BY_KEY, k.p, 0, r, e);
    if (rc == 0 && strcmp(k.p, key) != 0)
        rc = fetch(s, Q_BY_KEY, key, 0, r, e);
    if (rc == 0 && strncmp(k.p, "doi:", 4) == 0)
        rc = fetch(s, Q_BY_DOI, k.p + 4, 0, r, e);
    buf_fini(&k);
    return rc;
}

int
store_get(struct store *s, const char *key, struct store_row *r,
          struct pw_err *e)
{
    int rc;

    store_row_fini(r);
    if (str_empty(key))
        return 0;
    if ((rc = find_typed(s, key, r, e)) == 1 && row_sources(s, r, e) < 0)
        rc = -1;
    return rc;
}

int
store_get_by_id(struct store *s, int64_t id, struct store_row *r,
                struct pw_err *e)
{
    int rc;

    store_row_fini(r);
    if ((rc = fetch(s, Q_BY_ID, NULL, id, r, e)) == 1 &&
        row_sources(s, r, e) < 0)
        rc = -1;
    return rc;
}

int
store_scores(struct store *s, int64_t id, store_score_fn fn, void *ud,
             struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, step = SQLITE_DONE, r = 0;

    if ((st = prepare(s, SQL_SCORES, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (r == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *reason = (const char *)sqlite3_column_text(st, 2);

        r = fn(ud, (const char *)sqlite3_column_text(st, 0),
               sqlite3_column_double(st, 1), reason, e);
    }
    if (r < 0)
        goto out;
    if (r == 0 && step != SQLITE_DONE) {
        dberrf(s, e, "scores of paper %lld", (long long)id);
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Step st (ROW_COLS) and hand each row, with its sources, to fn. */
static int
each_row(struct store *s, sqlite3_stmt *st, const char *what, store_row_fn fn,
         void *ud, struct pw_err *e)
{
    struct store_row r;
    int rc = -1, step = SQLITE_DONE, cb = 0;

    store_row_init(&r);
    while (cb == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        row_read(st, &r);
        if (row_sources(s, &r, e) < 0)
            goto out;
        cb = fn(ud, &r, e);
    }
    if (cb < 0)
        goto out;
    if (cb == 0 && step != SQLITE_DONE) {
        dberrf(s, e, "%s", what);
        goto out;
    }
    rc = 0;
out:
    store_row_fini(&r);
    return rc;
}

int
store_list(struct store *s, const struct store_query *q, store_row_fn fn,
           void *ud, struct pw_err *e)
{
    static const struct store_query all;
    sqlite3_stmt *st;
    int rc;

    if (q == NULL)
        q = &all;
    if ((st = prepare(s, SQL_LIST, e)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, q->since);
    if (q->has_min_score)
        sqlite3_bind_double(st, 2, q->min_score);
    sqlite3_bind_int(st, 3, q->include_hidden != 0);
    sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int(st, 5, q->starred != 0);
    sqlite3_bind_int(st, 6, q->unread != 0);
    bind_str(st, 7, q->source);
    bind_str(st, 8, q->tag);
    rc = each_row(s, st, "listing papers", fn, ud, e);
    sqlite3_finalize(st);
    return rc;
}

int
store_search(struct store *s, const char *query, long limit, store_row_fn fn,
             void *ud, struct pw_err *e)
{
    struct search_query q;
    sqlite3_stmt *st = NULL;
    struct buf cats;
    int rc = -1;

    search_query_init(&q);
    buf_init(&cats);
    if (search_query_parse(query ? query : "", &q, e) < 0)
        goto out;
    if (q.fts.len == 0 && q.since == 0 && q.cats.n == 0) {
        rc = 0; /* nothing asked, nothing found */
        goto out;
    }
    st = prepare(s,
                 q.fts.len == 0
                     ? SQL_SEARCH_FILTERS
                     : sql_search[q.since != 0 || q.cats.n][q.prefix != 0],
                 e);
    if (st == NULL)
        goto out;
    if (q.fts.len)
        sqlite3_bind_text(st, 1, q.fts.p, (int)q.fts.len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
    sqlite3_bind_int64(st, 3, q.since);
    if (q.cats.n) {
        json_add_strv(&cats, &q.cats);
        sqlite3_bind_text(st, 4, cats.p, (int)cats.len, SQLITE_TRANSIENT);
    }
    rc = each_row(s, st, "searching", fn, ud, e);
    if (rc < 0 && strstr(e->msg, "fts5") != NULL)
        pw_errf(e, "search: cannot read the query '%s' (as FTS5: %s): %s",
                query, q.fts.p, sqlite3_errmsg(s->db));
out:
    sqlite3_finalize(st);
    buf_fini(&cats);
    search_query_fini(&q);
    return rc;
}

int
store_count_papers(struct store *s, long *n, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_COUNT, e)) == NULL)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = (long)sqlite3_column_int64(st, 0);
    else
        rc = dberrf(s, e, "counting papers");
    release(st);
    return rc;
}

/* --- source state --- */

void
source_state_init(struct source_state *st)
{
    memset(st, 0, sizeof(*st));
}

void
source_state_fini(struct source_state *st)
{
    free(st->url);
    free(st->etag);
    free(st->last_modified);
    free(st->last_status);
    free(st->last_error);
    free(st->moved_to);
    source_state_init(st);
}

int
store_source_get(struct store *s, const char *name, struct source_state *ss,
                 struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = -1, step;

    source_state_fini(ss);
    if ((st = stmt(s, Q_SRC_GET, e)) == NULL)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        ss->url = col_str(st, 0);
        ss->etag = col_str(st, 1);
        ss->last_modified = col_str(st, 2);
        ss->last_fetch = sqlite3_column_int64(st, 3);
        ss->last_status = col_str(st, 4);
        ss->last_error = col_str(st, 5);
        ss->items_last = (long)sqlite3_column_int64(st, 6);
        ss->failures = (long)sqlite3_column_int64(st, 7);
        ss->next_due = sqlite3_column_int64(st, 8);
        ss->moved_to = col_str(st, 9);
        ss->last_ok = sqlite3_column_int64(st, 10);
        ss->http_status = (long)sqlite3_column_int64(st, 11);
        rc = 1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    } else {
        dberrf(s, e, "reading the state of source %s", name);
    }
    release(st);
    return rc;
}

int
store_source_put(struct store *s, const char *name,
                 const struct source_state *ss, struct pw_err *e)
{
    sqlite3_stmt *st;
    int rc = 0;

    if ((st = stmt(s, Q_SRC_PUT, e)) == NULL)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    bind_str(st, 2, ss->url);
    bind_str(st, 3, ss->etag);
    bind_str(st, 4, ss->last_modified);
    sqlite3_bind_int64(st, 5, ss->last_fetch);
    bind_str(st, 6, ss->last_status);
    bind_str(st, 7, ss->last_error);
    sqlite3_bind_int64(st, 8, ss->items_last);
    sqlite3_bind_int64(st, 9, ss->failures);
    sqlite3_bind_int64(st, 10, ss->next_due);
    bind_str(st, 11, ss->moved_to);
    sqlite3_bind_int64(st, 12, ss->last_ok);
    sqlite3_bind_int64(st, 13, ss->http_status);
    if (run(s, st, NULL) < 0)
        rc = dberrf(s, e, "saving the state of source %s", name);
    release(st);
    return rc;
}

/* --- rule state: tags, hits, hidden by rules, settings (score.c) --- */

/* Run a one-off statement with ?1 int64 and ?2/?3 text (NULL: unbound). */
static int
run_once(struct store *s, const char *text, int64_t a, const char *b,
         const char *c, const char *what, struct pw_err *e)
{
    sqlite3_stmt *st = prepare(s, text, e);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    if (c)
        sqlite3_bind_text(st, 3, c, -1, SQLITE_TRANSIENT);
    rc = run(s, st, NULL) < 0 ? dberrf(s, e, "%s", what) : 0;
    sqlite3_finalize(st);
    return rc;
}

int
store_add_tag(struct store *s, int64_t id, const char *tag, int by_rule,
              int64_t now, struct pw_err *e)
{
    /* a tag the user gave stays the user's: a rule never takes it over */
    sqlite3_stmt *st = prepare(
        s,
        "INSERT INTO tags (paper_id, tag, by_rule, at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (paper_id, tag) DO UPDATE SET"
        " by_rule = min(by_rule, excluded.by_rule)",
        e);
    int rc, n = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, tag, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, by_rule != 0);
    sqlite3_bind_int64(st, 4, now);
    rc = run(s, st, &n) < 0
             ? dberrf(s, e, "tagging paper %lld with '%s'", (long long)id, tag)
             : 0;
    sqlite3_finalize(st);
    return rc;
}

int
store_clear_rule_tags(struct store *s, int64_t id, struct pw_err *e)
{
    return run_once(s, "DELETE FROM tags WHERE paper_id = ?1 AND by_rule", id,
                    NULL, NULL, "clearing rule tags", e);
}

int
store_tags(struct store *s, int64_t id, struct strv *out, struct pw_err *e)
{
    return read_tags(s, id, out, NULL, e);
}

int
store_set_rule_hidden(struct store *s, int64_t id, int hide, struct pw_err *e)
{
    return run_once(s,
                    hide ? "UPDATE papers SET hidden = 2"
                           " WHERE id = ?1 AND hidden = 0"
                         : "UPDATE papers SET hidden = 0"
                           " WHERE id = ?1 AND hidden = 2",
                    id, NULL, NULL, "hiding a paper", e);
}

int
store_add_rule_hits(struct store *s, const char *rule, long hits, int64_t now,
                    struct pw_err *e)
{
    sqlite3_stmt *st = prepare(
        s,
        "INSERT INTO rule_hits (rule, hits, last_hit) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (rule) DO UPDATE SET hits = hits + excluded.hits,"
        " last_hit = excluded.last_hit",
        e);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, hits);
    sqlite3_bind_int64(st, 3, now);
    rc = run(s, st, NULL) < 0 ? dberrf(s, e, "hits of rule %s", rule) : 0;
    sqlite3_finalize(st);
    return rc;
}

int
store_rule_hits(struct store *s, const char *rule, long *hits, struct pw_err *e)
{
    sqlite3_stmt *st =
        prepare(s, "SELECT hits FROM rule_hits WHERE rule = ?1", e);
    int step;

    *hits = 0;
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
    if ((step = sqlite3_step(st)) == SQLITE_ROW)
        *hits = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? 0
               : dberrf(s, e, "hits of rule %s", rule);
}

int
store_count_stale(struct store *s, const char *hash, long *n, struct pw_err *e)
{
    sqlite3_stmt *st = prepare(s,
                               "SELECT count(*) FROM papers WHERE score_hash"
                               " IS NOT NULL AND score_hash <> ?1",
                               e);
    int step;

    *n = 0;
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
    if ((step = sqlite3_step(st)) == SQLITE_ROW)
        *n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? 0 : dberrf(s, e, "counting stale scores");
}

int
store_setting_get(struct store *s, const char *name, char **value,
                  struct pw_err *e)
{
    sqlite3_stmt *st =
        prepare(s, "SELECT value FROM settings WHERE name = ?1", e);
    int step;

    *value = NULL;
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if ((step = sqlite3_step(st)) == SQLITE_ROW)
        *value = col_str(st, 0);
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? 0
               : dberrf(s, e, "reading setting %s", name);
}

int
store_setting_put(struct store *s, const char *name, const char *value,
                  struct pw_err *e)
{
    return run_once(s,
                    "INSERT INTO settings (name, value) VALUES (?2, ?3)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                    " WHERE ?1 = ?1",
                    0, name, value, "saving a setting", e);
}

/* --- read-only queries for scripts (l_db.c) --- */

void
store_result_free(struct store_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->ncols; i++)
        free(r->names[i]);
    for (size_t i = 0; i < r->ncols * r->nrows; i++)
        free(r->vals[i].s);
    free(r->names);
    free(r->vals);
    free(r);
}

static void
result_cell(struct store_result *r, sqlite3_stmt *st, int i,
            struct store_value *v)
{
    (void)r;
    memset(v, 0, sizeof(*v));
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        v->type = STORE_INT;
        v->i = sqlite3_column_int64(st, i);
        break;
    case SQLITE_FLOAT:
        v->type = STORE_REAL;
        v->d = sqlite3_column_double(st, i);
        break;
    case SQLITE_NULL:
        v->type = STORE_NULL;
        break;
    default: /* text and blobs come out as strings */
        v->type = STORE_TEXT;
        v->len = (size_t)sqlite3_column_bytes(st, i);
        v->s = xmalloc(v->len + 1);
        memcpy(v->s,
               sqlite3_column_blob(st, i) ? sqlite3_column_blob(st, i) : "",
               v->len);
        v->s[v->len] = '\0';
    }
}

static int
bind_values(struct store *s, sqlite3_stmt *st, const struct store_value *args,
            size_t nargs, struct pw_err *e)
{
    if ((int)nargs > sqlite3_bind_parameter_count(st))
        return pw_errf(e, "%zu values for %d parameters", nargs,
                       sqlite3_bind_parameter_count(st));
    for (size_t i = 0; i < nargs; i++) {
        int k = (int)i + 1, rc = SQLITE_OK;
        switch (args[i].type) {
        case STORE_INT:
            rc = sqlite3_bind_int64(st, k, args[i].i);
            break;
        case STORE_REAL:
            rc = sqlite3_bind_double(st, k, args[i].d);
            break;
        case STORE_TEXT:
            rc = sqlite3_bind_text(st, k, args[i].s, (int)args[i].len,
                                   SQLITE_TRANSIENT);
            break;
        default:
            rc = sqlite3_bind_null(st, k);
        }
        if (rc != SQLITE_OK)
            return dberrf(s, e, "binding value %d", k);
    }
    return 0;
}

struct store_result *
store_read_query(struct store *s, const char *text,
                 const struct store_value *args, size_t nargs, long max_rows,
                 struct pw_err *e)
{
    struct store_result *r = NULL;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    size_t cap = 0;
    int step;

    if (sqlite3_prepare_v2(s->db, text, -1, &st, &tail) != SQLITE_OK) {
        pw_errf(e, "%s", sqlite3_errmsg(s->db));
        goto fail;
    }
    if (st == NULL || !str_empty(tail + strspn(tail, " \t\r\n;"))) {
        pw_errf(e, "%s", "give exactly one SQL statement");
        goto fail;
    }
    if (!sqlite3_stmt_readonly(st)) {
        pw_errf(e, "%s", "only reading statements (SELECT, WITH ...) run here");
        goto fail;
    }
    if (bind_values(s, st, args, nargs, e) < 0)
        goto fail;
    r = xcalloc(1, sizeof(*r));
    r->ncols = (size_t)sqlite3_column_count(st);
    r->names = xcalloc(r->ncols ? r->ncols : 1, sizeof(*r->names));
    for (size_t i = 0; i < r->ncols; i++)
        r->names[i] = xstrdup(sqlite3_column_name(st, (int)i));
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (max_rows > 0 && (long)r->nrows >= max_rows) {
            pw_errf(e, "more than %ld rows (add a LIMIT)", max_rows);
            goto fail;
        }
        if (r->nrows == cap) {
            cap = cap ? 2 * cap : 16;
            r->vals = xrealloc(r->vals, cap * (r->ncols ? r->ncols : 1) *
                                            sizeof(*r->vals));
        }
        for (size_t i = 0; i < r->ncols; i++)
            result_cell(r, st, (int)i, &r->vals[r->nrows * r->ncols + i]);
        r->nrows++;
    }
    if (step != SQLITE_DONE) {
        pw_errf(e, "%s", sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_finalize(st);
    return r;
fail:
    sqlite3_finalize(st);
    store_result_free(r);
    return NULL;
}

/* --- digests --- */

int
store_add_digest(struct store *s, int64_t since, int64_t until, long n,
                 const char *to, struct pw_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO events (paper_id, kind, at, detail)"
                           " VALUES (NULL, 'digest', ?1, json_object("
                           "'since', ?2, 'count', ?3, 'to', ?4))",
                           -1, &st, NULL) != SQLITE_OK) {
        dberrf(s, e, "recording a digest");
        goto out;
    }
    sqlite3_bind_int64(st, 1, until);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, n);
    sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        dberrf(s, e, "recording a digest");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_last_digest(struct store *s, int64_t *until, struct pw_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, step;

    *until = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT max(at) FROM events"
                           " WHERE kind = 'digest' AND paper_id IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        dberrf(s, e, "reading the last digest");
        goto out;
    }
    step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        dberrf(s, e, "reading the last digest");
        goto out;
    }
    if (step == SQLITE_ROW)
        *until = sqlite3_column_int64(st, 0);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}
