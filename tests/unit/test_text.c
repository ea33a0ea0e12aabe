/* test_text.c: plain text from feed text: entities, tags, whitespace,
 * broken UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "text.h"

static const struct {
    const char *in;
    int html;
    const char *want;
} cases[] = {
    /* whitespace: folded, trimmed (arXiv's hard wrapping undone) */
    { "", 0, "" },
    { "   \n\t ", 0, "" },
    { "  Quantum Criticality for Extended Nodes on a Bethe Lattice in the "
      "Large\n  Connectivity Limit\n",
      0,
      "Quantum Criticality for Extended Nodes on a Bethe Lattice in the "
      "Large Connectivity Limit" },
    { "a\r\n\r\nb", 0, "a b" },
    { "a  b   c$\xCE\xBC$", 0, "a b c$\xCE\xBC$" },
    { "  lead, double  inside, trail  \xCE\xBC", 0,
      "lead, double inside, trail \xCE\xBC" },
    { "eight by  eight bytes...xx  yy", 0, "eight by eight bytes...xx yy" },
    { "12345678 12345678  12345678\t12345678 ", 0,
      "12345678 12345678 12345678 12345678" },
    { "1234567 12345678 ", 0, "1234567 12345678" },
    { "abcdefgh&amp;abcdefgh<b>x</b>abcdefghi", 1,
      "abcdefgh&abcdefghxabcdefghi" },
    { "a\x01\x1f"
      "b",
      0, "a b" },
    /* text mode leaves markup and references alone */
    { "$\\frac{1}{3}<s<1$ &amp; <b>x</b>", 0,
      "$\\frac{1}{3}<s<1$ &amp; <b>x</b>" },
    /* XML and numeric references */
    { "&lt;p&gt; &amp; &quot;q&quot; &apos;a&apos;", 1, "<p> & \"q\" 'a'" },
    { "&#65;&#x42;&#X43;&#233;&#x1F600;", 1, "ABC\xC3\xA9\xF0\x9F\x98\x80" },
    { "&#0;&#xD800;&#x110000;", 1, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
    { "it&#146;s", 1, "it\xE2\x80\x99s" }, /* Windows-1252 numbers */
    { "a&#10;b&#32;&#32;c", 1, "a b c" },
    /* HTML named references */
    { "caf&eacute; na&iuml;ve &Uuml;ber stra&szlig;e", 1,
      "caf\xC3\xA9 na\xC3\xAFve \xC3\x9C"
      "ber stra\xC3\x9F"
      "e" },
    { "&mdash;&ndash;&hellip;&rsquo;&lsquo;&rdquo;&ldquo;", 1,
      "\xE2\x80\x94\xE2\x80\x93\xE2\x80\xA6\xE2\x80\x99\xE2\x80\x98"
      "\xE2\x80\x9D\xE2\x80\x9C" },
    { "&copy;&reg;&trade;&times;&middot;&bull;&deg;&plusmn;", 1,
      "\xC2\xA9\xC2\xAE\xE2\x84\xA2\xC3\x97\xC2\xB7\xE2\x80\xA2\xC2\xB0"
      "\xC2\xB1" },
    { "&alpha;&beta;&omega;&Omega;&Delta;&varphi;&epsilon;", 1,
      "\xCE\xB1\xCE\xB2\xCF\x89\xCE\xA9\xCE\x94\xCF\x95\xCE\xB5" },
    { "a&nbsp;&nbsp;b", 1, "a b" },
    /* Unicode's white space folds too; the em dash is no space */
    { "\xE2\x80\x83Lead\xE2\x80\x83\xE2\x80\x83x\xE3\x80\x80y"
      "\xE2\x80\xA8z\xE2\x80\x94w\xE2\x80\xAF",
      0, "Lead x y z\xE2\x80\x94w" },
    { "a&#8195;&#x3000;b&#8201;c", 1, "a b c" },
    /* C1 controls are Windows-1252 read as ISO-8859-1: put back */
    { "It\xC2\x92s \xC2\x96 ok", 0, "It\xE2\x80\x99s \xE2\x80\x93 ok" },
    { "It\xC2\x92s \xC2\x96 ok", 1, "It\xE2\x80\x99s \xE2\x80\x93 ok" },
    { "a\xC2\x81z \xC2\xA0 \xC2\xA1", 0, "a\xEF\xBF\xBDz \xC2\xA1" },
    { "A long enough abstract for the block loop, \xC2\x93quoted\xC2\x94 "
      "and then some more text after it to fill another block",
      0,
      "A long enough abstract for the block loop, \xE2\x80\x9Cquoted"
      "\xE2\x80\x9D and then some more text after it to fill another block" },
    { "&auml;&ouml;&uuml;", 1, "\xC3\xA4\xC3\xB6\xC3\xBC" },
    { "&lpar;x&rpar;", 1, "(x)" },
    /* not references: kept as written */
    { "AT&T & co", 1, "AT&T & co" },
    { "&nosuchentity; &amp", 1, "&nosuchentity; &amp" },
    { "&#; &#x; &#12a;", 1, "&#; &#x; &#12a;" },
    { "&AMp;", 1, "&AMp;" }, /* names are case-sensitive */
    /* all of HTML5's names: Latin Extended, the longest, two code points */
    { "&AMP; Tesanovi&ccaron; &Cacute;wik &lstrok;", 1,
      "& Tesanovi\xC4\x8D \xC4\x86wik \xC5\x82" },
    { "&CounterClockwiseContourIntegral;", 1, "\xE2\x88\xB3" },
    { "&NotEqualTilde;", 1, "\xE2\x89\x82\xCC\xB8" },
    { "&CounterClockwiseContourIntegrals;", 1,
      "&CounterClockwiseContourIntegrals;" },
    /* tags */
    { "<p>First paragraph.</p><p>Second.</p>", 1, "First paragraph. Second." },
    { "line one<br>line two<br/>three<BR />four", 1,
      "line one line two three four" },
    { "H<sub>2</sub>O and <i>E. coli</i>", 1, "H2O and E. coli" },
    { "<a href=\"https://x.org/?a=1&b=2\" title='a > b'>link</a>", 1, "link" },
    { "<div><ul><li>one</li><li>two</li></ul></div>", 1, "one two" },
    { "x<script type=\"text/javascript\">var a = '<p>';</script>y", 1, "x y" },
    { "x<style>p { color: red }</style>y", 1, "x y" },
    { "<!-- a comment <p> --> text <!DOCTYPE html><?pi x?>", 1, "text" },
    { "<![CDATA[x]]>y", 1, "y" },
    { "unclosed <!-- comment", 1, "unclosed" },
    /* a '<' that is not a tag stays */
    { "if a < b and $x<y$ then 3<4", 1, "if a < b and $x<y$ then 3<4" },
    { "a <b", 1, "a <b" },
    { "x <= y", 1, "x <= y" },
    /* LaTeX is left as written */
    { "$\\mathcal{O}(n^{2})$ and \\emph{x}", 1,
      "$\\mathcal{O}(n^{2})$ and \\emph{x}" },
    /* UTF-8 repair */
    { "ok \xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80", 0,
      "ok \xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80" },
    { "bad \xFF byte", 0, "bad \xEF\xBF\xBD byte" },
    { "cut \xC3", 0, "cut \xEF\xBF\xBD" },
    { "overlong \xC0\xAF", 0, "overlong \xEF\xBF\xBD\xEF\xBF\xBD" },
    { "surrogate \xED\xA0\x80", 0,
      "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
    { "too big \xF4\x90\x80\x80", 0,
      "too big \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
    { "nbsp\xC2\xA0\xC2\xA0here", 0, "nbsp here" },
};

static const struct {
    const char *in, *want;
} fold_cases[] = {
    { "", "" },       { "   ", "" },          { "  a  b\n\n c\t", "a b c" },
    { "abc", "abc" }, { "\ta\r\nb ", "a b" },
};

/* The obvious folding, byte by byte: what text_plain's fast paths must
 * agree with (text mode, valid UTF-8 in). */
static void
fold_slowly(struct buf *out, const char *s, size_t n)
{
    int space = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c == 0x7F) {
            space = 1;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            space = 1; /* a no-break space */
            i++;
            continue;
        }
        if (i + 2 < n && ((c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
                           (unsigned char)s[i + 2] == 0x83) ||
                          (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
                           (unsigned char)s[i + 2] == 0x80))) {
            space = 1; /* an em space, an ideographic space */
            i += 2;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x92) {
            if (space && out->len) /* U+0092: Windows-1252's quote */
                buf_addc(out, ' ');
            space = 0;
            buf_adds(out, "\xE2\x80\x99");
            i++;
            continue;
        }
        if (space && out->len)
            buf_addc(out, ' ');
        space = 0;
        buf_addc(out, (char)c);
    }
    buf_add(out, "", 0);
}

