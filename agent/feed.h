/* feed.h: streaming feed parsing: bytes in, paper records out through a
 * callback. Knows nothing of SQLite, HTTP or Lua. */
#ifndef PW_FEED_H
#define PW_FEED_H

#include <stddef.h>

#include "paper.h"
#include "util.h"

enum feed_format {
    FEED_UNKNOWN = 0,
    FEED_ATOM,  /* Atom 1.0, arXiv API */
    FEED_RSS,   /* RSS 0.9x/2.0, arXiv listings */
    FEED_RDF,   /* RSS 1.0 */
    FEED_JSON,  /* Hugging Face daily papers array, JSON Feed */
    FEED_JSONL, /* arXiv metadata JSON Lines (the Kaggle OAI snapshot) */
};

/* What the feed said about itself, complete after feed_parser_finish. */
struct feed_info {
    enum feed_format format;
    char *title;        /* owned: feed-level title, or NULL */
    long entries;       /* entries handed to the callback */
    long total_results; /* opensearch:totalResults, -1 when absent */
    long skipped;       /* JSON Lines: malformed lines passed over */
};

/* Called once per completed entry. The paper is borrowed for the call only
 * (its strings may point into the parser's own buffers: copy what is kept).
 * Return 0 to go on, -1 to stop parsing (feed_parser_write then fails with
 * the message the callback put in e). */
typedef int (*feed_entry_fn)(void *ud, const struct paper *p, struct pw_err *e);

struct feed_parser;

/* `name` is what errors call the document (a source name, URL or file). */
struct feed_parser *feed_parser_new(const char *name, feed_entry_fn fn,
                                    void *ud);
void feed_parser_free(struct feed_parser *fp);

/* Optional, before the first write. The document's URL: relative links
 * (Atom href, RSS link, enclosure) are resolved against it, under any
 * xml:base. NULL clears it. */
void feed_parser_set_base(struct feed_parser *fp, const char *url);

/* Optional, before the first write: the charset of the HTTP Content-Type
 * ("iso-8859-2", "windows-1251", "utf-16", "shift_jis" ... any name iconv
 * knows). As feed readers do: a byte order mark wins over it, and it wins
 * over the XML declaration. -1 with e filled when iconv does not know the
 * name (the parser then goes by the document alone). */
int feed_parser_set_charset(struct feed_parser *fp, const char *charset,
                            struct pw_err *e);

/* Optional: a record that is none is passed over, counted in
 * info.skipped, and told to fn: a line of JSON Lines that is not
 * well-formed JSON or has no "id" (line: its number), a Hugging Face item
 * without paper.id (line 0). name is the parser's; why ends "(line
 * skipped)" or "(item skipped)". The records around it are read as ever. */
typedef void (*feed_warn_fn)(void *ud, const char *name, long line,
                             const char *why);
void feed_parser_set_warn(struct feed_parser *fp, feed_warn_fn fn, void *ud);
/* What a feed_warn_fn tells, as words: "name:line: why", or "name: why"
 * when line is 0, into out (size bytes). */
void feed_warn_text(char *out, size_t size, const char *name, long line,
                    const char *why);

/* Optional, before the first write: the bytes are JSON Lines (an import),
 * not to be told from their first line (which may be a malformed one),
 * and `line` lines come before them (read on from an offset), so that
 * messages name the right line. */
void feed_parser_set_jsonl(struct feed_parser *fp, long line);

/* Feed bytes as they arrive. The format is detected from the first bytes.
 * -1 with e filled on malformed input; entries completed before the error
 * were already delivered. */
int feed_parser_write(struct feed_parser *fp, const char *buf, size_t len,
                      struct pw_err *e);

/* The same without a copy: room for up to len bytes, valid until the next
 * call on fp, then feed_parser_commit() with how many were put there (0 is
 * fine). Once the document is known to be UTF-8 XML the room is expat's own
 * buffer, so a large file goes from read() to the XML parser untouched. */
char *feed_parser_space(struct feed_parser *fp, size_t len);
int feed_parser_commit(struct feed_parser *fp, size_t n, struct pw_err *e);

/* End of input. -1 when the document is incomplete, empty, not a feed, or
 * a feed that says it is an error (arXiv "Feed error for query: ...", the
 * arXiv API error entry): the message says which. */
int feed_parser_finish(struct feed_parser *fp, struct pw_err *e);

const struct feed_info *feed_parser_info(const struct feed_parser *fp);

/* For parsing one large document in pieces, on several cores (parallel.c).
 * The head is what comes before the first entry's start tag.
 * feed_parser_entry_at: where in the input the first entry's start tag
 * begins; -1 when none has begun yet, -2 when the input is not XML or its
 * offsets are not expat's (transcoded, repaired before that entry).
 * feed_parser_seal: after a head given to a fresh parser, what follows is
 * entries (the first entry seals a parser by itself).
 * feed_parser_between: whether the parser stands where it stood when
 * sealed: every byte taken, the same elements open (none at or above the
 * entries' parent closed since), no error, and nothing met since that
 * could make an entry come out otherwise (feed-level text, an arXiv API
 * error entry, a record passed over). A fresh parser given the head then
 * goes on exactly as this one would. */
long long feed_parser_entry_at(const struct feed_parser *fp);
void feed_parser_seal(struct feed_parser *fp);
int feed_parser_between(const struct feed_parser *fp);
/* During the entry callback: what the record's JSON writer may rely on
 * (paper_to_json_plain). */
const struct paper_plain *feed_parser_plain(const struct feed_parser *fp);

#endif
