/* notify.c: desktop notifications through libnotify, following the Desktop
 * Notifications Specification 1.2 (org.freedesktop.Notifications on the
 * session bus).
 *
 * libnotify talks D-Bus synchronously and keeps process-wide state (the app
 * name, one proxy on the shared session bus), so notify_open() first finds
 * out cheaply whether anyone will answer: no session bus configured at all
 * fails without touching D-Bus; a bus that cannot be reached fails as fast
 * as connect() does; a daemon that does not answer gives up after
 * PROBE_MS. Only then is libnotify initialised.
 *
 * libnotify is not linked but loaded by the first notify_open() that finds
 * a session bus (dl.h), and GIO and GObject with it: the functions of
 * theirs used here are resolved through libnotify's handle. Linked, they
 * and what they need (GDK-Pixbuf, libpng, libjpeg, libmount, SELinux: 12
 * libraries) would cost every command 2 MiB and 1 ms, notifying or not.
 * GLib itself stays linked: http.c's main loop is GLib's.
 *
 * Actions (notify_on_event): a bubble that offers them is kept (a ref and
 * a record of its tag and url) until the server says it closed, because
 * libnotify delivers ActionInvoked and NotificationClosed to the
 * NotifyNotification object, on the default main context. At most
 * MAX_LIVE are kept: a server that never closes them cannot make a
 * long-running daemon grow.
 *
 * NOTE: one notifier at a time: notify_close() uninitialises libnotify for
 * the whole process. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <libnotify/notify.h>

#include "dl.h"
#include "notify.h"
#include "text.h"

#ifndef PW_NOTIFY_SONAME
#define PW_NOTIFY_SONAME "libnotify.so.4" /* Debian's libnotify4 */
#endif

#define SERVICE "org.freedesktop.Notifications"
#define SERVICE_PATH "/org/freedesktop/Notifications"
#define SKIPPED                                                                \
    "no desktop notification service (%s: %s): notifications skipped"
/* How long a daemon that owns the name (or is being D-Bus activated) gets
 * to answer GetServerInformation; libnotify's own calls wait 25 s. */
#define PROBE_MS 5000
/* The spec reserves "x-vendor.class" for categories of its own. */
#define CATEGORY "x-paperwatch.paper"
#define DESKTOP_ENTRY "paperwatch"
#define ICON "paperwatch"
#define ICON_FALLBACK "dialog-information"
/* Bubbles with actions kept to hear about; the oldest is let go first. */
#define MAX_LIVE 64

/* The libnotify functions this file calls, without their "notify_" prefix:
 * notify.init() is notify_init(), by a pointer of its own type. */
#define NOTIFY_FNS(X)                                                          \
    X(init)                                                                    \
    X(uninit)                                                                  \
    X(get_server_caps)                                                         \
    X(notification_new)                                                        \
    X(notification_set_app_name)                                               \
    X(notification_set_urgency)                                                \
    X(notification_set_category)                                               \
    X(notification_set_hint)                                                   \
    X(notification_set_timeout)                                                \
    X(notification_show)                                                       \
    X(notification_add_action)                                                 \
    X(notification_clear_actions)                                              \
    X(notification_get_closed_reason)

/* And those of GIO and GObject, which libnotify brings: gio.object_unref()
 * is g_object_unref(). */
#define GIO_FNS(X)                                                             \
    X(bus_get_sync)                                                            \
    X(dbus_connection_set_exit_on_close)                                       \
    X(dbus_connection_call_sync)                                               \
    X(dbus_error_strip_remote_error)                                           \
    X(object_unref)                                                            \
    X(signal_connect_data)                                                     \
    X(signal_handlers_disconnect_matched)

static struct notify_fns {
#define PTR(f) __typeof__(notify_##f) *f;
    NOTIFY_FNS(PTR)
#undef PTR
} notify;

static struct gio_fns {
#define PTR(f) __typeof__(g_##f) *f;
    GIO_FNS(PTR)
#undef PTR
} gio;

struct notifier {
    GDBusConnection *bus; /* owned: the shared session bus libnotify uses */
    char *app_name;       /* owned */
    const char *icon;     /* borrowed: ICON or ICON_FALLBACK */
    struct strv caps;     /* owned: what GetCapabilities answered */
    int body_markup;      /* the server parses markup in the body */
    notify_event_fn fn;   /* or NULL: no actions offered */
    void *ud;
    GQueue live; /* of struct live, oldest first */
};

