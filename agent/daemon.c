/* daemon.c: `paperwatch daemon`, one GLib main loop for months.
 *
 * Between cycles the loop waits with a timeout for the next due source
 * (never longer than MAX_SLEEP, and the time is the wall clock read at
 * each wake, so a suspend or a clock jump is caught up within that);
 * during a cycle http.c iterates the same default context. Either way
 * notification actions (libnotify's signals) and our signal sources
 * (g_unix_signal_add: SIGTERM, SIGINT, SIGHUP) are dispatched as they
 * come; the signal callbacks only set a flag and quit the wait. A cycle
 * under way finishes (its transactions commit) before the daemon reloads
 * or stops.
 *
 * One daemon per database: an flock on "<db>.lock", which holds the
 * owner's pid for the one refused. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>

#include "daemon.h"
#include "digest.h"
#include "host.h"
#include "notices.h"
#include "notify.h"
#include "store.h"

/* The longest wait, in seconds: how late a due source or digest can be
 * noticed after a suspend or a clock jump. */
#define MAX_SLEEP 60
/* Seconds before a digest that failed to go out is tried again. */
#define DIGEST_RETRY 600

struct daemon {
    const struct run_opts *o; /* borrowed */
    struct host *host;        /* owned: the config in force */
    struct config cfg;
    struct store *store; /* owned: feedback and schedules */
    struct notifier *nt; /* owned, or NULL */
    int nt_warned;       /* said once that there is none */
    struct notices_feedback fb;
    GMainLoop *loop;      /* owned */
    int stop;             /* the signal that asks us to stop, or 0 */
    int reload;           /* SIGHUP arrived */
    int64_t digest_retry; /* no digest attempt before this */
    int lock_fd;
    char *lock_path; /* owned */
};

/* The pid in a lock file another daemon holds, or 0. */
static long
holder(int fd)
{
    char pid[32];
    ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

    if (n <= 0)
        return 0;
    pid[n] = '\0';
    return strtol(pid, NULL, 10);
}

/* Take "<db>.lock": create, flock, and make sure the file is still the one
 * at that path (a stopping daemon unlinks it between our open and flock). */
