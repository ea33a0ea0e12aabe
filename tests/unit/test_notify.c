/* test_notify.c: notify_open/notify_show/notify_close against no bus, a bus
 * with nobody on it, and dbusmock's notification daemon on a private bus
 * (tests/integration/notifyd.py --serve), reading what arrived from the
 * mock's log. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "t.h"

#define PYTHON "/usr/bin/python3"
#define NOTIFYD PW_SRCDIR "/tests/integration/notifyd.py"
#define APP "paperwatch-test"

struct daemon {
    pid_t pid;
    int in; /* our end of its stdin: closing it stops it */
    char addr[1024];
    char log[1024];
};

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
chomp(char *s)
{
    s[strcspn(s, "\n")] = '\0';
}

/* 1 started, 0 cannot be here (why says so), -1 failed (why says so). */
static int
daemon_start(struct daemon *d, const char *arg1, const char *arg2, char *why,
             size_t whylen)
{
    int in[2], out[2];
    FILE *f;

    memset(d, 0, sizeof(*d));
    d->pid = -1;
    if (access(PYTHON, X_OK) != 0) {
        snprintf(why, whylen, "%s not found", PYTHON);
        return 0;
    }
    if (pipe(in) < 0 || pipe(out) < 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    d->pid = fork();
    if (d->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        execl(PYTHON, PYTHON, NOTIFYD, "--serve", arg1, arg2, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    d->in = in[1];
    f = fdopen(out[0], "r");
    if (fgets(d->addr, sizeof(d->addr), f) == NULL)
        d->addr[0] = '\0';
    if (strncmp(d->addr, "unix:", 5) == 0 &&
        fgets(d->log, sizeof(d->log), f) == NULL)
        d->log[0] = '\0';
    fclose(f);
    chomp(d->addr);
    chomp(d->log);
    if (strncmp(d->addr, "SKIP ", 5) == 0) {
        snprintf(why, whylen, "%s", d->addr + 5);
        return 0;
    }
    if (strncmp(d->addr, "unix:", 5) != 0 || d->log[0] == '\0') {
        snprintf(why, whylen, "notifyd.py --serve said \"%.200s\"", d->addr);
        return -1;
    }
    return 1;
}

static void
daemon_stop(struct daemon *d)
{
    if (d->pid <= 0)
        return;
    close(d->in);
    kill(d->pid, SIGTERM);
    waitpid(d->pid, NULL, 0);
    d->pid = -1;
}

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    size_t n;

    if (f == NULL)
        return calloc(1, 1);
    s = calloc(1, 1 << 20);
    n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The last logged Notify record (its first line) from its "Notify ". */
static void
last_notify(const char *path, char *out, size_t n)
{
    char *log = slurp(path);
    const char *p = log, *last = "";

    while ((p = strstr(p, " Notify \"")) != NULL)
        last = ++p;
    snprintf(out, n, "%.*s", (int)strcspn(last, "\n"), last);
    free(log);
}

static void
test_no_bus(void)
{
    struct notifier *n;
    struct pw_err e = { "" };
    double t0;

    unsetenv("DISPLAY");
    setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/pw-test/bus", 1);
    t0 = now();
    n = notify_open(APP, &e);
    T_OK(n == NULL, "notify_open: no bus at the address gives NULL");
    T_OK(strstr(e.msg, "no desktop notification service (no D-Bus session "
                       "bus: ") == e.msg,
         "notify_open: no bus at the address says so: %s", e.msg);
    T_OK(strstr(e.msg, "notifications skipped") != NULL,
         "notify_open: message ends saying what happens");
    T_OK(now() - t0 < 2.0, "notify_open: no bus fails fast (%.2fs)",
         now() - t0);

    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    setenv("XDG_RUNTIME_DIR", "/nonexistent/pw-test", 1);
    e.msg[0] = '\0';
    t0 = now();
    n = notify_open(APP, &e);
    T_OK(n == NULL && strstr(e.msg, "DBUS_SESSION_BUS_ADDRESS is unset"),
         "notify_open: no session configured: %s", e.msg);
    T_OK(now() - t0 < 0.5, "notify_open: ... fails at once (%.2fs)",
         now() - t0);
    notify_close(NULL);
    T_OK(!notify_has(NULL, "body"), "notify_has(NULL) is 0");
}

static void
test_no_daemon(void)
{
    struct daemon d;
    struct notifier *n;
    struct pw_err e = { "" };
    char why[512];
    double t0;
    int st = daemon_start(&d, "--no-daemon", NULL, why, sizeof(why));

    if (st <= 0) {
        printf("%s - notify_open: bus without a daemon%s%s\n",
               st ? "not ok" : "ok", st ? ": " : " # skip ", why);
        t_failed += st < 0;
        daemon_stop(&d);
        return;
    }
    setenv("DBUS_SESSION_BUS_ADDRESS", d.addr, 1);
    t0 = now();
    n = notify_open(APP, &e);
    T_OK(n == NULL && strstr(e.msg, "(no notification daemon answered: ") &&
             strstr(e.msg, "org.freedesktop.Notifications"),
         "notify_open: bus without a daemon: %s", e.msg);
    T_OK(now() - t0 < 2.0, "notify_open: ... fails fast (%.2fs)", now() - t0);
    notify_close(n);
    daemon_stop(&d);
}

static void
on_event(void *ud, const char *tag, const char *url, enum notify_event ev)
{
    (void)ud, (void)tag, (void)url, (void)ev;
}

static void
test_markup(void)
{
    struct daemon d;
    struct notifier *n;
    struct pw_err e = { "" };
    struct notice nt = { .title = "Scaling <b>& laws",
                         .body = "<script>x</script> & \"q\" 'a'",
                         .url = "https://arxiv.org/abs/2401.00001",
                         .urgency = 2 };
    char why[512], rec[4096];
    int st = daemon_start(&d, NULL, NULL, why, sizeof(why));

    if (st <= 0) {
        printf("%s - notify_show: dbusmock daemon%s%s\n", st ? "not ok" : "ok",
               st ? ": " : " # skip ", why);
        t_failed += st < 0;
        daemon_stop(&d);
        return;
    }
    setenv("DBUS_SESSION_BUS_ADDRESS", d.addr, 1);
    n = notify_open(APP, &e);
    T_OK(n != NULL, "notify_open: dbusmock answers (%s)", e.msg);
    if (n == NULL)
        goto out;
    T_OK(notify_has(n, "body-markup") && !notify_has(n, "actions"),
         "notify_has: the template's capabilities");
    T_OK(notify_show(n, &nt, &e) == 0, "notify_show: markup server (%s)",
         e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strncmp(rec,
                 "Notify \"" APP "\" 0 \"paperwatch\" \"Scaling <b>& laws\" "
                 "\"&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot; "
                 "&#39;a&#39;\" [] {",
                 strlen("Notify \"" APP "\" 0 \"paperwatch\" \"Scaling <b>& "
                        "laws\" \"&lt;script&gt;x&lt;/script&gt; &amp; "
                        "&quot;q&quot; &#39;a&#39;\" [] {")) == 0,
         "notify_show: app, installed icon, summary as is, body escaped: %s",
         rec);
    T_OK(strstr(rec, "\"urgency\": 2") != NULL, "notify_show: urgency 2");
    T_OK(strstr(rec, "\"category\": \"x-paperwatch.paper\"") != NULL,
         "notify_show: category hint");
    T_OK(strstr(rec, "\"desktop-entry\": \"paperwatch\"") != NULL,
         "notify_show: desktop-entry hint");
    T_OK(strlen(rec) > 4 && strcmp(rec + strlen(rec) - 4, "} -1") == 0,
         "notify_show: default timeout");

    nt.title = "caf\xe9 \xff";
    nt.body = NULL;
    nt.urgency = -3;
    T_OK(notify_show(n, &nt, &e) == 0, "notify_show: bad UTF-8, no body (%s)",
         e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strstr(rec, "\"caf\xef\xbf\xbd \xef\xbf\xbd\" \"\" [] {") != NULL,
         "notify_show: invalid UTF-8 repaired, NULL body empty: %s", rec);
    T_OK(strstr(rec, "\"urgency\": 0") != NULL, "notify_show: urgency low");
out:
    notify_close(n);
    daemon_stop(&d);
}

static void
test_plain(void)
{
    struct daemon d;
    struct notifier *n;
    struct pw_err e = { "" };
    struct notice nt = { .title = "T <i>",
                         .body = "<script> & x",
                         .urgency = 1 };
    char why[512], rec[4096];
    int st = daemon_start(&d, "--caps", "body actions", why, sizeof(why));

    if (st <= 0) {
        printf("%s - notify_show: plain-text daemon%s%s\n",
               st ? "not ok" : "ok", st ? ": " : " # skip ", why);
        t_failed += st < 0;
        daemon_stop(&d);
        return;
    }
    setenv("DBUS_SESSION_BUS_ADDRESS", d.addr, 1);
    n = notify_open(APP, &e);
    T_OK(n != NULL, "notify_open: again, on another bus (%s)", e.msg);
    if (n == NULL)
        goto out;
    T_OK(!notify_has(n, "body-markup") && notify_has(n, "actions"),
         "notify_has: capabilities of the new server");
    T_OK(notify_show(n, &nt, &e) == 0, "notify_show: plain server (%s)", e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strstr(rec, "\"T <i>\" \"<script> & x\" [] {") != NULL,
         "notify_show: no body-markup: body sent as is: %s", rec);
    T_OK(strstr(rec, "\"urgency\": 1") != NULL, "notify_show: urgency 1");

    /* Actions only with someone to hear them, "Open" only for the web. */
    nt.tag = "arxiv:2401.00001";
    nt.url = "https://arxiv.org/abs/2401.00001";
    T_OK(!notify_offers_actions(n) && notify_show(n, &nt, &e) == 0,
         "notify_show: no event callback (%s)", e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strstr(rec, "\" [] {") != NULL, "notify_show: ... no actions: %s",
         rec);
    notify_on_event(n, on_event, NULL);
    T_OK(notify_offers_actions(n) && notify_show(n, &nt, &e) == 0,
         "notify_show: with a callback (%s)", e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strstr(rec, "[\"default\", \"Open\", \"open\", \"Open\", \"star\", "
                     "\"Star\"]") != NULL,
         "notify_show: ... Open and Star offered: %s", rec);
    nt.url = "javascript:alert(1)";
    T_OK(notify_show(n, &nt, &e) == 0, "notify_show: a non-web url (%s)",
         e.msg);
    last_notify(d.log, rec, sizeof(rec));
    T_OK(strstr(rec, "\" [\"star\", \"Star\"] {") != NULL,
         "notify_show: ... Star only: %s", rec);
    nt.tag = NULL;
    nt.url = NULL;

    /* The bus goes away under us: an error, not SIGTERM from GIO. */
    daemon_stop(&d);
    usleep(200 * 1000);
    e.msg[0] = '\0';
    T_OK(notify_show(n, &nt, &e) == -1 && e.msg[0] != '\0',
         "notify_show: bus gone gives an error: %s", e.msg);
out:
    notify_close(n);
    daemon_stop(&d);
}

/* An installed paperwatch icon, found where GLib looks: set up before any
 * GLib call, as GLib reads the XDG variables once. */
static char *
fake_icon_home(void)
{
    char tmpl[] = "/tmp/pw-test-notify-XXXXXX", path[512];
    const char *parts[] = { "/icons", "/icons/hicolor",
                            "/icons/hicolor/scalable",
                            "/icons/hicolor/scalable/apps" };
    char *dir = mkdtemp(tmpl);
    size_t i;
    FILE *f;

    if (dir == NULL)
        return NULL;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", dir, parts[i]);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof(path),
             "%s/icons/hicolor/scalable/apps/paperwatch.svg", dir);
    if ((f = fopen(path, "w")) != NULL) {
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n", f);
        fclose(f);
    }
    setenv("XDG_DATA_HOME", dir, 1);
    setenv("XDG_DATA_DIRS", "/nonexistent/pw-test", 1);
    return strdup(dir);
}

static void
remove_icon_home(char *dir)
{
    const char *parts[] = { "/icons/hicolor/scalable/apps/paperwatch.svg",
                            "/icons/hicolor/scalable/apps",
                            "/icons/hicolor/scalable",
                            "/icons/hicolor",
                            "/icons",
                            "" };
    char path[512];
    size_t i;

    if (dir == NULL)
        return;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", dir, parts[i]);
        remove(path);
    }
    free(dir);
}

int
main(void)
{
    char *home = fake_icon_home();

    setvbuf(stdout, NULL, _IOLBF, 0);
    test_no_bus();
    test_no_daemon();
    test_markup();
    test_plain();
    remove_icon_home(home);
    return t_done();
}