/* A bubble with actions, kept until the server closes it. */
struct live {
    struct notifier *n;     /* borrowed */
    NotifyNotification *nn; /* owned: one reference */
    char *tag;              /* owned */
    char *url;              /* owned, or NULL */
    int acted;              /* an action was invoked: closing is no
                             * dismissal */
};

/* Where an installed paperwatch icon can be, below each XDG data dir
 * (hicolor is the theme every icon theme inherits from). */
static const char *const icon_paths[] = {
    "icons/hicolor/scalable/apps/" ICON ".svg",
    "icons/hicolor/256x256/apps/" ICON ".png",
    "icons/hicolor/128x128/apps/" ICON ".png",
    "icons/hicolor/64x64/apps/" ICON ".png",
    "icons/hicolor/48x48/apps/" ICON ".png",
    "icons/hicolor/32x32/apps/" ICON ".png",
    "pixmaps/" ICON ".svg",
    "pixmaps/" ICON ".png",
};

/* Whether GIO has any way to find a session bus. Without an address, a
 * $XDG_RUNTIME_DIR/bus socket or an X display it would spawn dbus-launch
 * just to hear it fail: a cron job or a server has none of them. */
static int
session_bus_configured(void)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    struct stat st;
    char *path;
    int ok;

    if (!str_empty(getenv("DBUS_SESSION_BUS_ADDRESS")) ||
        !str_empty(getenv("DISPLAY")))
        return 1;
    if (str_empty(rt))
        return 0;
    path = g_build_filename(rt, "bus", NULL);
    ok = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
    g_free(path);
    return ok;
}

static int
has_file(const char *dir, const char *rel)
{
    char *path = g_build_filename(dir, rel, NULL);
    int ok = g_file_test(path, G_FILE_TEST_IS_REGULAR);

    g_free(path);
    return ok;
}

/* The server resolves icon names and says nothing when one is missing, so
 * look for ours where it would be installed and fall back to a stock name
 * every icon theme has. */
static const char *
find_icon(void)
{
    const char *const *dirs = g_get_system_data_dirs();
    size_t i, j;

    for (i = 0; i < G_N_ELEMENTS(icon_paths); i++) {
        if (has_file(g_get_user_data_dir(), icon_paths[i]))
            return ICON;
        for (j = 0; dirs[j] != NULL; j++)
            if (has_file(dirs[j], icon_paths[i]))
                return ICON;
    }
    return ICON_FALLBACK;
}

/* A GError's message without GDBus's "GDBus.Error:org.x.Y: " prefix. */
static const char *
gerr_msg(GError *err)
{
    if (err == NULL)
        return "unknown error";
    gio.dbus_error_strip_remote_error(err);
    return err->message;
}

/* Ask the daemon who it is, with a deadline: the cheapest call that proves
 * a notification server answers (or gets D-Bus activated). */
static int
probe(GDBusConnection *bus, struct pw_err *e)
{
    GError *err = NULL;
    GVariant *res;

    res = gio.dbus_connection_call_sync(
        bus, SERVICE, SERVICE_PATH, SERVICE, "GetServerInformation", NULL,
        G_VARIANT_TYPE("(ssss)"), G_DBUS_CALL_FLAGS_NONE, PROBE_MS, NULL, &err);
    if (res == NULL) {
        pw_errf(e, SKIPPED, "no notification daemon answered", gerr_msg(err));
        g_error_free(err);
        return -1;
    }
    g_variant_unref(res);
    return 0;
}

/* Resolve NOTIFY_FNS and GIO_FNS once, at the first use. */
static int
load_libnotify(struct pw_err *e)
{
    static const struct dl_sym notify_syms[] = {
#define SYM(f) { "notify_" #f, offsetof(struct notify_fns, f) },
        NOTIFY_FNS(SYM)
#undef SYM
    };
    static const struct dl_sym gio_syms[] = {
#define SYM(f) { "g_" #f, offsetof(struct gio_fns, f) },
        GIO_FNS(SYM)
#undef SYM
    };
    static int loaded;
    struct pw_err le;

    if (!loaded &&
        dl_load(PW_NOTIFY_SONAME, notify_syms, DL_COUNT(notify_syms), &notify,
                &le) == 0 &&
        dl_load(PW_NOTIFY_SONAME, gio_syms, DL_COUNT(gio_syms), &gio, &le) == 0)
        loaded = 1;
    if (!loaded)
        return pw_errf(e, "%s: notifications skipped", le.msg);
    return 0;
}

