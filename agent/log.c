/* log.c */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void
log_msg(const struct log *lg, enum log_level level, const char *fmt, ...)
{
    static const char *const prefix[] = { "error: ", "warning: ", "", "" };
    va_list ap;

    if (lg != NULL && level > lg->level)
        return;
    fprintf(stderr, "paperwatch: %s", prefix[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
