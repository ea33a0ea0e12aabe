/* feed.c: streaming feed parsing: bytes in, paper records out.
 *
 * XML (Atom 1.0 and 0.3, RSS 0.9x/2.0, RSS 1.0) goes through expat with
 * namespace processing: elements are told apart by (namespace URI, local
 * name), never by prefix, and mapped to a small token once per start tag.
 * Only the text of fields we keep is collected, into one reused buffer
 * capped at FIELD_MAX, so memory does not grow with the feed. JSON (Hugging
 * Face daily papers, JSON Feed) cannot stream with cJSON: it is buffered up
 * to JSON_MAX and parsed at the end.
 *
 * Extras (struct paper.extras), a JSON object with these keys when known:
 *   affiliations           array parallel to authors: string or null
 *                          (Atom arxiv:affiliation; "Name (Affiliation)"
 *                          in arXiv RSS dc:creator)
 *   upvotes                number (Hugging Face paper.upvotes)
 *   comments               number (Hugging Face numComments)
 *   github_repo            string (Hugging Face paper.githubRepo)
 *   github_stars           number (Hugging Face paper.githubStars)
 *   project_page           string (Hugging Face paper.projectPage)
 *   ai_summary             string (Hugging Face paper.ai_summary)
 *   ai_keywords            array of strings (Hugging Face paper.ai_keywords)
 *   organization           string (Hugging Face organization.fullname)
 *   submitted_on_daily_at  RFC 3339 time (Hugging Face submittedOnDailyAt)
 *   hf_url                 string, the paper's page on huggingface.co
 *   image                  string (JSON Feed item image)
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <cJSON.h>
/* Debian's expat is built with DTD support; the header shows the billion
 * laughs limits (expat >= 2.4) only to code that says so. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include "feed.h"
#include "ident.h"
#include "json.h"
#include "text.h"

#define NS_SEP '\x01'
#define FIELD_MAX (1u << 20)       /* bytes kept of one field's text */
#define JSON_MAX (64u << 20)       /* a JSON document, buffered whole */
#define DEPTH_MAX 4096             /* element nesting */
#define STACK_MAX 32               /* tokens remembered per depth */
#define LIST_MAX 5000              /* authors or categories per entry */
#define HEAD_MAX 16                /* bytes looked at to tell the format */
#define DECL_MAX 256               /* and for an XML declaration's encoding */
#define LINE_MAX_JSONL (16u << 20) /* one JSON Lines record */
#define BASE_MAX 64                /* nested xml:base attributes kept */
#define ETAB_SIZE 256              /* hash slots for elems[], a power of 2 */
#define NS_CACHE 4                 /* namespaces remembered by address */
#define ARENA_BLOCK 8192           /* bytes of an arena block, at least */
#define ARENA_KEEP (1u << 20)      /* arena bytes kept for the next entry */
#define XML_NS "http://www.w3.org/XML/1998/namespace\001"

enum mode { M_DETECT, M_XML, M_JSON, M_JSONL };

enum group {
    G_OTHER,
    G_RSS,
    G_ATOM,
    G_RDF,
    G_DC,
    G_CONTENT,
    G_ARXIV,
    G_OS,
    G_XHTML,
    G_PRISM,
    G_MEDIA
};

enum tok {
    T_OTHER,
    T_FEED,
    T_RSS,
    T_RDF,
    T_CHANNEL,
    T_ENTRY,
    T_ITEM,
    T_HTML,
    T_ID,
    T_GUID,
    T_TITLE,
    T_SUMMARY,
    T_DESCRIPTION,
    T_CONTENT,
    T_ENCODED,
    T_AUTHOR,
    T_NAME,
    T_RSS_AUTHOR,
    T_DC_CREATOR,
    T_AFFIL,
    T_LINK,
    T_RSS_LINK,
    T_ENCLOSURE,
    T_CATEGORY,
    T_RSS_CATEGORY,
    T_DC_SUBJECT,
    T_PRIMARY,
    T_PUBLISHED,
    T_UPDATED,
    T_COMMENT,
    T_JREF,
    T_DOI,
    T_ANNOUNCE,
    T_TOTAL,
    T_DC_TITLE,
    T_DC_DESC,
    T_DC_AUTHOR,
    T_JNAME,
    T_ALT_URL,
    T_MEDIA_CONTENT,
};

/* What the collected text of a field becomes. */
enum field {
    F_NONE,
    F_ID,
    F_TITLE,
    F_SUMMARY,
    F_CONTENT,
    F_NAME,
    F_AFFIL,
    F_RSS_AUTHOR,
    F_CREATOR,
    F_LINK,
    F_CATEGORY,
    F_PUBLISHED,
    F_UPDATED,
    F_COMMENT,
    F_JREF,
    F_DOI,
    F_ANNOUNCE,
    F_FEED_TITLE,
    F_FEED_DESC,
    F_FEED_AUTHOR,
    F_TOTAL,
    F_JNAME,
    F_ALT_URL,
};

/* How a field's text is written. MK_AUTO: RSS, decided per item (arXiv
 * listings write plain text, "$p<1$" included; other feeds write HTML).
 * MK_B64*: base64 (Atom 1.0 non-text media types, Atom 0.3 mode="base64"),
 * text or HTML once decoded. */
enum markup { MK_TEXT, MK_HTML, MK_XHTML, MK_AUTO, MK_B64, MK_B64_HTML };

#define NS(uri, g)                                                             \
    {                                                                          \
        uri, sizeof(uri) - 1, g                                                \
    }
static const struct {
    const char *uri;
    size_t len;
    enum group g;
} namespaces[] = {
    NS("http://www.w3.org/2005/Atom", G_ATOM),
    NS("http://purl.org/atom/ns#", G_ATOM),
    NS("http://purl.org/rss/1.0/", G_RSS),
    NS("http://my.netscape.com/rdf/simple/0.9/", G_RSS),
    NS("http://backend.userland.com/rss2", G_RSS),
    NS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", G_RDF),
    NS("http://purl.org/dc/elements/1.1/", G_DC),
    NS("http://purl.org/rss/1.0/modules/content/", G_CONTENT),
    NS("http://arxiv.org/schemas/atom", G_ARXIV),
    NS("http://a9.com/-/spec/opensearch/1.1/", G_OS),
    NS("http://a9.com/-/spec/opensearchrss/1.0/", G_OS),
    NS("http://www.w3.org/1999/xhtml", G_XHTML),
    NS("http://prismstandard.org/namespaces/basic/2.0/", G_PRISM),
    NS("http://prismstandard.org/namespaces/basic/3.0/", G_PRISM),
    NS("http://prismstandard.org/namespaces/basic/1.2/", G_PRISM),
    NS("http://prismstandard.org/namespaces/1.2/basic/", G_PRISM),
    NS("http://search.yahoo.com/mrss/", G_MEDIA),
    NS("http://search.yahoo.com/mrss", G_MEDIA),
    NS("http://purl.org/dc/terms/", G_DC),
};
#undef NS

/* Found through struct feed_parser.etab, a hash on (group, local name). */
#define E(g, local, t)                                                         \
    {                                                                          \
        g, local, sizeof(local) - 1, t                                         \
    }
static const struct elem {
    enum group g;
    const char *local;
    size_t len;
    enum tok t;
} elems[] = {
    E(G_RSS, "author", T_RSS_AUTHOR),
    E(G_RSS, "category", T_RSS_CATEGORY),
    E(G_RSS, "channel", T_CHANNEL),
    E(G_RSS, "description", T_DESCRIPTION),
    E(G_RSS, "enclosure", T_ENCLOSURE),
    E(G_RSS, "guid", T_GUID),
    E(G_RSS, "html", T_HTML),
    E(G_RSS, "item", T_ITEM),
    E(G_RSS, "link", T_RSS_LINK),
    E(G_RSS, "pubDate", T_PUBLISHED),
    E(G_RSS, "rss", T_RSS),
    E(G_RSS, "title", T_TITLE),
    E(G_ATOM, "author", T_AUTHOR),
    E(G_ATOM, "category", T_CATEGORY),
    E(G_ATOM, "content", T_CONTENT),
    E(G_ATOM, "entry", T_ENTRY),
    E(G_ATOM, "feed", T_FEED),
    E(G_ATOM, "id", T_ID),
    E(G_ATOM, "issued", T_PUBLISHED),
    E(G_ATOM, "link", T_LINK),
    E(G_ATOM, "modified", T_UPDATED),
    E(G_ATOM, "name", T_NAME),
    E(G_ATOM, "published", T_PUBLISHED),
    E(G_ATOM, "summary", T_SUMMARY),
    E(G_ATOM, "title", T_TITLE),
    E(G_ATOM, "updated", T_UPDATED),
    E(G_RDF, "RDF", T_RDF),
    E(G_DC, "abstract", T_DC_DESC),
    E(G_DC, "author", T_DC_AUTHOR),
    E(G_DC, "created", T_PUBLISHED),
    E(G_DC, "creator", T_DC_CREATOR),
    E(G_DC, "date", T_PUBLISHED),
    E(G_DC, "description", T_DC_DESC),
    E(G_DC, "issued", T_PUBLISHED),
    E(G_DC, "modified", T_UPDATED),
    E(G_DC, "subject", T_DC_SUBJECT),
    E(G_DC, "title", T_DC_TITLE),
    E(G_CONTENT, "encoded", T_ENCODED),
    E(G_ARXIV, "DOI", T_DOI),
    E(G_ARXIV, "affiliation", T_AFFIL),
    E(G_ARXIV, "announce_type", T_ANNOUNCE),
    E(G_ARXIV, "comment", T_COMMENT),
    E(G_ARXIV, "doi", T_DOI),
    E(G_ARXIV, "journal_ref", T_JREF),
    E(G_ARXIV, "journal_reference", T_JREF),
    E(G_ARXIV, "primary_category", T_PRIMARY),
    E(G_OS, "totalResults", T_TOTAL),
    E(G_XHTML, "html", T_HTML),
    E(G_PRISM, "coverDate", T_PUBLISHED),
    E(G_PRISM, "doi", T_DOI),
    E(G_PRISM, "publicationDate", T_PUBLISHED),
    E(G_PRISM, "publicationName", T_JNAME),
    E(G_PRISM, "url", T_ALT_URL),
    E(G_MEDIA, "content", T_MEDIA_CONTENT),
    E(G_MEDIA, "description", T_DC_DESC),
};
#undef E

/* The raw pieces of the open entry, turned into the paper at its end.
 * Buffers are reused from entry to entry; strings are in the arena. */
struct entry {
    struct buf title, summary, content;
    enum markup title_mk, summary_mk, content_mk;
    int has_title, has_summary, has_content;
    char *primary;        /* arena: arxiv:primary_category term */
    struct strv creators; /* arena: dc:creator texts, split at the end */
    struct strv affil;    /* arena: parallel to paper.authors (up to the
                             last with one, see affil_upto), NULL none */
    int has_affil;
    int author_escape;  /* an author may hold '"' or '\\' (JSON escapes) */
    size_t *author_len; /* while !author_escape, parallel to paper.authors:
                           their lengths (LIST_MAX, allocated at first) */
    size_t author_base; /* authors.n when the open atom:author began */
    char *early_affil;  /* arena: its affiliation, given before its name */
    int arxiv;          /* an arXiv listing item (new style: plain text,
                           arxiv:announce_type or "Announce Type:") */
    char *alt_url;      /* arena: a link to use when the item has none
                           (atom:link in RSS, prism:url) */
    char *jname;        /* arena: prism:publicationName */
    int raw_category;   /* a category that is not plain text (the primary
                           one, as its attribute has it) */
};

/* The strings of the entry being built, struct paper's and struct entry's,
 * in blocks that are never moved and are reused from entry to entry: a
 * record costs no malloc and free per field, author and category. */
struct arena_block {
    struct arena_block *next; /* owned */
    size_t size, used;
    char data[];
};

struct arena {
    struct arena_block *head; /* owned */
    struct arena_block *cur;  /* the block being filled, NULL: none yet */
    size_t size;              /* of all blocks */
};

/* The input stage, before format detection: byte order marks, UTF-16 and
 * UTF-32 (with or without a mark) and an HTTP charset are turned into
 * UTF-8 here, streaming, so everything after sees UTF-8 (or the 8-bit
 * encoding the XML declaration names, which expat maps). */
struct input {
    unsigned char sniff[4]; /* the first bytes, until there are four */
    int nsniff, sniffed;
    char *charset; /* owned: HTTP charset, or NULL */
    iconv_t cd;    /* owned: to UTF-8, (iconv_t)-1 when not needed */
    int unit;      /* code unit of the source encoding, bytes */
    char pend[8];  /* a sequence cut by the end of a chunk */
    size_t npend;
    const char *xml_enc; /* what expat is told the document is, or NULL */
    int check;           /* expat reads UTF-8: repair what it would stop at */
    char map_of[64];     /* the 8-bit encoding the declaration names ... */
    int map[256];        /* ... and its table, for on_unknown_encoding */
    char cut[4];         /* a UTF-8 sequence cut by the end of a chunk */
    size_t ncut;
};

