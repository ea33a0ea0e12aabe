#!/usr/bin/python3
"""`paperwatch search`: ranking by bm25 with title hits weighted up,
phrases, prefixes, operators, field filters, snippets; on a known set of
papers imported from a JSON Lines file written here."""
import json
import os
import random
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, json_lines  # noqa: E402

FILLER = "We study a problem and report results on several benchmarks."


def record(id, title, authors, abstract, cats, date):
    return {"id": id, "submitter": authors.split(",")[0], "authors": authors,
            "title": title, "comments": None, "journal-ref": None,
            "doi": None, "report-no": None, "categories": cats,
            "license": None, "abstract": abstract,
            "versions": [{"version": "v1", "created": date}],
            "update_date": "2024-01-01",
            "authors_parsed": [a.strip().rsplit(" ", 1)[::-1] + [""]
                               for a in authors.split(",")]}


PAPERS = [
    record("2401.00001", "Diffusion models for text", "Ada Lovelace",
           FILLER, "cs.CL", "Mon, 1 Jan 2024 10:00:00 GMT"),
    record("2401.00002", "A study of sampling",
           "Alan Turing, Percy Liang",
           "We revisit diffusion for images. " + FILLER, "cs.CV cs.LG",
           "Tue, 2 Jan 2024 10:00:00 GMT"),
    record("2401.00003", "Large language models are few-shot learners",
           "Grace Hopper", "A large language model learns in context. "
           + FILLER, "cs.CL", "Wed, 3 Jan 2024 10:00:00 GMT"),
    record("2401.00004", "Language and large models of physics",
           "Emmy Noether", "Models of language are not studied here. "
           + FILLER, "physics.gen-ph", "Thu, 4 Jan 2024 10:00:00 GMT"),
    record("2301.00005", "Transformers in vision", "Percy Liang",
           "Transformer architectures for images. " + FILLER, "cs.CV",
           "Sun, 1 Jan 2023 10:00:00 GMT"),
    record("2401.00006", "Two-phase training of C++ compilers",
           "Ken Thompson", "Compilers, two-phase. " + FILLER, "cs.PL",
           "Fri, 5 Jan 2024 10:00:00 GMT"),
]


