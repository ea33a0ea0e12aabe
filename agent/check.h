/* check.h: `paperwatch check` — run the config without fetching, list
 * every mistake with its file:line, or a summary of what it registers. */
#ifndef PW_CHECK_H
#define PW_CHECK_H

#include "pipeline.h"

/* Problems (one "file:line: message" a line) or the summary go to stdout.
 * EXIT_OK when the config is fine, EXIT_FATAL when anything is wrong (e
 * then says how many problems) or the host failed. */
int check_config(const struct run_opts *o, struct pw_err *e);

#endif
