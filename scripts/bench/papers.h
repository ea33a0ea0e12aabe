/* papers.h: what the bare bench programs (lua_bare.c, hs_bare.c) share:
 * the papers they time, read as "title\tabstract" lines, and the clock. */
#ifndef BENCH_PAPERS_H
#define BENCH_PAPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct papers {
    char **title, **abstract; /* owned, n of each */
    size_t n;
};

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every "title\tabstract" line of in; a line without a tab is skipped. */
static void
papers_read(struct papers *p, FILE *in)
{
    char *line = NULL, *tab;
    size_t cap = 0, len = 0;

    p->title = p->abstract = NULL;
    p->n = 0;
    while (getline(&line, &len, in) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if ((tab = strchr(line, '\t')) == NULL)
            continue;
        *tab = '\0';
        if (p->n == cap) {
            cap = cap ? 2 * cap : 1024;
            p->title = realloc(p->title, cap * sizeof(*p->title));
            p->abstract = realloc(p->abstract, cap * sizeof(*p->abstract));
            if (p->title == NULL || p->abstract == NULL)
                abort();
        }
        p->title[p->n] = strdup(line);
        p->abstract[p->n++] = strdup(tab + 1);
    }
    free(line);
}

static void
papers_free(struct papers *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->title[i]);
        free(p->abstract[i]);
    }
    free(p->title);
    free(p->abstract);
}

#endif
