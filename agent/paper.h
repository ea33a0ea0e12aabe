/* paper.h: one normalized paper record, as every module passes it around. */
#ifndef PW_PAPER_H
#define PW_PAPER_H

#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct paper {
    char *key;      /* owned: arxiv:ID | doi:10... | entry id | link */
    char *arxiv_id; /* owned: "2401.12345" or "hep-th/9901001", or NULL */
    int version;    /* arXiv version, 0 when unknown */
    char *doi;      /* owned: normalized lower case "10.xxx/yyy" or NULL */
    char *entry_id; /* owned: the entry's own id or guid, or NULL */
    char *title;    /* owned: plain text */
    char *abstract; /* owned: plain text */
    char *url;      /* owned: the page */
    char *pdf_url;  /* owned */
    struct strv authors;
    struct strv categories; /* primary first */
    int64_t published;      /* UTC seconds, 0 unknown */
    int64_t updated;        /* UTC seconds, 0 unknown */
    char *announce;    /* owned: new|cross|replace|replace-cross, or NULL */
    char *comment;     /* owned: arXiv comment, or NULL */
    char *journal_ref; /* owned */
    char *extras;      /* owned: a JSON object text of source extras, or NULL
                          (upvotes, comments, github repo ...) */
};

void paper_init(struct paper *p);
void paper_fini(struct paper *p); /* frees fields, leaves p re-initialized */
/* The same, but the author and category lists keep their room: for a
 * parser that fills one record per entry. */
void paper_clear(struct paper *p);

/* Fill key, arxiv_id, version and doi from what the record has (entry_id,
 * url, pdf_url, doi), by the rules in ident.h. Call once every field the
 * parser knows is set. */
void paper_identify(struct paper *p);

/* paper_identify in two steps, for a record whose strings the caller keeps
 * (a parser's arena): what the identifiers say, then the key. */
struct paper_ids {
    char arxiv_id[64]; /* found, when the record had none; else "" */
    int version;       /* the record's, or the highest version found */
    char doi[512];     /* the normalized DOI, when new_doi */
    int new_doi;
};
void paper_find_ids(const struct paper *p, struct paper_ids *ids);
/* Append the key: "arxiv:ID", "doi:10...", the entry id, the link or
 * "title:..." (nothing when the record has none of them). */
void paper_key(const struct paper *p, struct buf *k);

/* Spooling: a compact record format for parking parsed papers in a
 * temporary file until their source can be written in one transaction. */
int paper_write(FILE *f, const struct paper *p);
/* 1 read, 0 clean end of file, -1 error */
int paper_read(FILE *f, struct paper *p);

/* Append the paper as one JSON object (no newline) with DESIGN.md's field
 * names. Fields not in the record (score, sources, feed_title) are for the
 * caller to add: the object is left open when `open` is set. */
void paper_to_json(const struct paper *p, struct buf *out, int open);

/* What the parser that filled a record knows of its strings beyond the
 * record: which are plain text (valid UTF-8 without control characters,
 * as text_plain writes it), whose JSON needs only '"' and '\\' escaped,
 * and how long the title and abstract are. A string's hint holds for the
 * very string it was taken of (the same address) and is ignored for any
 * other; a list's flag says that every item of the list is plain. */
struct paper_plain {
    const char *title, *abstract;
    size_t title_len, abstract_len;
    int authors, categories;
    int authors_bare; /* and no author holds '"' or '\\': none escaped */
    const size_t *author_len; /* with authors_bare: the authors' lengths */
};
/* paper_to_json, the same bytes, faster where the hints allow. */
void paper_to_json_plain(const struct paper *p, const struct paper_plain *pl,
                         struct buf *out, int open);

#endif