struct feed_parser {
    char *name; /* owned */
    feed_entry_fn fn;
    void *ud; /* borrowed */
    enum mode mode;
    int failed, done, parsing;
    struct pw_err err; /* the first failure, repeated to later calls */
    struct feed_info info;
    struct input in;
    long skip_lines;   /* newlines skipped before expat saw the document */
    long skip_cols;    /* characters skipped after the last of them */
    long long dropped; /* input bytes expat never saw: mark, white space */
    int altered;       /* bytes expat saw are not the input's (repaired) */
    struct buf head;   /* the first bytes, until the format is known */
    struct buf json;   /* the JSON document */
    struct buf stage;  /* feed_parser_space() before expat takes bytes */
    int direct;        /* that space is expat's own buffer */
    XML_Parser xp;     /* owned */
    struct buf held;   /* bytes held back from expat (xml_write) */
    struct buf fix_in, fix_out; /* xml_write's repairs */
    char *direct_p;             /* the space expat gave, while direct */
    long long fed;              /* bytes expat has been given */
    long long token;            /* where the token it has not finished starts */
    char *api_error;            /* owned: arXiv API error entry's summary */
    char *feed_desc;            /* owned: channel description */
    struct strv feed_authors;   /* owned: the feed's, for entries with none */
    int depth;
    unsigned char stack[STACK_MAX];
    int entry_depth;  /* depth of the open entry or item, 0 if none */
    enum field field; /* the field whose text is being collected */
    int field_depth;
    enum markup field_mk;
    struct buf cap;   /* that text */
    struct buf tmp;   /* conversions */
    struct buf url;   /* URL resolution */
    char *doc_base;   /* owned: the document's URL, or NULL */
    struct buf bases; /* resolved xml:base values, NUL-separated */
    struct {
        int depth;
        size_t off;
    } base_at[BASE_MAX];
    int nbase;
    long line; /* JSON Lines: the line being read */
    feed_warn_fn warn;
    void *warn_ud; /* borrowed */
    int jsonl_tried;
    size_t jscan; /* bytes of fp->json already searched for a newline */
    struct entry e;
    /* The record handed to the callback, which only borrows it: its strings
     * and list items point into the arena, or (an XML entry's title and
     * abstract, most of a feed's bytes) into title_text and abstract_text,
     * or (key, extras) into key_text and extras_text; all are kept from
     * entry to entry, never freed one by one. */
    struct paper p;
    struct arena arena;
    struct buf title_text, abstract_text, key_text, extras_text;
    struct buf text;          /* plain text on its way into the arena */
    struct paper_plain plain; /* what the JSON writer may rely on */
    struct {
        char text[40]; /* the last time text parsed (len bytes) */
        size_t len;
        int64_t v;
        int ok;
    } last_time;
    unsigned char etab[ETAB_SIZE]; /* index + 1 into elems[], 0 empty */
    struct {
        const char *name; /* borrowed from expat: only compared */
        int i;            /* into namespaces[] */
    } ns_cache[NS_CACHE];
    int ns_next;
    /* For feed_parser_entry_at and feed_parser_between. */
    long long first_entry; /* input offset of its start tag; -1 none yet,
                              -2 not an input offset */
    int sealed;            /* the head is over: the first entry began, or
                              feed_parser_seal was called */
    int entry_parent;      /* then: depth of the entries' parent element */
    int diverged;          /* since: feed-level text, or an element at or above
                              that parent closed */
};

static void vfail(struct feed_parser *fp, int where, const char *fmt,
                  va_list ap) __attribute__((format(printf, 3, 0)));

static void
vfail(struct feed_parser *fp, int where, const char *fmt, va_list ap)
{
    char msg[PW_ERR_MAX];

    if (fp->failed)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (where && fp->xp) {
        /* expat counts from where it started: after the white space and
         * byte order mark that were skipped */
        unsigned long line = XML_GetCurrentLineNumber(fp->xp);
        unsigned long col = XML_GetCurrentColumnNumber(fp->xp);

        if (line == 1)
            col += (unsigned long)fp->skip_cols;
        pw_errf(&fp->err, "%s:%lu:%lu: %s", fp->name,
                line + (unsigned long)fp->skip_lines, col + 1, msg);
    } else if (where && fp->mode == M_JSONL) {
        pw_errf(&fp->err, "%s:%ld: %s", fp->name, fp->line, msg);
    } else
        pw_errf(&fp->err, "%s: %s", fp->name, msg);
    fp->failed = 1;
    if (fp->parsing)
        XML_StopParser(fp->xp, XML_FALSE);
}

/* Record the first failure (naming the document) and stop the parser. */
static void fail(struct feed_parser *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail_at(struct feed_parser *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct feed_parser *fp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(fp, 0, fmt, ap);
    va_end(ap);
}

/* The same, with the line and column expat is at. */
static void
fail_at(struct feed_parser *fp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(fp, 1, fmt, ap);
    va_end(ap);
}

/* ---- the arena --------------------------------------------------------- */

static char *
arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->cur, *next;

    if (b && b->size - b->used >= n) {
        b->used += n;
        return b->data + b->used - n;
    }
    next = b ? b->next : a->head; /* left by an earlier entry */
    if (next == NULL || next->size < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        struct arena_block *nb = xmalloc(sizeof(*nb) + size);

        nb->size = size;
        nb->next = next;
        a->size += size;
        if (b)
            b->next = nb;
        else
            a->head = nb;
        next = nb;
    }
    next->used = n;
    a->cur = next;
    return next->data;
}

static void
arena_fini(struct arena *a)
{
    while (a->head) {
        struct arena_block *next = a->head->next;

        free(a->head);
        a->head = next;
    }
    a->cur = NULL;
    a->size = 0;
}

/* Every string goes; the blocks stay for the next entry, unless an
 * outsized one (a megabyte of authors) left more than is worth keeping. */
static void
arena_reset(struct arena *a)
{
    if (a->size > ARENA_KEEP)
        arena_fini(a);
    a->cur = NULL;
}

/* A NUL-terminated copy of s[0..n) in the arena. Inline: some thirty
 * thousand calls in a 10 MB listing, each a few instructions of work. */
static inline char *
adup(struct feed_parser *fp, const char *s, size_t n)
{
    char *d = arena_alloc(&fp->arena, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- building the paper ------------------------------------------------ */

/* Forget the entry and the record: everything they point to is in the
 * arena or in buffers that are kept. */
static void
entry_reset(struct feed_parser *fp)
{
    struct entry *e = &fp->e;
    struct paper *p = &fp->p;
    struct strv authors = p->authors, categories = p->categories;

    e->title.len = e->summary.len = e->content.len = 0;
    e->has_title = e->has_summary = e->has_content = 0;
    e->primary = NULL;
    e->creators.n = 0;
    e->affil.n = 0;
    e->has_affil = 0;
    e->author_escape = 0;
    e->author_base = 0;
    e->early_affil = NULL;
    e->arxiv = 0;
    e->alt_url = NULL;
    e->jname = NULL;
    e->raw_category = 0;
    memset(p, 0, sizeof(*p));
    authors.n = categories.n = 0;
    p->authors = authors;
    p->categories = categories;
    arena_reset(&fp->arena);
}

static int
mk_html(enum markup mk, int arxiv)
{
    return mk == MK_AUTO ? !arxiv : mk != MK_TEXT;
}

/* Plain text of s, owned; NULL when empty: for what outlives the entry
 * (the feed's title and description). */
static char *
plain(const char *s, size_t n, int html)
{
    struct buf b;

    buf_init(&b);
    text_plain(&b, s, n, html);
    if (b.len == 0) {
        buf_fini(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* Plain text of s into fp->text (emptied first): its length. */
static size_t
to_text(struct feed_parser *fp, const char *s, size_t n, int html)
{
    fp->text.len = 0;
    text_plain(&fp->text, s, n, html);
    return fp->text.len;
}

/* Plain text of s in the arena; NULL when empty. Most fields (ids,
 * links, categories) are plain already: copied once, not twice. */
static char *
aplain(struct feed_parser *fp, const char *s, size_t n, int html)
{
    if (text_plain_already(s, n, html))
        return adup(fp, s, n);
    return to_text(fp, s, n, html) ? adup(fp, fp->text.p, fp->text.len) : NULL;
}

/* The plain text of a field's collected text (NUL-terminated, as fp->cap
 * keeps it) as a string: the text itself when it is plain already, else
 * its plain text in fp->text; NULL when empty. */
static const char *
cap_plain(struct feed_parser *fp, const struct buf *c, size_t *n, int html)
{
    if (text_plain_already(c->p, c->len, html)) {
        *n = c->len;
        return c->p;
    }
    *n = to_text(fp, c->p, c->len, html);
    return *n ? fp->text.p : NULL;
}

static int
is_base64(const char *s, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz"
                                   "0123456789+/= \t\r\n";

    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0' || strchr(alphabet, s[i]) == NULL)
            return 0;
    return 1;
}

/* Plain text of s: into out (emptied first) and pointing into it, or, when
 * out is NULL, owned. NULL when empty. */
static char *
plain_to(struct buf *out, const char *s, size_t n, int html)
{
    if (out == NULL)
        return plain(s, n, html);
    out->len = 0;
    text_plain(out, s, n, html);
    return out->len ? out->p : NULL;
}

/* Plain text of a field's raw text by how it is written, as plain_to(). */
static char *
field_plain(struct feed_parser *fp, struct buf *out, const char *s, size_t n,
            enum markup mk, int arxiv)
{
    /* what is not base64 of UTF-8 text ("application/json" content, a
     * made-up type on a title) is taken as written */
    if ((mk == MK_B64 || mk == MK_B64_HTML) && is_base64(s, n)) {
        fp->tmp.len = 0;
        text_base64(&fp->tmp, s, n);
        if (text_is_utf8(fp->tmp.p ? fp->tmp.p : "", fp->tmp.len))
            return plain_to(out, fp->tmp.len ? fp->tmp.p : "", fp->tmp.len,
                            mk == MK_B64_HTML);
    }
    if (mk == MK_B64 || mk == MK_B64_HTML)
        mk = mk == MK_B64 ? MK_TEXT : MK_HTML;
    return plain_to(out, s, n, mk_html(mk, arxiv));
}

/* s as plain text (*n bytes, updated): s itself when it is plain already,
 * else its plain text in fp->tmp. A piece of a dc:creator list (is_plain:
 * it went through text_plain whole) only loses the spaces around it; a
 * name as written (most are plain already) is copied by the caller as it
 * is, without a pass into fp->tmp first. */
static inline const char *
author_text(struct feed_parser *fp, const char *s, size_t *n, int is_plain)
{
    size_t k = *n;

    if (is_plain) {
        while (k && *s == ' ')
            s++, k--;
        while (k && s[k - 1] == ' ')
            k--;
        *n = k;
        return s;
    }
    if (text_plain_already(s, k, 0))
        return s;
    fp->tmp.len = 0;
    text_plain(&fp->tmp, s, k, 0);
    *n = fp->tmp.len;
    return fp->tmp.p;
}

/* e.affil is parallel to the authors up to the last that has one: the
 * rest are NULL, put in only when a later author has an affiliation (or
 * the list is written out). */
static void
affil_upto(struct feed_parser *fp, size_t n)
{
    while (fp->e.affil.n < n)
        strv_push(&fp->e.affil, NULL);
}

static inline void
add_author(struct feed_parser *fp, const char *name, size_t n,
           const char *affil, size_t an, int is_plain)
{
    struct paper *p = &fp->p;
    const char *s;

    if (p->authors.n >= LIST_MAX)
        return;
    s = author_text(fp, name, &n, is_plain);
    if (n == 0)
        return;
    strv_push(&p->authors, adup(fp, s, n));
    fp->e.author_escape = 1; /* not looked at */
    if (affil == NULL)       /* most authors have none */
        return;
    s = author_text(fp, affil, &an, is_plain);
    if (an == 0)
        return;
    affil_upto(fp, p->authors.n - 1);
    strv_push(&fp->e.affil, adup(fp, s, an));
    fp->e.has_affil = 1;
}

/* add_author for a piece of a dc:creator list in the arena (plain text):
 * the name and affiliation are trimmed and cut off where they are, with a
 * NUL on the byte after each (a separator, a space or a parenthesis the
 * list's split has gone past), not copied. */
static inline void
cut_author(struct feed_parser *fp, char *name, size_t n, char *affil, size_t an)
{
    struct paper *p = &fp->p;

    if (p->authors.n >= LIST_MAX)
        return;
    name = (char *)author_text(fp, name, &n, 1);
    if (n == 0)
        return;
    name[n] = '\0';
    strv_push(&p->authors, name);
    fp->e.author_len[p->authors.n - 1] = n;
    if (affil == NULL)
        return;
    affil = (char *)author_text(fp, affil, &an, 1);
    if (an == 0)
        return;
    affil[an] = '\0';
    affil_upto(fp, p->authors.n - 1);
    strv_push(&fp->e.affil, affil);
    fp->e.has_affil = 1;
}

/* A category, as plain text: s is made so unless it is already (the
 * NUL-terminated output of text_plain, which a second pass leaves as it
 * is: it has no white space to fold, no bytes to repair). */
static void
add_category(struct feed_parser *fp, const char *s, size_t n, int is_plain)
{
    struct strv *c = &fp->p.categories;

    if (!is_plain && !(s[n] == '\0' && text_plain_already(s, n, 0))) {
        fp->tmp.len = 0;
        text_plain(&fp->tmp, s, n, 0);
        s = fp->tmp.p;
        n = fp->tmp.len;
    }
    if (n && c->n < LIST_MAX && !strv_has(c, s))
        strv_push(c, adup(fp, s, n));
}

/* One person as RSS writes them: "jane@example.org (Jane Doe)", "Jane Doe
 * (jane@example.org)", "Jane Doe <jane@example.org>" or "Jane Doe" give
 * "Jane Doe"; a bare address is no name. */
static void
person(struct feed_parser *fp, const char *s, size_t n)
{
    const char *end = s + n, *o, *c;

    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    n = (size_t)(end - s);
    o = memchr(s, '(', n);
    c = n ? end - 1 : NULL;
    if (o && c && *c == ')' && c > o) {
        if (memchr(s, '@', (size_t)(o - s)))
            add_author(fp, o + 1, (size_t)(c - o - 1), NULL, 0, 1);
        else if (memchr(o, '@', (size_t)(c - o)))
            add_author(fp, s, (size_t)(o - s), NULL, 0, 1);
        else
            add_author(fp, s, n, NULL, 0, 1);
        return;
    }
    o = memchr(s, '<', n);
    if (o && c && *c == '>' && memchr(o, '@', (size_t)(c - o))) {
        while (o > s && isspace((unsigned char)o[-1]))
            o--;
        if (o - s >= 2 && s[0] == '"' && o[-1] == '"') /* "Doe, Jane" <a@b> */
            s++, o--;
        add_author(fp, s, (size_t)(o - s), NULL, 0, 1);
        return;
    }
    if (memchr(s, '@', n) && !memchr(s, ' ', n))
        return; /* an address alone */
    add_author(fp, s, n, NULL, 0, 1);
}

/* The first byte from q on that split_creators has to look at: a
 * parenthesis, a comma, a space before an 'a' (" and " perhaps), a '"' or
 * '\\' (which the names' JSON must escape), or end (the NUL ending the
 * list). A list is mostly letters and spaces between such marks: sixteen
 * bytes are tested at a time, where a byte loop would stop at every
 * space. The second load reads up to the NUL, not past. */
static const char *
next_mark(const char *q, const char *end)
{
#ifdef __SSE2__
    const __m128i open = _mm_set1_epi8('('), close = _mm_set1_epi8(')');
    const __m128i comma = _mm_set1_epi8(','), sp = _mm_set1_epi8(' ');
    const __m128i a = _mm_set1_epi8('a'), dq = _mm_set1_epi8('"');
    const __m128i bs = _mm_set1_epi8('\\');

    for (; end - q >= 16; q += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)q);
        __m128i y = _mm_loadu_si128((const __m128i *)(q + 1));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, open), _mm_cmpeq_epi8(x, close)),
            _mm_or_si128(
                _mm_cmpeq_epi8(x, comma),
                _mm_and_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(y, a))));
        unsigned m;

        hit = _mm_or_si128(
            hit, _mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, bs)));
        if ((m = (unsigned)_mm_movemask_epi8(hit)) != 0)
            return q + __builtin_ctz(m);
    }
