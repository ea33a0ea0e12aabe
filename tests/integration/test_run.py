#!/usr/bin/python3
"""One real cycle end to end: config -> fetch (file:// and a loopback HTTP
server) -> parse -> SQLite -> score -> libnotify over a real D-Bus session
to dbusmock's notification daemon."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, fixture, json_lines  # noqa: E402
import httpd  # noqa: E402
import notifyd  # noqa: E402

PAPER_FIELDS = ("key", "title", "authors", "abstract", "url", "pdf_url",
                "categories", "published", "updated", "score", "sources")

DEMO = os.path.join(lib.ROOT, "config", "demo.lua")


class Fixtures:
    """A loopback HTTP server over tests/fixtures and a D-Bus session with
    dbusmock's notification daemon, for the whole module."""
    srv = None
    bus = None


def setUpModule():
    Fixtures.srv = httpd.Server(root=lib.FIXTURES).start()
    try:
        Fixtures.bus = notifyd.NotifyDaemon()
        Fixtures.bus.start()
    except notifyd.Unavailable:
        Fixtures.bus = None


def tearDownModule():
    Fixtures.srv.stop()
    if Fixtures.bus:
        Fixtures.bus.stop()


class Case(lib.unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def need_bus(self):
        if Fixtures.bus is None:
            self.skipTest("no dbus-daemon or python3-dbusmock")
        Fixtures.bus.clear()
        return Fixtures.bus

    def run_pw(self, *args, env=None, code=0):
        r = self.home.pw(*args, env=env)
        self.assertEqual(r.returncode, code,
                         "exit %d, stderr:\n%s" % (r.returncode, r.stderr))
        return r


class DemoCycle(Case):
    def test_demo_stores_lists_and_notifies_once(self):
        bus = self.need_bus()
        env = bus.env
        r = self.home.pw("--config", DEMO, "run", env=env, config=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        papers = json_lines(self.home.pw("list", "--format", "json",
                                         config=False).stdout)
        # 1504 listing items + 5 API + 30 HF, merged by arXiv id
        self.assertGreater(len(papers), 1400)
        for p in papers[:50]:
            for f in PAPER_FIELDS:
                self.assertIn(f, p)
            self.assertIsInstance(p["authors"], list)
            self.assertIsInstance(p["categories"], list)
            self.assertIsInstance(p["sources"], list)
        keys = [p["key"] for p in papers]
        self.assertEqual(len(keys), len(set(keys)), "one row per paper")
        above = {p["title"] for p in papers if p["score"] >= 4.5}  # demo.lua
        self.assertTrue(above, "the demo threshold lets some papers notify")
        self.assertLess(len(above), 30)
        calls = bus.wait_calls(len(above), timeout=10)
        self.assertEqual(sorted(c["summary"] for c in calls), sorted(above))
        # highest score first
        best = max(papers, key=lambda p: p["score"])
        self.assertEqual(calls[0]["summary"], best["title"])

        # the second run adds nothing and notifies nothing
        bus.clear()
        r = self.home.pw("--config", DEMO, "run", env=env, config=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 new papers", r.stderr)
        again = json_lines(self.home.pw("list", "--format", "json",
                                        config=False).stdout)
        self.assertEqual(len(again), len(papers))
        self.assertEqual(bus.calls(), [])

    def test_merge_across_sources(self):
        """A paper on HF daily and in the arXiv API search is one paper
        with both sources (the fixtures share none, so serve one twice)."""
        self.home.write_config("""
            pw.source(pw.feed { name = "a", url = "%s" })
            pw.source(pw.feed { name = "b", url = "%s" })
        """ % (fixture("arxiv-api-atom-search-2026.xml"),
               Fixtures.srv.url("/arxiv-api-atom-search-2026.xml")))
        self.run_pw("run", "--no-notify")
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(papers), 5)
        for p in papers:
            self.assertEqual(sorted(p["sources"]), ["a", "b"])


class Http(Case):
    def test_conditional_get_second_run_unchanged(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
        """ % Fixtures.srv.url("/arxiv-api-atom-search-2026.xml"))
        self.run_pw("run", "--no-notify")
        r = self.run_pw("run", "--no-notify", "--format", "json")
        src = [o for o in json_lines(r.stdout) if o.get("kind") == "source"]
        self.assertEqual(src[0]["status"], "not_due")
        r = self.run_pw("run", "--all", "--no-notify", "--format", "json")
        src = [o for o in json_lines(r.stdout) if o.get("kind") == "source"]
        self.assertEqual(src[0]["status"], "unchanged")
        log = [l for l in Fixtures.srv.log_copy()
               if l["path"].endswith("arxiv-api-atom-search-2026.xml")]
        self.assertEqual(log[-1]["status"], 304)
        self.assertIn("If-None-Match", log[-1]["headers"])

    def test_gzip_and_redirects(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
        """ % Fixtures.srv.url("/redirect/2/gzip/arxiv-api-atom-search-2026.xml"))
        self.run_pw("run", "--no-notify")
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(papers), 5)

    def test_unreachable_source_exit_3_others_stored(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "dead", url = "http://127.0.0.1:9/feed.xml" })
            pw.source(pw.feed { name = "missing", url = "%s" })
            pw.source(pw.feed { name = "good", url = "%s" })
        """ % (Fixtures.srv.url("/status/404"),
               Fixtures.srv.url("/arxiv-api-atom-search-2026.xml")))
        r = self.run_pw("run", "--no-notify", "--format", "json", code=3)
        self.assertRegex(r.stderr, r"dead: .*(refused|connect)")
        self.assertIn("missing: HTTP 404", r.stderr)
        src = {o["source"]: o for o in json_lines(r.stdout)
               if o.get("kind") == "source"}
        self.assertEqual(src["dead"]["status"], "error")
        self.assertEqual(src["good"]["status"], "ok")
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(papers), 5)

    def test_arxiv_error_feed_and_empty_listing(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "bad", url = "%s" })
            pw.source(pw.feed { name = "quiet", url = "%s" })
        """ % (Fixtures.srv.url("/arxiv-rss-error-bad-archive.xml"),
               Fixtures.srv.url("/arxiv-rss-empty-channel.xml")))
        r = self.run_pw("run", "--no-notify", "--format", "json", code=3)
        src = {o["source"]: o for o in json_lines(r.stdout)
               if o.get("kind") == "source"}
        self.assertEqual(src["quiet"]["status"], "empty")
        self.assertEqual(src["bad"]["status"], "error")
        self.assertIn("Feed error for query", src["bad"]["error"])

    def test_truncated_body_keeps_complete_entries(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "cut", url = "%s" })
        """ % Fixtures.srv.url(
            "/truncate/arxiv-api-atom-legacy-2016-search-multi.xml"))
        r = self.run_pw("run", "--no-notify", code=3)
        self.assertIn("cut:", r.stderr)
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertGreater(len(papers), 0)


class Rules(Case):
    def test_rule_that_raises_is_named_and_others_run(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
            pw.rule("broken", function(p) error("boom") end)
            pw.rule("steady", function(p) return 1, "always" end)
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.run_pw("run", "--no-notify")
        self.assertIn("rule 'broken'", r.stderr)
        self.assertIn("boom", r.stderr)
        self.assertIn("init.lua:3", r.stderr)
        self.assertIn("failed on 5 papers", r.stderr)
        self.assertEqual(r.stderr.count("boom"), 1, "reported once")
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertTrue(all(p["score"] == 1 for p in papers))

    def test_runaway_rule_is_stopped(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
            pw.rule("loop", function(p)
              while true do pcall(function() while true do end end) end
            end)
            pw.rule("hog", function(p)
              local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end
            end)
            pw.rule { name = "kw", match = "manipulation", score = 2 }
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.run_pw("run", "--no-notify")
        self.assertIn("instruction budget", r.stderr)
        self.assertIn("memory cap", r.stderr)
        p = json_lines(self.run_pw("show", "--format", "json",
                                   "2606.13677").stdout)[0]
        self.assertEqual(p["score"], 2)
        self.assertEqual([x["rule"] for x in p["rules"]], ["kw"])

    def test_declarative_and_function_rules_explained_by_show(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
            pw.rule { name = "tools", match = [[articulated tools?]], score = 3 }
            pw.rule { name = "robots", categories = { "cs.RO" }, score = 1 }
            pw.rule { name = "nobody", authors = { "Nobody Here" }, score = 9 }
            pw.rule("long title", function(p)
              if #p.title > 20 then return 0.5, "long title" end
            end)
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        self.run_pw("run", "--no-notify")
        r = self.run_pw("show", "--format", "json", "arXiv:2606.13677v1")
        p = json_lines(r.stdout)[0]
        self.assertEqual(p["key"], "arxiv:2606.13677")
        rules = {x["rule"]: x for x in p["rules"]}
        self.assertEqual(set(rules), {"tools", "robots", "long title"})
        self.assertEqual(p["score"], 4.5)
        self.assertEqual(rules["long title"]["reason"], "long title")
        text = self.run_pw("show", "https://arxiv.org/abs/2606.13677").stdout
        self.assertIn("Mana: Dexterous Manipulation of Articulated Tools", text)
        self.assertIn("tools", text)
        # no rule stores a zero
        db = sqlite3.connect(self.home.db)
        zeros = db.execute("select count(*) from rule_scores where score = 0")
        self.assertEqual(zeros.fetchone()[0], 0)


class Config(Case):
    def test_syntax_error_names_file_and_line(self):
        self.home.write_config("pw.source(pw.feed { name = 'x', url = 'y' }\n"
                               "pw.rule('a' function(p) end)\n")
        r = self.run_pw("run", code=1)
        self.assertRegex(r.stderr, r"init\.lua:2:")

    def test_unknown_field_did_you_mean(self):
        self.home.write_config("\n\npw.rule { name = 'x', title = 'a', scroe = 1 }\n")
        r = self.run_pw("run", code=1)
        self.assertIn("init.lua:3:", r.stderr)
        self.assertIn("unknown field 'scroe' (did you mean 'score'?)", r.stderr)

    def test_bad_regex_named(self):
        self.home.write_config("pw.rule { name = 'x', title = 'a(b', score = 1 }\n")
        r = self.run_pw("run", code=1)
        self.assertIn("init.lua:1:", r.stderr)
        self.assertIn("regex /a(b/", r.stderr)

    def test_missing_config_file(self):
        r = self.home.pw("--config", "/nonexistent/init.lua", "run",
                         config=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/init.lua", r.stderr)

    def test_config_from_environment_and_xdg(self):
        path = self.home.write_config(
            'pw.source(pw.feed { name = "env", url = "%s" })\n'
            % fixture("arxiv-api-atom-search-2026.xml"), name="other.lua")
        r = self.home.pw("run", "--no-notify", "--format", "json",
                         config=False, env={"PAPERWATCH_CONFIG": path})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"source":"env"', r.stdout)
        xdg = os.path.join(self.home.dir, "config", "paperwatch")
        os.makedirs(xdg)
        with open(os.path.join(xdg, "init.lua"), "w") as f:
            f.write('pw.source(pw.feed { name = "xdg", url = "%s" })\n'
                    % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.home.pw("run", "--no-notify", "--format", "json",
                         config=False)
        self.assertIn('"source":"xdg"', r.stdout)

    def test_default_config_without_network_exit_3(self):
        """The built-in default config, every request sent to a dead local
        proxy so nothing can reach the internet: each source reports its
        network error, exit 3, no crash."""
        dead = "http://127.0.0.1:9"
        r = self.home.pw("run", "--no-notify", config=False,
                         env={"http_proxy": dead, "https_proxy": dead,
                              "HTTPS_PROXY": dead, "no_proxy": ""})
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("arxiv:cs.LG+cs.CL+cs.AI", r.stderr)
        self.assertIn("hf:daily", r.stderr)


class Notify(Case):
    def test_no_dbus_session_warns_once_and_goes_on(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
            pw.rule { name = "all", match = ".", score = 5 }
            pw.notify { min_score = 1 }
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.run_pw("run", env={"DBUS_SESSION_BUS_ADDRESS":
                                    "unix:path=/nonexistent/bus",
                                    "DISPLAY": ""})
        warnings = [l for l in r.stderr.splitlines() if "warning" in l]
        self.assertEqual(len(warnings), 1, r.stderr)
        db = sqlite3.connect(self.home.db)
        n = db.execute("select count(*) from papers where notified_at is not null")
        self.assertEqual(n.fetchone()[0], 0, "nothing marked as shown")

    def test_below_threshold_never_notifies_markup_escaped(self):
        bus = self.need_bus()
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
            pw.rule { name = "mana", title = "^Mana:", score = 5 }
            pw.notify { min_score = 5 }
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        self.run_pw("run", env=bus.env)
        calls = bus.wait_calls(1)
        self.assertEqual([c["summary"] for c in calls],
                         ["Mana: Dexterous Manipulation of Articulated Tools"])
        # the abstract's "<1 minute" reaches the server escaped
        self.run_pw("run", env=bus.env)
        self.assertEqual(len(bus.calls()), 1)

    def test_dry_run_keeps_nothing(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s" })
        """ % fixture("arxiv-api-atom-search-2026.xml"))
        r = self.run_pw("run", "--dry-run", "--format", "json")
        self.assertEqual(len([o for o in json_lines(r.stdout)
                              if o.get("kind") == "paper"]), 5)
        self.run_pw("run", "--no-notify")
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(papers), 5, "the real run still finds them new")


