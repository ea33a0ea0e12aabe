"""Declarative rules run in C (agent/match.c) and as the Lua closures
rules.lua builds: the two must agree on every paper, every rule, every
reason. `parse --score` over every fixture and a real `run` over a
listing, once each way (PAPERWATCH_LUA_RULES=1 forces Lua), compared
field by field; and the contributions checked against what the rules
say."""
import os
import sqlite3
import unittest

from lib import FIXTURES, Home, fixture, json_lines, main

LISTING = fixture("arxiv-rss-2024-11-28-all-archives.xml")

# Every kind of test a declarative rule has, the odd patterns among them.
RULES = r"""
local pw = require "paperwatch"
pw.rule { name = "llm", words = { "LLM", "LLMs", "large language model" }, score = 3 }
pw.rule { name = "diffusion", match = "diffusion (models?|process(es)?)", score = 2 }
pw.rule { name = "gauss", title = "Gaussian", score = 2 }
pw.rule { name = "cs title", title = "Gaussian", case_sensitive = true, score = 1 }
pw.rule { name = "lower cs", title = "gaussian", case_sensitive = true, score = 5 }
pw.rule { name = "abstract re", abstract = { [[\bgraph neural net(work)?s?\b]], "GNNs?" }, score = 2 }
pw.rule { name = "any author", any = "Yap|Cui", score = 1 }
pw.rule { name = "any cat", any = "^hep-th$", score = 1 }
pw.rule { name = "any comment", any = "pages", score = 0.5 }
pw.rule { name = "any journal", any = "Phys\\. Rev", score = 0.5 }
pw.rule { name = "any source", any = "listing", score = 0.25 }
pw.rule { name = "authors", authors = { "chee  kian YAP", "James M. Murray" }, score = 4 }
pw.rule { name = "archive", categories = "math", score = -1 }
pw.rule { name = "exact cat", categories = { "cs.LG", "stat.ML" }, score = 1.5 }
pw.rule { name = "new only", announce = "new", score = 0.1 }
pw.rule { name = "replacements", announce = { "replace", "replace-cross" }, score = -0.5 }
pw.rule { name = "from listing", source = "listing", score = 0.2 }
pw.rule { name = "both", words = "quantum", categories = "quant-ph", score = 3,
          reason = "quantum, and filed so" }
pw.rule { name = "no literal", match = [[\d{4}\.\d{5}]], score = 0.3 }
pw.rule { name = "dotted", match = "e\\.g\\.|i\\.e\\.", score = 0.1 }
pw.rule { name = "class", title = "[Tt]ransformers?", score = 1 }
pw.rule { name = "lookaround", abstract = "(?<=zero-)shot", score = 1 }
pw.rule { name = "unicode", any = "Schr\u{f6}dinger|na\u{ef}ve", score = 1 }
pw.rule { name = "phrase words", title = { words = { "language model", "reinforcement learning" } }, score = 2 }
pw.rule { name = "short", words = { "AI", "RL" }, score = 0.5 }
pw.rule { name = "hide robots", categories = "cs.RO", hide = true }
pw.rule { name = "tag vision", categories = "cs.CV", tag = "vision" }
pw.rule { name = "neg", match = "survey|review", score = -2 }
pw.rule { name = "bench", words = "benchmark", score = 1 }
"""


def inputs():
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith((".xml", ".json", ".jsonl")) and "error" not in name:
            yield os.path.join(FIXTURES, name)