#endif
    while (q < end && *q != '(' && *q != ')' && *q != ',' && *q != '"' &&
           *q != '\\' && !(*q == ' ' && q[1] == 'a'))
        q++;
    return q;
}

/* arXiv listings write all authors in one dc:creator: "A, B, C and D",
 * each possibly followed by "(Affiliation, with, commas)". Split at commas
 * and " and " outside parentheses. w: s itself, when it is plain text in
 * the arena, which the names are then cut from (cut_author); NULL when s
 * is someone else's and not yet plain. */
static void
split_creators(struct feed_parser *fp, const char *s, char *w)
{
    const char *start = s, *paren = NULL, *paren_end = NULL;
    const char *end = s + strlen(s);
    int depth = 0, last;

    if (w && fp->e.author_len == NULL)
        fp->e.author_len = xmalloc(LIST_MAX * sizeof(*fp->e.author_len));

    for (const char *q = s;; q++) {
        size_t sep = 0;

        q = next_mark(q, end); /* what is skipped is none of "(), " */
        if (*q == '"' || *q == '\\')
            fp->e.author_escape = 1;
        if (*q == '(' && depth++ == 0 && paren == NULL)
            paren = q;
        else if (*q == ')' && depth > 0 && --depth == 0 && paren_end == NULL)
            paren_end = q;
        if (depth == 0 && *q == ',')
            sep = 1;
        else if (depth == 0 && *q == ' ' && q[1] == 'a' && q[2] == 'n' &&
                 q[3] == 'd' && q[4] == ' ') /* " and ", without a call */
            sep = 5;
        if (!sep && *q != '\0')
            continue;
        last = *q == '\0'; /* before cut_author puts a NUL at q */
        if (w && paren && paren_end)
            cut_author(fp, w + (start - s), (size_t)(paren - start),
                       w + (paren + 1 - s), (size_t)(paren_end - paren - 1));
        else if (w)
            cut_author(fp, w + (start - s), (size_t)(q - start), NULL, 0);
        else if (paren && paren_end)
            add_author(fp, start, (size_t)(paren - start), paren + 1,
                       (size_t)(paren_end - paren - 1), 0);
        else
            add_author(fp, start, (size_t)(q - start), NULL, 0, 0);
        if (last)
            break;
        q += sep - 1;
        start = q + 1;
        paren = paren_end = NULL;
        depth = 0;
    }
}

static void
extras_begin(struct buf *x, int *n, const char *key)
{
    if (*n == 0)
        buf_addc(x, '{');
    json_add_key(x, key, *n == 0);
    (*n)++;
}

static void
put_affiliations(struct feed_parser *fp, struct buf *x, int *n)
{
    extras_begin(x, n, "affiliations");
    affil_upto(fp, fp->p.authors.n);
    buf_addc(x, '[');
    for (size_t i = 0; i < fp->e.affil.n; i++) {
        if (i)
            buf_addc(x, ',');
        json_add_string(x, fp->e.affil.v[i]);
    }
    buf_addc(x, ']');
}

/* The buffer the record's extras are written into. */
static struct buf *
extras_start(struct feed_parser *fp)
{
    fp->extras_text.len = 0;
    return &fp->extras_text;
}

static void
extras_end(struct paper *p, struct buf *x, int n)
{
    if (n == 0)
        return;
    buf_addc(x, '}');
    p->extras = x->p;
}

/* The primary category (in the arena) goes first, once; returns 1 when it
 * was added as it is (not plain text), rather than found. */
static int
primary_first(struct strv *c, char *primary)
{
    size_t i;
    char *s;

    if (str_empty(primary))
        return 0;
    for (i = 0; i < c->n && strcmp(c->v[i], primary) != 0; i++)
        ;
    if (i == c->n)
        strv_push(c, primary);
    s = c->v[i];
    memmove(c->v + 1, c->v, i * sizeof(*c->v));
    c->v[0] = s;
    return s == primary;
}

/* The first "A..." word (len bytes, lit) in the n bytes at s, or NULL:
 * memmem for a word that starts with a capital, found near the start of
 * an arXiv description. memmem's set-up costs more than the search; the
 * capital is looked for with memchr, the rest compared where it is:
 * inlined, each caller's literal has a constant length, and the compare
 * is a few loads instead of a call to memcmp. */
static inline __attribute__((always_inline)) const char *
find_word(const char *s, size_t n, const char *lit, size_t len)
{
    const char *end = s + n, *q;

    while ((size_t)(end - s) >= len &&
           (q = memchr(s, lit[0], (size_t)(end - s) - len + 1)) != NULL) {
        if (memcmp(q + 1, lit + 1, len - 1) == 0)
            return q;
        s = q + 1;
    }
    return NULL;
}

/* "arXiv:2411.17707v1 Announce Type: new \nAbstract: ..." -> the
 * announcement type into p->announce (unless arxiv:announce_type said it)
 * and where the abstract starts. typed: only when "Announce Type:" is
 * there (an Atom summary, which is the abstract itself but in listings). */
static const char *
arxiv_description(struct feed_parser *fp, const char *s, size_t *n, int typed)
{
    const char *end = s + *n, *a, *t;
    size_t skip;

    while (s < end && isspace((unsigned char)*s))
        s++;
    *n = (size_t)(end - s); /* what is left after the white space */
    if (end - s < 6 || memcmp(s, "arXiv:", 6) != 0) /* a compare, no call */
        return s;
    a = find_word(s, (size_t)(end - s), "Abstract:", 9);
    t = find_word(s, a ? (size_t)(a - s) : (size_t)(end - s),
                  "Announce Type:", 14);
    if (typed && t == NULL)
        return s;
    if (t && fp->p.announce == NULL) {
        t += 14;
        while (t < end && *t == ' ')
            t++;
        for (skip = 0; t + skip < end &&
                       (isalpha((unsigned char)t[skip]) || t[skip] == '-');
             skip++)
            ;
        if (skip)
            fp->p.announce = adup(fp, t, skip);
    }
    if (a == NULL)
        return s;
    *n = (size_t)(end - (a + 9));
    return a + 9;
}

static int
is_api_error(const char *id)
{
    return id && id[0] == 'h' && /* most ids are not URLs: no call */
           (strncmp(id, "http://arxiv.org/api/errors", 27) == 0 ||
            strncmp(id, "https://arxiv.org/api/errors", 28) == 0);
}

/* arXiv feeds old and new list all authors in one dc:creator. */
static int
on_arxiv(const char *s)
{
    return s && (strncmp(s, "oai:arXiv.org:", 14) == 0 ||
                 strstr(s, "arxiv.org/abs/") != NULL);
}

/* paper_identify, with the strings it finds put where the record's are. */
static void
identify(struct feed_parser *fp)
{
    struct paper *p = &fp->p;
    struct paper_ids ids;

    paper_find_ids(p, &ids);
    if (ids.arxiv_id[0])
        p->arxiv_id = adup(fp, ids.arxiv_id, strlen(ids.arxiv_id));
    p->version = ids.version;
    if (ids.new_doi)
        p->doi = adup(fp, ids.doi, strlen(ids.doi));
    fp->key_text.len = 0;
    paper_key(p, &fp->key_text);
    p->key = fp->key_text.len ? fp->key_text.p : NULL;
}

/* What is plain text in the record: the title and abstract when they are
 * the ones field_plain wrote, every author (add_author is their only way
 * in), the categories unless one came in as written. */
static void
note_plain(struct feed_parser *fp)
{
    struct paper_plain *h = &fp->plain;
    const struct paper *p = &fp->p;

    memset(h, 0, sizeof(*h));
    if (p->title && p->title == fp->title_text.p) {
        h->title = p->title;
        h->title_len = fp->title_text.len;
    }
    if (p->abstract && p->abstract == fp->abstract_text.p) {
        h->abstract = p->abstract;
        h->abstract_len = fp->abstract_text.len;
    }
    h->authors = 1;
    h->authors_bare = !fp->e.author_escape;
    h->author_len = fp->e.author_len;
    h->categories = !fp->e.raw_category;
}

/* Hand the paper to the callback and make ready for the next. */
static void
deliver(struct feed_parser *fp)
{
    identify(fp);
    note_plain(fp);
    fp->err.msg[0] = '\0';
    if (fp->fn && fp->fn(fp->ud, &fp->p, &fp->err) < 0) {
        /* the callback's own message, as it wrote it */
        if (fp->err.msg[0] == '\0')
            pw_errf(&fp->err, "%s: stopped by the entry callback", fp->name);
        fp->failed = 1;
        if (fp->parsing)
            XML_StopParser(fp->xp, XML_FALSE);
    } else {
        fp->info.entries++;
    }
    entry_reset(fp);
}

/* An entry without authors has the feed's (Atom's feed-level author, a
 * JSON Feed's top-level authors). */
static void
inherit_authors(struct feed_parser *fp)
{
    if (fp->p.authors.n)
        return;
    for (size_t i = 0; i < fp->feed_authors.n; i++)
        add_author(fp, fp->feed_authors.v[i], strlen(fp->feed_authors.v[i]),
                   NULL, 0, 1);
}

static void
emit_entry(struct feed_parser *fp)
{
    struct entry *e = &fp->e;
    struct paper *p = &fp->p;
    struct buf *x;
    int nx = 0;
    const char *s;
    size_t n;

    if (is_api_error(p->entry_id)) {
        if (fp->api_error == NULL)
            fp->api_error =
                plain(e->summary.p ? e->summary.p : "", e->summary.len, 0);
        if (fp->api_error == NULL)
            fp->api_error = xstrdup(p->entry_id);
        goto out;
    }
    if (e->has_summary) {
        s = e->summary.p;
        n = e->summary.len;
        if (e->summary_mk == MK_AUTO) /* RSS */
            s = arxiv_description(fp, s, &n, 0);
        else if (e->summary_mk == MK_TEXT) /* Atom: the listing's too */
            s = arxiv_description(fp, s, &n, 1);
        e->arxiv |= p->announce != NULL;
        p->abstract =
            field_plain(fp, &fp->abstract_text, s, n, e->summary_mk, e->arxiv);
    }
    if (e->has_title)
        p->title = field_plain(fp, &fp->title_text, e->title.p, e->title.len,
                               e->title_mk, e->arxiv);
    if (p->abstract == NULL && e->has_content)
        p->abstract =
            field_plain(fp, &fp->abstract_text, e->content.p, e->content.len,
                        e->content_mk == MK_AUTO ? MK_HTML : e->content_mk, 0);
    if (p->url == NULL && e->alt_url) {
        p->url = e->alt_url;
        e->alt_url = NULL;
    }
    if (p->journal_ref == NULL && e->jname) {
        p->journal_ref = e->jname;
        e->jname = NULL;
    }
    /* an Atom listing may give them all as one author's name */
    if (e->arxiv && fp->info.format == FEED_ATOM && e->creators.n == 0 &&
        p->authors.n == 1 && !e->has_affil && strchr(p->authors.v[0], ',')) {
        p->authors.n = 0;
        split_creators(fp, p->authors.v[0], NULL);
    }
    /* arXiv lists all authors in one dc:creator; elsewhere, and where
     * there are several, each is one person ("Doe, Jane") */
    for (size_t i = 0; i < e->creators.n; i++) {
        if (e->creators.n == 1 && (e->arxiv || on_arxiv(p->entry_id)))
            split_creators(fp, e->creators.v[i], e->creators.v[i]);
        else
            person(fp, e->creators.v[i], strlen(e->creators.v[i]));
    }
    inherit_authors(fp);
    e->raw_category |= primary_first(&p->categories, e->primary);
    x = extras_start(fp);
    if (e->has_affil)
        put_affiliations(fp, x, &nx);
    extras_end(p, x, nx);
    deliver(fp); /* which makes ready for the next entry */
    return;
out:
    entry_reset(fp);
}

/* ---- XML handlers ------------------------------------------------------ */

/* Every start tag is looked up: a hash of what tells the names apart
 * cheaply (group, length, first and last letters), probed linearly. */
static unsigned
elem_hash(enum group g, const char *local, size_t n)
{
    return ((unsigned)g * 7 + (unsigned)n * 31 + (unsigned char)local[0] * 5 +
            (unsigned char)local[n - 1]) &
           (ETAB_SIZE - 1);
}

static void
etab_init(unsigned char *tab)
{
    memset(tab, 0, ETAB_SIZE);
    for (size_t i = 0; i < sizeof(elems) / sizeof(elems[0]); i++) {
        unsigned h = elem_hash(elems[i].g, elems[i].local, elems[i].len);

        while (tab[h])
            h = (h + 1) & (ETAB_SIZE - 1);
        tab[h] = (unsigned char)(i + 1);
    }
}