static void
load_caps(struct notifier *n)
{
    GList *caps = notify.get_server_caps(), *l;

    for (l = caps; l != NULL; l = l->next)
        strv_add(&n->caps, l->data);
    g_list_free_full(caps, g_free);
    /* Per the spec the body may carry markup only when the server says
     * "body-markup"; elsewhere markup shows through as text. */
    n->body_markup = strv_has(&n->caps, "body-markup");
}

struct notifier *
notify_open(const char *app_name, struct pw_err *e)
{
    struct notifier *n = NULL;
    GDBusConnection *bus = NULL;
    GError *err = NULL;

    if (str_empty(app_name))
        app_name = "paperwatch";
    if (!session_bus_configured()) {
        pw_errf(e, SKIPPED, "no D-Bus session bus",
                "DBUS_SESSION_BUS_ADDRESS is unset, no $XDG_RUNTIME_DIR/bus, "
                "no DISPLAY");
        goto out;
    }
    if (load_libnotify(e) < 0)
        goto out;
    bus = gio.bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);
    if (bus == NULL) {
        pw_errf(e, SKIPPED, "no D-Bus session bus", gerr_msg(err));
        goto out;
    }
    /* GIO's shared bus connection raises SIGTERM in the process when the
     * bus goes away (the desktop session ends); paperwatch daemon should
     * rather go on headless and see notify_show() fail. */
    gio.dbus_connection_set_exit_on_close(bus, FALSE);
    if (probe(bus, e) < 0)
        goto out;
    if (!notify.init(app_name)) {
        pw_errf(e, "notifications: libnotify would not initialise");
        goto out;
    }
    n = xcalloc(1, sizeof(*n));
    n->bus = bus;
    bus = NULL;
    n->app_name = xstrdup(app_name);
    strv_init(&n->caps);
    g_queue_init(&n->live);
    load_caps(n);
    n->icon = find_icon();
out:
    g_clear_error(&err);
    if (bus != NULL)
        gio.object_unref(bus);
    return n;
}

/* Forget a kept bubble: its callbacks go first, so nothing can reach the
 * freed record even if libnotify still holds the object. */
static void
live_drop(struct live *lv)
{
    g_queue_remove(&lv->n->live, lv);
    gio.signal_handlers_disconnect_matched(lv->nn, G_SIGNAL_MATCH_DATA, 0, 0,
                                           NULL, NULL, lv);
    notify.notification_clear_actions(lv->nn);
    gio.object_unref(lv->nn);
    g_free(lv->tag);
    g_free(lv->url);
    g_free(lv);
}

void
notify_close(struct notifier *n)
{
    if (n == NULL)
        return;
    while (!g_queue_is_empty(&n->live))
        live_drop(g_queue_peek_head(&n->live));
    notify.uninit();
    gio.object_unref(n->bus);
    strv_fini(&n->caps);
    free(n->app_name);
    free(n);
}

int
notify_has(const struct notifier *n, const char *cap)
{
    return n != NULL && strv_has(&n->caps, cap);
}

/* D-Bus refuses strings that are not UTF-8 (GVariant would complain on
 * stderr and drop the call): repair rather than lose the notification. */
static char *
utf8_dup(const char *s)
{
    if (s == NULL)
        return g_strdup("");
    return g_utf8_make_valid(s, -1);
}

void
notify_on_event(struct notifier *n, notify_event_fn fn, void *ud)
{
    n->fn = fn;
    n->ud = ud;
}

int
notify_offers_actions(const struct notifier *n)
{
    return n != NULL && n->fn != NULL && notify_has(n, "actions");
}

static void
on_action(NotifyNotification *nn, char *action, gpointer ud)
{
    struct live *lv = ud;
    enum notify_event ev =
        strcmp(action, "star") == 0 ? NOTIFY_STAR : NOTIFY_OPEN;

    (void)nn;
    lv->acted = 1;
    lv->n->fn(lv->n->ud, lv->tag, lv->url, ev);
}

