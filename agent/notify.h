/* notify.h: desktop notifications through libnotify. Knows nothing of the
 * store, feeds or Lua: the pipeline decides what to show and marks it. */
#ifndef PW_NOTIFY_H
#define PW_NOTIFY_H

#include "util.h"

struct notifier;

/* NULL with e filled when there is no notification service (no D-Bus
 * session, no daemon): the caller warns once and goes on. */
struct notifier *notify_open(const char *app_name, struct pw_err *e);
void notify_close(struct notifier *n);

/* Whether the server advertised capability cap ("actions", "body-markup",
 * "body-hyperlinks", "persistence", ...); 0 for a NULL notifier. */
int notify_has(const struct notifier *n, const char *cap);

struct notice {
    const char *title; /* plain text; sent as is: never markup */
    const char *body;  /* plain text; escaped if the server
                        * reads markup ("body-markup") */
    const char *url;   /* the paper's page, or NULL */
    int urgency;       /* 0 low, 1 normal, 2 critical */
};

int notify_show(struct notifier *n, const struct notice *nt, struct pw_err *e);

#endif
