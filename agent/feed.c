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
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
/* Debian's expat is built with DTD support; the header shows the billion
 * laughs limits (expat >= 2.4) only to code that says so. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include "feed.h"
#include "json.h"
#include "text.h"

#define NS_SEP '\x01'
#define FIELD_MAX (1u << 20) /* bytes kept of one field's text */
#define JSON_MAX (64u << 20) /* a JSON document, buffered whole */
#define DEPTH_MAX 4096       /* element nesting */
#define STACK_MAX 32         /* tokens remembered per depth */
#define LIST_MAX 5000        /* authors or categories per entry */
#define HEAD_MAX 16          /* bytes looked at to tell the format */

enum mode { M_DETECT, M_XML, M_JSON };

enum group {
    G_OTHER,
    G_RSS,
    G_ATOM,
    G_RDF,
    G_DC,
    G_CONTENT,
    G_ARXIV,
    G_OS,
    G_XHTML
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
    F_TOTAL,
};

/* How a field's text is written. MK_AUTO: RSS, decided per item (arXiv
 * listings write plain text, "$p<1$" included; other feeds write HTML). */
enum markup { MK_TEXT, MK_HTML, MK_XHTML, MK_AUTO };

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
};
#undef NS

/* Sorted by group, then strcmp of the local name (bsearch). */
static const struct elem {
    enum group g;
    const char *local;
    enum tok t;
} elems[] = {
    { G_RSS, "author", T_RSS_AUTHOR },
    { G_RSS, "category", T_RSS_CATEGORY },
    { G_RSS, "channel", T_CHANNEL },
    { G_RSS, "description", T_DESCRIPTION },
    { G_RSS, "enclosure", T_ENCLOSURE },
    { G_RSS, "guid", T_GUID },
    { G_RSS, "html", T_HTML },
    { G_RSS, "item", T_ITEM },
    { G_RSS, "link", T_RSS_LINK },
    { G_RSS, "pubDate", T_PUBLISHED },
    { G_RSS, "rss", T_RSS },
    { G_RSS, "title", T_TITLE },
    { G_ATOM, "author", T_AUTHOR },
    { G_ATOM, "category", T_CATEGORY },
    { G_ATOM, "content", T_CONTENT },
    { G_ATOM, "entry", T_ENTRY },
    { G_ATOM, "feed", T_FEED },
    { G_ATOM, "id", T_ID },
    { G_ATOM, "issued", T_PUBLISHED },
    { G_ATOM, "link", T_LINK },
    { G_ATOM, "modified", T_UPDATED },
    { G_ATOM, "name", T_NAME },
    { G_ATOM, "published", T_PUBLISHED },
    { G_ATOM, "summary", T_SUMMARY },
    { G_ATOM, "title", T_TITLE },
    { G_ATOM, "updated", T_UPDATED },
    { G_RDF, "RDF", T_RDF },
    { G_DC, "creator", T_DC_CREATOR },
    { G_DC, "date", T_PUBLISHED },
    { G_DC, "subject", T_DC_SUBJECT },
    { G_CONTENT, "encoded", T_ENCODED },
    { G_ARXIV, "DOI", T_DOI },
    { G_ARXIV, "affiliation", T_AFFIL },
    { G_ARXIV, "announce_type", T_ANNOUNCE },
    { G_ARXIV, "comment", T_COMMENT },
    { G_ARXIV, "doi", T_DOI },
    { G_ARXIV, "journal_ref", T_JREF },
    { G_ARXIV, "journal_reference", T_JREF },
    { G_ARXIV, "primary_category", T_PRIMARY },
    { G_OS, "totalResults", T_TOTAL },
    { G_XHTML, "html", T_HTML },
};

/* The raw pieces of the open entry, turned into the paper at its end.
 * Buffers are reused from entry to entry. */
struct entry {
    struct buf title, summary, content;
    enum markup title_mk, summary_mk, content_mk;
    int has_title, has_summary, has_content;
    char *primary;        /* owned: arxiv:primary_category term */
    struct strv creators; /* dc:creator texts, split at the end */
    struct strv affil;    /* parallel to paper.authors, "" for none */
    int has_affil;
    size_t author_base; /* authors.n when the open atom:author began */
    int arxiv;          /* an arXiv listing item (new style: plain text,
                           arxiv:announce_type or "Announce Type:") */
};

