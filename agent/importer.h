/* importer.h: `paperwatch import FILE`: an OPML subscription list becomes
 * a generated Lua file of sources (the user's init.lua is never touched),
 * and the arXiv metadata JSON Lines snapshot goes into the store, any
 * size, resumable, one transaction per batch, scored by the current rules
 * and never notified. */
#ifndef PW_IMPORTER_H
#define PW_IMPORTER_H

#include <stdint.h>

#include "log.h"
#include "util.h"

struct import_opts {
    const char *file;    /* the OPML or JSON Lines file */
    const char *config;  /* NULL: the built-in default (scoring) */
    const char *db;      /* JSON Lines: the store */
    const char *lua_out; /* OPML: the Lua file to write */
    long batch;          /* records per transaction, 0: 5000 */
    int progress;        /* a progress bar on stderr */
    int restart;         /* JSON Lines: from the start, not where it stopped */
    const struct log *log;
};

struct import_result {
    int opml;        /* which kind of file it was */
    long sources;    /* OPML: sources written */
    int64_t records; /* JSON Lines: records stored in this call */
    int64_t skipped; /* records of an earlier, interrupted call */
    int64_t bad;     /* malformed lines passed over (each told) */
    long nnew, nupdated;
};

/* 0, or -1 with e naming the file (and line) and what went wrong; records
 * committed before a failure stay, and the next call resumes after them. */
int importer_run(const struct import_opts *o, struct import_result *r,
                 struct pw_err *e);

#endif
