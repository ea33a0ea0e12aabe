/* test_digest.c: the digest schedule (local time) and mail composition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "mail.h"
#include "t.h"

/* Local time "YYYY-MM-DD HH:MM" as seconds. */
static int64_t
local(const char *s)
{
    struct tm tm = { 0 };

    sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
           &tm.tm_hour, &tm.tm_min);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static void
test_schedule(void)
{
    static const struct {
        const char *every, *at, *last, *next;
    } cases[] = {
        { "day", "08:00", "2026-06-12 08:00", "2026-06-13 08:00" },
        { "day", "08:00", "2026-06-12 07:59", "2026-06-12 08:00" },
        { "day", "08:00", "2026-06-09 09:00", "2026-06-10 08:00" }, /* slept */
        { "week", "mon 08:00", "2026-06-12 08:00", "2026-06-15 08:00" },
        { "week", "08:00", "2026-06-15 08:00", "2026-06-22 08:00" },
        { "day", NULL, "2026-06-12 10:30", "2026-06-13 10:30" },
        { "12h", NULL, "2026-06-12 10:30", "2026-06-12 22:30" },
        /* Europe/Berlin leaves summer time on 2026-10-25 */
        { "day", "08:00", "2026-10-24 08:00", "2026-10-25 08:00" },
    };
    struct digest_def *d = digest_def_new();
    struct pw_err e = { "" };
    int64_t next;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        str_set(&d->every, cases[i].every);
        str_set(&d->at, cases[i].at);
        T_OK(digest_next(d, local(cases[i].last), &next, &e) == 0, "%s", e.msg);
        T_OK(next == local(cases[i].next), "every %s at %s after %s: %lld",
             cases[i].every, cases[i].at ? cases[i].at : "-", cases[i].last,
             (long long)(next - local(cases[i].next)));
    }
    T_OK(digest_due(d, 0, local("2026-06-12 08:00"), &e) == 1,
         "never sent: due");
    str_set(&d->every, "day");
    str_set(&d->at, "08:00");
    T_OK(digest_due(d, local("2026-06-12 08:00"), local("2026-06-13 07:59"),
                    &e) == 0,
         "not due before 08:00");
    T_OK(digest_due(d, local("2026-06-12 08:00"), local("2026-06-15 12:00"),
                    &e) == 1,
         "due after a long sleep");
    str_set(&d->every, "fortnight");
    T_OK(digest_next(d, 1, &next, &e) < 0 && strstr(e.msg, "fortnight"),
         "bad every: %s", e.msg);
    str_set(&d->every, "day");
    str_set(&d->at, "8 o'clock");
    T_OK(digest_next(d, 1, &next, &e) < 0 && strstr(e.msg, "8 o'clock"),
         "bad at: %s", e.msg);
    digest_def_free(d);
}

static void
test_compose(void)
{
    struct strv to;
    struct buf b;
    struct pw_err e = { "" };
    struct mail_msg m = { .from = "Zoë <pw@example.org>",
                          .subject = "Évaluation\r\nBcc: x@y",
                          .text = "text",
                          .html = "<p>html</p>" };
    char *head;

    strv_init(&to);
    strv_add(&to, "me@example.org");
    m.to = &to;
    buf_init(&b);
    T_OK(mail_compose(&m, 1781251200, &b, &e) == 0, "compose: %s", e.msg);
    head = xstrndup(b.p, (size_t)(strstr(b.p, "\r\n\r\n") - b.p));
    T_OK(strstr(head, "\nBcc") == NULL, "no injected header");
    T_OK(strstr(head, "Subject: =?UTF-8?B?") != NULL, "subject encoded");
    T_OK(strstr(head, "From: =?UTF-8?B?") != NULL, "display name encoded");
    T_OK(strstr(head, "<pw@example.org>") != NULL, "address kept");
    T_OK(strstr(head, "Message-ID: <") != NULL, "message id");
    T_OK(strstr(head, "Date: ") != NULL, "date");
    for (const char *p = head; *p; p++)
        if ((unsigned char)*p >= 0x80) {
            T_OK(0, "header byte %02x not ASCII", (unsigned char)*p);
            break;
        }
    T_OK(strstr(b.p, "multipart/alternative") != NULL, "multipart");
    free(head);
    b.len = 0;
    strv_clear(&to);
    strv_add(&to, "me@example.org\r\nBcc: x@y");
    T_OK(mail_compose(&m, 0, &b, &e) < 0 && strstr(e.msg, "line break"),
         "address with CR LF refused: %s", e.msg);
    buf_fini(&b);
    strv_fini(&to);
}

int
main(void)
{
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    test_schedule();
    test_compose();
    return t_done();
}