struct feed_parser {
    char *name; /* owned */
    feed_entry_fn fn;
    void *ud; /* borrowed */
    enum mode mode;
    int failed, done, parsing;
    struct pw_err err; /* the first failure, repeated to later calls */
    struct feed_info info;
    int bom;         /* UTF-8 BOM bytes skipped so far */
    struct buf head; /* the first bytes, until the format is known */
    struct buf json; /* the JSON document */
    XML_Parser xp;   /* owned */
    char *api_error; /* owned: arXiv API error entry's summary */
    char *feed_desc; /* owned: channel description */
    int depth;
    unsigned char stack[STACK_MAX];
    int entry_depth;  /* depth of the open entry or item, 0 if none */
    enum field field; /* the field whose text is being collected */
    int field_depth;
    enum markup field_mk;
    struct buf cap; /* that text */
    struct buf tmp; /* conversions */
    struct entry e;
    struct paper p;
};

static void
vfail(struct feed_parser *fp, int where, const char *fmt, va_list ap)
{
    char msg[PW_ERR_MAX];

    if (fp->failed)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (where && fp->xp)
        pw_errf(&fp->err, "%s:%lu:%lu: %s", fp->name,
                (unsigned long)XML_GetCurrentLineNumber(fp->xp),
                (unsigned long)XML_GetCurrentColumnNumber(fp->xp) + 1, msg);
    else
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

/* ---- building the paper ------------------------------------------------ */

static void
entry_reset(struct entry *e)
{
    e->title.len = e->summary.len = e->content.len = 0;
    e->has_title = e->has_summary = e->has_content = 0;
    free(e->primary);
    e->primary = NULL;
    strv_clear(&e->creators);
    strv_clear(&e->affil);
    e->has_affil = 0;
    e->author_base = 0;
    e->arxiv = 0;
}

/* Plain text of s, owned; NULL when empty. Written straight into its own
 * allocation: abstracts are most of a feed's bytes. */
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

static void
set_plain(char **dst, const char *s, size_t n, int html)
{
    free(*dst);
    *dst = plain(s, n, html);
}

static void
add_author(struct feed_parser *fp, const char *name, size_t n,
           const char *affil, size_t an)
{
    struct paper *p = &fp->p;

    if (p->authors.n >= LIST_MAX)
        return;
    fp->tmp.len = 0;
    text_plain(&fp->tmp, name, n, 0);
    if (fp->tmp.len == 0)
        return;
    strv_addn(&p->authors, fp->tmp.p, fp->tmp.len);
    fp->tmp.len = 0;
    text_plain(&fp->tmp, affil ? affil : "", affil ? an : 0, 0);
    strv_addn(&fp->e.affil, fp->tmp.p, fp->tmp.len);
    if (fp->tmp.len)
        fp->e.has_affil = 1;
}

static void
add_category(struct feed_parser *fp, const char *s, size_t n)
{
    struct strv *c = &fp->p.categories;

    fp->tmp.len = 0;
    text_plain(&fp->tmp, s, n, 0);
    if (fp->tmp.len && c->n < LIST_MAX && !strv_has(c, fp->tmp.p))
        strv_addn(c, fp->tmp.p, fp->tmp.len);
}

/* arXiv listings write all authors in one dc:creator: "A, B, C and D",
 * each possibly followed by "(Affiliation, with, commas)". Split at commas
 * and " and " outside parentheses. */
static void
split_creators(struct feed_parser *fp, const char *s)
{
    const char *start = s, *paren = NULL, *paren_end = NULL;
    int depth = 0;

    for (const char *q = s;; q++) {
        size_t sep = 0;

        if (*q == '(' && depth++ == 0 && paren == NULL)
            paren = q;
        else if (*q == ')' && depth > 0 && --depth == 0 && paren_end == NULL)
            paren_end = q;
        if (depth == 0 && *q == ',')
            sep = 1;
        else if (depth == 0 && *q == ' ' && strncmp(q, " and ", 5) == 0)
            sep = 5;
        if (!sep && *q != '\0')
            continue;
        if (paren && paren_end)
            add_author(fp, start, (size_t)(paren - start), paren + 1,
                       (size_t)(paren_end - paren - 1));
        else
            add_author(fp, start, (size_t)(q - start), NULL, 0);
        if (*q == '\0')
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
    buf_addc(x, '[');
    for (size_t i = 0; i < fp->e.affil.n; i++) {
        if (i)
            buf_addc(x, ',');
        json_add_string(x, *fp->e.affil.v[i] ? fp->e.affil.v[i] : NULL);
    }
    buf_addc(x, ']');
}

static void
extras_end(struct paper *p, struct buf *x, int n)
{
    if (n == 0) {
        buf_fini(x);
        return;
    }
    buf_addc(x, '}');
    free(p->extras);
    p->extras = buf_steal(x);
    buf_fini(x);
}

/* The primary category goes first, once. */
static void
primary_first(struct strv *c, const char *primary)
{
    size_t i;
    char *s;

    if (str_empty(primary))
        return;
    for (i = 0; i < c->n && strcmp(c->v[i], primary) != 0; i++)
        ;
    if (i == c->n)
        strv_add(c, primary);
    s = c->v[i];
    memmove(c->v + 1, c->v, i * sizeof(*c->v));
    c->v[0] = s;
}

/* "arXiv:2411.17707v1 Announce Type: new \nAbstract: ..." -> the
 * announcement type into p->announce (unless arxiv:announce_type said it)
 * and where the abstract starts. */
static const char *
arxiv_description(struct feed_parser *fp, const char *s, size_t *n)
{
    const char *end = s + *n, *a, *t;
    size_t skip;

    while (s < end && isspace((unsigned char)*s))
        s++;
    if (end - s < 6 || strncmp(s, "arXiv:", 6) != 0)
        return s;
    a = memmem(s, (size_t)(end - s), "Abstract:", 9);
    t = memmem(s, a ? (size_t)(a - s) : (size_t)(end - s),
               "Announce Type:", 14);
    if (t && fp->p.announce == NULL) {
        t += 14;
        while (t < end && *t == ' ')
            t++;
        for (skip = 0; t + skip < end &&
                       (isalpha((unsigned char)t[skip]) || t[skip] == '-');
             skip++)
            ;
        if (skip)
            fp->p.announce = xstrndup(t, skip);
    }
    if (a == NULL)
        return s;
    *n = (size_t)(end - (a + 9));
    return a + 9;
}

static int
is_api_error(const char *id)
{
    return id && (strncmp(id, "http://arxiv.org/api/errors", 27) == 0 ||
                  strncmp(id, "https://arxiv.org/api/errors", 28) == 0);
}

/* arXiv feeds old and new list all authors in one dc:creator. */
static int
on_arxiv(const char *s)
{
    return s && (strncmp(s, "oai:arXiv.org:", 14) == 0 ||
                 strstr(s, "arxiv.org/abs/") != NULL);
}

static int
mk_html(enum markup mk, int arxiv)
{
    return mk == MK_AUTO ? !arxiv : mk != MK_TEXT;
}

/* Hand the paper to the callback and make ready for the next. */
static void
deliver(struct feed_parser *fp)
{
    paper_identify(&fp->p);
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
    paper_fini(&fp->p);
}

static void
emit_entry(struct feed_parser *fp)
{
    struct entry *e = &fp->e;
    struct paper *p = &fp->p;
    struct buf x;
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
        if (e->summary_mk == MK_AUTO)
            s = arxiv_description(fp, s, &n);
        e->arxiv |= p->announce != NULL;
        set_plain(&p->abstract, s, n, mk_html(e->summary_mk, e->arxiv));
    }
    if (e->has_title)
        set_plain(&p->title, e->title.p, e->title.len,
                  mk_html(e->title_mk, e->arxiv));
    if (p->abstract == NULL && e->has_content)
        set_plain(&p->abstract, e->content.p, e->content.len,
                  e->content_mk != MK_TEXT);
    for (size_t i = 0; i < e->creators.n; i++) {
        if (e->arxiv || on_arxiv(p->url) || on_arxiv(p->entry_id))
            split_creators(fp, e->creators.v[i]);
        else
            add_author(fp, e->creators.v[i], strlen(e->creators.v[i]), NULL, 0);
    }
    primary_first(&p->categories, e->primary);
    buf_init(&x);
    if (e->has_affil)
        put_affiliations(fp, &x, &nx);
    extras_end(p, &x, nx);
    deliver(fp);
out:
    paper_fini(p);
    entry_reset(e);
}

/* ---- XML handlers ------------------------------------------------------ */

static int
elem_cmp(const void *key, const void *m)
{
    const struct elem *k = key, *e = m;

    if (k->g != e->g)
        return k->g < e->g ? -1 : 1;
    return strcmp(k->local, e->local);
}

/* "URI\1local" -> token; *local points at the local name. */
static enum tok
lookup(const char *name, const char **local)
{
    const char *sep = strchr(name, NS_SEP);
    struct elem key = { G_RSS, name, T_OTHER };
    const struct elem *hit;

    if (sep) {
        size_t n = (size_t)(sep - name);

        key.g = G_OTHER;
        for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
            if (namespaces[i].len == n &&
                memcmp(namespaces[i].uri, name, n) == 0) {
                key.g = namespaces[i].g;
                break;
            }
        key.local = sep + 1;
    }
    *local = key.local;
    if (key.g == G_OTHER)
        return T_OTHER;
    hit = bsearch(&key, elems, sizeof(elems) / sizeof(elems[0]),
                  sizeof(elems[0]), elem_cmp);
    return hit ? hit->t : T_OTHER;
}

static const char *
attr(const char **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (strcmp(atts[0], name) == 0)
            return atts[1];
    return NULL;
}

static enum markup
atom_type(const char **atts)
{
    const char *t = attr(atts, "type");

    if (t == NULL)
        return MK_TEXT;
    if (strstr(t, "xhtml"))
        return MK_XHTML;
    if (strstr(t, "html") || strcmp(t, "escaped") == 0)
        return MK_HTML;
    return MK_TEXT;
}

static void
capture(struct feed_parser *fp, enum field f, enum markup mk)
{
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
        if (p->pdf_url == NULL)
            p->pdf_url = xstrdup(href);
    } else if (title && strcmp(title, "doi") == 0) {
        if (p->doi == NULL)
            p->doi = xstrdup(href);
    } else if ((rel == NULL || strcmp(rel, "alternate") == 0) &&
               p->url == NULL) {
        p->url = xstrdup(href);
    }
}

