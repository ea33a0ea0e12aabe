/* exporter.c: `paperwatch export`. BibTeX that bibtex and biber both read
 * (specials escaped, TeX the paper's own text kept, UTF-8 kept, unique
 * ASCII keys, arXiv eprint fields), JSON Lines, JSON Feed 1.1, OPML 2.0. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exporter.h"
#include "host.h"
#include "json.h"
#include "pipeline.h"

/* --- BibTeX --- */

/* Latin letters with accents (UTF-8, two bytes) and their ASCII base, for
 * citation keys. */
static const struct fold {
    const char *utf8, *ascii;
} folds[] = {
    { "\xc3\xa0", "a" },  { "\xc3\xa1", "a" }, { "\xc3\xa2", "a" },
    { "\xc3\xa3", "a" },  { "\xc3\xa4", "a" }, { "\xc3\xa5", "a" },
    { "\xc3\xa6", "ae" }, { "\xc3\xa7", "c" }, { "\xc3\xa8", "e" },
    { "\xc3\xa9", "e" },  { "\xc3\xaa", "e" }, { "\xc3\xab", "e" },
    { "\xc3\xac", "i" },  { "\xc3\xad", "i" }, { "\xc3\xae", "i" },
    { "\xc3\xaf", "i" },  { "\xc3\xb1", "n" }, { "\xc3\xb2", "o" },
    { "\xc3\xb3", "o" },  { "\xc3\xb4", "o" }, { "\xc3\xb5", "o" },
    { "\xc3\xb6", "o" },  { "\xc3\xb8", "o" }, { "\xc3\xb9", "u" },
    { "\xc3\xba", "u" },  { "\xc3\xbb", "u" }, { "\xc3\xbc", "u" },
    { "\xc3\xbd", "y" },  { "\xc3\xbf", "y" }, { "\xc3\x9f", "ss" },
    { "\xc5\x82", "l" },  { "\xc4\x87", "c" }, { "\xc4\x8d", "c" },
    { "\xc5\xa1", "s" },  { "\xc5\xbe", "z" }, { "\xc5\x99", "r" },
    { "\xc4\x9b", "e" },  { "\xc5\x84", "n" }, { "\xc5\x9b", "s" },
    { "\xc5\xba", "z" },  { "\xc5\xbc", "z" }, { "\xc4\x9f", "g" },
    { "\xc4\xb1", "i" },  { "\xc5\x9f", "s" },
};

/* Lower-case ASCII letters and digits of s (accents folded), at most max. */
static void
key_word(struct buf *b, const char *s, size_t max)
{
    size_t start = b->len;

    while (s && *s && b->len - start < max) {
        unsigned char c = (unsigned char)*s;
        size_t i;

        if (isalnum(c)) {
            buf_addc(b, (char)tolower(c));
            s++;
            continue;
        }
        for (i = 0; i < sizeof(folds) / sizeof(folds[0]); i++)
            if (strncmp(s, folds[i].utf8, 2) == 0)
                break;
        if (i < sizeof(folds) / sizeof(folds[0])) {
            buf_adds(b, folds[i].ascii);
            s += 2;
        } else {
            s++;
        }
    }
}

/* The family name: the last word of "First Last" (or before a comma). */
static const char *
family(const char *name, size_t *n)
{
    const char *comma = strchr(name, ','), *sp;

    if (comma) {
        *n = (size_t)(comma - name);
        return name;
    }
    sp = strrchr(name, ' ');
    sp = sp ? sp + 1 : name;
    *n = strlen(sp);
    return sp;
}

static const char *const stop[] = { "a",  "an",  "the", "on",  "of",
                                    "in", "for", "to",  "and", "with" };

static void
cite_key(const struct store_row *r, struct strv *used, struct buf *b)
{
    struct buf k;
    size_t base, n;

    buf_init(&k);
    if (r->p.authors.n) {
        const char *f = family(r->p.authors.v[0], &n);
        char *fam = xstrndup(f, n);
        key_word(&k, fam, 24);
        free(fam);
    }
    if (k.len == 0)
        buf_adds(&k, "anon");
    if (r->p.published) {
        time_t t = (time_t)r->p.published;
        struct tm tm;
        gmtime_r(&t, &tm);
        buf_addf(&k, "%d", tm.tm_year + 1900);
    }
    for (const char *w = r->p.title; w && *w;) {
        size_t wl = strcspn(w, " \t\n-:");
        size_t before = k.len;
        int skip = 0;
        for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
            skip |= strlen(stop[i]) == wl && strncasecmp(w, stop[i], wl) == 0;
        if (!skip) {
            char *word = xstrndup(w, wl);
            key_word(&k, word, 20);
            free(word);
            for (size_t i = before; i < k.len; i++)
                if (isalpha((unsigned char)k.p[i]))
                    goto done; /* a word with letters in it */
            k.len = before;    /* "50%": no word */
            k.p[k.len] = '\0';
        }
        w += wl;
        w += strspn(w, " \t\n-:");
    }
done:
    base = k.len;
    for (char c = 'a'; strv_has(used, k.p); c++) {
        k.len = base;
        if (c > 'z')
            buf_addf(&k, "z%zu", used->n);
        else
            buf_addc(&k, c);
    }
    strv_add(used, k.p);
    buf_add(b, k.p, k.len);
    buf_fini(&k);
}

