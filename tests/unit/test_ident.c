/* test_ident.c: arXiv ids and DOIs in the shapes feeds write them. */
#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "t.h"

static const struct {
    const char *in;
    const char *id; /* NULL: not an arXiv id */
    int version;
} arxiv_cases[] = {
    /* bare, new style: 4+4 digits (0704..1412), 4+5 (1501 on) */
    { "0704.0001", "0704.0001", 0 },
    { "1111.2011v2", "1111.2011", 2 },
    { "1412.9999", "1412.9999", 0 },
    { "2401.12345", "2401.12345", 0 },
    { "2401.12345v12", "2401.12345", 12 },
    { "  2606.13677v1\t ", "2606.13677", 1 },
    /* bare, old style, subject class dropped */
    { "hep-th/9901001", "hep-th/9901001", 0 },
    { "astro-ph/0601001v1", "astro-ph/0601001", 1 },
    { "cond-mat/0412498v1", "cond-mat/0412498", 1 },
    { "math.GT/0309136", "math/0309136", 0 },
    { "math.GT/0309136v2", "math/0309136", 2 },
    /* prefixes */
    { "arXiv:2401.12345", "2401.12345", 0 },
    { "arxiv:2401.12345v3", "2401.12345", 3 },
    { "arXiv:hep-th/9901001", "hep-th/9901001", 0 },
    { "oai:arXiv.org:2411.17700v1", "2411.17700", 1 },
    { "oai:arXiv.org:astro-ph/0601001", "astro-ph/0601001", 0 },
    /* URLs */
    { "http://arxiv.org/abs/2606.13677v1", "2606.13677", 1 },
    { "https://arxiv.org/abs/2401.12345", "2401.12345", 0 },
    { "https://www.arxiv.org/abs/2401.12345v2", "2401.12345", 2 },
    { "http://export.arxiv.org/abs/1111.2011v2", "1111.2011", 2 },
    { "https://arxiv.org/pdf/2606.13677v1", "2606.13677", 1 },
    { "https://arxiv.org/pdf/2401.12345v2.pdf", "2401.12345", 2 },
    { "https://arxiv.org/pdf/2401.12345.pdf", "2401.12345", 0 },
    { "https://arxiv.org/html/2401.12345v1", "2401.12345", 1 },
    { "https://arxiv.org/html/2401.12345v1/", "2401.12345", 1 },
    { "https://arxiv.org/abs/2401.12345?context=cs", "2401.12345", 0 },
    { "https://arxiv.org/abs/2401.12345#bib", "2401.12345", 0 },
    { "https://arxiv.org/abs/astro-ph/0601001v1", "astro-ph/0601001", 1 },
    { "http://arxiv.org/pdf/math.GT/0309136", "math/0309136", 0 },
    { "arxiv.org/abs/2401.12345", "2401.12345", 0 },
    /* DOIs of arXiv papers */
    { "10.48550/arXiv.2401.12345", "2401.12345", 0 },
    { "https://doi.org/10.48550/arXiv.2401.12345", "2401.12345", 0 },
    { "doi:10.48550/arxiv.2401.12345", "2401.12345", 0 },
    /* not ids */
    { "", NULL, 0 },
    { "1234.5", NULL, 0 },
    { "1234.56789", NULL, 0 }, /* month 34 */
    { "2401.1234", NULL, 0 },  /* 5 digits since 1501 */
    { "1101.12345", NULL, 0 }, /* 4 digits before 1501 */
    { "0612.1234", NULL, 0 },  /* before April 2007: old style only */
    { "2401.12345v", NULL, 0 },
    { "2401.12345v0", NULL, 0 },
    { "2401.12345x", NULL, 0 },
    { "x2401.12345", NULL, 0 },
    { "see arXiv:2401.12345", NULL, 0 }, /* no searching in free text */
    { "hep-th/990100", NULL, 0 },
    { "hep-th/99010011", NULL, 0 },
    { "HEP-TH/9901001", NULL, 0 },
    { "https://example.org/abs/2401.12345", NULL, 0 },
    { "https://arxiv.org/list/cs.LG/recent", NULL, 0 },
    { "https://arxiv.org/abs/2401.12345.html", NULL, 0 },
    { "https://github.com/psychology-of-AI/x", NULL, 0 },
    { "10.1103/PhysRevB.85.115117", NULL, 0 },
    { "http://arxiv.org/api/errors#incorrect_id_format_for_abc", NULL, 0 },
};