static void
entry_start(struct feed_parser *fp, enum tok t, const char **atts)
{
    struct paper *p = &fp->p;
    const char *v;

    switch (t) {
    case T_ID:
    case T_GUID:
        capture(fp, F_ID, MK_TEXT);
        break;
    case T_TITLE:
        capture(fp, F_TITLE,
                fp->info.format == FEED_ATOM ? atom_type(atts) : MK_AUTO);
        break;
    case T_SUMMARY:
        capture(fp, F_SUMMARY, atom_type(atts));
        break;
    case T_DESCRIPTION:
        capture(fp, F_SUMMARY, MK_AUTO);
        break;
    case T_CONTENT:
        capture(fp, F_CONTENT, atom_type(atts));
        break;
    case T_ENCODED:
        capture(fp, F_CONTENT, MK_HTML);
        break;
    case T_AUTHOR:
        fp->e.author_base = p->authors.n;
        break;
    case T_RSS_AUTHOR:
        capture(fp, F_RSS_AUTHOR, MK_TEXT);
        break;
    case T_DC_CREATOR:
        capture(fp, F_CREATOR, MK_HTML);
        break;
    case T_LINK: /* atom:link in RSS items is ignored */
        if (fp->info.format == FEED_ATOM)
            atom_link(fp, atts);
        break;
    case T_RSS_LINK:
        capture(fp, F_LINK, MK_TEXT);
        break;
    case T_ENCLOSURE:
        v = attr(atts, "type");
        if (v && strcmp(v, "application/pdf") == 0 && p->pdf_url == NULL &&
            !str_empty(attr(atts, "url")))
            p->pdf_url = xstrdup(attr(atts, "url"));
        break;
    case T_CATEGORY:
        if ((v = attr(atts, "term")) != NULL)
            add_category(fp, v, strlen(v));
        break;
    case T_RSS_CATEGORY:
    case T_DC_SUBJECT:
        capture(fp, F_CATEGORY, MK_TEXT);
        break;
    case T_PRIMARY:
        if ((v = attr(atts, "term")) != NULL)
            str_set(&fp->e.primary, v);
        break;
    case T_PUBLISHED:
        capture(fp, F_PUBLISHED, MK_TEXT);
        break;
    case T_UPDATED:
        capture(fp, F_UPDATED, MK_TEXT);
        break;
    case T_COMMENT:
        capture(fp, F_COMMENT, MK_TEXT);
        break;
    case T_JREF:
        capture(fp, F_JREF, MK_TEXT);
        break;
    case T_DOI:
        capture(fp, F_DOI, MK_TEXT);
        break;
    case T_ANNOUNCE:
        capture(fp, F_ANNOUNCE, MK_TEXT);
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
    paper_fini(&fp->p);
    entry_reset(&fp->e);
    if (!str_empty(about))
        fp->p.entry_id = xstrdup(about);
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

static void
outside_entry(struct feed_parser *fp, enum tok t, enum tok parent,
              const char **atts)
{
    int top = parent == T_FEED || parent == T_CHANNEL;

    if ((t == T_ENTRY && fp->info.format == FEED_ATOM) ||
        (t == T_ITEM && fp->info.format != FEED_ATOM))
        begin_entry(fp, atts);
    else if (t == T_TITLE && top && fp->info.title == NULL)
        capture(fp, F_FEED_TITLE, parent == T_FEED ? atom_type(atts) : MK_TEXT);
    else if (t == T_DESCRIPTION && parent == T_CHANNEL)
        capture(fp, F_FEED_DESC, MK_TEXT);
    else if (t == T_TOTAL && top)
        capture(fp, F_TOTAL, MK_TEXT);
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
    if (fp->field != F_NONE) { /* markup inside a field */
        if (fp->field_mk == MK_XHTML) {
            lookup(name, &local);
            cap_add(fp, "<", 1);
            cap_add(fp, local, strlen(local));
            cap_add(fp, ">", 1);
        }
        if (fp->depth <= STACK_MAX)
            fp->stack[fp->depth - 1] = T_OTHER;
        return;
    }
    t = lookup(name, &local);
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

static void
set_once(struct feed_parser *fp, char **dst)
{
    if (*dst == NULL)
        *dst = plain(fp->cap.p, fp->cap.len, 0);
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

/* The affiliation of the open atom:author (arXiv API). */
static void
set_affiliation(struct feed_parser *fp)
{
    struct entry *e = &fp->e;
    size_t i = fp->p.authors.n;
    char *a;

    if (i == e->author_base || i != e->affil.n)
        return; /* NOTE: an affiliation before the name is dropped */
    a = plain(fp->cap.p, fp->cap.len, 0);
    if (a == NULL)
        return;
    if (*e->affil.v[i - 1]) {
        fp->tmp.len = 0;
        buf_adds(&fp->tmp, e->affil.v[i - 1]);
        buf_adds(&fp->tmp, "; ");
        buf_adds(&fp->tmp, a);
        free(a);
        a = buf_steal(&fp->tmp);
    }
    free(e->affil.v[i - 1]);
    e->affil.v[i - 1] = a;
    e->has_affil = 1;
}

/* "jane@example.org (Jane Doe)" -> "Jane Doe" */
static void
rss_author(struct feed_parser *fp)
{
    const char *s = fp->cap.p, *o = strchr(s, '('), *c = strrchr(s, ')');

    if (o && c && c > o && memchr(s, '@', (size_t)(o - s)))
        add_author(fp, o + 1, (size_t)(c - o - 1), NULL, 0);
    else
        add_author(fp, s, fp->cap.len, NULL, 0);
}

static void
end_field(struct feed_parser *fp)
{
    struct paper *p = &fp->p;
    struct entry *e = &fp->e;
    struct buf *c = &fp->cap;
    char *s;

    switch (fp->field) {
    case F_ID:
        set_once(fp, &p->entry_id);
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
        add_author(fp, c->p, c->len, NULL, 0);
        break;
    case F_AFFIL:
        set_affiliation(fp);
        break;
    case F_RSS_AUTHOR:
        rss_author(fp);
        break;
    case F_CREATOR:
        if (e->creators.n < LIST_MAX && (s = plain(c->p, c->len, 1))) {
            strv_add(&e->creators, s);
            free(s);
        }
        break;
    case F_LINK:
        set_once(fp, &p->url);
        break;
    case F_CATEGORY:
        add_category(fp, c->p, c->len);
        break;
    case F_PUBLISHED:
        set_time(&p->published, c->p);
        break;
    case F_UPDATED:
        set_time(&p->updated, c->p);
        break;
    case F_COMMENT:
        set_once(fp, &p->comment);
        break;
    case F_JREF:
        set_once(fp, &p->journal_ref);
        break;
    case F_DOI:
        free(p->doi); /* arxiv:doi wins over link title="doi" */
        p->doi = plain(c->p, c->len, 0);
        break;
    case F_ANNOUNCE:
        free(p->announce);
        p->announce = plain(c->p, c->len, 0);
        e->arxiv = 1;
        break;
    case F_FEED_TITLE:
        set_once(fp, &fp->info.title);
        if (fp->field_mk != MK_TEXT)
            set_plain(&fp->info.title, c->p, c->len, 1);
        break;
    case F_FEED_DESC:
        set_once(fp, &fp->feed_desc);
        break;
    case F_TOTAL:
        fp->info.total_results = strtol(c->p, NULL, 10);
        break;
    case F_NONE:
        break;
    }
    fp->field = F_NONE;
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
            lookup(name, &local);
            cap_add(fp, "</", 2);
            cap_add(fp, local, strlen(local));
            cap_add(fp, ">", 1);
        }
    } else if (fp->depth == fp->entry_depth) {
        emit_entry(fp);
        fp->entry_depth = 0;
    }
    fp->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
    struct feed_parser *fp = ud;

    if (fp->field == F_NONE || fp->failed)
        return;
    if (fp->field_mk == MK_XHTML)
        cap_add_escaped(fp, s, (size_t)len);
    else
        cap_add(fp, s, (size_t)len);
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

/* Windows-1252, which expat does not know and old feeds declare. */
static int XMLCALL
on_unknown_encoding(void *ud, const XML_Char *name, XML_Encoding *info)
{
    static const unsigned short hi[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    };

    (void)ud;
    if (strcasecmp(name, "windows-1252") != 0 &&
        strcasecmp(name, "cp1252") != 0)
        return XML_STATUS_ERROR;
    for (int i = 0; i < 256; i++)
        info->map[i] = i >= 0x80 && i < 0xA0 ? hi[i - 0x80] : i;
    info->data = NULL;
    info->convert = NULL;
    info->release = NULL;
    return XML_STATUS_OK;
}

static int
xml_start(struct feed_parser *fp)
{
    fp->xp = XML_ParserCreateNS(NULL, NS_SEP);
    if (fp->xp == NULL) {
        fail(fp, "cannot create an XML parser");
        return -1;
    }
    XML_SetUserData(fp->xp, fp);
    XML_SetElementHandler(fp->xp, on_start, on_end);
    XML_SetCharacterDataHandler(fp->xp, on_text);
    XML_SetEntityDeclHandler(fp->xp, on_entity_decl);
    XML_SetUnknownEncodingHandler(fp->xp, on_unknown_encoding, NULL);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(fp->xp, 20.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(fp->xp, 1u << 20);
#endif
    buf_reserve(&fp->cap, 256);
    fp->mode = M_XML;
    return 0;
}

static int
xml_write(struct feed_parser *fp, const char *s, size_t n, int final)
{
    do {
        int len = n > INT_MAX / 2 ? INT_MAX / 2 : (int)n;
        enum XML_Status st;

        fp->parsing = 1;
        st = XML_Parse(fp->xp, s, len, final && (size_t)len == n);
        fp->parsing = 0;
        if (fp->failed)
            return -1;
        if (st != XML_STATUS_OK) {
            fail_at(fp, "%s", XML_ErrorString(XML_GetErrorCode(fp->xp)));
            return -1;
        }
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

static void
jplain(char **dst, const char *s, int html)
{
    if (s && *dst == NULL)
        *dst = plain(s, strlen(s), html);
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
            add_author(fp, s, strlen(s), NULL, 0);
    }
}

/* One element of the Hugging Face daily papers array. */
static int
hf_item(struct feed_parser *fp, const cJSON *item, int i)
{
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(item, "paper");
    const cJSON *org;
    struct paper *p = &fp->p;
    const char *id;
    struct buf x;
    int nx = 0;
    int64_t t = 0;

    if (!cJSON_IsObject(pp))
        pp = item;
    if ((id = jstr(pp, "id")) == NULL || *id == '\0') {
        fail(fp, "not a Hugging Face papers list: item %d has no paper.id", i);
        return -1;
    }
    p->entry_id = xstrdup(id);
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://arxiv.org/abs/%s", id);
    p->url = xstrdup(fp->tmp.p);
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://arxiv.org/pdf/%s", id);
    p->pdf_url = xstrdup(fp->tmp.p);
    jplain(&p->title, jstr(pp, "title"), 0);
    jplain(&p->title, jstr(item, "title"), 0);
    jplain(&p->abstract, jstr(pp, "summary"), 0);
    jplain(&p->abstract, jstr(item, "summary"), 0);
    jauthors(fp, cJSON_GetObjectItemCaseSensitive(pp, "authors"));
    jtime(&p->published, jstr(pp, "publishedAt"));
    jtime(&p->published, jstr(item, "publishedAt"));
    buf_init(&x);
    x_num(&x, &nx, "upvotes", cJSON_GetObjectItemCaseSensitive(pp, "upvotes"));
    x_num(&x, &nx, "comments",
          cJSON_GetObjectItemCaseSensitive(item, "numComments"));
    x_str(&x, &nx, "github_repo", jstr(pp, "githubRepo"));
    x_num(&x, &nx, "github_stars",
          cJSON_GetObjectItemCaseSensitive(pp, "githubStars"));
    x_str(&x, &nx, "project_page", jstr(pp, "projectPage"));
    x_str(&x, &nx, "ai_summary", jstr(pp, "ai_summary"));
    x_strings(&x, &nx, "ai_keywords",
              cJSON_GetObjectItemCaseSensitive(pp, "ai_keywords"));
    org = cJSON_GetObjectItemCaseSensitive(item, "organization");
    if (!cJSON_IsObject(org))
        org = cJSON_GetObjectItemCaseSensitive(pp, "organization");
    x_str(&x, &nx, "organization", jstr(org, "fullname"));
    jtime(&t, jstr(pp, "submittedOnDailyAt"));
    if (t) {
        extras_begin(&x, &nx, "submitted_on_daily_at");
        json_add_time(&x, t);
    }
    fp->tmp.len = 0;
    buf_addf(&fp->tmp, "https://huggingface.co/papers/%s", id);
    x_str(&x, &nx, "hf_url", fp->tmp.p);
    extras_end(p, &x, nx);
    deliver(fp);
    return fp->failed ? -1 : 0;
}

/* One item of a JSON Feed (https://jsonfeed.org/version/1.1). */
static int
jsonfeed_item(struct feed_parser *fp, const cJSON *item, int i)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
    const cJSON *a, *v;
    struct paper *p = &fp->p;
    struct buf x;
    int nx = 0;

    if (!cJSON_IsObject(item)) {
        fail(fp, "JSON Feed item %d is not an object", i);
        return -1;
    }
    if (cJSON_IsString(id))
        p->entry_id = xstrdup(id->valuestring);
    else if (cJSON_IsNumber(id)) {
        fp->tmp.len = 0;
        buf_addf(&fp->tmp, "%.17g", id->valuedouble);
        p->entry_id = xstrdup(fp->tmp.p);
    }
    jplain(&p->url, jstr(item, "url"), 0);
    jplain(&p->url, jstr(item, "external_url"), 0);
    jplain(&p->title, jstr(item, "title"), 1);
    jplain(&p->abstract, jstr(item, "summary"), 0);
    jplain(&p->abstract, jstr(item, "content_text"), 0);
    jplain(&p->abstract, jstr(item, "content_html"), 1);
    jtime(&p->published, jstr(item, "date_published"));
    jtime(&p->updated, jstr(item, "date_modified"));
    if (cJSON_IsArray(a = cJSON_GetObjectItemCaseSensitive(item, "authors")))
        jauthors(fp, a);
    else if (cJSON_IsObject(
                 a = cJSON_GetObjectItemCaseSensitive(item, "author")) &&
             jstr(a, "name"))
        add_author(fp, jstr(a, "name"), strlen(jstr(a, "name")), NULL, 0);
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "tags"))
    {
        if (cJSON_IsString(v))
            add_category(fp, v->valuestring, strlen(v->valuestring));
    }
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "attachments"))
    {
        const char *type = jstr(v, "mime_type");

        if (type && strcmp(type, "application/pdf") == 0)
            jplain(&p->pdf_url, jstr(v, "url"), 0);
    }
    buf_init(&x);
    x_str(&x, &nx, "image", jstr(item, "image"));
    extras_end(p, &x, nx);
    deliver(fp);
    return fp->failed ? -1 : 0;
}