/* WHATWG's UTF-8 decoder, a byte at a time (one U+FFFD for each maximal
 * part of a sequence that cannot be finished), then what XML forbids:
 * controls but tab, LF, CR dropped, U+FFFE and U+FFFF replaced. The
 * reference for text_xml_repair. */
static void
xml_repair_slowly(struct buf *out, const unsigned char *s, size_t n)
{
    unsigned cp = 0, need = 0, seen = 0, lo = 0x80, hi = 0xBF;

    for (size_t i = 0; i < n; i++) {
        unsigned b = s[i];

        if (need == 0) {
            if (b < 0x80) {
                if (b >= 0x20 || b == '\t' || b == '\n' || b == '\r')
                    buf_addc(out, (char)b);
            } else if (b >= 0xC2 && b <= 0xDF) {
                need = 1, cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
                need = 2, cp = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
                need = 3, cp = b & 0x07;
            } else {
                buf_adds(out, "\xEF\xBF\xBD");
            }
            continue;
        }
        if (b < lo || b > hi) {
            need = seen = 0, lo = 0x80, hi = 0xBF;
            buf_adds(out, "\xEF\xBF\xBD");
            i--; /* the byte again, as a start */
            continue;
        }
        lo = 0x80, hi = 0xBF;
        cp = cp << 6 | (b & 0x3F);
        if (++seen < need)
            continue;
        if (cp == 0xFFFE || cp == 0xFFFF)
            buf_adds(out, "\xEF\xBF\xBD");
        else
            buf_add(out, (const char *)s + i - need, need + 1);
        need = seen = 0;
    }
    if (need)
        buf_adds(out, "\xEF\xBF\xBD");
}

