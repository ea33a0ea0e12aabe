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
    const char *tag;   /* handed back to the event callback (the
                        * paper's key), or NULL: no actions */
};

int notify_show(struct notifier *n, const struct notice *nt, struct pw_err *e);

/* What the reader did with a bubble that had a tag. */
enum notify_event {
    NOTIFY_OPEN,      /* "Open", or a click on the bubble ("default") */
    NOTIFY_STAR,      /* "Star" */
    NOTIFY_DISMISSED, /* closed by the reader without an action (reason 2) */
};

/* tag and url are borrowed for the call only. */
typedef void (*notify_event_fn)(void *ud, const char *tag, const char *url,
                                enum notify_event ev);

/* With a callback set and a server that says "actions", bubbles with a tag
 * offer "Open" (when they have an http(s) url) and "Star", and the
 * notifier keeps them until the server closes them, to hear what the
 * reader did: ActionInvoked and NotificationClosed arrive on the GLib main
 * loop, so only a process that keeps iterating it (the daemon) hears them.
 * Without one (`run`, which exits at once) bubbles offer nothing that
 * would go unheard. */
void notify_on_event(struct notifier *n, notify_event_fn fn, void *ud);

/* Whether bubbles shown now offer actions. */
int notify_offers_actions(const struct notifier *n);

#endif