static int
json_finish(struct feed_parser *fp)
{
    cJSON *root, *items, *it;
    const char *ver;
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
    } else if (cJSON_IsObject(root) && (ver = jstr(root, "version")) &&
               strncmp(ver, "https://jsonfeed.org/version/", 29) == 0 &&
               cJSON_IsArray(
                   items = cJSON_GetObjectItemCaseSensitive(root, "items"))) {
        jplain(&fp->info.title, jstr(root, "title"), 0);
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

/* ---- format detection -------------------------------------------------- */

static int
head_is(const struct buf *h, const char *s)
{
    size_t n = strlen(s);

    return h->len >= n && strncasecmp(h->p, s, n) == 0;
}

/* Decide from fp->head what the document is, and hand the head on. */
static int
decide(struct feed_parser *fp)
{
    unsigned char c = (unsigned char)fp->head.p[0];

    if (c == '<') {
        if (head_is(&fp->head, "<!doctype html") ||
            head_is(&fp->head, "<html")) {
            fail(fp, "not a feed (an HTML page)");
            return -1;
        }
        if (xml_start(fp) < 0)
            return -1;
        return xml_write(fp, fp->head.p, fp->head.len, 0);
    }
    if (c == 0xFE || c == 0xFF) { /* UTF-16 byte order mark: expat's */
        if (xml_start(fp) < 0)
            return -1;
        return xml_write(fp, fp->head.p, fp->head.len, 0);
    }
    if (c == '[' || c == '{') {
        fp->mode = M_JSON;
        return json_write(fp, fp->head.p, fp->head.len);
    }
    if (isprint(c))
        fail(fp, "not a feed (starts with \"%.12s\")", fp->head.p);
    else
        fail(fp, "not a feed (starts with byte 0x%02x)", c);
    return -1;
}

/* Skip a UTF-8 BOM and white space, then collect HEAD_MAX bytes. Returns
 * how much of s was used; sets *ready when the format can be decided. */
static size_t
collect_head(struct feed_parser *fp, const char *s, size_t n, int *ready)
{
    static const char bom[] = "\xEF\xBB\xBF";
    size_t i = 0, take;

    while (fp->head.len == 0 && i < n) {
        if (fp->bom < 3 && s[i] == bom[fp->bom] && (fp->bom > 0 || i == 0)) {
            fp->bom++;
        } else if (fp->bom == 1 || fp->bom == 2) {
            break; /* a broken BOM: let decide() reject the bytes */
        } else if (isspace((unsigned char)s[i])) {
            fp->bom = 3;
        } else {
            break;
        }
        i++;
    }
    take = n - i;
    if (take > HEAD_MAX - fp->head.len)
        take = HEAD_MAX - fp->head.len;
    buf_add(&fp->head, s + i, take);
    *ready = fp->head.len >= HEAD_MAX;
    return i + take;
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
    buf_init(&fp->head);
    buf_init(&fp->json);
    buf_init(&fp->cap);
    buf_init(&fp->tmp);
    buf_init(&fp->e.title);
    buf_init(&fp->e.summary);
    buf_init(&fp->e.content);
    strv_init(&fp->e.creators);
    strv_init(&fp->e.affil);
    paper_init(&fp->p);
    return fp;
}

void
feed_parser_free(struct feed_parser *fp)
{
    if (fp == NULL)
        return;
    if (fp->xp)
        XML_ParserFree(fp->xp);
    free(fp->name);
    free(fp->info.title);
    free(fp->api_error);
    free(fp->feed_desc);
    buf_fini(&fp->head);
    buf_fini(&fp->json);
    buf_fini(&fp->cap);
    buf_fini(&fp->tmp);
    buf_fini(&fp->e.title);
    buf_fini(&fp->e.summary);
    buf_fini(&fp->e.content);
    free(fp->e.primary);
    strv_fini(&fp->e.creators);
    strv_fini(&fp->e.affil);
    paper_fini(&fp->p);
    free(fp);
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
    int ready;
    size_t used;

    if (fp->failed)
        return failed(fp, e);
    if (fp->done) {
        fail(fp, "data after the end of the document");
        return failed(fp, e);
    }
    if (fp->mode == M_DETECT) {
        used = collect_head(fp, buf, len, &ready);
        if (!ready)
            return 0;
        if (decide(fp) < 0)
            return failed(fp, e);
        buf_fini(&fp->head);
        buf += used;
        len -= used;
    }
    if (len == 0)
        return 0;
    if (fp->mode == M_XML ? xml_write(fp, buf, len, 0)
                          : json_write(fp, buf, len))
        return failed(fp, e);
    return 0;
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
        if (xml_write(fp, NULL, 0, 1) < 0)
            return failed(fp, e);
    } else if (json_finish(fp) < 0) {
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
