#!/usr/bin/python3
"""Desktop notifications from `paperwatch run`: the real libnotify over a
real D-Bus session to dbusmock's notification daemon (notifyd.py). What a
bubble says and how (escaping, urgency, hints), batching, quiet hours, and
once per paper: across runs, across versions, across a kill between the
database mark and the bubble."""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, fixture  # noqa: E402
import notifyd  # noqa: E402

LISTING = fixture("arxiv-rss-2024-11-28-all-archives.xml")

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>lab</title><link>https://lab.example.org/</link>
%s
</channel></rss>
"""
ITEM = """<item><title>%(title)s</title><link>%(link)s</link>
<guid>%(link)s</guid><dc:creator>%(authors)s</dc:creator>
<description>%(abstract)s</description></item>
"""


def items(n, title="Paper %d", abstract="We study thing %d. More follows."):
    out = []
    for i in range(n):
        out.append(ITEM % {"title": title % i,
                           "link": "https://lab.example.org/p/%d" % i,
                           "authors": "Ada Lovelace",
                           "abstract": abstract % i})
    return "".join(out)


def listing_with(item_texts):
    """An rss.arxiv.org listing with the fixture's channel and these items."""
    with open(LISTING, encoding="utf-8") as f:
        doc = f.read()
    head = doc[:doc.index("<item>")]
    return head + "".join(item_texts) + "  </channel>\n</rss>\n"


def listing_item(arxiv_id):
    with open(LISTING, encoding="utf-8") as f:
        doc = f.read()
    at = doc.index("<link>https://arxiv.org/abs/%s</link>" % arxiv_id)
    start = doc.rindex("<item>", 0, at)
    return doc[start:doc.index("</item>", at) + len("</item>")] + "\n"


