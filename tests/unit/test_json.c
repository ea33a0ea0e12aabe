/* test_json.c: JSON text out, checked against a byte-at-a-time reference
 * with every special byte at every offset of the 16-byte fast path. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "t.h"

/* The obvious encoder, for ASCII input. */
static void
reference(struct buf *b, const char *s, size_t n)
{
    buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            buf_adds(b, "\\\"");
        else if (c == '\\')
            buf_adds(b, "\\\\");
        else if (c == '\n')
            buf_adds(b, "\\n");
        else if (c == '\t')
            buf_adds(b, "\\t");
        else if (c == '\r')
            buf_adds(b, "\\r");
        else if (c < 0x20)
            buf_addf(b, "\\u%04x", c);
        else
            buf_addc(b, (char)c);
    }
    buf_addc(b, '"');
}

static void
test_every_offset(void)
{
    static const char specials[] = { '"', '\\', '\n', '\t', '\r', 1, 31, 0x7f };
    char s[72];
    struct buf got, want;
    int bad = 0, cases = 0;

    buf_init(&got);
    buf_init(&want);
    for (size_t k = 0; k < sizeof(specials); k++)
        for (size_t len = 1; len < sizeof(s); len++)
            for (size_t at = 0; at < len; at++) {
                memset(s, 'a', len);
                s[at] = specials[k];
                got.len = want.len = 0;
                json_add_stringn(&got, s, len);
                reference(&want, s, len);
                cases++;
                if (got.len != want.len || memcmp(got.p, want.p, got.len)) {
                    if (bad++ < 5)
                        printf("# byte %d at %zu of %zu: got %s want %s\n",
                               specials[k], at, len, got.p, want.p);
                }
            }
    T_OK(bad == 0, "every special byte at every offset (%d cases, %d bad)",
         cases, bad);
    buf_fini(&got);
    buf_fini(&want);
}

/* Two special bytes or UTF-8 sequences (valid and not) anywhere in ASCII
 * text of up to 70 bytes: the block copy and the byte loop must meet. */
static void
test_pairs(void)
{
    static const struct {
        const char *in, *out;
    } sp[] = {
        { "\"", "\\\"" },
        { "\\", "\\\\" },
        { "\n", "\\n" },
        { "\x01", "\\u0001" },
        { "\xC3\xA9", "\xC3\xA9" },
        { "\xE2\x82\xAC", "\xE2\x82\xAC" },
        { "\xF0\x9F\x93\x84", "\xF0\x9F\x93\x84" },
        { "\xFF", "\xEF\xBF\xBD" },
        { "\xC3", "\xEF\xBF\xBD" }, /* cut short */
    };
    const size_t nsp = sizeof(sp) / sizeof(sp[0]);
    struct buf in, got, want;
    int bad = 0, cases = 0;

    buf_init(&in);
    buf_init(&got);
    buf_init(&want);
    for (size_t len = 0; len <= 70; len += 3)
        for (size_t a = 0; a <= len; a++)
            for (size_t k = 0; k < nsp * nsp; k++) {
                size_t b = (a * 7 + k) % (len + 1); /* a second place */

                in.len = got.len = want.len = 0;
                buf_add(&want, "\"", 1);
                for (size_t i = 0; i <= len; i++) {
                    if (i == a) {
                        buf_adds(&in, sp[k % nsp].in);
                        buf_adds(&want, sp[k % nsp].out);
                    }
                    if (i == b) {
                        buf_adds(&in, sp[k / nsp].in);
                        buf_adds(&want, sp[k / nsp].out);
                    }
                    if (i < len) {
                        buf_addc(&in, (char)('a' + i % 26));
                        buf_addc(&want, (char)('a' + i % 26));
                    }
                }
                buf_add(&want, "\"", 1);
                json_add_stringn(&got, in.p, in.len);
                cases++;
                if ((got.len != want.len || memcmp(got.p, want.p, got.len)) &&
                    bad++ < 3)
                    T_STR(got.p, want.p, "pair %zu at %zu and %zu of %zu", k, a,
                          b, len);
            }
    T_OK(bad == 0, "two specials anywhere (%d cases, %d bad)", cases, bad);
    buf_fini(&in);
    buf_fini(&got);
    buf_fini(&want);
}

static void
test_utf8(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x84",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x84\"" },
        { "bad \xff byte", "\"bad \xef\xbf\xbd byte\"" },
        { "overlong \xc0\xaf", "\"overlong \xef\xbf\xbd\xef\xbf\xbd\"" },
        { "surrogate \xed\xa0\x80",
          "\"surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "12345678\xc3\xa9", "\"12345678\xc3\xa9\"" },
    };
    struct buf b;

    buf_init(&b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        b.len = 0;
        json_add_string(&b, cases[i].in);
        T_STR(b.p, cases[i].want, "utf-8 case %zu", i);
    }
    b.len = 0;
    json_add_string(&b, NULL);
    T_STR(b.p, "null", "NULL is null");
    buf_fini(&b);
}

static void
test_numbers_and_times(void)
{
    struct buf b;

    buf_init(&b);
    json_add_number(&b, 3);
    buf_addc(&b, ' ');
    json_add_number(&b, -0.5);
    buf_addc(&b, ' ');
    json_add_number(&b, 0.0 / 0.0);
    buf_addc(&b, ' ');
    json_add_time(&b, 1704164645);
    buf_addc(&b, ' ');
    json_add_time(&b, 0);
    T_STR(b.p, "3 -0.5 null \"2024-01-02T03:04:05Z\" null",
          "numbers, NaN, times");
    b.len = 0;
    json_add_int(&b, 0);
    buf_addc(&b, ' ');
    json_add_int(&b, -42);
    buf_addc(&b, ' ');
    json_add_int(&b, 1234567890123LL);
    buf_addc(&b, ' ');
    json_add_int(&b, -9223372036854775807LL - 1);
    buf_addc(&b, ' ');
    json_add_number(&b, -7);
    buf_addc(&b, ' ');
    json_add_number(&b, 1e15);
    T_STR(b.p, "0 -42 1234567890123 -9223372036854775808 -7 1e+15",
          "integers without printf");
    buf_fini(&b);
}

int
main(void)
{
    test_every_offset();
    test_pairs();
    test_utf8();
    test_numbers_and_times();
    return t_done();
}