static int
lock_db(struct daemon *d, struct pw_err *e)
{
    struct stat a, b;
    char pid[32];
    int fd, n;

    d->lock_path = g_strconcat(d->o->db, ".lock", NULL);
    for (;;) {
        errno = 0;
        if ((fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
            return pw_errf(e, "%s: %s", d->lock_path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            int err = errno;
            long pid_held = holder(fd);
            close(fd);
            if (err != EWOULDBLOCK)
                return pw_errf(e, "%s: lock: %s", d->lock_path, strerror(err));
            return pw_errf(e,
                           "%s: another paperwatch daemon (pid %ld) is "
                           "running on this database (it holds %s)",
                           d->o->db, pid_held, d->lock_path);
        }
        if (fstat(fd, &a) == 0 && stat(d->lock_path, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            break;
        close(fd);
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int err = errno;
        unlink(d->lock_path);
        close(fd);
        return pw_errf(e, "%s: %s", d->lock_path, strerror(err));
    }
    d->lock_fd = fd;
    return 0;
}

static void
unlock_db(struct daemon *d)
{
    if (d->lock_fd >= 0) {
        unlink(d->lock_path); /* while we still hold it */
        close(d->lock_fd);
        d->lock_fd = -1;
    }
    g_free(d->lock_path);
    d->lock_path = NULL;
}

/* Load the config into a new host; only when that works does it replace
 * the one in force. */
static int
load_config(struct daemon *d, struct pw_err *e)
{
    struct config cfg;
    struct host *h = host_new(d->o->log, e);

    if (h == NULL)
        return -1;
    if (host_load_config(h, d->o->config, &cfg, e) < 0) {
        config_fini(&cfg);
        host_free(h);
        return -1;
    }
    if (d->host != NULL) {
        host_free(d->host);
        config_fini(&d->cfg);
    }
    d->host = h;
    d->cfg = cfg;
    return 0;
}

static void
say_digest(const struct daemon *d)
{
    if (d->cfg.digest != NULL && !d->cfg.digest->has_mail)
        log_info(d->o->log, "pw.digest has no mail = { ... }: the daemon "
                            "mails no digest (`paperwatch digest` shows it)");
}

static void
reload(struct daemon *d)
{
    struct pw_err e;

    d->reload = 0;
    if (load_config(d, &e) < 0) {
        log_error(d->o->log,
                  "config reload failed, keeping the config in "
                  "force: %s",
                  e.msg);
        return;
    }
    log_info(d->o->log, "config reloaded from %s: %zu sources", d->cfg.path,
             d->cfg.nsources);
    d->digest_retry = 0;
    say_digest(d);
}

/* A notifier that stays open, so that bubbles can offer actions; tried
 * again before each cycle while there is none (a desktop session may come
 * after the daemon). */
static void
open_notifier(struct daemon *d)
{
    struct pw_err e;

    if (d->nt != NULL || !d->cfg.has_notify)
        return;
    if ((d->nt = notify_open("paperwatch", &e)) == NULL) {
        if (!d->nt_warned)
            log_warn(d->o->log, "%s (tried again before each cycle)", e.msg);
        d->nt_warned = 1;
        return;
    }
    notify_on_event(d->nt, notices_on_event, &d->fb);
    if (d->nt_warned)
        log_info(d->o->log, "notifications: a notification service answers "
                            "now");
    d->nt_warned = 0;
}

/* When the next source is due (now or earlier: *due is set), bounded by
 * now + MAX_SLEEP. */
static int64_t
next_wake(struct daemon *d, int64_t now, int *due)
{
    struct source_state st;
    int64_t wake = now + MAX_SLEEP;
    struct pw_err e;

    *due = 0;
    source_state_init(&st);
    for (size_t i = 0; i < d->cfg.nsources; i++) {
        if (store_source_get(d->store, d->cfg.sources[i].name, &st, &e) < 0) {
            log_warn(d->o->log, "%s", e.msg);
            continue;
        }
        if (st.next_due <= now)
            *due = 1;
        else if (st.next_due < wake)
            wake = st.next_due;
    }
    source_state_fini(&st);
    return wake;
}

static void
cycle(struct daemon *d)
{
    struct run_opts ro = *d->o;
    struct pw_err e;
    int status;

    open_notifier(d);
    ro.host = d->host;
    ro.cfg = &d->cfg;
    ro.notifier = d->nt;
    ro.only = NULL;
    ro.all = 0;
    status = pipeline_run(&ro, &e);
    if (status == EXIT_FATAL || status == EXIT_USAGE)
        log_error(d->o->log, "cycle failed: %s", e.msg);
}

/* The digest at its time (pw.digest with mail; local time, the store's
 * record of the last one sent decides, so a wake after a suspend sends one,
 * not one per time missed, and never twice). A failed send is retried
 * after DIGEST_RETRY. *wake is brought forward to the next digest. */
static void
digest_step(struct daemon *d, int64_t now, int64_t *wake)
{
    struct digest_opts o = { .config = d->o->config,
                             .db = d->o->db,
                             .send = 1,
                             .log = d->o->log,
                             .host = d->host,
                             .cfg = &d->cfg };
    const struct digest_def *dd = d->cfg.digest;
    struct pw_err e;
    int64_t next = 0;
    int due;

    if (dd == NULL || !dd->has_mail || now < d->digest_retry)
        return;
    if ((due = pipeline_digest_due(dd, d->store, now, &next, &e)) < 0) {
        log_error(d->o->log, "digest: %s", e.msg);
        d->digest_retry = now + DIGEST_RETRY;
        return;
    }
    if (!due) {
        if (next > now && next < *wake)
            *wake = next;
        return;
    }
    if (pipeline_digest(&o, &e) != EXIT_OK) {
        log_error(d->o->log, "digest: %s (trying again in %d minutes)", e.msg,
                  DIGEST_RETRY / 60);
        d->digest_retry = now + DIGEST_RETRY;
    }
}

static gboolean
on_wake(gpointer ud)
{
    struct daemon *d = ud;

    g_main_loop_quit(d->loop);
    return G_SOURCE_CONTINUE; /* removed by sleep_until */
}

static gboolean
on_term(gpointer ud)
{
    struct daemon *d = ud;

    d->stop = SIGTERM;
    g_main_loop_quit(d->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_int(gpointer ud)
{
    struct daemon *d = ud;

    d->stop = SIGINT;
    g_main_loop_quit(d->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_hup(gpointer ud)
{
    struct daemon *d = ud;

    d->reload = 1;
    g_main_loop_quit(d->loop);
    return G_SOURCE_CONTINUE;
}

/* Wait for wake (wall clock), a signal, or MAX_SLEEP, whichever is first,
 * hearing notification actions meanwhile. */
static void
sleep_until(struct daemon *d, int64_t wake, int64_t now)
{
    int64_t secs = wake - now;
    guint timer;

    if (d->stop || d->reload)
        return;
    if (secs < 1)
        secs = 1;
    if (secs > MAX_SLEEP)
        secs = MAX_SLEEP;
    timer = g_timeout_add_seconds((guint)secs, on_wake, d);
    g_main_loop_run(d->loop);
    g_source_remove(timer);
}

static void
serve(struct daemon *d)
{
    int due, ran = 0;
    int64_t now, wake;

    while (!d->stop) {
        if (d->reload)
            reload(d);
        now = time_now();
        wake = next_wake(d, now, &due);
        /* a source still due right after a cycle (its state could not be
         * stored) waits a second rather than spinning */
        if (due && !ran) {
            cycle(d);
            ran = 1;
            continue;
        }
        ran = 0;
        digest_step(d, now, &wake);
        sleep_until(d, wake, time_now());
    }
}

int
daemon_run(const struct run_opts *o, struct pw_err *e)
{
    struct daemon d = { .o = o, .lock_fd = -1 };
    guint sigs[3] = { 0 };
    int status = EXIT_FATAL;

    if (load_config(&d, e) < 0)
        goto out;
    if ((d.store = store_open(o->db, e)) == NULL || lock_db(&d, e) < 0)
        goto out;
    d.fb.store = d.store;
    d.fb.log = o->log;
    d.loop = g_main_loop_new(NULL, FALSE);
    sigs[0] = g_unix_signal_add(SIGTERM, on_term, &d);
    sigs[1] = g_unix_signal_add(SIGINT, on_int, &d);
    sigs[2] = g_unix_signal_add(SIGHUP, on_hup, &d);
    log_info(o->log, "daemon: pid %ld, %zu sources from %s, database %s",
             (long)getpid(), d.cfg.nsources, d.cfg.path, o->db);
    say_digest(&d);
    serve(&d);
    log_info(o->log, "daemon: stopping (%s)",
             d.stop == SIGINT ? "SIGINT" : "SIGTERM");
    status = EXIT_OK;
out:
    for (size_t i = 0; i < 3; i++)
        if (sigs[i])
            g_source_remove(sigs[i]);
    if (d.loop)
        g_main_loop_unref(d.loop);
    notify_close(d.nt);
    unlock_db(&d);
    store_close(d.store);
    if (d.host) {
        host_free(d.host);
        config_fini(&d.cfg);
    }
    return status;
}