/* text_xml_repair against the reference, on random bytes whole and cut
 * at random into pieces (what a piece leaves goes before the next). */
static void
random_xml_repair(void)
{
    static const char *const pieces[] = {
        "abc ",
        "\n",
        "\t",
        "\r",
        "\x01",
        "\x1F",
        "\x7F",
        "\xC3\xA9",
        "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80",
        "\xE2\x82",
        "\xF0\x9F",
        "\xF0",
        "\xFF",
        "\x80",
        "\xC0\xAF",
        "\xED\xA0\x80",
        "\xEF\xBF\xBF",
        "\xEF\xBF\xBE",
        "\xF4\x90\x80\x80",
        "\xE0\x80\x80",
        "\xC2",
        "0123456789abcdefghijklmnopqrstuv",
        "\xC2\x92",
    };
    const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
    unsigned long seed = 4242;
    struct buf in, got, want, part;
    int bad = 0, bad_cut = 0, bad_clean = 0;

    buf_init(&in);
    buf_init(&got);
    buf_init(&want);
    buf_init(&part);
    for (int round = 0; round < 20000; round++) {
        size_t off = 0;

        in.len = got.len = want.len = 0;
        buf_add(&in, "", 0);
        for (int k = (int)(seed % 60); k >= 0; k--) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            buf_adds(&in, pieces[(seed >> 33) % npieces]);
        }
        xml_repair_slowly(&want, (const unsigned char *)in.p, in.len);
        buf_add(&want, "", 0);
        if (text_xml_repair(&got, in.p, in.len, 1) != in.len)
            buf_adds(&got, "(not all used)");
        buf_add(&got, "", 0);
        if (strcmp(got.p, want.p) != 0 && bad++ == 0)
            T_STR(got.p, want.p, "random xml repair (round %d)", round);
        if (text_xml_clean(got.p, got.len) != got.len && bad_clean++ == 0)
            T_OK(0, "random xml repair: the result is clean (round %d)", round);
        if ((text_xml_clean(in.p, in.len) == in.len) !=
                (strcmp(in.p, want.p) == 0) &&
            bad_clean++ == 0)
            T_OK(0, "random xml repair: clean iff unchanged (round %d)", round);
        /* the same in pieces */
        got.len = part.len = 0;
        while (off < in.len) {
            size_t k, used;

            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            k = 1 + (seed >> 40) % 9;
            if (k > in.len - off)
                k = in.len - off;
            buf_add(&part, in.p + off, k);
            off += k;
            used = text_xml_repair(&got, part.p, part.len, off == in.len);
            memmove(part.p, part.p + used, part.len - used);
            part.len -= used;
        }
        buf_add(&got, "", 0);
        if ((part.len != 0 || strcmp(got.p, want.p) != 0) && bad_cut++ == 0)
            T_STR(got.p, want.p, "random xml repair in pieces (round %d)",
                  round);
    }
    T_OK(bad == 0, "random xml repair: %d of 20000 differ", bad);
    T_OK(bad_cut == 0, "random xml repair in pieces: %d differ", bad_cut);
    T_OK(bad_clean == 0, "random xml repair: clean checks, %d bad", bad_clean);
    buf_fini(&in);
    buf_fini(&got);
    buf_fini(&want);
    buf_fini(&part);
}

