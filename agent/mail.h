/* mail.h: one message over SMTP or SMTPS, through libcurl: composed as
 * multipart/alternative (text and HTML) with RFC 2047 encoded headers, a
 * Date and a Message-ID. Knows nothing of digests or Lua. */
#ifndef PW_MAIL_H
#define PW_MAIL_H

#include <stdint.h>

#include "util.h"

struct mail_server {
    const char *url;  /* borrowed: smtp://host[:port] or smtps://host[:port] */
    const char *user; /* borrowed: login name, or NULL: no login */
    /* borrowed: run with /bin/sh -c (no terminal input); the first line
     * of its output is the password. NULL: no password. */
    const char *password_command;
    long timeout; /* seconds for the whole exchange, 0: 120 */
};

struct mail_msg {
    const char *from;      /* borrowed: "a@b" or "Name <a@b>" */
    const struct strv *to; /* borrowed: one or more addresses */
    const char *subject;   /* borrowed: any UTF-8; control characters
                              become spaces */
    const char *text;      /* borrowed: the text/plain part */
    const char *html;      /* borrowed: the text/html part, or NULL */
};

/* The message as sent: CRLF lines, headers then the MIME body. -1 (e) when
 * an address is empty or holds a line break. */
int mail_compose(const struct mail_msg *m, int64_t now, struct buf *out,
                 struct pw_err *e);

/* Send it. STARTTLS is required on smtp:// unless the host is loopback
 * (127.0.0.0/8, ::1, localhost); smtps:// is TLS from the start;
 * certificates are always verified. -1 with e naming the server and what
 * failed: the password command, the connection, the login, a refused
 * recipient. */
int mail_send(const struct mail_server *srv, const struct mail_msg *m,
              struct pw_err *e);

/* Run a password command: the first line of what it prints, without the
 * line break. -1 (e) when it cannot run, fails or prints nothing. The
 * error never holds the output. */
int mail_password(const char *command, struct buf *out, struct pw_err *e);

#endif
