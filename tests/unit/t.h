/* t.h: a tiny TAP-style checker for C unit tests. Each check prints one
 * "ok - name" or "not ok - name: detail" line; tests/run counts them. */
#ifndef PW_T_H
#define PW_T_H

#include <stdio.h>
#include <string.h>

static int t_failed;

#define T_OK(cond, ...)                                                        \
    do {                                                                       \
        int t_c_ = !!(cond);                                                   \
        printf("%s - ", t_c_ ? "ok" : "not ok");                               \
        printf(__VA_ARGS__);                                                   \
        if (!t_c_) {                                                           \
            printf("  (%s:%d: %s)", __FILE__, __LINE__, #cond);                \
            t_failed++;                                                        \
        }                                                                      \
        printf("\n");                                                          \
    } while (0)

/* Compare strings, NULL-safe, showing both on failure. */
#define T_STR(got, want, ...)                                                  \
    do {                                                                       \
        const char *t_g_ = (got), *t_w_ = (want);                              \
        int t_c_ = (t_g_ == NULL && t_w_ == NULL) ||                           \
                   (t_g_ && t_w_ && strcmp(t_g_, t_w_) == 0);                  \
        printf("%s - ", t_c_ ? "ok" : "not ok");                               \
        printf(__VA_ARGS__);                                                   \
        if (!t_c_) {                                                           \
            printf("  (%s:%d: got \"%s\", want \"%s\")", __FILE__, __LINE__,   \
                   t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)");            \
            t_failed++;                                                        \
        }                                                                      \
        printf("\n");                                                          \
    } while (0)

#define T_FIXTURE(name) (PW_SRCDIR "/tests/fixtures/" name)

/* A small seeded random number in [0, n), the same on every machine, for
 * randomized tests that must repeat (a 64-bit LCG, its high bits). */
static inline unsigned
t_rnd(unsigned long *seed, unsigned n)
{
    *seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)(*seed >> 33) % n;
}

static inline int
t_done(void)
{
    fflush(stdout);
    return t_failed ? 1 : 0;
}

#endif
