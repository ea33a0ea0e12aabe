/* daemon.h: `paperwatch daemon`: cycles when sources are due, digests at
 * their times, notification actions heard while it waits, the config
 * reloaded on SIGHUP, a clean stop on SIGTERM/SIGINT, one daemon per
 * database. */
#ifndef PW_DAEMON_H
#define PW_DAEMON_H

#include "pipeline.h"

/* Runs until SIGTERM or SIGINT: EXIT_OK then; EXIT_FATAL with e when it
 * cannot start (a broken config, an unusable database, another daemon
 * holding the database's lock). */
int daemon_run(const struct run_opts *o, struct pw_err *e);

#endif
