/* cli.h: subcommands, options, output formats, exit statuses. */
#ifndef PW_CLI_H
#define PW_CLI_H

int cli_main(int argc, char **argv);

#endif