/* Index into namespaces[] of the URI, or -1. */
static int
ns_index(const char *uri, size_t n)
{
    for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
        if (namespaces[i].len == n && memcmp(namespaces[i].uri, uri, n) == 0)
            return (int)i;
    return -1;
}

/* Whether the n bytes at a and b are the same, a word at a time, the
 * last word ending at n: a namespace URI and a local name are compared on
 * every element, and a call to memcmp costs more than that. */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    size_t i;

    if (n < 4) {
        for (i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    if (n < 8) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return 0;
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    for (i = 0; i + 8 < n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    memcpy(&x, a + n - 8, 8); /* the last word ends at n */
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

/* The group of "URI\1local" (G_RSS without a URI); *local points at the
 * local name. Expat writes an expanded name after its binding's URI, so
 * a namespace comes back at the same address, element after element: the
 * last few are remembered. Their bytes are still compared, as a binding
 * expat frees can come back for another URI. A name without one has its
 * length told in *n (else it is left alone). */
static enum group
name_group(struct feed_parser *fp, const char *name, const char **local,
           size_t *len)
{
    const char *sep;
    int i;

    /* every URI of namespaces[] starts "http": most names of RSS 2.0,
     * which have none, need not be held against the cache */
    for (int c = 0; name[0] == 'h' && c < NS_CACHE; c++) {
        size_t n;

        if (fp->ns_cache[c].name != name)
            continue;
        n = namespaces[fp->ns_cache[c].i].len;
        if (name[n] == NS_SEP &&
            same_bytes(name, namespaces[fp->ns_cache[c].i].uri, n)) {
            *local = name + n + 1;
            return namespaces[fp->ns_cache[c].i].g;
        }
    }
    if (*(sep = strchrnul(name, NS_SEP)) == '\0') {
        *local = name;
        *len = (size_t)(sep - name);
        return G_RSS;
    }
    *local = sep + 1;
    if ((i = ns_index(name, (size_t)(sep - name))) < 0)
        return G_OTHER;
    fp->ns_cache[fp->ns_next].name = name;
    fp->ns_cache[fp->ns_next].i = i;
    fp->ns_next = (fp->ns_next + 1) % NS_CACHE;
    return namespaces[i].g;
}

/* "URI\1local" -> token; *local points at the local name. */
static enum tok
lookup(struct feed_parser *fp, const char *name, const char **local)
{
    size_t n = SIZE_MAX;
    enum group g = name_group(fp, name, local, &n);
    const char *l = *local;
    unsigned h, k;

    if (n == SIZE_MAX)
        n = strlen(l);
    if (g == G_OTHER || n == 0)
        return T_OTHER;
    for (h = elem_hash(g, l, n); (k = fp->etab[h]) != 0;
         h = (h + 1) & (ETAB_SIZE - 1)) {
        const struct elem *e = &elems[k - 1];

        if (e->g == g && e->len == n && same_bytes(e->local, l, n))
            return e->t;
    }
    return T_OTHER;
}

static const char *
attr(const char **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2) /* the first letter spares a call */
        if (atts[0][0] == name[0] && strcmp(atts[0], name) == 0)
            return atts[1];
    return NULL;
}

/* xml:base, looked for on every element with attributes: the common
 * ones (href, term, rel ...) are told apart by their second letter. */
static const char *
xml_base(const char **atts)
{
    for (; atts[0]; atts += 2)
        if (atts[0][0] == 'h' && atts[0][1] == 't' &&
            strcmp(atts[0], XML_NS "base") == 0)
            return atts[1];
    return NULL;
}

/* "application/atom+xml", "text/xml": inline XML. */
static int
xml_type(const char *t)
{
    size_t n = strlen(t);

    return (n >= 4 && strcmp(t + n - 4, "+xml") == 0) ||
           (n >= 4 && strcmp(t + n - 4, "/xml") == 0);
}

/* An Atom text or content construct's type (and Atom 0.3's mode). */
static enum markup
atom_type(const char **atts)
{
    const char *t = attr(atts, "type"), *mode = attr(atts, "mode");
    enum markup mk = MK_TEXT;

    if (t == NULL)
        mk = MK_TEXT;
    else if (strstr(t, "xhtml"))
        mk = MK_XHTML;
    else if (strstr(t, "html") || strcmp(t, "escaped") == 0)
        mk = MK_HTML;
    else if (xml_type(t))
        mk = MK_XHTML;
    else if (strchr(t, '/') && strncasecmp(t, "text/", 5) != 0)
        return MK_B64; /* RFC 4287 4.1.3.3: other media types */
    if (mode && strcmp(mode, "base64") == 0)
        return mk == MK_TEXT ? MK_B64 : MK_B64_HTML;
    return mk;
}

/* The base URI in effect: the innermost xml:base, else the document's. */
static const char *
cur_base(const struct feed_parser *fp)
{
    return fp->nbase ? fp->bases.p + fp->base_at[fp->nbase - 1].off
                     : fp->doc_base;
}

/* s resolved against the base in effect, in the arena (NULL when
 * empty). */
static char *
resolve(struct feed_parser *fp, const char *s)
{
    fp->url.len = 0;
    text_resolve_url(&fp->url, cur_base(fp), s);
    return fp->url.len ? adup(fp, fp->url.p, fp->url.len) : NULL;
}

static void
set_url(struct feed_parser *fp, char **dst, const char *s)
{
    if (*dst == NULL && !str_empty(s))
        *dst = resolve(fp, s);
}

/* An xml:base on this element: push it, resolved, for its children. */
static void
push_base(struct feed_parser *fp, const char *b)
{
    size_t off;

    if (fp->nbase >= BASE_MAX)
        return; /* NOTE: deeper ones are ignored */
    fp->url.len = 0;
    text_resolve_url(&fp->url, cur_base(fp), b);
    off = fp->bases.len;
    buf_add(&fp->bases, fp->url.p ? fp->url.p : "", fp->url.len);
    buf_addc(&fp->bases, '\0');
    fp->base_at[fp->nbase].depth = fp->depth;
    fp->base_at[fp->nbase].off = off;
    fp->nbase++;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len);
static void XMLCALL on_xhtml_text(void *ud, const XML_Char *s, int len);

/* Collect the text of this element for field f. Expat is told of a text
 * handler only while a field is open: the white space between elements,
 * and the elements we skip, then cost no call at all. */
static void
capture(struct feed_parser *fp, enum field f, enum markup mk)
{
    XML_SetCharacterDataHandler(fp->xp,
                                mk == MK_XHTML ? on_xhtml_text : on_text);
    fp->field = f;
    fp->field_depth = fp->depth;
    fp->field_mk = mk;
    fp->cap.len = 0;
    buf_reserve(&fp->cap, 256);
    fp->cap.p[0] = '\0';
}

static void
cap_add(struct feed_parser *fp, const char *s, size_t n)
{
    if (fp->cap.len + n > FIELD_MAX)
        n = FIELD_MAX - fp->cap.len; /* NOTE: the rest is dropped */
    if (n)
        buf_add(&fp->cap, s, n);
}

/* Inside Atom type="xhtml" the markup is XML: keep the tags and escape the
 * text, so the HTML pass sees what was written. */
static void
cap_add_escaped(struct feed_parser *fp, const char *s, size_t n)
{
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '<' ? "&lt;" : s[i] == '&' ? "&amp;" : NULL;

        if (rep == NULL)
            continue;
        cap_add(fp, s + run, i - run);
        cap_add(fp, rep, strlen(rep));
        run = i + 1;
    }
    cap_add(fp, s + run, n - run);
}

static void
atom_link(struct feed_parser *fp, const char **atts)
{
    const char *href = attr(atts, "href"), *rel = attr(atts, "rel");
    const char *type = attr(atts, "type"), *title = attr(atts, "title");
    struct paper *p = &fp->p;

    if (str_empty(href))
        return;
    if ((title && strcmp(title, "pdf") == 0) ||
        (type && strcmp(type, "application/pdf") == 0)) {
        set_url(fp, &p->pdf_url, href);
    } else if (title && strcmp(title, "doi") == 0) {
        set_url(fp, &p->doi, href);
    } else if (rel == NULL || *rel == '\0' || strcmp(rel, "alternate") == 0 ||
               strcmp(rel, "http://www.iana.org/assignments/relation/"
                           "alternate") == 0) {
        set_url(fp, fp->info.format == FEED_ATOM ? &p->url : &fp->e.alt_url,
                href);
    }
}

/* Elements whose text goes to one field with one markup, whatever the
 * format; entry_start handles the rest (type attributes, authors, links,
 * categories by attribute). */
static const struct {
    unsigned char field; /* enum field; F_NONE: not in this table */
    unsigned char mk;    /* enum markup */
} plain_fields[] = {
    [T_ID] = { F_ID, MK_TEXT },
    [T_GUID] = { F_ID, MK_TEXT },
    [T_DESCRIPTION] = { F_SUMMARY, MK_AUTO },
    [T_ENCODED] = { F_CONTENT, MK_HTML },
    [T_RSS_AUTHOR] = { F_RSS_AUTHOR, MK_TEXT },
    [T_DC_CREATOR] = { F_CREATOR, MK_HTML },
    [T_RSS_LINK] = { F_LINK, MK_TEXT },
    [T_DC_TITLE] = { F_TITLE, MK_AUTO },
    [T_DC_AUTHOR] = { F_RSS_AUTHOR, MK_TEXT },
    [T_JNAME] = { F_JNAME, MK_TEXT },
    [T_ALT_URL] = { F_ALT_URL, MK_TEXT },
    [T_RSS_CATEGORY] = { F_CATEGORY, MK_TEXT },
    [T_DC_SUBJECT] = { F_CATEGORY, MK_TEXT },
    [T_PUBLISHED] = { F_PUBLISHED, MK_TEXT },
    [T_UPDATED] = { F_UPDATED, MK_TEXT },
    [T_COMMENT] = { F_COMMENT, MK_TEXT },
    [T_JREF] = { F_JREF, MK_TEXT },
    [T_DOI] = { F_DOI, MK_TEXT },
    [T_ANNOUNCE] = { F_ANNOUNCE, MK_TEXT },
};

static void
entry_start(struct feed_parser *fp, enum tok t, const char **atts)
{
    struct paper *p = &fp->p;
    const char *v;

    if ((size_t)t < sizeof(plain_fields) / sizeof(plain_fields[0]) &&
        plain_fields[t].field != F_NONE) {
        capture(fp, (enum field)plain_fields[t].field,
                (enum markup)plain_fields[t].mk);
        return;
    }
    switch (t) {
    case T_TITLE:
        capture(fp, F_TITLE,
                fp->info.format == FEED_ATOM ? atom_type(atts) : MK_AUTO);
        break;
    case T_SUMMARY:
        capture(fp, F_SUMMARY, atom_type(atts));
        break;
    case T_CONTENT:
        capture(fp, F_CONTENT, atom_type(atts));
        break;
    case T_DC_DESC:
        capture(fp, F_SUMMARY,
                fp->info.format == FEED_ATOM ? MK_TEXT : MK_AUTO);
        break;
    case T_AUTHOR:
        fp->e.author_base = p->authors.n;
        fp->e.early_affil = NULL;
        break;
    case T_LINK: /* in RSS, when the item has no link of its own */
        atom_link(fp, atts);
        break;
    case T_ENCLOSURE:
    case T_MEDIA_CONTENT:
        v = attr(atts, "type");
        if (v && strcmp(v, "application/pdf") == 0)
            set_url(fp, &p->pdf_url, attr(atts, "url"));
        break;
    case T_CATEGORY:
        if ((v = attr(atts, "term")) != NULL)
            add_category(fp, v, strlen(v), 0);
        break;
    case T_PRIMARY:
        if ((v = attr(atts, "term")) != NULL)
            fp->e.primary = adup(fp, v, strlen(v));
        break;
    default:
        break;
    }
}

static void
begin_entry(struct feed_parser *fp, const char **atts)
{
    const char *about = attr(atts, "http://www.w3.org/1999/02/22-rdf-syntax-"
                                   "ns#\001about");

    fp->entry_depth = fp->depth;
    if (!fp->sealed) {
        fp->sealed = 1;
        fp->entry_parent = fp->depth - 1;
    }
    if (fp->first_entry == -1) {
        fp->first_entry = fp->in.cd == (iconv_t)-1 && !fp->altered
                              ? XML_GetCurrentByteIndex(fp->xp) + fp->dropped
                              : -2;
    }
    entry_reset(fp);
    if (!str_empty(about))
        fp->p.entry_id = adup(fp, about, strlen(about));
}

static void
root(struct feed_parser *fp, enum tok t, const char *local, const char **atts)
{
    switch (t) {
    case T_FEED:
        fp->info.format = FEED_ATOM;
        break;
    case T_ENTRY:
        fp->info.format = FEED_ATOM;
        begin_entry(fp, atts);
        break;
    case T_RSS:
        fp->info.format = FEED_RSS;
        break;
    case T_RDF:
        fp->info.format = FEED_RDF;
        break;
    case T_HTML:
        fail(fp, "not a feed (an HTML page)");
        break;
    default:
        fail_at(fp, "not a feed (root element <%.64s>)", local);
        break;
    }
}

static enum tok tok_at(const struct feed_parser *fp, int depth);

static void
outside_entry(struct feed_parser *fp, enum tok t, enum tok parent,
              const char **atts)
{
    int top = parent == T_FEED || parent == T_CHANNEL;

    if ((t == T_ENTRY && fp->info.format == FEED_ATOM) ||
        (t == T_ITEM && fp->info.format != FEED_ATOM))
        begin_entry(fp, atts);
    else if ((t == T_TITLE || t == T_DC_TITLE) && top && fp->info.title == NULL)
        capture(fp, F_FEED_TITLE,
                parent == T_FEED && t == T_TITLE ? atom_type(atts) : MK_TEXT);
    else if (t == T_DESCRIPTION && parent == T_CHANNEL)
        capture(fp, F_FEED_DESC, MK_TEXT);
    else if (t == T_NAME && parent == T_AUTHOR && fp->depth == 3 &&
             tok_at(fp, 1) == T_FEED)
        capture(fp, F_FEED_AUTHOR, MK_TEXT);
    else if (t == T_TOTAL && top)
        capture(fp, F_TOTAL, MK_TEXT);
    if (fp->field != F_NONE && fp->sealed)
        fp->diverged = 1; /* entries before and after may differ */
}

static enum tok
tok_at(const struct feed_parser *fp, int depth)
{
    return depth >= 1 && depth <= STACK_MAX ? fp->stack[depth - 1] : T_OTHER;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct feed_parser *fp = ud;
    const char *local;
    enum tok t, parent;

    if (fp->failed)
        return;
    if (++fp->depth > DEPTH_MAX) {
        fail_at(fp, "elements nested deeper than %d", DEPTH_MAX);
        return;
    }
    if (atts[0] && (local = xml_base(atts)) != NULL)
        push_base(fp, local);
    if (fp->field != F_NONE) { /* markup inside a field */
        if (fp->field_mk == MK_XHTML) {
            lookup(fp, name, &local);
            cap_add(fp, "<", 1);
            cap_add(fp, local, strlen(local));
            cap_add(fp, ">", 1);
        }
        if (fp->depth <= STACK_MAX)
            fp->stack[fp->depth - 1] = T_OTHER;
        return;
    }
    t = lookup(fp, name, &local);
    if (fp->depth <= STACK_MAX)
        fp->stack[fp->depth - 1] = (unsigned char)t;
    if (fp->depth == 1) {
        root(fp, t, local, atts);
        return;
    }
    parent = tok_at(fp, fp->depth - 1);
    if (fp->entry_depth == 0)
        outside_entry(fp, t, parent, atts);
    else if (fp->depth == fp->entry_depth + 1)
        entry_start(fp, t, atts);
    else if (parent == T_AUTHOR && fp->depth == fp->entry_depth + 2 &&
             t == T_NAME)
        capture(fp, F_NAME, MK_TEXT);
    else if (parent == T_AUTHOR && fp->depth == fp->entry_depth + 2 &&
             t == T_AFFIL)
        capture(fp, F_AFFIL, MK_TEXT);
}

static void
set_time(int64_t *t, const char *s)
{
    int64_t v;

    if (*t == 0 && time_parse(s, &v) == 0)
        *t = v;
}

/* set_time for an element's text: Atom's published and updated are often
 * the same text, so the last one parsed is remembered (time_parse reads
 * nothing but the string). */
static void
set_time_text(struct feed_parser *fp, int64_t *t, const char *s, size_t n)
{
    int64_t v = 0;
    int ok;

    if (*t != 0)
        return;
    if (n == fp->last_time.len && memcmp(fp->last_time.text, s, n) == 0) {
        if (fp->last_time.ok)
            *t = fp->last_time.v;
        return;
    }
    ok = time_parse(s, &v) == 0;
    if (ok)
        *t = v;
    if (n < sizeof(fp->last_time.text)) {
        memcpy(fp->last_time.text, s, n);
        fp->last_time.len = n;
        fp->last_time.v = v;
        fp->last_time.ok = ok;
    }
}

/* The field's plain text into *dst (in the arena), unless set. */
static void
set_once(struct feed_parser *fp, char **dst)
{
    if (*dst == NULL)
        *dst = aplain(fp, fp->cap.p, fp->cap.len, 0);
}

/* Keep the collected text for the end of the entry: the buffers trade
 * places, no copy. */
static void
keep_raw(struct buf *b, int *has, enum markup *mk, struct buf *cap,
         enum markup field_mk)
{
    struct buf t;

    if (*has)
        return;
    t = *b;
    *b = *cap;
    *cap = t;
    *has = 1;
    *mk = field_mk;
}

/* "had; a" in the arena, or a alone when there was none: an author's
 * affiliations, one after the other. */
static char *
joined(struct feed_parser *fp, const char *had, const char *a, size_t n)
{
    if (had == NULL)
        return adup(fp, a, n);
    fp->tmp.len = 0;
    buf_adds(&fp->tmp, had);
    buf_adds(&fp->tmp, "; ");
    buf_add(&fp->tmp, a, n);
    return adup(fp, fp->tmp.p, fp->tmp.len);
}

/* Add affiliation a (n bytes) to author i (0-based), after any it has. */
static void
join_affiliation(struct feed_parser *fp, size_t i, const char *a, size_t n)
{
    affil_upto(fp, i + 1);
    fp->e.affil.v[i] = joined(fp, fp->e.affil.v[i], a, n);
    fp->e.has_affil = 1;
}

/* The affiliation of the open atom:author (arXiv API). One that comes
 * before the author's name waits for it. */
static void
set_affiliation(struct feed_parser *fp)
{
    struct entry *e = &fp->e;
    size_t i = fp->p.authors.n;

    if (to_text(fp, fp->cap.p, fp->cap.len, 0) == 0)
        return;
    if (i > e->author_base)
        join_affiliation(fp, i - 1, fp->text.p, fp->text.len);
    else
        e->early_affil = joined(fp, e->early_affil, fp->text.p, fp->text.len);
}

static void
end_field(struct feed_parser *fp)
{
    struct paper *p = &fp->p;
    struct entry *e = &fp->e;
    struct buf *c = &fp->cap;
    const char *t;
    char *s, id[256];
    size_t n;
    int v;

    switch (fp->field) {
    case F_ID:
        set_once(fp, &p->entry_id);
        /* an IRI, relative to xml:base; not an arXiv id or DOI written
         * bare */
        if (fp->nbase && fp->info.format == FEED_ATOM && p->entry_id &&
            !ident_arxiv(p->entry_id, id, sizeof(id), &v) &&
            !ident_doi(p->entry_id, id, sizeof(id)))
            p->entry_id = resolve(fp, p->entry_id);
        break;
    case F_TITLE:
        keep_raw(&e->title, &e->has_title, &e->title_mk, c, fp->field_mk);
        break;
    case F_SUMMARY:
        keep_raw(&e->summary, &e->has_summary, &e->summary_mk, c, fp->field_mk);
        break;
    case F_CONTENT:
        keep_raw(&e->content, &e->has_content, &e->content_mk, c, fp->field_mk);
        break;
    case F_NAME:
        add_author(fp, c->p, c->len, NULL, 0, 0);
        if (e->early_affil && p->authors.n > e->author_base) {
            join_affiliation(fp, p->authors.n - 1, e->early_affil,
                             strlen(e->early_affil));
            e->early_affil = NULL;
        }
        break;
    case F_AFFIL:
        set_affiliation(fp);
        break;
    case F_RSS_AUTHOR: /* HTML, as RSS text goes */
        if (to_text(fp, c->p, c->len, 1))
            person(fp, fp->text.p, fp->text.len);
        break;
    case F_CREATOR:
        if (e->creators.n < LIST_MAX && (s = aplain(fp, c->p, c->len, 1)))
            strv_push(&e->creators, s);
        break;
    case F_LINK:
        /* plain text has no white space at its ends for resolve() to
         * trim: with no base to resolve against, it is the link */
        if (p->url == NULL && (t = cap_plain(fp, c, &n, 0)) != NULL)
            p->url = cur_base(fp) ? resolve(fp, t) : adup(fp, t, n);
        break;
    case F_ALT_URL:
        if (e->alt_url == NULL && to_text(fp, c->p, c->len, 0))
            e->alt_url = resolve(fp, fp->text.p);
        break;
    case F_JNAME:
        set_once(fp, &e->jname);
        break;
    case F_CATEGORY:
        if (fp->info.format != FEED_ATOM &&
            (t = cap_plain(fp, c, &n, 1)) != NULL) {
            add_category(fp, t, n, 1);
        } else {
            add_category(fp, c->p, c->len, 0);
        }
        break;
    case F_PUBLISHED:
        set_time_text(fp, &p->published, c->p, c->len);
        break;
    case F_UPDATED:
        set_time_text(fp, &p->updated, c->p, c->len);
        break;
    case F_COMMENT:
        set_once(fp, &p->comment);
        break;
    case F_JREF:
        set_once(fp, &p->journal_ref);
        break;
    case F_DOI:
        /* arxiv:doi wins over link title="doi", unless it is empty */
        if ((s = aplain(fp, c->p, c->len, 0)) != NULL && *s)
            p->doi = s;
        break;
    case F_ANNOUNCE:
        p->announce = aplain(fp, c->p, c->len, 0);
        e->arxiv = 1;
        break;
    case F_FEED_TITLE:
        if (fp->info.title == NULL)
            fp->info.title =
                field_plain(fp, NULL, c->p, c->len, fp->field_mk, 0);
        break;
    case F_FEED_DESC:
        if (fp->feed_desc == NULL)
            fp->feed_desc = plain(c->p, c->len, 0);
        break;
    case F_FEED_AUTHOR:
        if (fp->feed_authors.n < LIST_MAX && (s = plain(c->p, c->len, 0))) {
            strv_add(&fp->feed_authors, s);
            free(s);
        }
        break;
    case F_TOTAL:
        fp->info.total_results = strtol(c->p, NULL, 10);
        break;
    case F_NONE:
        break;
    }
    fp->field = F_NONE;
    XML_SetCharacterDataHandler(fp->xp, NULL);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
    struct feed_parser *fp = ud;
    const char *local;

    if (fp->failed)
        return;
    if (fp->field != F_NONE) {
        if (fp->depth == fp->field_depth) {
            end_field(fp);
        } else if (fp->field_mk == MK_XHTML) {
            lookup(fp, name, &local);
            cap_add(fp, "</", 2);
            cap_add(fp, local, strlen(local));
            cap_add(fp, ">", 1);
        }
    } else if (fp->depth == fp->entry_depth) {
        emit_entry(fp);
        fp->entry_depth = 0;
    }
    if (fp->sealed && fp->depth <= fp->entry_parent)
        fp->diverged = 1; /* another parent, base or namespace may follow */
    if (fp->nbase && fp->base_at[fp->nbase - 1].depth == fp->depth)
        fp->bases.len = fp->base_at[--fp->nbase].off;
    fp->depth--;
}

/* The text handler while a field other than XHTML is open. Expat calls
 * it for every line of a wrapped abstract and then again for its newline
 * alone: a piece that fits is stored with the copy last, so the handler
 * needs no frame of its own. */
static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
    struct feed_parser *fp = ud;
    struct buf *c = &fp->cap;
    size_t n = (size_t)len, at = c->len;

    if (fp->field == F_NONE || fp->failed)
        return;
    if (at + n < FIELD_MAX && n < c->cap - at) {
        c->len = at + n;
        c->p[at + n] = '\0';
        if (n == 1)
            c->p[at] = *s;
        else
            memcpy(c->p + at, s, n);
        return;
    }
    cap_add(fp, s, n);
}

