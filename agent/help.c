/* help.c: the text of `paperwatch COMMAND --help`. The full manual is
 * paperwatch(1) (doc/paperwatch.1); keep the two in step. */
#include <string.h>

#include "help.h"

#define TRIAGE(cmd, what)                                                      \
    "usage: paperwatch " cmd " KEY...\n"                                       \
    "\n" what "\n"                                                             \
    "KEY is an arXiv id or URL as people type them (2401.12345,\n"             \
    "arXiv:2401.12345v2, https://arxiv.org/abs/2401.12345), a DOI or a\n"      \
    "paper's key. A key that names no paper is an error (exit 1); the\n"       \
    "others are still done.\n"

#define LIST_FILTERS                                                           \
    "  --since DURATION    first seen in the last 12h, 2d, 1w...\n"            \
    "  --min-score N       score at least N\n"                                 \
    "  --unread            not marked read\n"                                  \
    "  --starred           starred\n"                                          \
    "  --source NAME       seen in that source\n"                              \
    "  --tag TAG           tagged TAG (by a rule or by you)\n"                 \
    "  --limit N           at most N papers\n"

static const struct help {
    const char *command;
    const char *text;
} helps[] = {
    { "digest",
      "usage: paperwatch digest [--since 1d] [--format text|md|html|json]\n"
      "                         [--output FILE] [--send]\n"
      "\n"
      "The papers first seen since the last digest delivered (or the last\n"
      "--since), at or over pw.digest's min_score, best first, at most its\n"
      "top, grouped by tag or by the rule that gave the most.\n"
      "\n"
      "Printed on stdout it is a look: nothing is recorded. Written\n"
      "(--output) or mailed (--send, as pw.digest { mail = ... } says) it\n"
      "is recorded, and the next digest starts where it ended. An empty\n"
      "period is mailed only with send_empty = true.\n"
      "\n"
      "  --since DURATION    the papers of the last 12h, 2d, 1w instead\n"
      "  --format F          text, md, html or json (JSON Feed 1.1); default\n"
      "                      from FILE's extension, else pw.digest's format\n"
      "  --output FILE       write it there (atomically)\n"
      "  --send              mail it: text and HTML\n" },
    { "run",
      "usage: paperwatch run [--all] [--source NAME]... [--dry-run]\n"
      "                      [--no-notify] [--format text|json]\n"
      "\n"
      "One cycle: fetch the sources that are due (never fetched, or their\n"
      "interval has passed), store the new and changed papers, score them,\n"
      "notify the best once. One line per source on stderr.\n"
      "\n"
      "  --all               fetch every source, due or not\n"
      "  --source NAME       fetch this source (may be repeated)\n"
      "  --dry-run           fetch and score, keep nothing, notify nothing\n"
      "  --no-notify         store and score, but show no bubble\n"
      "  --format json       JSON Lines on stdout: each source's outcome\n"
      "                      (kind source) and each new or updated paper\n"
      "                      (kind paper)\n"
      "\n"
      "Exit status: 0 all went well, 1 fatal (config, database), 2 bad\n"
      "usage, 3 some sources failed and the rest were stored.\n" },
    { "parse",
      "usage: paperwatch parse [--format json|text] [--score] FILE|URL|-\n"
      "\n"
      "A feed as paperwatch sees it, one paper per line (JSON with the\n"
      "list fields plus feed_title), without a database. - reads stdin.\n"
      "--score also runs the config's rules on each entry: score and\n"
      "reasons in JSON, the total first in text. A file of 1 MiB or\n"
      "more is parsed on several cores (not with --score or to a\n"
      "terminal), with the same output (-v tells).\n" },
    { "sources",
      "usage: paperwatch sources [--format text|json]\n"
      "\n"
      "Each configured source's health: last fetch and status (ok,\n"
      "unchanged, empty, error), items, failures in a row, when it is next\n"
      "due, its last error, where it moved to.\n" },
    { "eval",
      "usage: paperwatch eval FILE.lua [ARGS...]\n"
      "\n"
      "Run a script with the whole Lua API (paperwatch, also as pw) and\n"
      "arg. Its error, or the status it gives os.exit, is the exit status.\n"
      "See paperwatch-lua(5).\n" },
    { "explain",
      "usage: paperwatch explain [--format text|json] KEY\n"
      "\n"
      "Why a paper scores what it does: every rule's contribution and\n"
      "reason, the total, the thresholds it crosses (notify, digest) and\n"
      "whether a rule hides it.\n" },
    { "rescore",
      "usage: paperwatch rescore\n"
      "\n"
      "Score every stored paper again with the current rules (after you\n"
      "changed them; run warns when it sees they changed). Your config is\n"
      "never touched.\n" },
    { "check",
      "usage: paperwatch check\n"
      "\n"
      "Load the config without fetching and list every mistake with its\n"
      "file and line: unknown fields (with a did-you-mean), bad regexes,\n"
      "duplicate names, sources without a URL, thresholds of the wrong\n"
      "type. Exit 1 when anything is wrong.\n" },
    { "daemon",
      "usage: paperwatch daemon\n"
      "\n"
      "Keep running: fetch sources when they are due, send digests at\n"
      "their times, handle notification actions. SIGHUP reloads the\n"
      "config (a broken one is reported and the old one kept); SIGTERM or\n"
      "SIGINT finishes the current cycle and exits 0. One daemon per\n"
      "database.\n" },
    { "list",
      "usage: paperwatch list [OPTIONS]\n"
      "\n"
      "Stored papers, best score first (ignored papers are left out).\n"
      "\n" LIST_FILTERS "  --format text|json|md\n"
      "                      text sized to the terminal; JSON Lines; a\n"
      "                      Markdown list\n" },
    { "search",
      "usage: paperwatch search [--limit N] [--format text|json|md] QUERY...\n"
      "\n"
      "Full-text search over titles, authors and abstracts, best match\n"
      "first (title hits count most). The query:\n"
      "\n"
      "  diffusion model           both words (any order)\n"
      "  \"language model\"          the phrase\n"
      "  transform*                a prefix\n"
      "  A OR B, A NOT B, (A OR B) C\n"
      "  author:liang title:survey abstract:\"in-context\"\n"
      "  cat:cs.LG  cat:cs         a category, or every category of an "
      "archive\n"
      "  since:2024-01-31  since:2w  published since\n"
      "\n"
      "  --limit N           at most N results (default 20; 0: all)\n"
      "  --format text|json|md\n"
      "                      text shows the matching words highlighted\n" },
    { "show",
      "usage: paperwatch show [--format text|json] KEY\n"
      "\n"
      "One paper: its fields, its state (read or unread, starred,\n"
      "ignored), its tags (those a rule set marked \"(rule)\"; in JSON\n"
      "tags and rule_tags) and each rule's contribution to its score.\n" },
    { "star",
      TRIAGE("star", "Star papers (list --starred, export --starred).") },
    { "unstar", TRIAGE("unstar", "Take the star off papers.") },
    { "read",
      TRIAGE("read", "Mark papers read (list --unread leaves them out).") },
    { "unread", TRIAGE("unread", "Mark papers unread again.") },
    { "ignore",
      TRIAGE("ignore", "Ignore papers: they stay stored but leave lists,\n"
                       "searches and digests.") },
    { "import",
      "usage: paperwatch import [--output FILE] [--restart] FILE\n"
      "\n"
      "FILE is either\n"
      "  an OPML subscription list: its feeds become pw.source lines in a\n"
      "      generated Lua file (default opml-sources.lua beside the config;\n"
      "      --output FILE elsewhere). init.lua is never changed: the line\n"
      "      to add to it is printed. Importing again replaces the file.\n"
      "  the arXiv metadata snapshot (JSON Lines, any size): papers are\n"
      "      stored about 5000 to a transaction and scored by the current\n"
      "      rules; never notified. Interrupted, the next import of the same\n"
      "      file goes on where it stopped (--restart: from the beginning).\n"
      "      A progress bar on a terminal. After a large import the search\n"
      "      index is merged into one piece (searches get faster).\n" },
    { "export",
      "usage: paperwatch export --format bibtex|json|jsonfeed|opml\n"
      "                         [--output FILE] [FILTERS] [KEY...]\n"
      "\n"
      "The papers named (KEY...), else those the filters select (all\n"
      "without any), as BibTeX, JSON Lines or a JSON Feed 1.1; opml: the\n"
      "configured sources.\n"
      "\n" LIST_FILTERS
      "  --output FILE       write there instead of stdout\n" },
};

const char *
help_for(const char *command)
{
    for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
        if (strcmp(helps[i].command, command) == 0)
            return helps[i].text;
    return NULL;
}
