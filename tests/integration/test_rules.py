"""Rules end to end: keep, hide and drop over a real run of fixtures,
tags and hit counts in the store, explain against known contributions,
rescore after the rules change, on_match hooks, the sandbox, and the
instruction budget and memory cap tripped (also from inside pcall)."""
import json
import os
import sqlite3
import unittest

from lib import Home, fixture, json_lines, main

API = fixture("arxiv-api-atom-search-2026.xml")

BASE = """
local pw = require "paperwatch"
pw.source(pw.feed { name = "api", url = "file://%s" })
""" % API


class Rules(unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def run_pw(self, config, *extra):
        self.home.write_config(BASE + config)
        r = self.home.pw("run", "--no-notify", *extra)
        self.assertIn(r.returncode, (0,), r.stderr)
        return r

    def keys(self, *args):
        r = self.home.pw("list", "--format", "json", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return {p["key"] for p in json_lines(r.stdout)}

    def db(self):
        return sqlite3.connect(self.home.db)

    def test_drop_is_never_stored(self):
        self.run_pw('pw.rule { name = "no robots", categories = "cs.RO", drop = true }')
        with self.db() as d:
            keys = {k for (k,) in d.execute("SELECT key FROM papers")}
        self.assertEqual(keys, {"arxiv:2606.13591", "arxiv:2606.13568",
                                "arxiv:2606.13501"})

    def test_keep_only_if_any_keep_rule_matches(self):
        self.run_pw("""
pw.rule { name = "agents", words = { "multiagent" }, keep = true }
pw.rule { name = "diffusion", title = "diffusion", keep = true, score = 1 }
pw.rule { name = "not serving", title = "serving", drop = true }
""")
        with self.db() as d:
            keys = {k for (k,) in d.execute("SELECT key FROM papers")}
        # two keep rules: either keeps; drop wins over keep
        self.assertEqual(keys, {"arxiv:2606.13591"})

    def test_hide_keeps_but_leaves_lists(self):
        self.run_pw("""
pw.rule { name = "hide math", categories = "math-ph", hide = true }
pw.rule { name = "all", any = ".", score = 5, tag = "seen" }
pw.notify { min_score = 1 }
""")
        self.assertNotIn("arxiv:2606.13568", self.keys())
        self.assertEqual(len(self.keys()), 4)
        with self.db() as d:
            (hidden,) = d.execute("SELECT hidden FROM papers WHERE key ="
                                  " 'arxiv:2606.13568'").fetchone()
            tags = d.execute("SELECT count(*) FROM tags WHERE tag = 'seen'"
                             " AND by_rule").fetchone()[0]
            hits = dict(d.execute("SELECT rule, hits FROM rule_hits"))
        self.assertEqual(hidden, 2)
        self.assertEqual(tags, 5)
        self.assertEqual(hits, {"hide math": 1, "all": 5})
        r = self.home.pw("explain", "2606.13568")
        self.assertIn("hidden by a rule", r.stdout)
        self.assertIn("notify at 1: reached (but hidden)", r.stdout)

    def test_explain_contributions(self):
        self.run_pw("""
pw.rule { name = "agents", words = { "multiagent", "agents" }, score = 3 }
pw.rule { name = "lg", categories = { "cs.LG" }, score = 0.5 }
pw.rule { name = "no ai", categories = "cs.AI", score = -1.25 }
pw.rule("fn", function(p) return 2, "because " .. p.authors[1] end)
pw.rule { name = "never", title = "zzzz", score = 9 }
pw.notify { min_score = 4 }
pw.digest { min_score = 5 }
""")
        r = self.home.pw("explain", "--format", "json", "arxiv:2606.13591")
        self.assertEqual(r.returncode, 0, r.stderr)
        x = json.loads(r.stdout)
        got = {c["rule"]: c["score"] for c in x["rules"]}
        self.assertEqual(got, {"agents": 3, "lg": 0.5, "no ai": -1.25,
                               "fn": 2, "never": 0})
        self.assertEqual(x["total"], 4.25)
        self.assertEqual(x["stored_score"], 4.25)
        self.assertFalse(x["stale"])
        fn = [c for c in x["rules"] if c["rule"] == "fn"][0]
        self.assertEqual(fn["reason"], "because Ali Elahi")
        self.assertTrue(fn["where"].endswith("init.lua:8"), fn["where"])
        self.assertEqual({t["name"]: t["reached"] for t in x["thresholds"]},
                         {"notify": True, "digest": False})
        t = self.home.pw("explain", "2606.13591").stdout
        self.assertIn("+3.00  agents", t)
        self.assertIn("-1.25  no ai", t)
        self.assertIn("+4.25  total", t)
        self.assertEqual(self.home.pw("explain", "9999.99999").returncode, 1)

    def test_rescore_after_rules_change(self):
        self.run_pw('pw.rule { name = "lg", categories = "cs.LG", score = 1 }')
        self.home.write_config(BASE + 'pw.rule { name = "lg", categories = "cs.LG", score = 2 }')
        r = self.home.pw("run", "--no-notify", "--all")
        self.assertIn("rules changed", r.stderr)
        r = self.home.pw("run", "--no-notify", "--all")
        self.assertNotIn("rules changed", r.stderr)  # said once
        x = json.loads(self.home.pw("explain", "--format", "json",
                                    "2606.13591").stdout)
        self.assertEqual((x["total"], x["stored_score"], x["stale"]),
                         (2, 1, True))
        before = open(self.home.config).read()
        r = self.home.pw("rescore")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("5 papers scored again", r.stderr)
        self.assertEqual(open(self.home.config).read(), before)
        scores = {p["key"]: p["score"] for p in json_lines(
            self.home.pw("list", "--format", "json").stdout)}
        self.assertEqual(set(scores.values()), {2})

    def test_on_match_hooks_and_db_tag(self):
        out = os.path.join(self.home.dir, "hooked.txt")
        self.run_pw("""
local seen = {}
pw.rule { name = "lg", categories = "cs.LG", score = 1,
          on_match = function(p) seen[#seen + 1] = p.key end }
pw.on_match(function(p, score)
  local f = assert(io.open(%r, "a"))   -- hooks are actions: io is fine
  f:write(p.key, " ", score, "\\n")
  f:close()
  assert(pw.db.tag(p.key, "hooked"))
end, { min_score = 1 })
""" % out)
        with open(out) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 5)
        self.assertEqual(len(self.keys("--tag", "hooked")), 5)
        # a second run: nothing new, no hook
        self.home.pw("run", "--no-notify", "--all")
        with open(out) as f:
            self.assertEqual(len(f.read().splitlines()), 5)

    def test_sandbox_in_rules_not_in_config(self):
        r = self.run_pw("""
local f = assert(io.open(%r))  -- the config has io
f:close()
pw.rule("reads files", function(p) return io.open("/etc/hostname") and 1 end)
pw.rule("runs things", function(p) return os.execute("true") and 1 end)
pw.rule("time is fine", function(p) return os.time() > 0 and 1 end)
pw.rule("authors frozen", function(p) p.authors[1] = "x" end)
""" % API)
        self.assertIn("io is not available inside rules", r.stderr)
        self.assertIn("os.execute is not available inside rules", r.stderr)
        self.assertIn("read-only", r.stderr)
        self.assertIn("failed on 5 papers", r.stderr)
        scores = {p["score"] for p in json_lines(
            self.home.pw("list", "--format", "json").stdout)}
        self.assertEqual(scores, {1})

    def test_budget_not_swallowed_by_pcall(self):
        r = self.run_pw("""
pw.limits { instructions = 100000 }
pw.rule("loops", function(p)
  while true do pcall(function() while true do end end) end
end)
pw.rule("fine", function(p) return 1 end)
""")
        self.assertIn("instruction budget of 100000 exceeded", r.stderr)
        self.assertIn("rule 'loops'", r.stderr)
        self.assertIn("init.lua:6", r.stderr)
        self.assertIn("failed on 5 papers", r.stderr)
        self.assertEqual({p["score"] for p in json_lines(
            self.home.pw("list", "--format", "json").stdout)}, {1})

    def test_memory_cap(self):
        r = self.run_pw("""
pw.limits { memory_mb = 16 }
pw.rule("eats", function(p)
  local t = {}
  local ok = pcall(function()
    for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end
  end)
  return 0
end)
pw.rule("fine", function(p) return 1 end)
""")
        self.assertIn("memory cap of 16 MiB exceeded", r.stderr)
        self.assertEqual({p["score"] for p in json_lines(
            self.home.pw("list", "--format", "json").stdout)}, {1})

    def test_notify_send_from_a_script(self):
        import notifyd
        try:
            nd = notifyd.NotifyDaemon()
            nd.start()
        except notifyd.Unavailable as ex:
            self.skipTest(str(ex))
        try:
            script = self.home.write_config("""
local ok, err = pw.notify.send { title = "Hello", body = "from Lua",
                                 url = "https://arxiv.org/abs/2401.00001",
                                 urgency = "critical" }
assert(ok, err)
""", name="send.lua")
            r = self.home.pw("eval", script, config=False, env=nd.env)
            self.assertEqual(r.returncode, 0, r.stderr)
            calls = nd.wait_calls(1)
            self.assertEqual(calls[0]["summary"], "Hello")
            self.assertIn("from Lua", calls[0]["body"])
        finally:
            nd.stop()
        r = self.home.pw("eval", script, config=False,
                         env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"})
        self.assertEqual(r.returncode, 1)  # nil, msg -> assert fails
        self.assertIn("send.lua:5", r.stderr)


if __name__ == "__main__":
    main()