static void XMLCALL
on_xhtml_text(void *ud, const XML_Char *s, int len)
{
    struct feed_parser *fp = ud;

    if (fp->field == F_NONE || fp->failed)
        return;
    cap_add_escaped(fp, s, (size_t)len);
}

/* Billion laughs and friends: no feed needs its own entities. */
static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param,
               const XML_Char *value, int value_len, const XML_Char *base,
               const XML_Char *system_id, const XML_Char *public_id,
               const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base;
    (void)system_id, (void)public_id, (void)notation;
    fail_at(ud, "entity declarations are not allowed");
}

/* A reference to an entity the document never declares (&eacute; and
 * friends, in feeds written like HTML): its HTML5 text, or the reference
 * as written when HTML5 has no such name. Expat reports such a reference
 * as skipped, not as an error, once the document may have declarations
 * it did not read: an external DTD, or the foreign one xml_start asks
 * for (which is never read either). */
static void XMLCALL
on_skipped_entity(void *ud, const XML_Char *name, int is_param)
{
    struct feed_parser *fp = ud;
    struct buf *t = &fp->tmp;

    if (is_param || fp->field == F_NONE || fp->failed)
        return;
    t->len = 0;
    if (!text_entity(t, name))
        buf_addf(t, "&%s;", name);
    if (fp->field_mk == MK_TEXT)
        cap_add(fp, t->p, t->len);
    else /* markup: what it decodes to is text, not a tag (&LT;) */
        cap_add_escaped(fp, t->p, t->len);
}

/* The table of an 8-bit encoding (windows-125x, ISO-8859-2..16, KOI8-R/U,
 * MacRoman ...), built by asking iconv for each byte: a byte it calls
 * invalid becomes U+FFFD. Returns 0, -1 when iconv does not know the
 * encoding, -2 when a byte starts a longer sequence (not 8-bit). */
static int
eight_bit_map(const char *name, int *map)
{
    iconv_t cd = iconv_open("UTF-32BE", name);

    if (cd == (iconv_t)-1)
        return -1;
    for (int i = 0; i < 256; i++) {
        char in = (char)i, *ip = &in;
        unsigned char out[8];
        char *op = (char *)out;
        size_t il = 1, ol = sizeof(out);

        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 &&
            ol == sizeof(out) - 4) {
            map[i] = (int)((unsigned)out[0] << 24 | out[1] << 16 | out[2] << 8 |
                           out[3]);
        } else if (errno == EINVAL) {
            iconv_close(cd);
            return -2;
        } else {
            map[i] = i < 0x80 ? i : 0xFFFD;
        }
    }
    iconv_close(cd);
    return 0;
}

/* An 8-bit encoding expat does not know: its table. Longer sequences
 * were sent through iconv before expat saw the document (decide). */
static int XMLCALL
on_unknown_encoding(void *ud, const XML_Char *name, XML_Encoding *info)
{
    struct feed_parser *fp = ud;
    int rc = 0;

    if (strcmp(name, fp->in.map_of) == 0) /* xml_declared made it */
        memcpy(info->map, fp->in.map, sizeof(info->map));
    else
        rc = eight_bit_map(name, info->map);

    if (rc == -1)
        fail(fp, "unknown encoding \"%.64s\"", name);
    else if (rc == -2)
        fail(fp, "encoding \"%.64s\" is not an 8-bit encoding", name);
    if (rc < 0)
        return XML_STATUS_ERROR;
    info->data = NULL;
    info->convert = NULL;
    info->release = NULL;
    return XML_STATUS_OK;
}

