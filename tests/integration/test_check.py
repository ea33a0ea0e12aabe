"""`paperwatch check`: every kind of mistake listed with its file:line in
one go (exit 1), a clean config summarized (exit 0), the shipped example
configs accepted, and nothing fetched."""
import glob
import os
import unittest

from lib import Home, ROOT, main

MISTAKES = """local pw = require "paperwatch"
pw.source(pw.feed { name = "a", urll = "https://x.org/rss" })
pw.source(pw.feed { name = "b" })
pw.source(pw.arxiv.listing { "cs.LG" })
pw.source(pw.arxiv.listing { "cs.LG" })
pw.rule { name = "r1", title = "two(", score = 1 }
pw.rule { name = "r2", titel = "x", score = 1 }
pw.rule { name = "r3", title = "x", score = "high" }
pw.rule { name = "r4", title = "y", score = 1 }
pw.rule { name = "r4", words = { "z" }, score = 1 }
pw.notify { min_score = "4" }
pw.digest { min_score = 1, evry = "day" }
pw.limits { memory_mb = "a lot" }
pw.rule { name = "r5", title = { words = { "a" }, wrds = 1 }, score = 1 }
pw.rule { name = "r6", title = "x", keep = true, drop = true }
"""

EXPECTED = [
    (2, "unknown field 'urll' (did you mean 'url'?)"),
    (3, "a source needs a url"),
    (5, "a source named 'arxiv:cs.LG' is already registered"),
    (6, "regex /two(/: missing closing parenthesis at position 5"),
    (7, "unknown field 'titel' (did you mean 'title'?)"),
    (8, "field 'score' must be a number, got string"),
    (10, "a rule named 'r4' is already registered"),
    (11, "field 'min_score' must be a number, got string"),
    (12, "unknown field 'evry' (did you mean 'every'?)"),
    (13, "field 'memory_mb' must be a number, got string"),
    (14, "unknown key 'wrds'"),
    (15, "keep and drop exclude each other"),
]


class Check(unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def test_every_mistake_with_its_line(self):
        path = self.home.write_config(MISTAKES)
        r = self.home.pw("check")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), len(EXPECTED), r.stdout)
        for (line, msg), got in zip(EXPECTED, lines):
            self.assertTrue(got.startswith("%s:%d: " % (path, line)), got)
            self.assertIn(msg, got)
        self.assertIn("12 problems", r.stderr)
        self.assertFalse(os.path.exists(self.home.db))  # no database opened

    def test_runtime_and_syntax_errors(self):
        self.home.write_config('local pw = require "paperwatch"\n'
                               'pw.rule { name = "x", titel = 1 }\n'
                               'undefined_function()\n')
        r = self.home.pw("check")
        self.assertEqual(r.returncode, 1)
        self.assertIn("init.lua:2: pw.rule: unknown field 'titel'", r.stdout)
        self.assertIn("init.lua:3: attempt to call a nil value", r.stdout)
        self.home.write_config("pw.rule { name = \n")
        r = self.home.pw("check")
        self.assertEqual(r.returncode, 1)
        self.assertIn("init.lua:2:", r.stdout)

    def test_clean_config_summary(self):
        self.home.write_config("""local pw = require "paperwatch"
pw.source(pw.arxiv.listing { "cs.LG", "cs.CL" })
pw.source(pw.hf.daily {})
pw.source(pw.feed { name = "distill", url = "https://distill.pub/rss.xml" })
pw.rule { name = "a", words = { "diffusion" }, score = 1 }
pw.rule("b", function(p) return 1 end)
pw.notify { min_score = 4 }
""")
        r = self.home.pw("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 sources, 2 rules, notify at 4", r.stdout)

    def test_examples_pass(self):
        examples = sorted(glob.glob(os.path.join(ROOT, "config", "examples",
                                                 "*.lua")))
        self.assertGreaterEqual(len(examples), 3)
        for path in examples + [os.path.join(ROOT, "config", "demo.lua"),
                                os.path.join(ROOT, "config", "init.lua")]:
            r = self.home.pw("--config", path, "check", config=False)
            self.assertEqual(r.returncode, 0, path + ": " + r.stdout + r.stderr)


    def test_man_page_renders(self):
        import shutil
        import subprocess
        if not shutil.which("man"):
            self.skipTest("man is not installed")
        r = subprocess.run(["man", "--warnings", "-l",
                            os.path.join(ROOT, "doc", "paperwatch-lua.5")],
                           capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80", MANPAGER="cat"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.strip(), "")
        for fn in ("pw.rule", "pw.db.query", "pw.notify.send", "p:has_author"):
            self.assertIn(fn, r.stdout)


if __name__ == "__main__":
    main()
