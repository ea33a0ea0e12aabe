/* check.c: validating a config as `run` would load it, without fetching
 * or opening the database. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "digest.h"
#include "host.h"

int
check_config(const struct run_opts *o, struct pw_err *e)
{
    struct config cfg;
    struct strv problems;
    struct host *h;
    struct buf b;
    int status = EXIT_FATAL;

    memset(&cfg, 0, sizeof(cfg));
    strv_init(&problems);
    buf_init(&b);
    if ((h = host_new(o->log, e)) == NULL)
        goto out;
    if (host_check_config(h, o->config, &cfg, &problems, e) < 0)
        goto out;
    for (size_t i = 0; i < problems.n; i++)
        buf_addf(&b, "%s\n", problems.v[i]);
    if (problems.n) {
        fwrite(b.p, 1, b.len, stdout);
        pw_errf(e, "%s: %zu problem%s", cfg.path ? cfg.path : o->config,
                problems.n, problems.n == 1 ? "" : "s");
        goto out;
    }
    buf_addf(&b, "%s: %zu source%s, %zu rule%s", cfg.path, cfg.nsources,
             cfg.nsources == 1 ? "" : "s", host_rule_count(h),
             host_rule_count(h) == 1 ? "" : "s");
    if (cfg.has_notify)
        buf_addf(&b, ", notify at %g", cfg.notify_min);
    if (cfg.digest)
        buf_addf(&b, ", digest at %g", cfg.digest->min_score);
    buf_adds(&b, "\n");
    fwrite(b.p, 1, b.len, stdout);
    status = EXIT_OK;
out:
    buf_fini(&b);
    strv_fini(&problems);
    config_fini(&cfg);
    host_free(h);
    return status;
}