static int
xml_start(struct feed_parser *fp)
{
    fp->xp = XML_ParserCreateNS(fp->in.xml_enc, NS_SEP);
    if (fp->xp == NULL) {
        fail(fp, "cannot create an XML parser");
        return -1;
    }
    XML_SetUserData(fp->xp, fp);
    XML_SetElementHandler(fp->xp, on_start, on_end);
    XML_SetEntityDeclHandler(fp->xp, on_entity_decl);
    XML_SetSkippedEntityHandler(fp->xp, on_skipped_entity);
    XML_UseForeignDTD(fp->xp, XML_TRUE);
    XML_SetUnknownEncodingHandler(fp->xp, on_unknown_encoding, fp);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(fp->xp, 20.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(fp->xp, 1u << 20);
#endif
    buf_reserve(&fp->cap, 256);
    fp->mode = M_XML;
    return 0;
}

/* What an XML_Parse or XML_ParseBuffer call came to. */
static int
xml_done(struct feed_parser *fp, enum XML_Status st)
{
    fp->parsing = 0;
    if (fp->failed)
        return -1;
    if (st != XML_STATUS_OK) {
        fail_at(fp, "%s", XML_ErrorString(XML_GetErrorCode(fp->xp)));
        return -1;
    }
    return 0;
}

/* After expat took bytes: where the token it could not finish starts. */
static void
xml_took(struct feed_parser *fp, size_t n)
{
    XML_Index at = XML_GetCurrentByteIndex(fp->xp);

    fp->fed += (long long)n;
    fp->token = at >= 0 ? at : fp->fed;
}

/* The part of a token expat holds unfinished: expat 2.5 (Debian 12's)
 * parses such a token again from its start each time more bytes come, so
 * a token of n bytes arriving in pieces of k costs n * n / k, a blow-up
 * for one huge attribute or comment. As expat 2.6 does itself, new bytes
 * are held back until there are as many as that part: each byte is then
 * parsed a bounded number of times. */
static size_t
xml_unfinished(const struct feed_parser *fp)
{
    return (size_t)(fp->fed - fp->token);
}

/* Bytes expat would stop at, as no reader wants it to: invalid UTF-8
 * becomes U+FFFD and a control character XML forbids goes (the peers
 * feedparser and gofeed recover the same way). A sequence cut by the end
 * of s waits in in.cut for the rest. Returns the bytes to parse. */
static const char *
xml_repair(struct feed_parser *fp, const char *s, size_t *n, int final)
{
    struct input *in = &fp->in;
    size_t used;

    if (in->ncut) {
        fp->fix_in.len = 0;
        buf_add(&fp->fix_in, in->cut, in->ncut);
        buf_add(&fp->fix_in, s, *n);
        s = fp->fix_in.p;
        *n = fp->fix_in.len;
    }
    fp->fix_out.len = 0;
    buf_reserve(&fp->fix_out, *n);
    used = text_xml_repair(&fp->fix_out, s, *n, final);
    if (fp->first_entry == -1 && /* not a cut sequence alone */
        (fp->fix_out.len != used || memcmp(fp->fix_out.p, s, used) != 0))
        fp->altered = 1;
    in->ncut = *n - used; /* at most three bytes */
    memcpy(in->cut, s + used, in->ncut);
    *n = fp->fix_out.len;
    return fp->fix_out.p;
}

static int
xml_write(struct feed_parser *fp, const char *s, size_t n, int final)
{
    if (fp->in.check && (fp->in.ncut || text_xml_clean(s, n) < n))
        s = xml_repair(fp, s, &n, final);
    if (!final && fp->held.len + n < xml_unfinished(fp)) {
        buf_add(&fp->held, s, n);
        return 0;
    }
    if (fp->held.len) {
        buf_add(&fp->held, s, n);
        s = fp->held.p;
        n = fp->held.len;
        fp->held.len = 0;
    }
    do {
        int len = n > INT_MAX / 2 ? INT_MAX / 2 : (int)n;

        fp->parsing = 1;
        if (xml_done(fp, XML_Parse(fp->xp, s, len, final && (size_t)len == n)) <
            0)
            return -1;
        xml_took(fp, (size_t)len);
        s += len;
        n -= (size_t)len;
    } while (n > 0);
    return 0;
}

/* ---- JSON -------------------------------------------------------------- */

static const char *
jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* A record known by its arXiv id alone (Hugging Face, the metadata
 * snapshot): the id, and the abstract and PDF pages it names. */
static void
arxiv_links(struct feed_parser *fp, struct paper *p, const char *id)
{
    p->entry_id = adup(fp, id, strlen(id));
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://arxiv.org/abs/%s", id);
    p->url = adup(fp, fp->tmp.p, fp->tmp.len);
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://arxiv.org/pdf/%s", id);
    p->pdf_url = adup(fp, fp->tmp.p, fp->tmp.len);
}

/* s's plain text into the record's *dst, unless set. */
static void
jplain(struct feed_parser *fp, char **dst, const char *s, int html)
{
    if (s && *dst == NULL)
        *dst = aplain(fp, s, strlen(s), html);
}

static void
jtime(int64_t *t, const char *s)
{
    if (s)
        set_time(t, s);
}

static void
x_num(struct buf *x, int *n, const char *key, const cJSON *v)
{
    if (!cJSON_IsNumber(v))
        return;
    extras_begin(x, n, key);
    json_add_number(x, v->valuedouble);
}

static void
x_str(struct buf *x, int *n, const char *key, const char *s)
{
    if (str_empty(s))
        return;
    extras_begin(x, n, key);
    json_add_string(x, s);
}

static void
x_strings(struct buf *x, int *n, const char *key, const cJSON *a)
{
    const cJSON *v;
    int first = 1;

    if (!cJSON_IsArray(a))
        return;
    extras_begin(x, n, key);
    buf_addc(x, '[');
    cJSON_ArrayForEach(v, a)
    {
        if (!cJSON_IsString(v))
            continue;
        if (!first)
            buf_addc(x, ',');
        json_add_string(x, v->valuestring);
        first = 0;
    }
    buf_addc(x, ']');
}

static void
jauthors(struct feed_parser *fp, const cJSON *a)
{
    const cJSON *v;
    const char *s;

    cJSON_ArrayForEach(v, a)
    {
        if ((s = jstr(v, "name")) != NULL)
            add_author(fp, s, strlen(s), NULL, 0, 0);
    }
}

/* A record that is none (a line of JSON Lines, an item of a list), passed
 * over: counted, and told as fmt says. Returns 0, to go on. */
static int skipped(struct feed_parser *fp, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
skipped(struct feed_parser *fp, long line, const char *fmt, ...)
{
    char why[PW_ERR_MAX];
    va_list ap;

    fp->info.skipped++;
    fp->diverged = 1;
    if (fp->warn) {
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        fp->warn(fp->warn_ud, fp->name, line, why);
    }
    return 0;
}

/* One element of the Hugging Face daily papers array. */
static int
hf_item(struct feed_parser *fp, const cJSON *item, int i)
{
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(item, "paper");
    const cJSON *org;
    struct paper *p = &fp->p;
    const char *id;
    struct buf *x;
    int nx = 0;
    int64_t t = 0;

    if (!cJSON_IsObject(pp))
        pp = item;
    if ((id = jstr(pp, "id")) == NULL || *id == '\0')
        return skipped(fp, 0, "item %d has no paper.id (item skipped)", i);
    arxiv_links(fp, p, id);
    jplain(fp, &p->title, jstr(pp, "title"), 0);
    jplain(fp, &p->title, jstr(item, "title"), 0);
    jplain(fp, &p->abstract, jstr(pp, "summary"), 0);
    jplain(fp, &p->abstract, jstr(item, "summary"), 0);
    jauthors(fp, cJSON_GetObjectItemCaseSensitive(pp, "authors"));
    jtime(&p->published, jstr(pp, "publishedAt"));
    jtime(&p->published, jstr(item, "publishedAt"));
    x = extras_start(fp);
    x_num(x, &nx, "upvotes", cJSON_GetObjectItemCaseSensitive(pp, "upvotes"));
    x_num(x, &nx, "comments",
          cJSON_GetObjectItemCaseSensitive(item, "numComments"));
    x_str(x, &nx, "github_repo", jstr(pp, "githubRepo"));
    x_num(x, &nx, "github_stars",
          cJSON_GetObjectItemCaseSensitive(pp, "githubStars"));
    x_str(x, &nx, "project_page", jstr(pp, "projectPage"));
    x_str(x, &nx, "ai_summary", jstr(pp, "ai_summary"));
    x_strings(x, &nx, "ai_keywords",
              cJSON_GetObjectItemCaseSensitive(pp, "ai_keywords"));
    org = cJSON_GetObjectItemCaseSensitive(item, "organization");
    if (!cJSON_IsObject(org))
        org = cJSON_GetObjectItemCaseSensitive(pp, "organization");
    x_str(x, &nx, "organization", jstr(org, "fullname"));
    jtime(&t, jstr(pp, "submittedOnDailyAt"));
    if (t) {
        extras_begin(x, &nx, "submitted_on_daily_at");
        json_add_time(x, t);
    }
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://huggingface.co/papers/%s", id);
    x_str(x, &nx, "hf_url", fp->tmp.p);
    extras_end(p, x, nx);
    deliver(fp);
    return fp->failed ? -1 : 0;
}

/* A JSON Feed's own authors: "authors" (1.1) or "author" (1.0). */
static void
jsonfeed_authors(struct feed_parser *fp, const cJSON *root)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "authors"), *v;
    const char *s;

    if (!cJSON_IsArray(a)) {
        if ((s = jstr(cJSON_GetObjectItemCaseSensitive(root, "author"),
                      "name")) != NULL &&
            *s)
            strv_add(&fp->feed_authors, s);
        return;
    }
    cJSON_ArrayForEach(v, a)
    {
        if (fp->feed_authors.n < LIST_MAX && (s = jstr(v, "name")) && *s)
            strv_add(&fp->feed_authors, s);
    }
}

/* One item of a JSON Feed (https://jsonfeed.org/version/1.1). */
static int
jsonfeed_item(struct feed_parser *fp, const cJSON *item, int i)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
    const cJSON *a, *v;
    struct paper *p = &fp->p;
    struct buf *x;
    int nx = 0;

    if (!cJSON_IsObject(item)) {
        fail(fp, "JSON Feed item %d is not an object", i);
        return -1;
    }
    if (cJSON_IsString(id))
        p->entry_id = adup(fp, id->valuestring, strlen(id->valuestring));
    else if (cJSON_IsNumber(id)) {
        fp->tmp.len = 0;
        buf_addf(&fp->tmp, "%.17g", id->valuedouble);
        p->entry_id = adup(fp, fp->tmp.p, fp->tmp.len);
    }
    jplain(fp, &p->url, jstr(item, "url"), 0);
    jplain(fp, &p->url, jstr(item, "external_url"), 0);
    jplain(fp, &p->title, jstr(item, "title"), 0); /* plain text */
    jplain(fp, &p->abstract, jstr(item, "summary"), 0);
    jplain(fp, &p->abstract, jstr(item, "content_text"), 0);
    jplain(fp, &p->abstract, jstr(item, "content_html"), 1);
    jtime(&p->published, jstr(item, "date_published"));
    jtime(&p->updated, jstr(item, "date_modified"));
    if (cJSON_IsArray(a = cJSON_GetObjectItemCaseSensitive(item, "authors")))
        jauthors(fp, a);
    else if (cJSON_IsObject(
                 a = cJSON_GetObjectItemCaseSensitive(item, "author")) &&
             jstr(a, "name"))
        add_author(fp, jstr(a, "name"), strlen(jstr(a, "name")), NULL, 0, 0);
    inherit_authors(fp);
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "tags"))
    {
        if (cJSON_IsString(v))
            add_category(fp, v->valuestring, strlen(v->valuestring), 0);
    }
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "attachments"))
    {
        const char *type = jstr(v, "mime_type");

        if (type && strcmp(type, "application/pdf") == 0)
            jplain(fp, &p->pdf_url, jstr(v, "url"), 0);
    }
    x = extras_start(fp);
    x_str(x, &nx, "image", jstr(item, "image"));
    extras_end(p, x, nx);
    deliver(fp);
    return fp->failed ? -1 : 0;
}