static int
braces_balanced(const char *s)
{
    int depth = 0;

    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            continue;
        }
        depth += (*s == '{') - (*s == '}');
        if (depth < 0)
            return 0;
    }
    return depth == 0;
}

/* A field's text: the paper's own TeX ($math$, \commands, balanced
 * braces) kept; &, %, # always escaped; _ ^ ~ escaped outside math;
 * braces escaped when unbalanced, $ when unpaired. */
static void
bib_text(struct buf *b, const char *s)
{
    int balanced = braces_balanced(s), math = 0, dollars = 0;

    for (const char *p = s; *p; p++)
        dollars += *p == '$' && (p == s || p[-1] != '\\');
    for (const char *p = s; *p; p++) {
        char c = *p;
        int escaped = p > s && p[-1] == '\\';

        if (c == '\\' && p[1] && strchr("&%#$_{}", p[1])) {
            buf_addc(b, c); /* already escaped: keep */
            buf_addc(b, *++p);
            continue;
        }
        if (c == '$' && dollars % 2 == 0 && !escaped) {
            math = !math;
            buf_addc(b, c);
        } else if (strchr("&%#", c) || (c == '$' && dollars % 2)) {
            buf_addc(b, '\\');
            buf_addc(b, c);
        } else if ((c == '_' || c == '^' || c == '~') && !math) {
            buf_adds(b, c == '_' ? "\\_" : c == '^' ? "\\^{}" : "\\~{}");
        } else if ((c == '{' || c == '}') && !balanced) {
            buf_adds(b, c == '{' ? "\\{" : "\\}");
        } else if (c == '\n' || c == '\r' || c == '\t') {
            buf_addc(b, ' ');
        } else {
            buf_addc(b, c);
        }
    }
}

static void
bib_field(struct buf *b, const char *name, const char *v, int protect)
{
    if (str_empty(v))
        return;
    buf_addf(b, ",\n  %-13s = {%s", name, protect ? "{" : "");
    bib_text(b, v);
    buf_adds(b, protect ? "}}" : "}");
}

/* Verbatim fields (url, doi, eprint): biber reads them raw; bibtex needs
 * balanced braces only, and % would start a comment for TeX later. */
static void
bib_raw(struct buf *b, const char *name, const char *v)
{
    if (str_empty(v))
        return;
    buf_addf(b, ",\n  %-13s = {", name);
    for (; *v; v++)
        if (*v != '{' && *v != '}' && *v != '\n')
            buf_addc(b, *v);
    buf_addc(b, '}');
}

void
exporter_bibtex(const struct store_row *r, struct strv *used, struct buf *b)
{
    static const char *const months[] = { "jan", "feb", "mar", "apr",
                                          "may", "jun", "jul", "aug",
                                          "sep", "oct", "nov", "dec" };
    struct buf authors;

    buf_addf(b, "@%s{", r->p.journal_ref ? "article" : "misc");
    cite_key(r, used, b);
    bib_field(b, "title", r->p.title, 1);
    buf_init(&authors);
    for (size_t i = 0; i < r->p.authors.n; i++)
        buf_addf(&authors, "%s%s", i ? " and " : "", r->p.authors.v[i]);
    bib_field(b, "author", authors.p, 0);
    buf_fini(&authors);
    if (r->p.published) {
        time_t t = (time_t)r->p.published;
        struct tm tm;
        gmtime_r(&t, &tm);
        buf_addf(b, ",\n  %-13s = {%d},\n  %-13s = %s", "year",
                 tm.tm_year + 1900, "month", months[tm.tm_mon]);
    }
    if (r->p.arxiv_id) {
        bib_raw(b, "eprint", r->p.arxiv_id);
        bib_raw(b, "archivePrefix", "arXiv");
        bib_raw(b, "eprinttype", "arxiv");
        if (r->p.categories.n)
            bib_raw(b, "primaryClass", r->p.categories.v[0]);
    }
    bib_field(b, "journal", r->p.journal_ref, 0);
    bib_raw(b, "doi", r->p.doi);
    bib_raw(b, "url", r->p.url);
    bib_field(b, "abstract", r->p.abstract, 0);
    buf_adds(b, "\n}\n\n");
}

/* --- JSON Feed --- */

