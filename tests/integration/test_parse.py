#!/usr/bin/python3
"""`paperwatch parse`: the real fixtures as paperwatch sees them, from a
file, from stdin and over loopback HTTP, checked field by field."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import PW, fixture, json_lines  # noqa: E402
import httpd  # noqa: E402

FIELDS = ("key", "title", "authors", "abstract", "url", "pdf_url",
          "categories", "published", "updated", "feed_title")


def parse(*args, input=None):
    r = subprocess.run([PW, "parse", *args], input=input,
                       capture_output=True, timeout=60)
    return r.returncode, json_lines(r.stdout.decode()), r.stderr.decode()


class Parse(lib.unittest.TestCase):
    def check_fields(self, entries):
        for e in entries:
            for f in FIELDS:
                self.assertIn(f, e)

    def test_arxiv_api_atom(self):
        code, es, err = parse("--format", "json",
                              fixture("arxiv-api-atom-search-2026.xml"))
        self.assertEqual(code, 0, err)
        self.assertEqual(len(es), 5)
        self.check_fields(es)
        e = es[0]
        self.assertEqual(e["key"], "arxiv:2606.13677")
        self.assertEqual(e["title"], "Mana: Dexterous Manipulation of Articulated Tools")
        self.assertEqual(e["authors"], ["Zhao-Heng Yin", "Guanya Shi",
                                        "Pieter Abbeel", "C. Karen Liu"])
        self.assertEqual(e["categories"], ["cs.RO", "cs.AI", "cs.CV", "cs.LG"])
        self.assertEqual(e["url"], "https://arxiv.org/abs/2606.13677v1")
        self.assertEqual(e["pdf_url"], "https://arxiv.org/pdf/2606.13677v1")
        self.assertEqual(e["version"], 1)
        self.assertEqual(e["published"], "2026-06-11T17:59:49Z")
        self.assertIn("(<1 minute per tool)", e["abstract"])
        self.assertTrue(e["feed_title"].startswith("arXiv Query:"))
        self.assertEqual(es[1]["key"], "arxiv:2606.13591")  # second <entry>

    def test_arxiv_listing_rss_from_stdin(self):
        with open(fixture("arxiv-rss-2024-11-28-all-archives.xml"), "rb") as f:
            code, es, err = parse("--format", "json", "-", input=f.read())
        self.assertEqual(code, 0, err)
        self.assertEqual(len(es), 1504)
        self.check_fields(es)
        kinds = {}
        for e in es:
            kinds[e["announce"]] = kinds.get(e["announce"], 0) + 1
        self.assertEqual(kinds, {"new": 926, "replace": 569, "cross": 9})
        first = es[0]
        self.assertTrue(first["key"].startswith("arxiv:2411."))
        self.assertFalse(first["abstract"].startswith("arXiv:"))
        self.assertNotIn("Announce Type", first["abstract"])
        self.assertGreater(len(first["authors"]), 0)
        for e in es[:2]:
            self.assertRegex(e["published"], r"^2024-11-2\dT\d\d:\d\d:\d\dZ$")
            self.assertTrue(e["url"].startswith("https://arxiv.org/abs/"))

    def test_over_http_and_hf_json(self):
        srv = httpd.Server(root=lib.FIXTURES).start()
        try:
            code, es, err = parse("--format", "json",
                                  srv.url("/gzip/hf-daily-papers-api-2026-06-12.json"))
        finally:
            srv.stop()
        self.assertEqual(code, 0, err)
        self.assertEqual(len(es), 30)
        self.check_fields(es)
        self.assertTrue(all(e["key"].startswith("arxiv:") for e in es))
        self.assertTrue(all("upvotes" in e["extras"] for e in es))

    def test_http_charset_and_relative_links(self):
        """The HTTP charset reads a document that declares none, and a
        relative link resolves against the URL after redirects."""
        srv = httpd.Server(root=lib.FIXTURES).start()
        try:
            code, es, err = parse(srv.url(
                "/redirect/1/ctype/text~xml;charset=iso-8859-2/"
                "latin2-no-declared-charset.xml"))
        finally:
            srv.stop()
        self.assertEqual(code, 0, err)
        self.assertEqual(es[0]["title"], "Caf\u00e9 \u0161")
        self.assertTrue(es[0]["url"].endswith("/rel/page"), es[0]["url"])
        self.assertNotIn("/redirect/", es[0]["url"])

    def test_json_lines_bad_line_passed_over(self):
        lines = open(fixture("kaggle-arxiv-metadata-oai-snapshot-head.jsonl"),
                     "rb").read().splitlines(keepends=True)
        doc = b"".join(lines[:2]) + b'{"id": oops\n' + b"".join(lines[2:4])
        code, es, err = parse("--format", "json", "-", input=doc)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(es), 4)
        self.assertIn("(stdin):3: not well-formed JSON (line skipped)", err)

    def test_errors_are_clear(self):
        code, es, err = parse(fixture("arxiv-rss-error-bad-archive.xml"))
        self.assertEqual(code, 1)
        self.assertIn("Feed error for query", err)
        code, es, err = parse("-", input=b"<html><body>nope</body></html>")
        self.assertEqual(code, 1)
        self.assertIn("not a feed", err)
        code, es, err = parse("/nonexistent/feed.xml")
        self.assertEqual(code, 1)
        self.assertIn("/nonexistent/feed.xml", err)
        code, es, err = parse(fixture("arxiv-rss-empty-channel.xml"))
        self.assertEqual((code, es), (0, []), err)

    def test_text_format(self):
        r = subprocess.run([PW, "parse", "--format", "text",
                            fixture("arxiv-api-atom-search-2026.xml")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 5)
        self.assertTrue(lines[0].startswith("arxiv:2606.13677\tMana:"))


if __name__ == "__main__":
    lib.main()
