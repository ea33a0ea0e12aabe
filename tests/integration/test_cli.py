#!/usr/bin/python3
"""The command line as a Unix tool: triage several keys at once (as people
type them), list filters, --help per command, text sized to the terminal
and coloured only on one (never with NO_COLOR), JSON and Markdown, exit
codes, and the manual."""
import os
import pty
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, fixture, json_lines  # noqa: E402

SNAPSHOT = fixture("kaggle-arxiv-metadata-oai-snapshot-head.jsonl")


def on_pty(home, *args, env=None):
    """Run with stdout on a pseudo-terminal; returns (status, output)."""
    master, slave = pty.openpty()
    cmd = [lib.PW, "--db", home.db] + list(args)
    e = home.env(env)
    e.pop("NO_COLOR", None)
    e["TERM"] = "xterm"
    if env:
        e.update(env)
    p = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.DEVNULL,
                         env=e, cwd=home.dir)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(), out.decode("utf-8", "replace")


class Cli(lib.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = Home()
        r = cls.home.pw("import", SNAPSHOT)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def keys(self, *args):
        r = self.home.pw("list", "--format", "json", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [p["key"] for p in json_lines(r.stdout)]

    def test_triage_several_keys_as_typed(self):
        h = self.home
        r = h.pw("star", "0704.0010", "arXiv:0704.0011v2",
                 "https://arxiv.org/abs/0704.0012", "9999.99999",
                 "https://arxiv.org/pdf/0704.0013v1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no paper '9999.99999'", r.stderr)
        self.assertEqual(sorted(self.keys("--starred")),
                         ["arxiv:0704.0010", "arxiv:0704.0011",
                          "arxiv:0704.0012", "arxiv:0704.0013"])
        self.assertEqual(h.pw("unstar", "0704.0011").returncode, 0)
        self.assertNotIn("arxiv:0704.0011", self.keys("--starred"))
        (p,) = [x for x in json_lines(h.pw("list", "--format", "json",
                                           "--starred").stdout)
                if x["key"] == "arxiv:0704.0010"]
        self.assertIs(p["starred"], True)
        self.assertIs(p["read"], False)
        h.pw("star", "0704.0011")
        h.pw("unstar", "0704.0011")
        self.assertEqual(h.pw("unstar", "0704.0011").returncode, 0)

    def test_read_unread_ignore(self):
        h = self.home
        unread = self.keys("--unread")
        self.assertIn("arxiv:0704.0020", unread)
        self.assertEqual(h.pw("read", "0704.0020", "0704.0021").returncode, 0)
        unread = self.keys("--unread")
        self.assertNotIn("arxiv:0704.0020", unread)
        self.assertNotIn("arxiv:0704.0021", unread)
        self.assertEqual(h.pw("unread", "0704.0021").returncode, 0)
        self.assertIn("arxiv:0704.0021", self.keys("--unread"))
        self.assertEqual(h.pw("ignore", "0704.0030").returncode, 0)
        self.assertNotIn("arxiv:0704.0030", self.keys())
        # still stored
        self.assertEqual(h.pw("show", "0704.0030").returncode, 0)
        self.assertEqual(h.pw("star").returncode, 2)

    def test_show_state_and_tags(self):
        """show gives the triage state and the tags, the user's and the
        rules' told apart, under the names list uses."""
        h = Home()
        try:
            h.write_config('pw.rule { name = "all", any = ".", score = 1,'
                           ' tag = "seen" }\n'
                           'pw.rule { name = "any", any = ".", score = 1,'
                           ' tag = "auto" }\n')
            self.assertEqual(h.pw("import", SNAPSHOT).returncode, 0)
            script = h.write_config('assert(pw.db.tag("0704.0001", "toread"))'
                                    '\nassert(pw.db.tag("0704.0001", "seen"))'
                                    '\n', name="tag.lua")
            r = h.pw("eval", script)
            self.assertEqual(r.returncode, 0, r.stderr)

            def show(key):
                r = h.pw("show", "--format", "json", key)
                self.assertEqual(r.returncode, 0, r.stderr)
                (p,) = json_lines(r.stdout)
                return p
            p = show("0704.0002")
            self.assertEqual((p["starred"], p["read"], p["ignored"]),
                             (False, False, False))
            self.assertEqual(p["tags"], ["auto", "seen"])
            self.assertEqual(p["rule_tags"], ["auto", "seen"])
            text = h.pw("show", "0704.0002").stdout
            self.assertIn("\nstate:      unread\n", text)
            self.assertIn("\ntags:       auto (rule), seen (rule)\n", text)

            for cmd in ("star", "read", "ignore"):
                self.assertEqual(h.pw(cmd, "0704.0001").returncode, 0)
            p = show("0704.0001")
            self.assertEqual((p["starred"], p["read"], p["ignored"]),
                             (True, True, True))
            # a tag the user set stays the user's when a rule sets it too
            self.assertEqual(p["tags"], ["auto", "seen", "toread"])
            self.assertEqual(p["rule_tags"], ["auto"])
            self.assertEqual(p["rules"][0]["score"], 1)
            text = h.pw("show", "0704.0001").stdout
            self.assertIn("\nstate:      read, starred, ignored\n", text)
            self.assertIn("\ntags:       auto (rule), seen, toread\n", text)
            self.assertIn("\nscore:      2.00\n", text)
            # list names the same fields the same way
            self.assertEqual(h.pw("star", "0704.0002").returncode, 0)
            (q,) = json_lines(h.pw("list", "--format", "json",
                                   "--starred").stdout)
            p = show("0704.0002")
            for k in ("key", "starred", "read", "tags"):
                self.assertEqual(q[k], p[k], k)
        finally:
            h.cleanup()

    def test_list_filters(self):
        src = "import:kaggle-arxiv-metadata-oai-snapshot-head.jsonl"
        self.assertEqual(len(self.keys("--source", src, "--limit", "5")), 5)
        self.assertEqual(self.keys("--source", "nosuch"), [])
        self.assertEqual(self.keys("--tag", "nosuch"), [])
        self.assertEqual(len(self.keys("--since", "1d", "--limit", "7")), 7)

    def test_markdown(self):
        r = self.home.pw("list", "--format", "md", "--limit", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("1. **["), lines[0])
        self.assertIn("](https://arxiv.org/abs/", lines[0])
        self.assertTrue(lines[1].startswith("2. **["))

    def test_text_sized_to_columns(self):
        r = self.home.pw("list", "--limit", "20", env={"COLUMNS": "60"})
        for line in r.stdout.splitlines():
            self.assertLessEqual(len(line), 60, line)
        self.assertIn("\u2026", r.stdout)
        r = self.home.pw("list", "--limit", "20")  # a pipe: nothing cut
        self.assertNotIn("\u2026", r.stdout)

    def test_colour_only_on_a_terminal(self):
        status, out = on_pty(self.home, "search", "quark")
        self.assertEqual(status, 0)
        self.assertIn("\x1b[", out)
        status, out = on_pty(self.home, "search", "quark",
                             env={"NO_COLOR": "1"})
        self.assertNotIn("\x1b[", out)
        self.assertIn("*", out)
        r = self.home.pw("search", "quark", env={"NO_COLOR": ""})
        self.assertNotIn("\x1b[", r.stdout)

    def test_help_per_command(self):
        for cmd, word in (("list", "--unread"), ("search", "author:"),
                          ("import", "OPML"), ("export", "bibtex"),
                          ("star", "KEY")):
            r = self.home.pw(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertTrue(r.stdout.startswith("usage: paperwatch " + cmd),
                            r.stdout)
            self.assertIn(word, r.stdout)
        r = self.home.pw("--help")
        self.assertEqual(r.returncode, 0)
        for cmd in ("search", "import", "export", "star"):
            self.assertIn(cmd, r.stdout)

    def test_every_command_has_its_own_help(self):
        """Each command of DESIGN.md's command line answers --help with its
        own usage, not the general one."""
        for cmd in ("run", "daemon", "parse", "list", "search", "show",
                    "explain", "star", "unstar", "read", "unread", "ignore",
                    "digest", "rescore", "sources", "import", "export",
                    "eval", "check"):
            r = self.home.pw(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertTrue(r.stdout.startswith("usage: paperwatch " + cmd),
                            "%s: %s" % (cmd, r.stdout[:80]))

    def test_usage_errors(self):
        self.assertEqual(self.home.pw("list", "--bogus").returncode, 2)
        self.assertEqual(self.home.pw("list", "--format", "xml").returncode, 2)
        self.assertEqual(self.home.pw("frobnicate").returncode, 2)

    def test_manual_renders_without_warnings(self):
        man = os.path.join(lib.ROOT, "doc", "paperwatch.1")
        r = subprocess.run(["groff", "-man", "-ww", "-Tutf8", man],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr, "")
        r.stdout = re.sub(".\b", "", r.stdout)  # overstrike: bold
        for cmd in ("run", "daemon", "parse", "list", "search", "show",
                    "explain", "star", "unstar", "read", "unread", "ignore",
                    "digest", "rescore", "sources", "import", "export",
                    "eval", "check"):
            self.assertIn(cmd, r.stdout)
        for word in ("PAPERWATCH_CONFIG", "PAPERWATCH_DB", "NO_COLOR",
                     "EXIT STATUS", "EXAMPLES", "FILES"):
            self.assertIn(word, r.stdout)


if __name__ == "__main__":
    lib.main()