static int
json_finish(struct feed_parser *fp)
{
    cJSON *root, *items, *it;
    const char *ver, *t;
    int i = 0, rc = -1;

    root = cJSON_ParseWithLength(fp->json.p, fp->json.len);
    if (root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= fp->json.p && at <= fp->json.p + fp->json.len
                         ? (size_t)(at - fp->json.p)
                         : fp->json.len;
        fail(fp, "not well-formed JSON (near byte %zu)", off);
        goto out;
    }
    fp->info.format = FEED_JSON;
    if (cJSON_IsArray(root)) {
        cJSON_ArrayForEach(it, root)
        {
            if (!cJSON_IsObject(it)) {
                fail(fp,
                     "not a Hugging Face papers list: item %d is not "
                     "an object",
                     i);
                goto out;
            }
            if (hf_item(fp, it, i++) < 0)
                goto out;
        }
        if (i > 0 && fp->info.skipped == i) { /* none had one: not HF's */
            fail(fp, "not a Hugging Face papers list: item 0 has no paper.id");
            goto out;
        }
    } else if (cJSON_IsObject(root) && (ver = jstr(root, "version")) &&
               (strstr(ver, "jsonfeed.org/version/") ||
                strncmp(ver, "1.", 2) == 0 || strcmp(ver, "1") == 0) &&
               cJSON_IsArray(
                   items = cJSON_GetObjectItemCaseSensitive(root, "items"))) {
        if (fp->info.title == NULL && (t = jstr(root, "title")) != NULL)
            fp->info.title = plain(t, strlen(t), 0);
        jsonfeed_authors(fp, root);
        cJSON_ArrayForEach(it, items)
        {
            if (jsonfeed_item(fp, it, i++) < 0)
                goto out;
        }
    } else {
        fail(fp, "not a feed (JSON, but neither a Hugging Face papers array "
                 "nor a JSON Feed)");
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    buf_fini(&fp->json);
    return rc;
}

static int
json_write(struct feed_parser *fp, const char *s, size_t n)
{
    if (n > JSON_MAX - fp->json.len) {
        fail(fp, "JSON document larger than %u MiB", JSON_MAX >> 20);
        buf_fini(&fp->json);
        return -1;
    }
    buf_add(&fp->json, s, n);
    return 0;
}

/* ---- arXiv metadata JSON Lines ----------------------------------------- */

/* authors_parsed: [[last, first, suffix], ...] -> "First Last Suffix" */
static void
jsonl_authors(struct feed_parser *fp, const cJSON *a)
{
    const cJSON *who, *part;
    const char *order[3];

    cJSON_ArrayForEach(who, a)
    {
        int i = 0;

        order[0] = order[1] = order[2] = NULL;
        cJSON_ArrayForEach(part, who)
        {
            if (i < 3 && cJSON_IsString(part))
                order[i] = part->valuestring;
            i++;
        }
        fp->url.len = 0; /* scratch: add_author uses tmp */
        for (i = 0; i < 3; i++) {
            const char *w = order[i == 0 ? 1 : i == 1 ? 0 : 2];

            if (str_empty(w))
                continue;
            if (fp->url.len)
                buf_addc(&fp->url, ' ');
            buf_adds(&fp->url, w);
        }
        if (fp->url.len)
            add_author(fp, fp->url.p, fp->url.len, NULL, 0, 0);
    }
}

/* versions: [{version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT"}, ...]
 * -> published (v1), updated and version (the last). */
static void
jsonl_versions(struct feed_parser *fp, const cJSON *a)
{
    const cJSON *v, *last = NULL;
    struct paper *p = &fp->p;
    const char *s;

    cJSON_ArrayForEach(v, a)
    {
        if (!cJSON_IsObject(v))
            continue;
        if (last == NULL)
            jtime(&p->published, jstr(v, "created"));
        last = v;
    }
    if (last == NULL)
        return;
    jtime(&p->updated, jstr(last, "created"));
    if ((s = jstr(last, "version")) != NULL && (*s == 'v' || *s == 'V'))
        p->version = atoi(s + 1);
}

/* A line of JSON Lines that is no record: passed over. */
static int
skip_line(struct feed_parser *fp, const char *why)
{
    return skipped(fp, fp->line, "%s (line skipped)", why);
}

/* One record of the Kaggle arXiv metadata snapshot. */
static int
jsonl_record(struct feed_parser *fp, const cJSON *o)
{
    struct paper *p = &fp->p;
    const char *id = jstr(o, "id"), *s;
    const cJSON *a;
    struct buf *x;
    int nx = 0;

    if (!cJSON_IsObject(o) || str_empty(id))
        return skip_line(fp, "not an arXiv metadata record (no \"id\")");
    entry_reset(fp);
    arxiv_links(fp, p, id);
    jplain(fp, &p->title, jstr(o, "title"), 0);
    jplain(fp, &p->abstract, jstr(o, "abstract"), 0);
    a = cJSON_GetObjectItemCaseSensitive(o, "authors_parsed");
    if (cJSON_IsArray(a))
        jsonl_authors(fp, a);
    else if ((s = jstr(o, "authors")) != NULL)
        split_creators(fp, s, NULL);
    if ((s = jstr(o, "categories")) != NULL) {
        for (const char *q = s; *q;) {
            size_t n = strcspn(q, " \t\n");

            if (n)
                add_category(fp, q, n, 0);
            q += n;
            q += strspn(q, " \t\n");
        }
    }
    jsonl_versions(fp, cJSON_GetObjectItemCaseSensitive(o, "versions"));
    if ((s = jstr(o, "doi")) != NULL && *s)
        p->doi = adup(fp, s, strlen(s));
    jplain(fp, &p->journal_ref, jstr(o, "journal-ref"), 0);
    jplain(fp, &p->comment, jstr(o, "comments"), 0);
    x = extras_start(fp);
    x_str(x, &nx, "submitter", jstr(o, "submitter"));
    x_str(x, &nx, "report_no", jstr(o, "report-no"));
    x_str(x, &nx, "license", jstr(o, "license"));
    extras_end(p, x, nx);
    deliver(fp);
    return fp->failed ? -1 : 0;
}

static int
jsonl_line(struct feed_parser *fp, const char *s, size_t n)
{
    cJSON *o;
    int rc;

    fp->line++;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    if (n == 0)
        return 0;
    if ((o = cJSON_ParseWithLength(s, n)) == NULL)
        return skip_line(fp, "not well-formed JSON");
    rc = jsonl_record(fp, o);
    cJSON_Delete(o);
    return rc;
}

/* Whole lines out of fp->json; the rest waits for more. */
static int
jsonl_lines(struct feed_parser *fp, int final)
{
    const char *s = fp->json.p, *end = s + fp->json.len, *nl;
    const char *from = s + (fp->jscan < fp->json.len ? fp->jscan : 0);
    size_t rest;

    while (from < end &&
           (nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
        if (jsonl_line(fp, s, (size_t)(nl - s)) < 0)
            return -1;
        s = from = nl + 1;
    }
    if (final && s < end) {
        if (jsonl_line(fp, s, (size_t)(end - s)) < 0)
            return -1;
        s = end;
    }
    rest = (size_t)(end - s);
    if (rest > LINE_MAX_JSONL) {
        fp->line++;
        fail_at(fp, "line longer than %u MiB", LINE_MAX_JSONL >> 20);
        return -1;
    }
    if (rest)
        memmove(fp->json.p, s, rest);
    fp->json.len = rest;
    fp->jscan = rest;
    return 0;
}

/* A JSON document starting with '{' is JSON Lines when its first line is a
 * whole object with "id" and an "abstract", "title" or "authors" (a JSON
 * Feed's first line is not a whole object, or is the whole feed: one
 * line). 1 yes, 0 no, -1 not known yet. */
static int
is_jsonl(struct feed_parser *fp, int final)
{
    const char *nl =
        memchr(fp->json.p + fp->jscan, '\n', fp->json.len - fp->jscan);
    size_t n = nl ? (size_t)(nl - fp->json.p) : fp->json.len;
    cJSON *o;
    int yes;

    fp->jscan = fp->json.len;
    if (nl == NULL && !final)
        return fp->json.len > LINE_MAX_JSONL ? 0 : -1;
    if (nl == NULL)
        return 0; /* one line: a document */
    o = cJSON_ParseWithLength(fp->json.p, n);
    yes = cJSON_IsObject(o) &&
          cJSON_GetObjectItemCaseSensitive(o, "id") != NULL &&
          (cJSON_GetObjectItemCaseSensitive(o, "abstract") != NULL ||
           cJSON_GetObjectItemCaseSensitive(o, "title") != NULL ||
           cJSON_GetObjectItemCaseSensitive(o, "authors") != NULL);
    cJSON_Delete(o);
    return yes;
}

static int
json_more(struct feed_parser *fp, const char *s, size_t n, int final)
{
    int k;

    if (fp->mode == M_JSON && n && json_write(fp, s, n) < 0)
        return -1;
    if (fp->mode == M_JSONL) {
        if (n)
            buf_add(&fp->json, s, n);
        return jsonl_lines(fp, final);
    }
    if (fp->jsonl_tried)
        return 0;
    if ((k = is_jsonl(fp, final)) < 0)
        return 0;
    fp->jsonl_tried = 1;
    if (k == 0)
        return 0;
    fp->mode = M_JSONL;
    fp->info.format = FEED_JSONL;
    return jsonl_lines(fp, final);
}

/* ---- format detection -------------------------------------------------- */

static int
head_is(const struct buf *h, const char *s)
{
    size_t n = strlen(s);

    return h->len >= n && strncasecmp(h->p, s, n) == 0;
}

static int xml_declared(struct feed_parser *fp);
static int transcode(struct feed_parser *fp, const char *s, size_t n,
                     int final);

/* Decide from fp->head what the document is, and hand the head on. */
static int
decide(struct feed_parser *fp)
{
    unsigned char c = (unsigned char)fp->head.p[0];
    int recode;

    if (c == '<') {
        if (head_is(&fp->head, "<!doctype html") ||
            head_is(&fp->head, "<html")) {
            fail(fp, "not a feed (an HTML page)");
            return -1;
        }
        if ((recode = xml_declared(fp)) < 0 || xml_start(fp) < 0)
            return -1;
        if (recode)
            return transcode(fp, fp->head.p, fp->head.len, fp->done);
        return xml_write(fp, fp->head.p, fp->head.len, 0);
    }
    if (c == '[' || c == '{') {
        fp->mode = M_JSON;
        return json_more(fp, fp->head.p, fp->head.len, 0);
    }
    if (isprint(c))
        fail(fp, "not a feed (starts with \"%.12s\")", fp->head.p);
    else
        fail(fp, "not a feed (starts with byte 0x%02x)", c);
    return -1;
}

/* Skip white space, counting lines and columns for error positions, then
 * collect HEAD_MAX bytes. Returns how much of s was used; sets *ready
 * when the format can be decided. */
static size_t
collect_head(struct feed_parser *fp, const char *s, size_t n, int *ready)
{
    size_t i = 0, take;

    for (; fp->head.len == 0 && i < n && isspace((unsigned char)s[i]); i++) {
        fp->dropped++;
        if (s[i] == '\n') {
            fp->skip_lines++;
            fp->skip_cols = 0;
        } else {
            fp->skip_cols++;
        }
    }
    for (;;) {
        /* an XML declaration is read to its end, for its encoding */
        int decl = head_is(&fp->head, "<?xml");
        size_t limit = decl ? DECL_MAX : HEAD_MAX;

        take = n - i;
        if (take > limit - fp->head.len)
            take = limit - fp->head.len;
        buf_add(&fp->head, s + i, take);
        i += take;
        decl = head_is(&fp->head, "<?xml");
        *ready = fp->head.len >= (decl ? DECL_MAX : HEAD_MAX) ||
                 (decl && memmem(fp->head.p, fp->head.len, "?>", 2));
        if (*ready || i == n)
            return i;
    }
}

/* UTF-8 bytes on to the detected format. */
static int
take(struct feed_parser *fp, const char *s, size_t n)
{
    int ready;
    size_t used;

    if (fp->mode == M_DETECT) {
        iconv_t cd = fp->in.cd;

        used = collect_head(fp, s, n, &ready);
        if (!ready)
            return 0;
        if (decide(fp) < 0)
            return -1;
        buf_fini(&fp->head);
        s += used;
        n -= used;
        if (fp->in.cd != cd) /* the declaration asked for iconv */
            return n ? transcode(fp, s, n, 0) : 0;
    }
    if (n == 0)
        return 0;
    if (fp->mode == M_XML)
        return xml_write(fp, s, n, 0);
    return json_more(fp, s, n, 0);
}

/* ---- input: byte order marks, UTF-16/32, HTTP charset ------------------- */

static int
utf8_name(const char *cs)
{
    return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
           strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0;
}

static int
transcode_from(struct feed_parser *fp, const char *enc, int unit)
{
    fp->in.cd = iconv_open("UTF-8", enc);
    if (fp->in.cd == (iconv_t)-1) {
        fail(fp, "cannot convert from %s", enc);
        return -1;
    }
    fp->in.unit = unit;
    fp->in.xml_enc = "UTF-8"; /* over what the declaration says */
    return 0;
}

/* The first four bytes (fewer at the end) say how the rest is encoded;
 * returns how many of them are a byte order mark, or -1. */
static int
sniff(struct feed_parser *fp)
{
    const unsigned char *b = fp->in.sniff;
    int n = fp->in.nsniff;
    static const struct {
        unsigned char b[4];
        int len, bom, unit;
        const char *enc;
    } marks[] = {
        { { 0x00, 0x00, 0xFE, 0xFF }, 4, 4, 4, "UTF-32BE" },
        { { 0xFF, 0xFE, 0x00, 0x00 }, 4, 4, 4, "UTF-32LE" },
        { { 0xEF, 0xBB, 0xBF, 0 }, 3, 3, 1, NULL },
        { { 0xFE, 0xFF, 0, 0 }, 2, 2, 2, "UTF-16BE" },
        { { 0xFF, 0xFE, 0, 0 }, 2, 2, 2, "UTF-16LE" },
    };

    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        if (n < marks[i].len || memcmp(b, marks[i].b, marks[i].len) != 0)
            continue;
        if (marks[i].enc == NULL) {
            fp->in.xml_enc = "UTF-8";
            return marks[i].bom;
        }
        return transcode_from(fp, marks[i].enc, marks[i].unit) < 0
                   ? -1
                   : marks[i].bom;
    }
    /* UTF-32 without a mark: '<' or white space, three zero bytes beside */
    if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0)
        return transcode_from(fp, "UTF-32BE", 4);
    if (n >= 4 && b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0)
        return transcode_from(fp, "UTF-32LE", 4);
    /* UTF-16 without a mark: an ASCII character, then a zero byte */
    if (n >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0)
        return transcode_from(fp, "UTF-16BE", 2);
    if (n >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0)
        return transcode_from(fp, "UTF-16LE", 2);
    if (fp->in.charset == NULL)
        return 0;
    if (utf8_name(fp->in.charset)) {
        fp->in.xml_enc = "UTF-8";
        return 0;
    }
    return transcode_from(fp, fp->in.charset, 1);
}

static int
flush_out(struct feed_parser *fp, char *out, char **op, size_t *ol, size_t size)
{
    int rc = *op > out ? take(fp, out, (size_t)(*op - out)) : 0;

    *op = out;
    *ol = size;
    return rc;
}

/* Convert s to UTF-8 and pass it on, in pieces of a stack buffer. A
 * sequence cut by the end of the chunk waits in in.pend and is completed
 * byte by byte from the next; an invalid one becomes U+FFFD. */