static void
jsonfeed_item(const struct store_row *r, int first, struct buf *b)
{
    buf_adds(b, first ? "\n  " : ",\n  ");
    buf_addc(b, '{');
    json_add_key(b, "id", 1);
    json_add_string(b, r->p.key);
    if (r->p.url) {
        json_add_key(b, "url", 0);
        json_add_string(b, r->p.url);
    }
    if (r->p.pdf_url) {
        json_add_key(b, "external_url", 0);
        json_add_string(b, r->p.pdf_url);
    }
    json_add_key(b, "title", 0);
    json_add_string(b, r->p.title);
    json_add_key(b, "content_text", 0);
    json_add_string(b, r->p.abstract ? r->p.abstract : "");
    if (r->p.published) {
        json_add_key(b, "date_published", 0);
        json_add_time(b, r->p.published);
    }
    if (r->p.updated) {
        json_add_key(b, "date_modified", 0);
        json_add_time(b, r->p.updated);
    }
    json_add_key(b, "authors", 0);
    buf_addc(b, '[');
    for (size_t i = 0; i < r->p.authors.n; i++) {
        buf_adds(b, i ? ",{" : "{");
        json_add_key(b, "name", 1);
        json_add_string(b, r->p.authors.v[i]);
        buf_addc(b, '}');
    }
    buf_addc(b, ']');
    json_add_key(b, "tags", 0);
    json_add_strv(b, &r->p.categories);
    json_add_key(b, "_paperwatch", 0);
    buf_addc(b, '{');
    json_add_key(b, "score", 1);
    json_add_number(b, r->score);
    json_add_key(b, "sources", 0);
    json_add_strv(b, &r->sources);
    buf_adds(b, "}}");
}

/* --- OPML --- */

static void
xml_attr(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        default:
            if ((unsigned char)*s < 0x20)
                buf_addf(b, "&#%d;", *s);
            else
                buf_addc(b, *s);
        }
    }
}

static int
export_opml(const struct export_opts *o, struct pw_err *e)
{
    struct config cfg = { 0 };
    struct host *h = host_new(o->log, e);
    struct buf b;
    int rc = -1;

    buf_init(&b);
    if (h == NULL || host_load_config(h, o->config, &cfg, e) < 0)
        goto out;
    buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<opml version=\"2.0\">\n  <head>\n"
                 "    <title>paperwatch sources</title>\n  </head>\n"
                 "  <body>\n");
    for (size_t i = 0; i < cfg.nsources; i++) {
        const struct source_def *d = &cfg.sources[i];
        if (d->has_fetch || str_empty(d->url)) {
            log_warn(o->log,
                     "source %s: a fetch function, not a feed URL: "
                     "left out of the OPML",
                     d->name);
            continue;
        }
        buf_adds(&b, "    <outline type=\"rss\" text=\"");
        xml_attr(&b, d->name);
        buf_adds(&b, "\" title=\"");
        xml_attr(&b, d->name);
        buf_adds(&b, "\" xmlUrl=\"");
        xml_attr(&b, d->url);
        buf_adds(&b, "\"/>\n");
    }
    buf_adds(&b, "  </body>\n</opml>\n");
    fwrite(b.p, 1, b.len, o->out);
    rc = 0;
out:
    buf_fini(&b);
    config_fini(&cfg);
    host_free(h);
    return rc;
}

/* --- papers --- */

struct paper_out {
    const struct export_opts *o;
    struct strv used; /* BibTeX keys given */
    struct buf b;
    long n;
};

static int
paper_row(void *ud, const struct store_row *r, struct pw_err *e)
{
    struct paper_out *po = ud;

    (void)e;
    po->b.len = 0;
    switch (po->o->format) {
    case EXPORT_BIBTEX:
        exporter_bibtex(r, &po->used, &po->b);
        break;
    case EXPORT_JSON:
        pipeline_row_json(r, &po->b);
        buf_adds(&po->b, "}\n");
        break;
    default:
        jsonfeed_item(r, po->n == 0, &po->b);
    }
    po->n++;
    fwrite(po->b.p, 1, po->b.len, po->o->out);
    return ferror(po->o->out) ? -1 : 0;
}

static int
export_keys(const struct export_opts *o, struct store *s, struct paper_out *po,
            int *missing, struct pw_err *e)
{
    struct store_row r;
    int rc = 0;

    store_row_init(&r);
    for (int i = 0; i < o->nkeys && rc == 0; i++) {
        int found = store_get(s, o->keys[i], &r, e);
        if (found < 0)
            rc = -1;
        else if (found == 0) {
            log_error(o->log, "no paper '%s' in %s", o->keys[i], o->db);
            (*missing)++;
        } else if (paper_row(po, &r, e) < 0)
            rc = pw_errf(e, "%s", "write error");
    }
    store_row_fini(&r);
    return rc;
}

int
exporter_run(const struct export_opts *o, int *missing, struct pw_err *e)
{
    struct paper_out po = { .o = o };
    struct store *s;
    int rc;

    *missing = 0;
    if (o->format == EXPORT_OPML)
        return export_opml(o, e);
    if ((s = store_open(o->db, e)) == NULL)
        return -1;
    strv_init(&po.used);
    buf_init(&po.b);
    if (o->format == EXPORT_JSONFEED)
        fputs("{\"version\":\"https://jsonfeed.org/version/1.1\","
              "\"title\":\"paperwatch\",\"items\":[",
              o->out);
    if (o->nkeys)
        rc = export_keys(o, s, &po, missing, e);
    else
        rc = store_list(s, &o->q, paper_row, &po, e);
    if (o->format == EXPORT_JSONFEED)
        fputs(po.n ? "\n]}\n" : "]}\n", o->out);
    strv_fini(&po.used);
    buf_fini(&po.b);
    store_close(s);
    return rc;
}
