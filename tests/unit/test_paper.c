/* test_paper.c: the spool format (paper_write / paper_read): a paper comes
 * back as it went, and a spool cut anywhere is an error, never a crash, a
 * stray free or a leak (make asan runs this too). */
#include <stdlib.h>
#include <string.h>

#include "../../agent/paper.h"
#include "t.h"

static void
fill(struct paper *p)
{
    paper_init(p);
    p->key = xstrdup("arxiv:2401.12345");
    p->arxiv_id = xstrdup("2401.12345");
    p->version = 3;
    p->title = xstrdup("A title");
    p->abstract = xstrdup("");
    p->url = xstrdup("https://arxiv.org/abs/2401.12345v3");
    strv_add(&p->authors, "Ada Lovelace");
    strv_add(&p->authors, "Alan Turing");
    strv_add(&p->categories, "cs.LG");
    p->published = 1700000000;
    p->extras = xstrdup("{\"upvotes\":7}");
}

int
main(void)
{
    struct paper in, out;
    char *spool = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&spool, &len);
    int rc, cut_ok = 1;

    fill(&in);
    T_OK(paper_write(f, &in) == 0 && paper_write(f, &in) == 0,
         "two papers spooled");
    fclose(f);

    paper_init(&out);
    f = fmemopen(spool, len, "r");
    rc = paper_read(f, &out);
    T_OK(rc == 1, "the first read back (%d)", rc);
    T_STR(out.key, in.key, "its key");
    T_STR(out.abstract, "", "an empty string stays empty");
    T_OK(out.doi == NULL && out.comment == NULL, "a missing one stays NULL");
    T_OK(out.version == 3 && out.published == 1700000000 && out.updated == 0,
         "its numbers");
    T_OK(out.authors.n == 2 && strcmp(out.authors.v[1], "Alan Turing") == 0 &&
             out.categories.n == 1,
         "its lists");
    T_STR(out.extras, in.extras, "its extras");
    T_OK(paper_read(f, &out) == 1, "the second read back");
    T_OK(paper_read(f, &out) == 0, "then a clean end");
    fclose(f);

    /* Every cut inside the first record: an error, with nothing kept. */
    for (size_t cut = 1; cut < len / 2; cut++) {
        f = fmemopen(spool, cut, "r");
        rc = paper_read(f, &out);
        fclose(f);
        if (rc != -1 || out.key != NULL || out.authors.n != 0) {
            cut_ok = 0;
            printf("# cut at %zu: %d\n", cut, rc);
        }
    }
    T_OK(cut_ok, "a spool cut at any of %zu bytes is an error", len / 2 - 1);

    paper_fini(&out);
    paper_fini(&in);
    free(spool);
    return t_done();
}