class Usage(Case):
    def test_bad_usage_exit_2(self):
        for args in (["frobnicate"], ["run", "--bogus"], ["list", "--limit"],
                     ["run", "--format", "xml"], []):
            r = self.home.pw(*args, config=False)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("paperwatch: "), r.stderr)

    def test_unknown_source_name(self):
        self.home.write_config('pw.source(pw.feed { name = "a", url = "x.xml" })\n')
        r = self.run_pw("run", "--source", "b", code=2)
        self.assertIn("no source named 'b'", r.stderr)

    def test_help_and_version(self):
        r = self.run_pw("--help")
        self.assertIn("usage: paperwatch", r.stdout)
        r = self.run_pw("--version")
        self.assertRegex(r.stdout, r"^paperwatch \d+\.\d+\.\d+")

    def test_list_filters(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "hf", url = "%s" })
            pw.rule("up", function(p) return p.upvotes end)
        """ % fixture("hf-daily-papers-api-2026-06-12.json"))
        self.run_pw("run", "--no-notify")
        allp = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(allp), 30)
        scores = [p["score"] for p in allp]
        self.assertEqual(scores, sorted(scores, reverse=True))
        top = json_lines(self.run_pw("list", "--format", "json",
                                     "--limit", "3").stdout)
        self.assertEqual([p["key"] for p in top], [p["key"] for p in allp[:3]])
        some = json_lines(self.run_pw("list", "--format", "json",
                                      "--min-score", "20").stdout)
        self.assertEqual(len(some), len([s for s in scores if s >= 20]))


if __name__ == "__main__":
    lib.main()