/* The spec's reasons: 1 expired, 2 dismissed by the user, 3 closed by
 * CloseNotification, 4 undefined. */
static void
on_closed(NotifyNotification *nn, gpointer ud)
{
    struct live *lv = ud;

    if (notify.notification_get_closed_reason(nn) == 2 && !lv->acted)
        lv->n->fn(lv->n->ud, lv->tag, lv->url, NOTIFY_DISMISSED);
    live_drop(lv);
}

static int
is_web_url(const char *url)
{
    return url != NULL && (g_ascii_strncasecmp(url, "https://", 8) == 0 ||
                           g_ascii_strncasecmp(url, "http://", 7) == 0);
}

/* "Open" (and a click on the bubble) only for a page a browser should
 * open; "Star" always. The record lives until the bubble closes. */
static struct live *
add_actions(struct notifier *n, NotifyNotification *nn, const struct notice *nt)
{
    struct live *lv = g_new0(struct live, 1);

    lv->n = n;
    lv->tag = utf8_dup(nt->tag);
    lv->url = is_web_url(nt->url) ? g_strdup(nt->url) : NULL;
    if (lv->url) {
        notify.notification_add_action(nn, "default", "Open", on_action, lv,
                                       NULL);
        notify.notification_add_action(nn, "open", "Open", on_action, lv, NULL);
    }
    notify.notification_add_action(nn, "star", "Star", on_action, lv, NULL);
    gio.signal_connect_data(nn, "closed", G_CALLBACK(on_closed), lv, NULL, 0);
    return lv;
}

static NotifyUrgency
urgency(int u)
{
    if (u <= 0)
        return NOTIFY_URGENCY_LOW;
    if (u == 1)
        return NOTIFY_URGENCY_NORMAL;
    return NOTIFY_URGENCY_CRITICAL;
}

int
notify_show(struct notifier *n, const struct notice *nt, struct pw_err *e)
{
    NotifyNotification *nn = NULL;
    struct live *lv = NULL;
    GError *err = NULL;
    struct buf body;
    char *summary = NULL, *text = NULL;
    int rc = -1;

    buf_init(&body);
    if (n == NULL)
        return pw_errf(e, "notifications are not open");
    /* The summary is plain text by the spec, which defines no capability
     * for summary markup: servers that advertise "body-markup" still show
     * the summary verbatim, so escaping it would put "&amp;" on screen. */
    summary = utf8_dup(nt->title);
    text = utf8_dup(nt->body);
    if (n->body_markup)
        text_markup_escape(&body, text);
    else
        buf_adds(&body, text);
    nn = notify.notification_new(summary, body.p ? body.p : "", n->icon);
    notify.notification_set_app_name(nn, n->app_name);
    notify.notification_set_urgency(nn, urgency(nt->urgency));
    notify.notification_set_category(nn, CATEGORY);
    notify.notification_set_hint(nn, "desktop-entry",
                                 g_variant_new_string(DESKTOP_ENTRY));
    notify.notification_set_timeout(nn, NOTIFY_EXPIRES_DEFAULT);
    if (nt->tag != NULL && notify_offers_actions(n))
        lv = add_actions(n, nn, nt);
    if (!notify.notification_show(nn, &err)) {
        pw_errf(e, "notification \"%s\": %s", summary, gerr_msg(err));
        goto out;
    }
    if (lv != NULL) { /* kept until closed: the reference moves to it */
        if (g_queue_get_length(&n->live) >= MAX_LIVE)
            live_drop(g_queue_peek_head(&n->live));
        lv->nn = nn;
        g_queue_push_tail(&n->live, lv);
        lv = NULL;
        nn = NULL;
    }
    rc = 0;
out:
    g_clear_error(&err);
    if (lv != NULL) { /* not shown: nothing will close it */
        lv->nn = nn;
        g_queue_push_tail(&n->live, lv);
        live_drop(lv);
        nn = NULL;
    }
    if (nn != NULL)
        gio.object_unref(nn);
    g_free(summary);
    g_free(text);
    buf_fini(&body);
    return rc;
}