static const struct {
    const char *in;
    const char *doi; /* NULL: not a DOI */
} doi_cases[] = {
    { "10.1103/PhysRevB.85.115117", "10.1103/physrevb.85.115117" },
    { "  10.1142/S021797921244002X ", "10.1142/s021797921244002x" },
    { "doi:10.1016/j.segan.2024.101477", "10.1016/j.segan.2024.101477" },
    { "DOI:10.1063/5.0236964", "10.1063/5.0236964" },
    { "http://dx.doi.org/10.1103/PhysRevB.85.115117",
      "10.1103/physrevb.85.115117" },
    { "https://doi.org/10.48550/arXiv.2401.12345",
      "10.48550/arxiv.2401.12345" },
    { "10.48550/arXiv.2401.12345", "10.48550/arxiv.2401.12345" },
    { "https://doi.org/10.1002/%28SICI%291097-4636",
      "10.1002/(sici)1097-4636" },
    { "https://doi.org/10.1000/182?x=1", "10.1000/182" },
    { "info:doi/10.1000/182", "10.1000/182" },
    { "10.1000.10/123456", "10.1000.10/123456" },
    /* every resolver form, any case */
    { "HTTPS://WWW.DOI.ORG/10.1000/182", "10.1000/182" },
    { "http://www.doi.org/10.1000/182", "10.1000/182" },
    { "https://dx.doi.org/10.1000/182", "10.1000/182" },
    { "http://doi.org/10.1000/182", "10.1000/182" },
    { "Doi.org/10.1000/182", "10.1000/182" },
    { "dx.doi.org/10.1000/182", "10.1000/182" },
    { "INFO:DOI/10.1000/182", "10.1000/182" },
    { "www.doi.org/10.1000/182", NULL }, /* no scheme: not a resolver */
    { "ftp://doi.org/10.1000/182", NULL },
    { "https://doi.org10.1000/182", NULL },
    { "", NULL },
    { "10.1/abc", NULL }, /* registrant too short */
    { "10.1103", NULL },
    { "10.1103/", NULL },
    { "11.1103/PhysRevB", NULL },
    { "10.1103/Phys RevB", NULL },
    /* arXiv's doi field may list several: the first is the paper's */
    { "10.1063/1.1383585 10.1063/1.999", "10.1063/1.1383585" },
    { "10.1364/JOSAA.23.002578  10.1364/JOSAA.32.002407",
      "10.1364/josaa.23.002578" },
    { "https://arxiv.org/abs/2401.12345", NULL },
    { "https://example.org/10.1103/PhysRevB", NULL },
    { "2401.12345", NULL },
};

int
main(void)
{
    char id[64], doi[256];
    int v, ok;

    for (size_t i = 0; i < sizeof(arxiv_cases) / sizeof(arxiv_cases[0]); i++) {
        v = -1;
        ok = ident_arxiv(arxiv_cases[i].in, id, sizeof(id), &v);
        if (arxiv_cases[i].id == NULL) {
            T_OK(!ok, "ident_arxiv(\"%s\") is not an id", arxiv_cases[i].in);
            continue;
        }
        T_OK(ok, "ident_arxiv(\"%s\") finds an id", arxiv_cases[i].in);
        T_STR(ok ? id : NULL, arxiv_cases[i].id, "ident_arxiv(\"%s\") id",
              arxiv_cases[i].in);
        T_OK(v == arxiv_cases[i].version, "ident_arxiv(\"%s\") version %d",
             arxiv_cases[i].in, v);
    }
    T_OK(!ident_arxiv(NULL, id, sizeof(id), &v), "ident_arxiv(NULL)");
    T_OK(!ident_arxiv("2401.12345", id, 8, &v), "ident_arxiv: small buffer");
    T_OK(ident_arxiv("2401.12345", id, 11, NULL), "ident_arxiv: exact fit");

    for (size_t i = 0; i < sizeof(doi_cases) / sizeof(doi_cases[0]); i++) {
        ok = ident_doi(doi_cases[i].in, doi, sizeof(doi));
        if (doi_cases[i].doi == NULL) {
            T_OK(!ok, "ident_doi(\"%s\") is not a DOI", doi_cases[i].in);
            continue;
        }
        T_STR(ok ? doi : NULL, doi_cases[i].doi, "ident_doi(\"%s\")",
              doi_cases[i].in);
    }
    T_OK(!ident_doi("10.1103/PhysRevB.85.115117", doi, 10),
         "ident_doi: small buffer");
    return t_done();
}
