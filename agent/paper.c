/* paper.c: the paper record: life cycle, identity, spooling, JSON. */
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "json.h"
#include "paper.h"

void
paper_init(struct paper *p)
{
    memset(p, 0, sizeof(*p));
    strv_init(&p->authors);
    strv_init(&p->categories);
}

static void
free_strings(struct paper *p)
{
    free(p->key);
    free(p->arxiv_id);
    free(p->doi);
    free(p->entry_id);
    free(p->title);
    free(p->abstract);
    free(p->url);
    free(p->pdf_url);
    free(p->announce);
    free(p->comment);
    free(p->journal_ref);
    free(p->extras);
}

void
paper_fini(struct paper *p)
{
    free_strings(p);
    strv_fini(&p->authors);
    strv_fini(&p->categories);
    paper_init(p);
}

void
paper_clear(struct paper *p)
{
    struct strv a = p->authors, c = p->categories;

    free_strings(p);
    strv_clear(&a);
    strv_clear(&c);
    memset(p, 0, sizeof(*p));
    p->authors = a;
    p->categories = c;
}

/* The first arXiv id found among the record's identifiers; the highest
 * version any of them names. */
static void
find_arxiv(const struct paper *p, struct paper_ids *ids)
{
    const char *cand[] = { p->entry_id, p->url, p->pdf_url, p->doi };
    char id[sizeof(ids->arxiv_id)];
    int v;

    for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
        if (str_empty(cand[i]) || !ident_arxiv(cand[i], id, sizeof(id), &v))
            continue;
        if (ids->arxiv_id[0] == '\0')
            memcpy(ids->arxiv_id, id, sizeof(id));
        else if (strcmp(id, ids->arxiv_id) != 0)
            continue;
        if (v > ids->version)
            ids->version = v;
    }
}

void
paper_find_ids(const struct paper *p, struct paper_ids *ids)
{
    ids->arxiv_id[0] = '\0';
    ids->version = p->version;
    ids->new_doi = 0;
    if (p->arxiv_id == NULL)
        find_arxiv(p, ids);
    if (!str_empty(p->doi) && ident_doi(p->doi, ids->doi, sizeof(ids->doi)))
        ids->new_doi = 1;
    else if (p->doi == NULL && !str_empty(p->url) &&
             ident_doi(p->url, ids->doi, sizeof(ids->doi)))
        ids->new_doi = 1;
    else if (p->doi == NULL && !str_empty(p->entry_id) &&
             ident_doi(p->entry_id, ids->doi, sizeof(ids->doi)))
        ids->new_doi = 1; /* a guid or id that is a DOI */
}

void
paper_key(const struct paper *p, struct buf *k)
{
    if (p->arxiv_id) {
        buf_add(k, "arxiv:", 6);
        buf_adds(k, p->arxiv_id);
    } else if (!str_empty(p->doi)) {
        buf_add(k, "doi:", 4);
        buf_adds(k, p->doi);
    } else if (!str_empty(p->entry_id))
        buf_adds(k, p->entry_id);
    else if (!str_empty(p->url))
        buf_adds(k, p->url);
    else if (!str_empty(p->title)) {
        buf_add(k, "title:", 6);
        buf_adds(k, p->title);
    }
}

void
paper_identify(struct paper *p)
{
    struct paper_ids ids;
    struct buf k;

    paper_find_ids(p, &ids);
    if (ids.arxiv_id[0])
        str_set(&p->arxiv_id, ids.arxiv_id);
    p->version = ids.version;
    if (ids.new_doi)
        str_set(&p->doi, ids.doi);
    buf_init(&k);
    paper_key(p, &k);
    free(p->key);
    p->key = k.len ? buf_steal(&k) : NULL;
    buf_fini(&k);
}

/* Spool records: each string as a 32-bit length (all ones for NULL) and
 * its bytes; lists as a count then strings; integers as 64 bits. Native
 * byte order: a spool never leaves the process that wrote it. */

static int
put_str(FILE *f, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;

    if (fwrite(&n, sizeof(n), 1, f) != 1)
        return -1;
    return s && n && fwrite(s, 1, n, f) != n ? -1 : 0;
}

static int
put_int(FILE *f, int64_t v)
{
    return fwrite(&v, sizeof(v), 1, f) == 1 ? 0 : -1;
}

static int
put_strv(FILE *f, const struct strv *sv)
{
    if (put_int(f, (int64_t)sv->n) < 0)
        return -1;
    for (size_t i = 0; i < sv->n; i++)
        if (put_str(f, sv->v[i]) < 0)
            return -1;
    return 0;
}

int
paper_write(FILE *f, const struct paper *p)
{
    const char *s[] = { p->key,      p->arxiv_id, p->doi,         p->entry_id,
                        p->title,    p->abstract, p->url,         p->pdf_url,
                        p->announce, p->comment,  p->journal_ref, p->extras };

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        if (put_str(f, s[i]) < 0)
            return -1;
    if (put_int(f, p->version) < 0 || put_int(f, p->published) < 0 ||
        put_int(f, p->updated) < 0 || put_strv(f, &p->authors) < 0 ||
        put_strv(f, &p->categories) < 0)
        return -1;
    return 0;
}

static int
get_str(FILE *f, char **out)
{
    uint32_t n;

    *out = NULL;
    if (fread(&n, sizeof(n), 1, f) != 1)
        return -1;
    if (n == UINT32_MAX)
        return 0;
    *out = xmalloc((size_t)n + 1);
    if (n && fread(*out, 1, n, f) != n) {
        free(*out);
        *out = NULL;
        return -1;
    }
    (*out)[n] = '\0';
    return 0;
}