static int
transcode(struct feed_parser *fp, const char *s, size_t n, int final)
{
    struct input *in = &fp->in;
    char out[8192], *op = out, *ip;
    size_t ol = sizeof(out), il, r;

    for (;;) {
        int pend = in->npend > 0;

        if (ol < 64 && flush_out(fp, out, &op, &ol, sizeof(out)) < 0)
            return -1;
        if (pend) {
            if (n > 0 && in->npend < sizeof(in->pend)) {
                in->pend[in->npend++] = *s++;
                n--;
            }
            ip = in->pend;
            il = in->npend;
        } else if (n == 0) {
            break;
        } else {
            ip = (char *)s;
            il = n;
        }
        r = iconv(in->cd, &ip, &il, &op, &ol);
        if (pend) {
            memmove(in->pend, ip, il);
            in->npend = il;
        } else {
            n -= (size_t)(ip - s);
            s = ip;
        }
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        if (errno == EINVAL) { /* incomplete at the end of what we have */
            if (!pend) {
                memcpy(in->pend, s, n); /* n < 8: one partial sequence */
                in->npend = n;
                s += n;
                n = 0;
            }
            if (n > 0 && in->npend < sizeof(in->pend))
                continue;
            if (n == 0 && !final)
                break;
            in->npend = 0; /* it will never be complete */
        } else if (pend) { /* EILSEQ: the bad unit goes, what follows stays */
            size_t k =
                (size_t)in->unit > in->npend ? in->npend : (size_t)in->unit;

            memmove(in->pend, in->pend + k, in->npend - k);
            in->npend -= k;
        } else {
            size_t k = (size_t)in->unit > n ? n : (size_t)in->unit;

            s += k;
            n -= k;
        }
        if (ol < 3 && flush_out(fp, out, &op, &ol, sizeof(out)) < 0)
            return -1;
        memcpy(op, "\xEF\xBF\xBD", 3);
        op += 3;
        ol -= 3;
    }
    return flush_out(fp, out, &op, &ol, sizeof(out));
}

/* The encoding the XML declaration in the head names, into name; empty
 * when it names none. */
static void
declared_encoding(const struct buf *head, char *name, size_t size)
{
    const char *p = head->p, *end = head->p + head->len, *q;
    char quote;

    name[0] = '\0';
    if ((q = memmem(p, head->len, "?>", 2)) != NULL)
        end = q;
    if ((p = memmem(p, (size_t)(end - p), "encoding", 8)) == NULL)
        return;
    for (p += 8; p < end && isspace((unsigned char)*p); p++)
        ;
    if (p == end || *p++ != '=')
        return;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p == end || (*p != '"' && *p != '\''))
        return;
    quote = *p++;
    if ((q = memchr(p, quote, (size_t)(end - p))) == NULL ||
        (size_t)(q - p) >= size)
        return;
    memcpy(name, p, (size_t)(q - p));
    name[q - p] = '\0';
}

/* Before expat sees the document: an encoding its declaration names that
 * expat cannot read, a multibyte one (Shift_JIS, GB2312, Big5, EUC-KR ...)
 * or a spelling of UTF-8 it does not know ("utf8"), is read through iconv
 * as an HTTP charset would be. Expat reads UTF-8, UTF-16, ISO-8859-1 and
 * US-ASCII itself, and 8-bit encodings through on_unknown_encoding.
 * Returns 1 when the bytes from now on are to be converted, 0 when not,
 * -1 on failure. */
static int
xml_declared(struct feed_parser *fp)
{
    static const char *const own[] = { "UTF-16", "UTF-16BE", "UTF-16LE",
                                       "ISO-8859-1" };
    char name[sizeof(fp->in.map_of)];
    int rc;

    if (fp->in.cd != (iconv_t)-1 || fp->in.xml_enc != NULL) {
        /* a byte order mark or the HTTP charset has said */
        fp->in.check = fp->in.xml_enc && strcmp(fp->in.xml_enc, "UTF-8") == 0;
        return 0;
    }
    declared_encoding(&fp->head, name, sizeof(name));
    if (name[0] == '\0' || utf8_name(name)) {
        fp->in.xml_enc = "UTF-8";
        fp->in.check = 1;
        return 0;
    }
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strcasecmp(name, own[i]) == 0)
            return 0;
    if ((rc = eight_bit_map(name, fp->in.map)) == 0)
        memcpy(fp->in.map_of, name, sizeof(name)); /* for expat's asking */
    if (rc != -2)
        return 0; /* 8-bit, or unknown: on_unknown_encoding says which */
    if (transcode_from(fp, name, 1) < 0)
        return -1;
    fp->in.check = 1; /* iconv's UTF-8 may hold what XML forbids */
    return 1;
}

static int
input(struct feed_parser *fp, const char *s, size_t n, int final)
{
    struct input *in = &fp->in;

    if (!in->sniffed) {
        int bom;

        while (in->nsniff < 4 && n > 0) {
            in->sniff[in->nsniff++] = (unsigned char)*s++;
            n--;
        }
        if (in->nsniff < 4 && !final)
            return 0;
        in->sniffed = 1;
        if ((bom = sniff(fp)) < 0)
            return -1;
        fp->dropped += bom;
        if (input(fp, (const char *)in->sniff + bom, (size_t)(in->nsniff - bom),
                  0) < 0)
            return -1;
    }
    if (in->cd != (iconv_t)-1)
        return transcode(fp, s, n, final);
    return n ? take(fp, s, n) : 0;
}

/* ---- public ------------------------------------------------------------ */

struct feed_parser *
feed_parser_new(const char *name, feed_entry_fn fn, void *ud)
{
    struct feed_parser *fp = xcalloc(1, sizeof(*fp));

    fp->name = xstrdup(name ? name : "(feed)");
    fp->fn = fn;
    fp->ud = ud;
    fp->info.total_results = -1;
    fp->in.cd = (iconv_t)-1;
    fp->first_entry = -1;
    buf_init(&fp->head);
    buf_init(&fp->json);
    buf_init(&fp->stage);
    buf_init(&fp->held);
    buf_init(&fp->fix_in);
    buf_init(&fp->fix_out);
    buf_init(&fp->cap);
    buf_init(&fp->tmp);
    buf_init(&fp->url);
    buf_init(&fp->bases);
    buf_init(&fp->e.title);
    buf_init(&fp->e.summary);
    buf_init(&fp->e.content);
    strv_init(&fp->e.creators);
    strv_init(&fp->feed_authors);
    strv_init(&fp->e.affil);
    paper_init(&fp->p);
    buf_init(&fp->title_text);
    buf_init(&fp->abstract_text);
    buf_init(&fp->key_text);
    buf_init(&fp->extras_text);
    buf_init(&fp->text);
    etab_init(fp->etab);
    return fp;
}

void
feed_warn_text(char *out, size_t size, const char *name, long line,
               const char *why)
{
    if (line)
        snprintf(out, size, "%s:%ld: %s", name, line, why);
    else
        snprintf(out, size, "%s: %s", name, why);
}

void
feed_parser_set_warn(struct feed_parser *fp, feed_warn_fn fn, void *ud)
{
    fp->warn = fn;
    fp->warn_ud = ud;
}

void
feed_parser_set_jsonl(struct feed_parser *fp, long line)
{
    fp->mode = M_JSONL;
    fp->info.format = FEED_JSONL;
    fp->line = line;
}

const struct paper_plain *
feed_parser_plain(const struct feed_parser *fp)
{
    return &fp->plain;
}

void
feed_parser_free(struct feed_parser *fp)
{
    if (fp == NULL)
        return;
    if (fp->xp)
        XML_ParserFree(fp->xp);
    if (fp->in.cd != (iconv_t)-1)
        iconv_close(fp->in.cd);
    free(fp->in.charset);
    free(fp->doc_base);
    free(fp->name);
    free(fp->info.title);
    free(fp->api_error);
    free(fp->feed_desc);
    buf_fini(&fp->head);
    buf_fini(&fp->json);
    buf_fini(&fp->stage);
    buf_fini(&fp->held);
    buf_fini(&fp->fix_in);
    buf_fini(&fp->fix_out);
    buf_fini(&fp->cap);
    buf_fini(&fp->tmp);
    buf_fini(&fp->url);
    buf_fini(&fp->bases);
    buf_fini(&fp->e.title);
    buf_fini(&fp->e.summary);
    buf_fini(&fp->e.content);
    free(fp->e.creators.v); /* the strings are the arena's */
    strv_fini(&fp->feed_authors);
    free(fp->e.affil.v);
    free(fp->e.author_len);
    free(fp->p.authors.v);
    free(fp->p.categories.v);
    arena_fini(&fp->arena);
    buf_fini(&fp->title_text);
    buf_fini(&fp->abstract_text);
    buf_fini(&fp->key_text);
    buf_fini(&fp->extras_text);
    buf_fini(&fp->text);
    free(fp);
}

void
feed_parser_set_base(struct feed_parser *fp, const char *url)
{
    str_set(&fp->doc_base, str_empty(url) ? NULL : url);
}

int
feed_parser_set_charset(struct feed_parser *fp, const char *charset,
                        struct pw_err *e)
{
    iconv_t cd;

    if (str_empty(charset)) {
        str_set(&fp->in.charset, NULL);
        return 0;
    }
    cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return pw_errf(e, "%s: unknown charset \"%.64s\"", fp->name, charset);
    iconv_close(cd);
    str_set(&fp->in.charset, charset);
    return 0;
}

static int
failed(struct feed_parser *fp, struct pw_err *e)
{
    if (e)
        *e = fp->err;
    return -1;
}

int
feed_parser_write(struct feed_parser *fp, const char *buf, size_t len,
                  struct pw_err *e)
{
    if (fp->failed)
        return failed(fp, e);
    if (fp->done) {
        fail(fp, "data after the end of the document");
        return failed(fp, e);
    }
    if (input(fp, buf, len, 0) < 0 || fp->failed)
        return failed(fp, e);
    return 0;
}

char *
feed_parser_space(struct feed_parser *fp, size_t len)
{
    void *p;

    fp->direct = 0;
    if (fp->mode == M_XML && fp->in.cd == (iconv_t)-1 && !fp->failed &&
        !fp->done && len <= INT_MAX / 2 && fp->held.len == 0 &&
        len >= xml_unfinished(fp) &&
        (p = XML_GetBuffer(fp->xp, (int)len)) != NULL) {
        fp->direct = 1;
        fp->direct_p = p;
        return p;
    }
    fp->stage.len = 0;
    buf_reserve(&fp->stage, len);
    return fp->stage.p;
}

int
feed_parser_commit(struct feed_parser *fp, size_t n, struct pw_err *e)
{
    if (!fp->direct)
        return n ? feed_parser_write(fp, fp->stage.p, n, e) : 0;
    fp->direct = 0; /* nothing has happened since the space was given */
    if (fp->in.check && (fp->in.ncut || text_xml_clean(fp->direct_p, n) < n)) {
        /* to be repaired: out of expat's buffer, and the long way */
        fp->stage.len = 0;
        buf_add(&fp->stage, fp->direct_p, n);
        return feed_parser_write(fp, fp->stage.p, n, e);
    }
    fp->parsing = 1;
    if (xml_done(fp, XML_ParseBuffer(fp->xp, (int)n, 0)) < 0)
        return failed(fp, e);
    xml_took(fp, n);
    return 0;
}

long long
feed_parser_entry_at(const struct feed_parser *fp)
{
    if (fp->failed || (fp->mode != M_DETECT && fp->mode != M_XML))
        return -2;
    return fp->first_entry;
}

void
feed_parser_seal(struct feed_parser *fp)
{
    if (!fp->sealed) {
        fp->sealed = 1;
        /* a head too short to tell XML by leaves nothing to match */
        fp->entry_parent = fp->mode == M_XML ? fp->depth : -1;
    }
}

int
feed_parser_between(const struct feed_parser *fp)
{
    return !fp->failed && !fp->done && fp->mode == M_XML && fp->sealed &&
           fp->first_entry != -1 && !fp->diverged && fp->api_error == NULL &&
           fp->entry_depth == 0 && fp->field == F_NONE &&
           fp->depth == fp->entry_parent && fp->held.len == 0 &&
           fp->in.ncut == 0 && fp->token == fp->fed;
}

/* After the last byte: the verdicts a complete document can still get. */
static void
check_feed(struct feed_parser *fp)
{
    const char *t = fp->info.title;

    if (fp->api_error)
        fail(fp, "arXiv API error: %s", fp->api_error);
    else if (fp->info.format == FEED_UNKNOWN)
        fail(fp, "not a feed");
    else if (t && strncmp(t, "Feed error for query", 20) == 0)
        fail(fp, "%s%s%s%s", t, fp->feed_desc ? " (" : "",
             fp->feed_desc ? fp->feed_desc : "", fp->feed_desc ? ")" : "");
}

int
feed_parser_finish(struct feed_parser *fp, struct pw_err *e)
{
    if (fp->failed)
        return failed(fp, e);
    if (fp->done)
        return 0;
    fp->done = 1;
    if (input(fp, NULL, 0, 1) < 0 || fp->failed)
        return failed(fp, e);
    if (fp->mode == M_DETECT) {
        if (fp->head.len == 0) {
            fail(fp, "empty document");
            return failed(fp, e);
        }
        if (decide(fp) < 0)
            return failed(fp, e);
        buf_fini(&fp->head);
    }
    if (fp->mode == M_XML) {
        if (xml_write(fp, "", 0, 1) < 0)
            return failed(fp, e);
    } else { /* JSON: the last line, or the whole document */
        if (json_more(fp, NULL, 0, 1) < 0 || fp->failed)
            return failed(fp, e);
        if (fp->mode == M_JSON && json_finish(fp) < 0)
            return failed(fp, e);
    }
    check_feed(fp);
    return fp->failed ? failed(fp, e) : 0;
}

const struct feed_info *
feed_parser_info(const struct feed_parser *fp)
{
    return &fp->info;
}