class Matcher(unittest.TestCase):
    def setUp(self):
        self.home = Home()
        self.home.write_config(RULES)

    def tearDown(self):
        self.home.cleanup()

    def scored(self, path, lua):
        env = {"PAPERWATCH_LUA_RULES": "1"} if lua else {}
        r = self.home.pw("parse", "--score", path, env=env)
        return r.returncode, json_lines(r.stdout), r.stderr

    def test_parse_score_c_and_lua_agree(self):
        hits = {}
        papers = 0
        for path in inputs():
            c_rc, c_out, c_err = self.scored(path, lua=False)
            l_rc, l_out, l_err = self.scored(path, lua=True)
            self.assertEqual(c_rc, l_rc, path)
            self.assertEqual(c_err, l_err, path)
            self.assertEqual(len(c_out), len(l_out), path)
            for c, lu in zip(c_out, l_out):
                self.assertEqual((c["key"], c["score"], c["reasons"]),
                                 (lu["key"], lu["score"], lu["reasons"]),
                                 "%s: %s" % (os.path.basename(path), c["key"]))
                for r in c["reasons"]:
                    hits[r["rule"]] = hits.get(r["rule"], 0) + 1
            papers += len(c_out)
        self.assertGreater(papers, 1000)
        # the comparison means something only if the rules do match
        for rule in ("llm", "diffusion", "gauss", "cs title", "abstract re",
                     "any author", "any cat", "any comment", "authors",
                     "archive", "exact cat", "new only", "replacements",
                     "both", "no literal", "class", "short", "neg"):
            self.assertGreater(hits.get(rule, 0), 0, rule)
        self.assertNotIn("lower cs", hits)  # case-sensitive and absent

    def test_contributions(self):
        rc, out, err = self.scored(LISTING, lua=False)
        self.assertEqual(rc, 0, err)
        by_key = {p["key"]: p for p in out}
        yap = by_key["arxiv:2411.17701"]  # Chee Kian Yap, physics
        rules = {r["rule"]: r for r in yap["reasons"]}
        self.assertEqual(rules["authors"]["score"], 4)
        self.assertEqual(rules["authors"]["reason"], "matched authors")
        self.assertEqual(rules["any author"]["score"], 1)
        self.assertAlmostEqual(yap["score"],
                               sum(r["score"] for r in yap["reasons"]))
        both = [p for p in out if any(r["rule"] == "both" for r in p["reasons"])]
        self.assertTrue(both)
        for p in both:
            self.assertIn("quant-ph", p["categories"])
            r = [r for r in p["reasons"] if r["rule"] == "both"][0]
            self.assertEqual(r["reason"], "quantum, and filed so")

    def test_parse_score_text(self):
        r = self.home.pw("parse", "--score", "--format", "text", LISTING)
        self.assertEqual(r.returncode, 0, r.stderr)
        first = r.stdout.splitlines()[0].split("\t")
        self.assertEqual(len(first), 3)
        float(first[0])  # the total comes first
        self.assertTrue(first[1].startswith("arxiv:"))

    def test_run_c_and_lua_agree(self):
        """Stored scores, hidden state and rule tags after a real run, with
        the source field set."""
        results = []
        for lua in (False, True):
            home = Home()
            try:
                home.write_config(RULES + 'pw.source(pw.feed { name = "listing", '
                                  'url = "file://%s" })\n' % LISTING)
                env = {"PAPERWATCH_LUA_RULES": "1"} if lua else {}
                r = home.pw("run", "--no-notify", env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                with sqlite3.connect(home.db) as d:
                    rows = sorted(d.execute(
                        "SELECT key, score, hidden FROM papers"))
                    tags = sorted(d.execute(
                        "SELECT p.key, t.tag FROM tags t JOIN papers p "
                        "ON p.id = t.paper_id"))
                    hits = sorted(d.execute("SELECT rule, hits FROM rule_hits"))
                results.append((rows, tags, hits))
            finally:
                home.cleanup()
        self.assertEqual(results[0], results[1])
        rows, tags, hits = results[0]
        self.assertGreater(len(rows), 1000)
        self.assertTrue(any(h for _, _, h in rows))  # hide robots hid some
        self.assertTrue(tags)
        self.assertIn("from listing", dict(hits))


class PaperObject(unittest.TestCase):
    """The object function rules get: fields made on first read, the same
    values as the whole record, identity kept, and a clear error when a
    rule keeps the object past its paper."""

    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def test_fields_as_the_record(self):
        self.home.write_config(r"""
local pw = require "paperwatch"
pw.rule("fields", function(p)
  assert(p.authors == p.authors, "the same table twice")
  assert(rawequal(p.title, p.title))
  local n, seen = 0, {}
  for k, v in pairs(p) do n = n + 1; seen[k] = v end
  assert(seen.title == p.title and seen.key == p.key)
  assert(seen.authors == p.authors, "pairs keeps what was made")
  assert(p.nosuchfield == nil and p.nosuchfield == nil)
  assert(type(p.match) == "function", "methods still there")
  assert(tostring(p) == "paper " .. p.key)
  local ok = pcall(function() p.authors[1] = "x" end)
  assert(not ok, "nested tables stay read-only")
  return (p.upvotes or 0) > 10 and 1 or 0, "n=" .. n
end)
""")
        hf = fixture("hf-daily-papers-api-2026-06-12.json")
        r = self.home.pw("parse", "--score", hf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        out = json_lines(r.stdout)
        raw = {p["key"]: p for p in json_lines(self.home.pw("parse", hf).stdout)}
        self.assertTrue(out)
        liked = [p for p in out if p["score"] == 1]
        self.assertTrue(liked, "extras (upvotes) are fields")
        for p in liked:
            self.assertGreater(raw[p["key"]]["extras"]["upvotes"], 10)

    def test_kept_past_its_paper(self):
        self.home.write_config(r"""
local pw = require "paperwatch"
local last
pw.rule("keeps the paper", function(p)
  local before = last
  last = p
  if before then return #before.abstract > 0 and 1 or 0 end
  return 0
end)
""")
        r = self.home.pw("parse", "--score", LISTING)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("'abstract' read after the paper's rules ran", r.stderr)
        self.assertIn("rule 'keeps the paper'", r.stderr)
        self.assertIn("failed on 1503 papers", r.stderr)

    def test_hooks_may_keep_it(self):
        self.home.write_config(r"""
local pw = require "paperwatch"
pw.source(pw.feed { name = "api", url = "file://%s" })
local kept = {}
pw.rule("one", function(p) return 1 end)
pw.on_match(function(p)
  kept[#kept + 1] = p
  for _, q in ipairs(kept) do assert(#q.abstract > 0 and q.authors[1]) end
  pw.log.info("kept " .. #kept)
end)
""" % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.home.pw("run", "--no-notify")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("error", r.stderr.lower())
        self.assertIn("kept 5", r.stderr)


if __name__ == "__main__":
    main()