static int
get_int(FILE *f, int64_t *v)
{
    return fread(v, sizeof(*v), 1, f) == 1 ? 0 : -1;
}

static int
get_strv(FILE *f, struct strv *sv)
{
    int64_t n;
    char *s;

    if (get_int(f, &n) < 0 || n < 0)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        if (get_str(f, &s) < 0 || s == NULL) {
            free(s);
            return -1;
        }
        strv_add(sv, s);
        free(s);
    }
    return 0;
}

int
paper_read(FILE *f, struct paper *p)
{
    char **s[] = { &p->key,      &p->arxiv_id, &p->doi,         &p->entry_id,
                   &p->title,    &p->abstract, &p->url,         &p->pdf_url,
                   &p->announce, &p->comment,  &p->journal_ref, &p->extras };
    int64_t v;
    int c;

    paper_fini(p);
    if ((c = getc(f)) == EOF)
        return 0;
    ungetc(c, f);
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        if (get_str(f, s[i]) < 0)
            goto bad;
    if (get_int(f, &v) < 0)
        goto bad;
    p->version = (int)v;
    if (get_int(f, &p->published) < 0 || get_int(f, &p->updated) < 0 ||
        get_strv(f, &p->authors) < 0 || get_strv(f, &p->categories) < 0)
        goto bad;
    return 1;
bad:
    paper_fini(p);
    return -1;
}

/* The keys are constants: written as literals, never escaped at run time
 * (this runs once per entry of every feed `parse` prints). */
#define KEY(out, lit) buf_add(out, "," lit ":", sizeof(lit) + 1)
/* A key and its string; most records lack a few (pdf_url, doi, comment,
 * journal_ref): such a key goes out with its null as one literal. */
#define KEY_STR(out, lit, s)                                                   \
    do {                                                                       \
        if ((s) == NULL) {                                                     \
            buf_add(out, "," lit ":null", sizeof(lit) + 5);                    \
        } else {                                                               \
            KEY(out, lit);                                                     \
            json_add_stringn(out, s, strlen(s));                               \
        }                                                                      \
    } while (0)

/* A string of the record, by its hint when it has one. */
static void
put_text(struct buf *out, const char *s, const char *hint, size_t len)
{
    if (s != NULL && s == hint)
        json_add_plain(out, s, len);
    else
        json_add_string(out, s);
}

/* A list of plain strings none of which holds '"' or '\\': each goes
 * out as it is between quotes (an arXiv author list, dozens of names),
 * with no look at its bytes. */
static void
put_bare_list(struct buf *out, const struct strv *sv, const size_t *len)
{
    buf_addc(out, '[');
    for (size_t i = 0; i < sv->n; i++) {
        size_t n = len[i];
        char *w;

        buf_reserve(out, n + 3);
        w = out->p + out->len;
        if (i)
            *w++ = ',';
        *w++ = '"';
        memcpy(w, sv->v[i], n);
        w += n;
        *w++ = '"';
        out->len = (size_t)(w - out->p);
    }
    buf_addc(out, ']');
}

static void
put_list(struct buf *out, const struct strv *sv, int plain)
{
    if (!plain) {
        json_add_strv(out, sv);
        return;
    }
    buf_addc(out, '[');
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            buf_addc(out, ',');
        if (sv->v[i])
            json_add_plain(out, sv->v[i], strlen(sv->v[i]));
        else
            buf_add(out, "null", 4);
    }
    buf_addc(out, ']');
}

void
paper_to_json_plain(const struct paper *p, const struct paper_plain *pl,
                    struct buf *out, int open)
{
    static const struct paper_plain none;

    if (pl == NULL)
        pl = &none;
    buf_add(out, "{\"key\":", 7);
    json_add_string(out, p->key);
    KEY_STR(out, "\"entry_id\"", p->entry_id);
    KEY(out, "\"title\"");
    put_text(out, p->title, pl->title, pl->title_len);
    KEY(out, "\"authors\"");
    if (pl->authors_bare)
        put_bare_list(out, &p->authors, pl->author_len);
    else
        put_list(out, &p->authors, pl->authors);
    KEY(out, "\"abstract\"");
    put_text(out, p->abstract, pl->abstract, pl->abstract_len);
    KEY_STR(out, "\"url\"", p->url);
    KEY_STR(out, "\"pdf_url\"", p->pdf_url);
    KEY(out, "\"categories\"");
    put_list(out, &p->categories, pl->categories);
    KEY(out, "\"published\"");
    json_add_time(out, p->published);
    if (p->updated == 0) { /* json_add_time's null, with its key */
        buf_add(out, ",\"updated\":null", sizeof(",\"updated\":null") - 1);
    } else {
        KEY(out, "\"updated\"");
        json_add_time(out, p->updated);
    }
    KEY_STR(out, "\"arxiv_id\"", p->arxiv_id);
    KEY(out, "\"version\"");
    if (p->version)
        json_add_int(out, p->version);
    else
        buf_add(out, "null", 4);
    KEY_STR(out, "\"doi\"", p->doi);
    KEY_STR(out, "\"announce\"", p->announce);
    KEY_STR(out, "\"comment\"", p->comment);
    KEY_STR(out, "\"journal_ref\"", p->journal_ref);
    KEY(out, "\"extras\"");
    buf_adds(out, str_empty(p->extras) ? "{}" : p->extras);
    if (!open)
        buf_addc(out, '}');
}

void
paper_to_json(const struct paper *p, struct buf *out, int open)
{
    paper_to_json_plain(p, NULL, out, open);
}