class Search(lib.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = Home()
        path = os.path.join(cls.home.dir, "papers.jsonl")
        with open(path, "w") as f:
            for p in PAPERS:
                f.write(json.dumps(p) + "\n")
        r = cls.home.pw("import", path)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def keys(self, *query, limit=None):
        args = ["search", "--format", "json"]
        if limit is not None:
            args += ["--limit", str(limit)]
        r = self.home.pw(*args, *query)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [p["key"] for p in json_lines(r.stdout)]

    def test_title_hits_rank_first(self):
        self.assertEqual(self.keys("diffusion"),
                         ["arxiv:2401.00001", "arxiv:2401.00002"])

    def test_all_words_must_match(self):
        self.assertEqual(self.keys("diffusion", "images"),
                         ["arxiv:2401.00002"])

    def test_phrase(self):
        got = self.keys('"large language model"')
        self.assertEqual(got, ["arxiv:2401.00003"])
        # the words alone also find the physics paper, ranked below
        got = self.keys("large language models")
        self.assertEqual(set(got), {"arxiv:2401.00003", "arxiv:2401.00004"})

    def test_prefix_and_stemming(self):
        self.assertIn("arxiv:2301.00005", self.keys("transform*"))
        self.assertIn("arxiv:2401.00003", self.keys("learner"))

    def test_operators(self):
        self.assertEqual(set(self.keys("diffusion OR transformers")),
                         {"arxiv:2401.00001", "arxiv:2401.00002",
                          "arxiv:2301.00005"})
        self.assertEqual(self.keys("diffusion NOT images"),
                         ["arxiv:2401.00001"])
        self.assertEqual(set(self.keys("(diffusion OR transformers) images")),
                         {"arxiv:2401.00002", "arxiv:2301.00005"})

    def test_field_filters(self):
        self.assertEqual(set(self.keys("author:liang")),
                         {"arxiv:2401.00002", "arxiv:2301.00005"})
        self.assertEqual(set(self.keys('author:"Percy Liang"', "images")),
                         {"arxiv:2401.00002", "arxiv:2301.00005"})
        self.assertEqual(self.keys("images", "cat:cs.LG"),
                         ["arxiv:2401.00002"])
        self.assertEqual(set(self.keys("cat:cs", "images")),
                         {"arxiv:2401.00002", "arxiv:2301.00005"})
        self.assertEqual(self.keys("author:liang", "since:2024-01-01"),
                         ["arxiv:2401.00002"])
        # filters alone: newest first
        self.assertEqual(self.keys("cat:cs.CV"),
                         ["arxiv:2401.00002", "arxiv:2301.00005"])

    def test_special_characters_are_words(self):
        self.assertEqual(self.keys("two-phase"), ["arxiv:2401.00006"])
        self.assertEqual(self.keys("C++"), ["arxiv:2401.00006"])

    def test_limit(self):
        self.assertEqual(len(self.keys("we", limit=2)), 2)
        self.assertEqual(len(self.keys("we", limit=0)), len(PAPERS))

    def test_json_fields_and_snippet(self):
        r = self.home.pw("search", "--format", "json", "revisit")
        (p,) = json_lines(r.stdout)
        for k in ("key", "title", "authors", "abstract", "url", "pdf_url",
                  "categories", "published", "updated", "score", "sources",
                  "starred", "read", "tags", "snippet"):
            self.assertIn(k, p)
        self.assertEqual(p["authors"], ["Alan Turing", "Percy Liang"])
        self.assertIn("revisit diffusion", p["snippet"])
        self.assertNotIn("\x02", p["snippet"])

    def test_text_highlights_without_colour(self):
        r = self.home.pw("search", "diffusion")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("*Diffusion* models for text", r.stdout)
        self.assertIn("revisit *diffusion*", r.stdout)
        self.assertNotIn("\x1b[", r.stdout)
        r = self.home.pw("search", "--format", "md", "revisit")
        self.assertTrue(r.stdout.startswith("1. **[A study of sampling]"))
        self.assertIn("**revisit**", r.stdout)

    def test_prefix_highlights(self):
        """A prefix query's highlights come from one pass over its
        matches, not a lookup per row: the same marks all the same."""
        r = self.home.pw("search", "transform*")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("*Transformers* in vision", r.stdout)
        self.assertIn("*Transformer* architectures", r.stdout)

        def snippets(query):
            r = self.home.pw("search", "--format", "json", query)
            self.assertEqual(r.returncode, 0, r.stderr)
            return {p["key"]: p["snippet"] for p in json_lines(r.stdout)}
        # "stud*" and "study" find the same token ("studi", stemmed)
        self.assertEqual(snippets("stud*"), snippets("study"))
        self.assertEqual(len(snippets("stud*")), len(PAPERS))

    def test_a_hit_ending_the_title_is_closed(self):
        """The mark after a hit that ends the title is not lost."""
        r = self.home.pw("search", "text")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Diffusion models for *text*\n", r.stdout)
        for line in r.stdout.splitlines():
            self.assertEqual(line.count("*") % 2, 0, line)

    def test_ignored_papers_are_left_out(self):
        home = Home()
        try:
            path = os.path.join(home.dir, "p.jsonl")
            with open(path, "w") as f:
                f.write(json.dumps(PAPERS[0]) + "\n")
            home.pw("import", path)
            self.assertEqual(len(json_lines(home.pw(
                "search", "--format", "json", "diffusion").stdout)), 1)
            self.assertEqual(home.pw("ignore", "2401.00001").returncode, 0)
            self.assertEqual(home.pw("search", "diffusion").stdout, "")
        finally:
            home.cleanup()

    def test_bad_queries(self):
        r = self.home.pw("search", "NOT")
        self.assertEqual(r.returncode, 2)
        self.assertIn("NOT", r.stderr)
        r = self.home.pw("search", '"unterminated')
        self.assertEqual(r.returncode, 2)
        self.assertIn("quote", r.stderr)
        r = self.home.pw("search", "since:yesterday-ish", "x")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(self.home.pw("search").returncode, 2)

    def test_no_database(self):
        home = Home()
        try:
            r = home.pw("search", "x")
            self.assertEqual(r.returncode, 1)
            self.assertIn("no database", r.stderr)
        finally:
            home.cleanup()


class SameAsBm25(lib.unittest.TestCase):
    """search ranks with its own pwrank(), which skips most of the work for
    rows that cannot make the top N; its top N must be SQLite's bm25()
    (title 10, authors 5, abstract 1; equal scores: the older row first),
    with ignored papers left out, on a few thousand made-up papers where
    equal scores are common."""

    WORDS = ("learning model neural network graph diffusion language "
             "transformer sampling policy kernel sparse gradient attention "
             "vision entropy lattice").split()

    @classmethod
    def setUpClass(cls):
        rnd = random.Random(11)
        vocab = cls.WORDS + ["w%d" % i for i in range(300)]
        weights = [1.0 / (k + 4) for k in range(len(vocab))]

        def text(k):
            return " ".join(rnd.choices(vocab, weights, k=k))
        cls.home = Home()
        path = os.path.join(cls.home.dir, "many.jsonl")
        with open(path, "w") as f:
            for i in range(2500):
                authors = ", ".join(rnd.choice(("Percy Liang", "Ada Smith",
                                                "Wei Chen", "Li Wang"))
                                    for _ in range(rnd.randint(1, 3)))
                f.write(json.dumps(record(
                    "2402.%05d" % i, text(rnd.randint(2, 8)), authors,
                    text(rnd.randint(0, 60)),
                    rnd.choice(("cs.LG", "cs.CL", "stat.ML cs.LG")),
                    "Mon, 1 Jan 2024 10:00:00 GMT")) + "\n")
        r = cls.home.pw("import", path)
        assert r.returncode == 0, r.stderr
        ignored = ["2402.%05d" % i for i in range(0, 2500, 9)]
        r = cls.home.pw("ignore", *ignored)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def reference(self, fts, limit):
        con = sqlite3.connect(self.home.db)
        try:
            return [k for (k,) in con.execute(
                "SELECT p.key FROM papers_fts JOIN papers AS p"
                " ON p.id = papers_fts.rowid WHERE papers_fts MATCH ?"
                " AND p.hidden = 0 ORDER BY bm25(papers_fts, 10.0, 5.0, 1.0),"
                " papers_fts.rowid LIMIT ?", (fts, limit))]
        finally:
            con.close()

    def test_top_n_is_bm25s(self):
        cases = [(w, '"%s"' % w) for w in self.WORDS + ["w3", "w40"]]
        cases += [
            ("learning model", '"learning" "model"'),
            ('"neural network"', '"neural network"'),
            ("graph OR vision", '"graph" OR "vision"'),
            ("learning NOT model", '"learning" NOT "model"'),
            ("trans*", '"trans"*'),
            ("w1*", '"w1"*'),
            ("author:liang", 'authors : "liang"'),
            ("title:learning kernel", 'title : "learning" "kernel"'),
        ]
        checked = 0
        for query, fts in cases:
            for limit in (1, 3, 20, 75):
                want = self.reference(fts, limit)
                r = self.home.pw("search", "--format", "json", "--limit",
                                 str(limit), query)
                self.assertEqual(r.returncode, 0, r.stderr)
                got = [p["key"] for p in json_lines(r.stdout)]
                self.assertEqual(got, want, "%s --limit %d" % (query, limit))
                checked += 1
        self.assertEqual(checked, 4 * len(cases))

    def test_filters_keep_the_order(self):
        """cat: joins papers inside: the same rows as bm25() over the
        papers in cs.CL."""
        con = sqlite3.connect(self.home.db)
        try:
            want = [k for (k,) in con.execute(
                "SELECT p.key FROM papers_fts JOIN papers AS p"
                " ON p.id = papers_fts.rowid WHERE papers_fts MATCH"
                " '\"learning\"' AND p.hidden = 0 AND p.categories LIKE"
                " '%\"cs.CL\"%' ORDER BY bm25(papers_fts, 10.0, 5.0, 1.0),"
                " papers_fts.rowid LIMIT 20")]
        finally:
            con.close()
        r = self.home.pw("search", "--format", "json", "cat:cs.CL", "learning")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([p["key"] for p in json_lines(r.stdout)], want)
        self.assertEqual(len(want), 20)


if __name__ == "__main__":
    lib.main()
