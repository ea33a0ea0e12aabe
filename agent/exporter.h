/* exporter.h: `paperwatch export`: stored papers as BibTeX, JSON Lines or
 * a JSON Feed; the configured sources as OPML. */
#ifndef PW_EXPORTER_H
#define PW_EXPORTER_H

#include <stdio.h>

#include "log.h"
#include "store.h"
#include "util.h"

enum export_format { EXPORT_BIBTEX, EXPORT_JSON, EXPORT_JSONFEED, EXPORT_OPML };

struct export_opts {
    enum export_format format;
    const char *config;   /* OPML: the sources of this config */
    const char *db;       /* papers */
    char **keys;          /* borrowed: papers as people type keys, or none */
    int nkeys;            /* 0: the papers q selects */
    struct store_query q; /* when no keys */
    FILE *out;
    const struct log *log;
};

/* 0, or -1 with e filled. *missing counts keys that name no stored paper
 * (each reported on the log); the others are exported all the same. */
int exporter_run(const struct export_opts *o, int *missing, struct pw_err *e);

/* One BibTeX entry for r, its key made unique among `used` (which gets
 * it). Exposed for the unit tests. */
void exporter_bibtex(const struct store_row *r, struct strv *used,
                     struct buf *b);

#endif
