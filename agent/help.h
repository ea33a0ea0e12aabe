/* help.h: `paperwatch COMMAND --help`: each command's synopsis and
 * options, one table. */
#ifndef PW_HELP_H
#define PW_HELP_H

/* The help text of a command, or NULL when it has none here. */
const char *help_for(const char *command);

#endif
