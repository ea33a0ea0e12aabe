/* ident.h: recognising arXiv ids and DOIs in the shapes feeds write them. */
#ifndef PW_IDENT_H
#define PW_IDENT_H

#include <stddef.h>

/* Find an arXiv identifier in s: a bare id ("2401.12345v2", "hep-th/9901001"),
 * an "arXiv:" prefix, an abs/pdf/html URL on arxiv.org (any host form), an
 * "oai:arXiv.org:" guid, or a DOI 10.48550/arXiv.ID. On success writes the id
 * without version into id (size idsz) and the version (0 when none) into
 * *version, returns 1; else 0. */
int ident_arxiv(const char *s, char *id, size_t idsz, int *version);

/* Normalize a DOI (strip "doi:", resolver URLs, lower case) into out;
 * returns 1 when s holds a DOI, else 0. */
int ident_doi(const char *s, char *out, size_t outsz);

#endif
