#!/usr/bin/python3
"""`paperwatch import` (the real arXiv metadata snapshot sample, resuming;
OPML into a generated Lua file) and `paperwatch export` (BibTeX read back
by bibtexparser, JSON Lines, JSON Feed, an OPML round trip)."""
import json
import os
import sqlite3
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, fixture, json_lines  # noqa: E402

SNAPSHOT = fixture("kaggle-arxiv-metadata-oai-snapshot-head.jsonl")

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>my feeds</title></head>
  <body>
    <outline text="Research">
      <outline type="rss" text="Distill" title="Distill"
               xmlUrl="https://distill.pub/rss.xml" htmlUrl="https://distill.pub"/>
      <outline type="rss" text="Lab &amp; &quot;friends&quot;"
               xmlUrl="https://lab.example.org/feed?a=1&amp;b=2"/>
    </outline>
    <outline type="rss" text="Distill" xmlUrl="https://other.example.org/rss"/>
    <outline text="a folder without a feed"/>
  </body>
</opml>
"""


class ImportSnapshot(lib.unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def test_records(self):
        r = self.home.pw("import", SNAPSHOT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("200 records stored (200 new", r.stderr)
        self.assertNotIn("\r", r.stderr)  # no progress bar off a terminal
        papers = {p["key"]: p for p in json_lines(
            self.home.pw("list", "--format", "json").stdout)}
        self.assertEqual(len(papers), 200)
        p = papers["arxiv:0704.0001"]
        self.assertEqual(p["title"], "Calculation of prompt diphoton "
                         "production cross sections at Tevatron and LHC "
                         "energies")
        self.assertEqual(p["authors"][:3], ["C. Balázs", "E. L. Berger",
                                            "P. M. Nadolsky"])
        self.assertEqual(p["categories"], ["hep-ph"])
        self.assertEqual(p["version"], 2)
        self.assertEqual(p["published"], "2007-04-02T19:18:42Z")
        self.assertEqual(p["updated"], "2007-07-24T20:10:27Z")
        self.assertEqual(p["doi"], "10.1103/physrevd.76.013009")
        self.assertEqual(p["sources"],
                         ["import:kaggle-arxiv-metadata-oai-snapshot-head.jsonl"])
        self.assertEqual(papers["arxiv:0704.0002"]["categories"],
                         ["math.CO", "cs.CG"])
        self.assertIsNone(p["notified"])
        # shown by id as people type it
        r = self.home.pw("show", "--format", "json", "arXiv:0704.0002v1")
        self.assertEqual(json.loads(r.stdout)["key"], "arxiv:0704.0002")

    def test_scored_by_current_rules_never_notified(self):
        self.home.write_config(
            'local pw = require "paperwatch"\n'
            'pw.rule { name = "hep", categories = { "hep-ph" }, score = 3 }\n'
            'pw.notify { min_score = 1 }\n')
        r = self.home.pw("import", SNAPSHOT)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json_lines(self.home.pw("list", "--format", "json",
                                       "--min-score", "3").stdout)
        self.assertTrue(rows)
        for p in rows:
            self.assertTrue(any(c.startswith("hep-ph") for c in p["categories"]))
            self.assertIsNone(p["notified"])
        # a later run does not notify them either (none is fresh)
        r = self.home.pw("run", "--format", "json", "--no-notify")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse([x for x in json_lines(r.stdout)
                          if x.get("kind") == "paper"])

    def test_resumes_where_it_stopped(self):
        with open(SNAPSHOT) as f:
            lines = f.readlines()
        part = os.path.join(self.home.dir, "snapshot.jsonl")
        with open(part, "w") as f:
            f.writelines(lines[:120])
        r = self.home.pw("import", part)
        self.assertIn("120 records stored (120 new", r.stderr)
        with open(part, "a") as f:  # the rest arrives; import again
            f.writelines(lines[120:])
        r = self.home.pw("import", part)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming after record 120", r.stderr)
        self.assertIn("80 records stored (80 new, 0 updated)", r.stderr)
        r = self.home.pw("import", part)
        self.assertIn("0 records stored", r.stderr)
        r = self.home.pw("import", "--restart", part)
        self.assertIn("200 records stored (0 new", r.stderr)
        self.assertEqual(len(json_lines(self.home.pw(
            "list", "--format", "json").stdout)), 200)

    def snapshot_part(self, name, *pieces, mode="w"):
        """A file of the snapshot's lines: each piece a (start, end) slice
        of them or a line of its own."""
        with open(SNAPSHOT) as f:
            lines = f.readlines()
        path = os.path.join(self.home.dir, name)
        with open(path, mode) as f:
            for piece in pieces:
                if isinstance(piece, tuple):
                    f.writelines(lines[piece[0]:piece[1]])
                else:
                    f.write(piece)
        return path

    def test_malformed_lines_passed_over(self):
        part = self.snapshot_part(
            "snapshot.jsonl", (0, 50),
            '{"id": "9999.0001", broken\n',                 # line 51
            (50, 100), '{"title": "a record without an id"}\n',  # 102
            (100, 120))
        r = self.home.pw("import", part)
        self.assertEqual(r.returncode, 3, r.stderr)  # done, not all of it
        self.assertIn("snapshot.jsonl:51: not well-formed JSON (line skipped)",
                      r.stderr)
        self.assertIn("snapshot.jsonl:102: not an arXiv metadata record",
                      r.stderr)
        self.assertIn("120 records stored (120 new", r.stderr)
        # resumed from an offset, on a bad line: lines counted in the file
        self.snapshot_part("snapshot.jsonl", "not json\n",   # line 123
                           (120, 200), mode="a")
        r = self.home.pw("import", part)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("resuming after record 120", r.stderr)
        self.assertIn("snapshot.jsonl:123: not well-formed JSON", r.stderr)
        self.assertIn("80 records stored (80 new", r.stderr)
        self.assertEqual(len(json_lines(self.home.pw(
            "list", "--format", "json").stdout)), 200)

    def test_first_line_malformed(self):
        part = self.snapshot_part("first.jsonl", '{"id": oops\n', (0, 10))
        r = self.home.pw("import", part)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("first.jsonl:1: not well-formed JSON (line skipped)",
                      r.stderr)
        self.assertIn("10 records stored (10 new", r.stderr)
        # a JSON document, not JSON Lines: nothing but malformed lines
        feed = os.path.join(self.home.dir, "feed.json")
        with open(feed, "w") as f:
            f.write('{\n "version": "https://jsonfeed.org/version/1.1",\n'
                    ' "items": []\n}\n')
        r = self.home.pw("import", feed)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("feed.json: no arXiv metadata record in it, only 4 "
                      "malformed lines", r.stderr)

    def test_bad_files(self):
        r = self.home.pw("import", os.path.join(self.home.dir, "missing"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing", r.stderr)
        junk = self.home.write_config("hello\n", "junk.txt")
        r = self.home.pw("import", junk)
        self.assertEqual(r.returncode, 1)
        self.assertIn("neither OPML nor", r.stderr)
        self.assertEqual(self.home.pw("import").returncode, 2)


def record(k, title, version=1):
    return json.dumps({
        "id": "2401.%05d" % k, "authors": "A. Lovelace, B. Turing",
        "title": title, "abstract": "On graphs and paper %d." % k,
        "categories": "cs.LG", "versions": [
            {"version": "v%d" % v, "created": "Mon, 1 Jan 2024 00:00:00 GMT"}
            for v in range(1, version + 1)]}) + "\n"


class ImportIndex(lib.unittest.TestCase):
    """The search index an import keeps: each batch's papers are indexed
    by one statement as it commits, never left behind, whatever stops the
    import; the index is merged into one segment after a large one."""

    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def sql(self, query):
        db = sqlite3.connect(self.home.db)
        try:
            return db.execute(query).fetchall()
        finally:
            db.close()

    def assert_index_right(self):
        # FTS5 compares the index with the papers, token by token
        self.sql("INSERT INTO papers_fts(papers_fts, rank)"
                 " VALUES ('integrity-check', 1)")
        self.assertEqual(self.sql("SELECT count(*) FROM papers_fts_pending"),
                         [(0,)])

    def found(self, query):
        r = self.home.pw("search", "--format", "json", query)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [p["key"] for p in json_lines(r.stdout)]

    def segments(self):
        return self.sql("SELECT count(DISTINCT id >> 37) FROM papers_fts_data"
                        " WHERE id > 10")[0][0]

    def test_killed_in_a_batch_then_resumed(self):
        path = os.path.join(self.home.dir, "big.jsonl")
        with open(path, "w") as f:  # a batch: 5000 records, read by MiB
            for k in range(12000):
                f.write(record(k, "Paper tok%05d on graphs" % k))
        r = self.home.pw("import", path,
                         env={"PAPERWATCH_TEST_DIE_IN_BATCH": "2"})
        self.assertEqual(r.returncode, -9, r.stderr)
        # the first batch is there and found; the second never was
        ((n,),) = self.sql("SELECT count(*) FROM papers")
        self.assertTrue(5000 <= n < 12000, n)
        self.assert_index_right()
        self.assertEqual(self.found("tok%05d" % (n - 1)),
                         ["arxiv:2401.%05d" % (n - 1)])
        self.assertEqual(self.found("tok%05d" % n), [])
        r = self.home.pw("import", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming after record %d" % n, r.stderr)
        self.assertIn("%d records stored (%d new" % (12000 - n, 12000 - n),
                      r.stderr)
        self.assert_index_right()
        for k in (0, n - 1, n, 11999):
            self.assertEqual(self.found("tok%05d" % k),
                             ["arxiv:2401.%05d" % k])
        self.assertEqual(self.sql("SELECT count(*) FROM papers_fts"
                                  " WHERE papers_fts MATCH 'graphs'"),
                         [(12000,)])
        # the file, over both calls, brought all the papers: one segment
        self.assertEqual(self.segments(), 1)
        # a small import after it leaves the index as FTS5 merges it
        one = self.home.write_config(record(20000, "Late tok20000"),
                                     "one.jsonl")
        self.assertEqual(self.home.pw("import", one).returncode, 0)
        self.assertEqual(self.segments(), 2)
        self.assertEqual(self.found("tok20000"), ["arxiv:2401.20000"])

    def test_changed_within_a_batch_and_after(self):
        first = self.home.write_config(
            record(1, "Wombat burrows") + record(2, "Other things") +
            record(1, "Quokka colonies", version=2), "first.jsonl")
        r = self.home.pw("import", first)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.found("wombat"), [])
        self.assertEqual(self.found("quokka"), ["arxiv:2401.00001"])
        self.assert_index_right()
        # a paper indexed by an earlier import, changed by this one
        later = self.home.write_config(
            record(1, "Numbat diets", version=3) + record(3, "New things"),
            "later.jsonl")
        r = self.home.pw("import", later)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.found("quokka"), [])
        self.assertEqual(self.found("numbat"), ["arxiv:2401.00001"])
        self.assertEqual(len(self.found("things")), 2)
        self.assert_index_right()


class ImportOpml(lib.unittest.TestCase):
    def setUp(self):
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def test_round_trip(self):
        init = self.home.write_config('local pw = require "paperwatch"\n')
        opml = self.home.write_config(OPML, "feeds.opml")
        r = self.home.pw("import", opml)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, 'require "opml-sources"\n')
        gen = os.path.join(self.home.dir, "opml-sources.lua")
        with open(init) as f:
            self.assertEqual(f.read(), 'local pw = require "paperwatch"\n')
        # the user adds the printed line; the sources are there
        with open(init, "a") as f:
            f.write(r.stdout)
        r = self.home.pw("export", "--format", "opml")
        self.assertEqual(r.returncode, 0, r.stderr)
        body = ET.fromstring(r.stdout).find("body")
        got = [(o.get("text"), o.get("xmlUrl")) for o in body.iter("outline")]
        want = [("Distill", "https://distill.pub/rss.xml"),
                ('Lab & "friends"', "https://lab.example.org/feed?a=1&b=2"),
                ("Distill (2)", "https://other.example.org/rss")]
        self.assertEqual(got, want)
        # and that OPML imported again gives the same file of sources
        again = self.home.write_config(r.stdout, "again.opml")
        with open(gen) as f:
            before = f.read().split("\n", 1)[1]
        self.assertEqual(self.home.pw("import", again).returncode, 0)
        with open(gen) as f:
            self.assertEqual(f.read().split("\n", 1)[1], before)

    def test_default_place_and_never_a_users_file(self):
        opml = self.home.write_config(OPML, "feeds.opml")
        r = self.home.pw("import", opml, config=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        gen = os.path.join(self.home.dir, "config", "paperwatch",
                           "opml-sources.lua")
        self.assertTrue(os.path.exists(gen))
        mine = self.home.write_config("-- my own file\n", "mine.lua")
        r = self.home.pw("import", "--output", mine, opml)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not written by paperwatch", r.stderr)
        with open(mine) as f:
            self.assertEqual(f.read(), "-- my own file\n")
        other = os.path.join(self.home.dir, "feeds.lua")
        r = self.home.pw("import", "--output", other, opml)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, 'dofile "%s"\n' % other)

    def test_broken_opml(self):
        bad = self.home.write_config("<opml><body><outline", "bad.opml")
        r = self.home.pw("import", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.opml:1:", r.stderr)


class Export(lib.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = Home()
        r = cls.home.pw("import", SNAPSHOT)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def test_bibtex_parsed_back(self):
        import bibtexparser
        from bibtexparser.bparser import BibTexParser
        r = self.home.pw("export", "--format", "bibtex")
        self.assertEqual(r.returncode, 0, r.stderr)
        parser = BibTexParser(common_strings=True)
        db = bibtexparser.loads(r.stdout, parser)
        self.assertEqual(len(db.entries), 200)
        keys = [e["ID"] for e in db.entries]
        self.assertEqual(len(set(keys)), 200)
        self.assertTrue(all(k.isascii() and " " not in k for k in keys))
        e = db.entries_dict["balazs2007calculation"]
        self.assertEqual(e["eprint"], "0704.0001")
        self.assertEqual(e["archiveprefix"], "arXiv")
        self.assertEqual(e["primaryclass"], "hep-ph")
        self.assertEqual(e["doi"], "10.1103/physrevd.76.013009")
        self.assertEqual(e["year"], "2007")
        self.assertEqual(e["month"], "April")
        self.assertIn("C. Balázs and E. L. Berger", e["author"])
        self.assertEqual(e["url"], "https://arxiv.org/abs/0704.0001")
        # every entry's braces balance (bibtex would stop otherwise)
        for entry in r.stdout.split("\n@")[1:]:
            depth = 0
            prev = ""
            for ch in entry:
                if prev != "\\":
                    depth += (ch == "{") - (ch == "}")
                self.assertGreaterEqual(depth, 0)
                prev = ch
            self.assertEqual(depth, 0, entry[:80])

    def test_bibtex_escapes(self):
        home = Home()
        try:
            p = {"id": "2402.00001", "authors": "José Núñez, R. O'Neil",
                 "title": "50% of R&D on #tags and a_b {unbalanced",
                 "abstract": "Costs $5 and x_1 in $x_1^2$ ~ here.",
                 "categories": "cs.LG", "versions": [
                     {"version": "v1",
                      "created": "Thu, 1 Feb 2024 00:00:00 GMT"}]}
            path = home.write_config(json.dumps(p) + "\n", "one.jsonl")
            home.pw("import", path)
            r = home.pw("export", "--format", "bibtex", "2402.00001")
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            self.assertIn("@misc{nunez2024rd,", out)
            self.assertIn(r"50\% of R\&D on \#tags and a\_b \{unbalanced",
                          out)
            self.assertIn(r"Costs \$5 and x\_1 in \$x\_1\^{}2\$ \~{} here",
                          out)
            self.assertIn("José Núñez", out)
        finally:
            home.cleanup()

    def test_selected_and_unknown_keys(self):
        r = self.home.pw("export", "--format", "json", "0704.0003",
                         "nope", "https://arxiv.org/abs/0704.0001v2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no paper 'nope'", r.stderr)
        self.assertEqual([p["key"] for p in json_lines(r.stdout)],
                         ["arxiv:0704.0003", "arxiv:0704.0001"])

    def test_starred_json_feed(self):
        self.assertEqual(self.home.pw("star", "0704.0005").returncode, 0)
        r = self.home.pw("export", "--format", "jsonfeed", "--starred")
        self.assertEqual(r.returncode, 0, r.stderr)
        feed = json.loads(r.stdout)
        self.assertEqual(feed["version"], "https://jsonfeed.org/version/1.1")
        (item,) = feed["items"]
        self.assertEqual(item["id"], "arxiv:0704.0005")
        self.assertEqual(item["url"], "https://arxiv.org/abs/0704.0005")
        self.assertTrue(item["title"])
        self.assertTrue(item["authors"][0]["name"])
        # and it reads back through paperwatch's own parser
        out = self.home.write_config(r.stdout, "feed.json")
        (p,) = json_lines(self.home.pw("parse", out).stdout)
        self.assertEqual(p["key"], "arxiv:0704.0005")

    def test_output_file(self):
        out = os.path.join(self.home.dir, "refs.bib")
        r = self.home.pw("export", "--format", "bibtex", "--limit", "3",
                         "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        with open(out) as f:
            self.assertEqual(f.read().count("\n@"), 2)
        r = self.home.pw("export", "--format", "yaml")
        self.assertEqual(r.returncode, 2)
        r = self.home.pw("export", "--format", "json", "--output",
                         "/nonexistent/dir/x")
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    lib.main()
