/* match.h: declarative rules run in C. Every rule's text tests are
 * compiled at load into one Aho-Corasick automaton over the literals their
 * patterns cannot match without (folded to lower case), so a paper's text
 * is read once for all rules; PCRE2 then confirms only the tests whose
 * literals were seen. A test with no usable literal is always confirmed.
 * The result is the same as running each rule's regexes on each field. */
#ifndef PW_MATCH_H
#define PW_MATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "paper.h"
#include "util.h"

/* The fields a text test looks at (rules.lua's OVER), as bits. */
enum {
    MF_TITLE = 1 << 0,
    MF_ABSTRACT = 1 << 1,
    MF_AUTHORS = 1 << 2, /* joined with "\n" */
    MF_CATEGORIES = 1 << 3,
    MF_COMMENT = 1 << 4,
    MF_JOURNAL_REF = 1 << 5,
    MF_SOURCE = 1 << 6,
    MF_NFIELDS = 7
};

enum match_kind {
    MK_REGEX,      /* any of the patterns matches a field */
    MK_WORDS,      /* any of the words, as whole words */
    MK_NAMES,      /* an author of that name (case and spacing ignored) */
    MK_CATEGORIES, /* a category, or an archive ("cs" for "cs.LG") */
    MK_ANNOUNCE,   /* the announce type is one of these */
    MK_SOURCE      /* the source is one of these */
};

struct matcher;

/* Compile a pattern as paperwatch.re does: UTF-8, Unicode classes,
 * case-insensitive unless cs. NULL and a message naming the position. */
pcre2_code *re_compile(const char *pat, size_t len, int cs, struct pw_err *e);

struct matcher *matcher_new(void);
void matcher_free(struct matcher *m);

/* Rules are added one test at a time, then the matcher is built.
 * matcher_add_rule returns the rule's index; matcher_add_test fails (and
 * the rule should then run in Lua) for a pattern PCRE2 refuses. fields is
 * MF_* bits, for MK_REGEX and MK_WORDS; MK_WORDS also takes the one regex
 * that matches the words (rules.lua's words_regex), patterns the words. */
size_t matcher_add_rule(struct matcher *m, double score, const char *reason,
                        int case_sensitive);
int matcher_add_test(struct matcher *m, size_t rule, enum match_kind kind,
                     unsigned fields, const struct strv *patterns,
                     const char *words_rx, struct pw_err *e);
void matcher_build(struct matcher *m);

/* Before the rules of a paper run: its text is scanned on first need.
 * source may be NULL. p and source must stay valid until the next
 * matcher_begin. -1 when the paper's extras carry a field the rules read
 * (a source extra named "comment", say, which the Lua paper object shows
 * in the field's place): run its rules in Lua then. */
int matcher_begin(struct matcher *m, const struct paper *p, const char *source);
/* Per rule, for the current paper: 0 surely no match, 1 surely one, -1
 * maybe (ask matcher_rule). */
const signed char *matcher_quick(struct matcher *m);
/* The same for a paper in which no literal was found: what every rule
 * but those matcher_changed lists has for the current paper (it returns
 * SIZE_MAX when that is not so: then any may differ). */
const signed char *matcher_quick0(const struct matcher *m);
size_t matcher_changed(struct matcher *m, const uint32_t **rules);
/* Run one rule on the current paper: 1 matched (*score, *reason set), 0
 * not, -1 a regex failed to run (e). */
int matcher_rule(struct matcher *m, size_t rule, double *score,
                 const char **reason, struct pw_err *e);

/* For tests: what the prefilter makes of a pattern (words: of one word of
 * a words test), one string per alternative onto out: "=TEXT" for an
 * exact one (\b marking word edges it checks); "~RUN@OFF&.../LEN" for a
 * sequence of LEN plain characters and classes, with where each run kept
 * starts in it; else the runs of literal text it must see, folded, joined
 * by '&'. -1 when some alternative has
 * nothing to go on (the test is then always confirmed). */
int match_alts(const char *pat, size_t len, int words, struct strv *out);

#endif