/* Random strings of words, white space, controls and UTF-8, long enough
 * for the sixteen-byte blocks: text mode, HTML mode (when there is no
 * markup in them, the same), and appended after other text. */
static void
random_folding(void)
{
    static const char *const pieces[] = {
        "a",
        "bc",
        "defghijk",
        " ",
        "  ",
        "\n",
        "\t",
        "\xCE\xBC",
        "$",
        "<",
        "&",
        "0123456789abcdef",
        "\x7F",
        "\x01",
        "\xC2\xA0",
        "\xC2\x92",
        "\xE2\x80\x83",
        "\xE3\x80\x80",
        "\xE2\x80\x94",
        "word\nwrapped line ",
        "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80",
        ("Schr\xC3\xB6" /* the \x escape ends here */
         "dinger "),
        "0123456789abcd",
    };
    const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
    unsigned long seed = 12345;
    struct buf in, got, want;
    int bad = 0, bad_html = 0, bad_append = 0;

    buf_init(&in);
    buf_init(&got);
    buf_init(&want);
    for (int round = 0; round < 20000; round++) {
        in.len = got.len = want.len = 0;
        buf_add(&in, "", 0);
        for (int k = (int)(seed % 40); k >= 0; k--) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            buf_adds(&in, pieces[(seed >> 33) % npieces]);
        }
        text_plain(&got, in.p, in.len, 0);
        fold_slowly(&want, in.p, in.len);
        if (strcmp(got.p, want.p) != 0 && bad++ == 0)
            T_STR(got.p, want.p, "random folding: \"%s\"", in.p);
        if (!memchr(in.p, '<', in.len) && !memchr(in.p, '&', in.len)) {
            got.len = 0;
            text_plain(&got, in.p, in.len, 1);
            if (strcmp(got.p, want.p) != 0 && bad_html++ == 0)
                T_STR(got.p, want.p, "random folding, html: \"%s\"", in.p);
        }
        got.len = 0;
        buf_adds(&got, "x:");
        text_plain(&got, in.p, in.len, 0);
        if ((strncmp(got.p, "x:", 2) != 0 || strcmp(got.p + 2, want.p)) &&
            bad_append++ == 0)
            T_STR(got.p + 2, want.p, "random folding, appended: \"%s\"", in.p);
    }
    T_OK(bad == 0, "random folding: 20000 strings agree (%d do not)", bad);
    T_OK(bad_html == 0,
         "random folding: HTML mode without markup agrees "
         "(%d do not)",
         bad_html);
    T_OK(bad_append == 0, "random folding: appended agrees (%d do not)",
         bad_append);
    buf_fini(&in);
    buf_fini(&got);
    buf_fini(&want);
}

/* RFC 3986 section 5.4 against its base, plus feed oddities */
static const struct {
    const char *base, *ref, *want;
} urls[] = {
    { "http://a/b/c/d;p?q", "g:h", "g:h" },
    { "http://a/b/c/d;p?q", "g", "http://a/b/c/g" },
    { "http://a/b/c/d;p?q", "./g", "http://a/b/c/g" },
    { "http://a/b/c/d;p?q", "g/", "http://a/b/c/g/" },
    { "http://a/b/c/d;p?q", "/g", "http://a/g" },
    { "http://a/b/c/d;p?q", "//g", "http://g" },
    { "http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y" },
    { "http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y" },
    { "http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s" },
    { "http://a/b/c/d;p?q", "g#s", "http://a/b/c/g#s" },
    { "http://a/b/c/d;p?q", "g?y#s", "http://a/b/c/g?y#s" },
    { "http://a/b/c/d;p?q", ";x", "http://a/b/c/;x" },
    { "http://a/b/c/d;p?q", "", "http://a/b/c/d;p?q" },
    { "http://a/b/c/d;p?q", ".", "http://a/b/c/" },
    { "http://a/b/c/d;p?q", "./", "http://a/b/c/" },
    { "http://a/b/c/d;p?q", "..", "http://a/b/" },
    { "http://a/b/c/d;p?q", "../", "http://a/b/" },
    { "http://a/b/c/d;p?q", "../g", "http://a/b/g" },
    { "http://a/b/c/d;p?q", "../..", "http://a/" },
    { "http://a/b/c/d;p?q", "../../g", "http://a/g" },
    { "http://a/b/c/d;p?q", "../../../g", "http://a/g" },
    { "http://a/b/c/d;p?q", "/./g", "http://a/g" },
    { "http://a/b/c/d;p?q", "/../g", "http://a/g" },
    { "http://a/b/c/d;p?q", "g.", "http://a/b/c/g." },
    { "http://a/b/c/d;p?q", "..g", "http://a/b/c/..g" },
    { "http://a/b/c/d;p?q", "./../g", "http://a/b/g" },
    { "http://a/b/c/d;p?q", "g/./h", "http://a/b/c/g/h" },
    { "http://a/b/c/d;p?q", "g/../h", "http://a/b/c/h" },
    { "http://a/b/c/d;p?q", "g?y/./x", "http://a/b/c/g?y/./x" },
    { "http://example.org", "post/1", "http://example.org/post/1" },
    { NULL, "post/1", "post/1" },
    { "http://example.org/", " http://x.org/a ", "http://x.org/a" },
    { " http://example.org/feeds/ ", "\n a.html",
      "http://example.org/feeds/a.html" },
};

