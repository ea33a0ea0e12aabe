#!/usr/bin/python3
"""`paperwatch digest`: selection since the last digest, ranking, grouping,
the four formats, --output, and templates overridden in Lua."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home  # noqa: E402

SOURCE = r'''
local pw = require "paperwatch"
pw.source { name = "lab", fetch = function()
  return {
    { id = "lab:1", title = "Diffusion <b>&</b> élan", authors = { "Zoë Ä", "Bob" },
      abstract = string.rep("Words about diffusion models. ", 60),
      url = "https://lab.example.org/1", pdf_url = "https://lab.example.org/1.pdf",
      github_repo = "https://github.com/lab/one",
      hf_url = "https://huggingface.co/papers/1", published = "2026-06-12T00:00:00Z" },
    { id = "lab:2", title = "Scaling language", authors = { "Ann" },
      abstract = "On language.", url = "https://lab.example.org/2" },
    { id = "lab:3", title = "Unrelated", authors = { "Cy" }, abstract = "x",
      url = "https://lab.example.org/3" },
  }
end }
pw.rule { name = "diffusion", match = "diffusion", score = 3 }
pw.rule { name = "language", match = "language", score = 2 }
'''


class Case(lib.unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def setup_db(self, digest="pw.digest { min_score = 1 }"):
        self.home.write_config(SOURCE + digest + "\n")
        r = self.home.pw("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def ok(self, *args):
        r = self.home.pw(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_text_ranked_grouped(self):
        self.setup_db()
        out = self.ok("digest")
        self.assertIn("2 papers", out)
        self.assertNotIn("Unrelated", out)  # under min_score
        self.assertLess(out.index("Diffusion <b>&</b> élan"),
                        out.index("Scaling language"))
        self.assertIn("== diffusion (1) ==", out)
        self.assertIn("== language (1) ==", out)
        self.assertIn("Zoë Ä, Bob", out)
        self.assertIn("diffusion +3", out)
        for url in ("https://lab.example.org/1.pdf",
                    "https://github.com/lab/one",
                    "https://huggingface.co/papers/1"):
            self.assertIn(url, out)
        self.assertIn("…", out)  # the abstract is trimmed
        self.assertLess(max(len(l) for l in out.splitlines()), 100)

    def test_html_self_contained(self):
        self.setup_db()
        out = self.ok("digest", "--format", "html")
        self.assertIn("Diffusion &lt;b&gt;&amp;&lt;/b&gt; élan", out)
        self.assertNotIn("<b>&", out)
        self.assertIn("prefers-color-scheme: dark", out)
        self.assertIn('style="', out)
        self.assertIsNone(re.search(r'<(img|link|script)\b', out))
        self.assertIsNone(re.search(r'src=|url\(', out))

    def test_markdown(self):
        self.setup_db()
        out = self.ok("digest", "--format", "md")
        self.assertIn("## diffusion", out)
        self.assertIn("[Diffusion \\<b\\>&\\</b\\> élan](<https://lab.example.org/1>)",
                      out)
        self.assertIn("[PDF](<https://lab.example.org/1.pdf>)", out)

    def test_json_feed(self):
        self.setup_db()
        feed = json.loads(self.ok("digest", "--format", "json"))
        self.assertEqual(feed["version"], "https://jsonfeed.org/version/1.1")
        self.assertTrue(feed["title"])
        items = feed["items"]
        self.assertEqual([i["id"] for i in items], ["lab:1", "lab:2"])
        first = items[0]
        self.assertEqual(first["url"], "https://lab.example.org/1")
        self.assertEqual(first["authors"], [{"name": "Zoë Ä"}, {"name": "Bob"}])
        self.assertEqual(first["date_published"], "2026-06-12T00:00:00Z")
        self.assertEqual(first["_paperwatch"]["score"], 3)
        self.assertEqual(first["_paperwatch"]["code_url"],
                         "https://github.com/lab/one")
        self.assertIn("diffusion", first["tags"])

    def test_stdout_is_a_look_output_records(self):
        self.setup_db()
        self.assertIn("2 papers", self.ok("digest"))
        self.assertIn("2 papers", self.ok("digest"))  # nothing recorded
        path = os.path.join(self.home.dir, "digest.html")
        self.ok("digest", "--output", path)
        with open(path) as f:
            self.assertIn("<!DOCTYPE html>", f.read())  # by its extension
        self.assertIn("0 papers", self.ok("digest"))  # starts where it ended
        self.assertIn("2 papers", self.ok("digest", "--since", "1d"))
        leftovers = [n for n in os.listdir(self.home.dir)
                     if n.startswith(".digest")]
        self.assertEqual(leftovers, [])

    def test_full_disk_fails(self):
        self.setup_db()
        r = self.home.pw("digest", "--output", "/dev/full")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/dev/full: write error", r.stderr)
        self.assertIn("2 papers", self.ok("digest"))  # nothing recorded
        with open("/dev/full", "w") as full:
            r = lib.subprocess.run([lib.PW, "--db", self.home.db, "--config",
                                    self.home.config, "digest"], stdout=full,
                                   stderr=lib.subprocess.PIPE, text=True,
                                   env=self.home.env())
        self.assertEqual(r.returncode, 1)
        self.assertIn("write error", r.stderr)

    def test_template_override(self):
        self.setup_db('''pw.digest { min_score = 1, templates = {
          text = function(d)
            local t = {}
            for _, g in ipairs(d.groups) do t[#t + 1] = g.name .. "=" .. #g.papers end
            return "custom " .. d.count .. " " .. table.concat(t, ",") .. "\\n"
          end } }''')
        self.assertEqual(self.ok("digest"), "custom 2 diffusion=1,language=1\n")
        # the other formats keep the shipped templates
        self.assertIn("<!DOCTYPE html>", self.ok("digest", "--format", "html"))

    def test_template_error_named(self):
        self.setup_db('''pw.digest { templates = {
          text = function(d) error("boom") end } }''')
        r = self.home.pw("digest")
        self.assertEqual(r.returncode, 1)
        self.assertIn("init.lua", r.stderr)
        self.assertIn("boom", r.stderr)

    def test_bad_settings_blame_the_line(self):
        self.home.write_config('local pw = require "paperwatch"\n'
                               'pw.digest { every = "fortnight" }\n')
        r = self.home.pw("digest")
        self.assertEqual(r.returncode, 1)
        self.assertIn("init.lua:2: pw.digest: every = 'fortnight'", r.stderr)
        self.home.write_config('local pw = require "paperwatch"\n'
                               'pw.digest { at = "25:00" }\n')
        r = self.home.pw("digest")
        self.assertIn("init.lua:2: pw.digest: at = '25:00'", r.stderr)

    def test_bad_format(self):
        self.setup_db()
        r = self.home.pw("digest", "--format", "pdf")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    lib.main()