class Case(lib.unittest.TestCase):
    caps = None     # the template's default: body-markup, no actions

    @classmethod
    def setUpClass(cls):
        try:
            cls.bus = notifyd.NotifyDaemon(caps=cls.caps).start()
        except notifyd.Unavailable as ex:
            raise lib.unittest.SkipTest(str(ex))

    @classmethod
    def tearDownClass(cls):
        cls.bus.stop()

    def setUp(self):
        self.home = Home()
        self.bus.clear()

    def tearDown(self):
        self.home.cleanup()

    def feed(self, text, name="lab.xml"):
        path = os.path.join(self.home.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def config(self, notify, path, rule='match = ".", score = 5'):
        self.home.write_config("""
            pw.source(pw.feed { name = "lab", url = "%s" })
            pw.rule { name = "everything", %s }
            pw.notify %s
        """ % (path, rule, notify))

    def run_pw(self, *args, env=None, code=0):
        r = self.home.pw(*args, env=dict(self.bus.env, **(env or {})))
        self.assertEqual(r.returncode, code,
                         "exit %d, stderr:\n%s" % (r.returncode, r.stderr))
        return r

    def db(self, sql):
        con = sqlite3.connect(self.home.db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def settle(self, n):
        """The calls once n arrived, and a moment more to see no others."""
        got = self.bus.wait_calls(n)
        time.sleep(0.3)
        return self.bus.calls()


class Bubble(Case):
    def test_body_authors_reasons_score_first_sentence_escaped(self):
        path = self.feed(RSS % (ITEM % {
            "title": "Fast &amp;amp; slow: x &amp;lt; y",
            "link": "https://lab.example.org/p/1",
            "authors": "Ada Lovelace",
            "abstract": "We show that x &lt; y &amp; z holds, e.g. here. "
                        "Then we prove more."}))
        self.home.write_config("""
            pw.source(pw.feed { name = "lab", url = "%s" })
            pw.rule("why", function(p) return 3, "because of x" end)
            pw.rule { name = "slow", title = "slow", score = 2 }
            pw.notify { min_score = 2 }
        """ % path)
        self.run_pw("run")
        calls = self.settle(1)
        self.assertEqual(len(calls), 1)
        c = calls[0]
        # the summary is plain text by the spec: verbatim
        self.assertEqual(c["summary"], "Fast & slow: x < y")
        lines = c["body"].split("\n")
        self.assertEqual(lines[0], "Ada Lovelace")
        self.assertEqual(lines[1],
                         "score 5.0: why +3 (because of x), "
                         "slow +2 (matched title)")
        # the server reads markup (body-markup): escaped; one sentence, not
        # cut at "e.g."
        self.assertEqual(lines[2],
                         "We show that x &lt; y &amp; z holds, e.g. here.")
        self.assertEqual(c["app_name"], "paperwatch")
        self.assertEqual(c["hints"].get("category"), "x-paperwatch.paper")
        self.assertEqual(c["hints"].get("desktop-entry"), "paperwatch")
        self.assertEqual(c["hints"].get("urgency"), 2,
                         "twice the threshold or more: critical")

    def test_run_offers_no_actions_nobody_would_hear(self):
        self.config("{ min_score = 1 }", self.feed(RSS % items(1)))
        self.run_pw("run")
        calls = self.settle(1)
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["actions"], [])

    def test_many_at_once_make_one_summary_bubble(self):
        self.home.write_config("""
            pw.source(pw.feed { name = "lab", url = "%s" })
            pw.rule("rank", function(p)
              return tonumber(p.title:match("%%d+")) + 1 end)
            pw.notify { min_score = 1, max = 3 }
        """ % self.feed(RSS % items(8)))
        self.run_pw("run")
        calls = self.settle(1)
        self.assertEqual(len(calls), 1, calls)
        self.assertEqual(calls[0]["summary"], "8 new papers")
        body = calls[0]["body"].split("\n")
        self.assertEqual(body[0], "best: Paper 7 (8.0)")
        self.assertEqual(body[1:3], ["Paper 6 (7.0)", "Paper 5 (6.0)"])
        self.assertIn("5 more", body[3])
        self.assertEqual(self.db("select count(*) from papers "
                                 "where notified_at is not null"), [(8,)])

    def test_up_to_max_each_gets_its_own(self):
        self.config("{ min_score = 1, max = 3 }", self.feed(RSS % items(3)))
        self.run_pw("run")
        self.assertEqual(len(self.settle(3)), 3)

    def test_quiet_hours_show_nothing_and_mark(self):
        now = time.gmtime()
        m = now.tm_hour * 60 + now.tm_min
        quiet = "%02d:%02d-%02d:%02d" % ((m - 60) % 1440 // 60, (m - 60) % 60,
                                         (m + 60) % 1440 // 60, (m + 60) % 60)
        self.config('{ min_score = 1, quiet = "%s" }' % quiet,
                    self.feed(RSS % items(2)))
        r = self.run_pw("run", env={"TZ": "UTC"})
        self.assertIn("quiet hours", r.stderr)
        self.assertEqual(self.settle(0), [])
        self.assertEqual(self.db("select count(*) from events "
                                 "where kind = 'muted'"), [(2,)])
        # marked: not shown later either
        self.run_pw("run", "--all", env={"TZ": "UTC"})
        self.assertEqual(self.settle(0), [])

    def test_outside_quiet_hours_shown(self):
        now = time.gmtime()
        m = now.tm_hour * 60 + now.tm_min
        quiet = "%02d:%02d-%02d:%02d" % ((m + 60) % 1440 // 60, (m + 60) % 60,
                                         (m + 120) % 1440 // 60,
                                         (m + 120) % 60)
        self.config('{ min_score = 1, quiet = "%s" }' % quiet,
                    self.feed(RSS % items(1)))
        self.run_pw("run", env={"TZ": "UTC"})
        self.assertEqual(len(self.settle(1)), 1)

    def test_bad_notify_fields_name_the_line(self):
        self.config('{ min_score = 1, quiet = "10pm-7am" }',
                    self.feed(RSS % items(1)))
        r = self.run_pw("run", code=1)
        self.assertRegex(r.stderr, r"init\.lua:4: pw\.notify: quiet must be")
        self.config('{ min_score = 1, max = 0 }', self.feed(RSS % items(1)))
        r = self.run_pw("run", code=1)
        self.assertRegex(r.stderr, r"init\.lua:4: pw\.notify: max must be")


class Once(Case):
    def test_kill_between_mark_and_bubble_never_shows_it(self):
        self.config("{ min_score = 1 }", self.feed(RSS % items(3)))
        r = self.home.pw("run", env=dict(self.bus.env,
                                         PAPERWATCH_TEST_DIE_AFTER_MARK="1"))
        self.assertEqual(r.returncode, -9, r.stderr)
        self.assertEqual(self.settle(0), [], "killed before the bubble")
        self.assertEqual(self.db("select count(*) from papers "
                                 "where notified_at is not null"), [(1,)])
        # the next runs show none of them: at most once, never late
        self.run_pw("run", "--all")
        self.run_pw("run", "--all")
        self.assertEqual(self.settle(0), [])

    def test_replacement_of_a_stored_paper_does_not_notify(self):
        designs = listing_item("1401.3665")             # replace, v4
        first = designs.replace("v4", "v3").replace(
            "Announce Type: replace", "Announce Type: new").replace(
            ">replace<", ">new<")
        self.config("{ min_score = 1 }", self.feed(listing_with([first])),
                    rule='title = "designs|Generative", score = 5')
        self.run_pw("run")
        calls = self.settle(1)
        self.assertEqual([c["summary"] for c in calls],
                         ["The existence of designs"])
        self.bus.clear()
        # the next day: the replacement (v4) and a new paper
        self.feed(listing_with([designs, listing_item("2411.17700")]))
        self.run_pw("run", "--all")
        calls = self.settle(1)
        self.assertEqual(len(calls), 1, calls)
        self.assertTrue(calls[0]["summary"].startswith(
            "Exploring the Impact of Generative AI"))
        self.assertEqual(self.db("select version from papers "
                                 "where key = 'arxiv:1401.3665'"), [(4,)])

    def test_replacement_of_a_paper_stored_unnotified_does_not_notify(self):
        designs = listing_item("1401.3665")
        self.config("{ min_score = 1 }", self.feed(listing_with(
            [designs.replace("v4", "v3")])), rule='title = "designs", score = 5')
        self.run_pw("run", "--no-notify")
        # NOTE: "first seen in this run" has a resolution of one second
        time.sleep(1.1)
        self.feed(listing_with([designs]))
        self.run_pw("run", "--all")
        self.assertEqual(self.settle(0), [])



ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>api</title>
<entry><id>http://arxiv.org/abs/2401.00001v%(v)d</id>
<title>A paper, version %(v)d</title><updated>2024-01-0%(v)dT00:00:00Z</updated>
<summary>We study things. Version %(v)d says more.</summary>
<author><name>Ada Lovelace</name></author></entry></feed>
"""


class Renotify(Case):
    """A notified paper that comes again in a new version notifies again
    only when a rule asks (renotify = true), and once per version."""

    def cycle(self, path, v):
        self.feed(ATOM % {"v": v}, name="api.xml")
        time.sleep(1.1)     # a later run: first_seen of this one is older
        self.bus.clear()
        self.run_pw("run", "--all")
        return self.settle(0)

    def test_only_when_a_rule_asks_and_once_per_version(self):
        for renotify in (False, True):
            self.home.cleanup()
            self.home = Home()
            path = self.feed(ATOM % {"v": 1}, name="api.xml")
            self.config("{ min_score = 1 }", path,
                        rule='match = "paper", score = 5, renotify = %s'
                        % ("true" if renotify else "false"))
            self.bus.clear()
            self.run_pw("run")
            self.assertEqual([c["summary"] for c in self.settle(1)],
                             ["A paper, version 1"])
            calls = self.cycle(path, 2)
            self.assertEqual([c["summary"] for c in calls],
                             ["A paper, version 2"] if renotify else [],
                             "renotify = %s" % renotify)
            self.assertEqual(self.cycle(path, 2), [], "the same version: once")
            n = self.db("select count(*) from events where kind = 'notified'")
            self.assertEqual(n[0][0], 2 if renotify else 1)

if __name__ == "__main__":
    lib.main()