static void
test_urls(void)
{
    struct buf b;

    buf_init(&b);
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        b.len = 0;
        buf_adds(&b, "");
        text_resolve_url(&b, urls[i].base, urls[i].ref);
        T_STR(b.p, urls[i].want, "resolve \"%s\" against \"%s\"", urls[i].ref,
              urls[i].base ? urls[i].base : "(none)");
    }
    buf_fini(&b);
}

static void
test_base64(void)
{
    struct buf b;

    buf_init(&b);
    text_base64(&b, "RW50cnkg\nQ29udGVudA==", 22);
    T_STR(b.p, "Entry Content", "base64: white space skipped, padding");
    b.len = 0;
    T_OK(text_base64(&b, "PHA-", 4) == 3 && memcmp(b.p, "<p>", 3) == 0,
         "base64: URL-safe alphabet");
    b.len = 0;
    T_OK(text_base64(&b, "", 0) == 0 && b.p[0] == '\0', "base64: empty");
    buf_fini(&b);
    T_OK(text_is_utf8("caf\xC3\xA9 \n", 7), "utf8: text");
    T_OK(!text_is_utf8("\xB5\xEB-", 3), "utf8: binary is not");
    T_OK(!text_is_utf8("a\x01", 2), "utf8: control characters are not text");
}

int
main(void)
{
    struct buf b;
    char *s;

    buf_init(&b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        b.len = 0;
        text_plain(&b, cases[i].in, strlen(cases[i].in), cases[i].html);
        T_STR(b.p, cases[i].want, "text_plain case %zu (html=%d)", i,
              cases[i].html);
        T_OK(strlen(b.p) == b.len, "text_plain case %zu: length", i);
    }

    /* appends to what the buffer holds, folding only its own text */
    b.len = 0;
    buf_adds(&b, "Title: ");
    text_plain(&b, "  <b>Bold</b>  move ", 20, 1);
    T_STR(b.p, "Title: Bold move", "text_plain appends");

    /* embedded NUL bytes count as control characters */
    b.len = 0;
    text_plain(&b, "a\0b", 3, 0);
    T_STR(b.p, "a b", "text_plain: NUL byte");

    /* a long input: linear, exact */
    b.len = 0;
    {
        size_t n = 100000;
        char *big = malloc(n * 6 + 1);

        for (size_t i = 0; i < n; i++)
            memcpy(big + i * 6, "&amp; ", 6);
        big[n * 6] = '\0';
        text_plain(&b, big, n * 6, 1);
        T_OK(b.len == n * 2 - 1, "text_plain: 100000 references (%zu)", b.len);
        free(big);
    }

    for (size_t i = 0; i < sizeof(fold_cases) / sizeof(fold_cases[0]); i++) {
        s = strdup(fold_cases[i].in);
        T_STR(text_fold(s), fold_cases[i].want, "text_fold case %zu", i);
        free(s);
    }
    T_OK(text_fold(NULL) == NULL, "text_fold(NULL)");
    random_folding();
    random_xml_repair();

    b.len = 0;
    text_markup_escape(&b, "a & b <c> \"d\" 'e'");
    T_STR(b.p, "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;",
          "text_markup_escape");
    b.len = 0;
    buf_adds(&b, "x");
    text_markup_escape(&b, "plain");
    T_STR(b.p, "xplain", "text_markup_escape: nothing to escape");
    buf_fini(&b);
    test_urls();
    test_base64();
    return t_done();
}
