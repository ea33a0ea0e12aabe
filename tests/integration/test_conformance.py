#!/usr/bin/python3
"""Conformance: every Atom, RSS and JSON document of gofeed's test corpus
(/work/shared/conformance/gofeed, data only) through `paperwatch parse
--format json`, compared field by field with gofeed's expected result.

Only the fields paperwatch keeps are compared: entry title, url (the
alternate link), entry_id (id/guid), author names, published/updated (UTC),
abstract (summary, else content, as plain text), categories, and the
feed's title. Both sides go through the same normalization (HTML stripped,
entities decoded, whitespace folded). A kept field gofeed leaves out of an
entry must be empty in ours too: an entry's atom:source, an author's email
or a contributor must not leak into the entry. A document whose expected
result has no entries and no feed title is "not applicable".

Every document that does not match is listed in EXCEPTIONS with the
reason; the test fails when an unlisted document differs, when a listed one
starts to match (so the list stays honest), or when a format's pass rate
falls under 90 %.
"""
import datetime
import glob
import html
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import PW, json_lines  # noqa: E402

# shared/ lies beside the repository (in CI too: a copy beside the clone)
CORPUS = os.environ.get("PW_CONFORMANCE") or next(
    (d for d in (os.path.join(os.path.dirname(lib.ROOT), "shared",
                              "conformance", "gofeed", "testdata"),
                 "/work/shared/conformance/gofeed/testdata")
     if os.path.isdir(d)),
    "../shared/conformance/gofeed/testdata")
MIN_RATE = 90.0

# Known differences, document (directory/name without extension) -> why.
MALFORMED = ("not well-formed XML (a close tag that does not match); gofeed "
             "recovers, expat stops: we keep the entries completed before")
EXCEPTIONS = {
    "parser/atom/atom10_feed_entry_source_logo": MALFORMED,
    "parser/atom/atom10_feed_entry_source_title_html_escaped_markup":
        MALFORMED,
    "parser/atom/atom10_feed_entry_source_title_text": MALFORMED,
    "parser/atom/atom10_feed_title_xhtml_escaped_markup": MALFORMED,
    "parser/atom/atom10_feed_title_xhtml_inline_markup": MALFORMED,
    "parser/rss/issue_305_bare_ampersand":
        "not well-formed XML (a bare '&' in text); gofeed recovers, expat "
        "stops",
    "parser/rss/issue_320_legacy_entity_prefix":
        "not well-formed XML (an undefined entity '&copy=2;'); gofeed "
        "recovers, expat stops",
    "translator/rss/feed_item_image_-_rss_channel_item_content":
        "not namespace-well-formed (the prefix 'media:' is never declared); "
        "gofeed ignores namespaces, expat stops",
    "translator/atom/feed_categories_-_atom_feed_categories":
        "gofeed's translator prefers a category's label; we keep the term "
        "(arXiv categories are terms: cs.LG)",
    "translator/atom/feed_item_updated_-_atom03_feed_entry_modified":
        "gofeed copies 'updated' into 'published' when there is none; we "
        "leave published unknown (the store then uses first-seen time)",
    "translator/rss/feed_item_fallbacks_-_rss_channel_item_extensions":
        "iTunes fields (summary, keywords, author) are podcast metadata we "
        "do not read; gofeed also copies the one dc:date into 'updated'",
}


# ---- normalization -------------------------------------------------------

BLOCK = ("address|article|aside|blockquote|br|dd|details|div|dl|dt|"
         "figcaption|figure|footer|h[1-6]|header|hr|img|li|main|nav|ol|p|pre|"
         "section|summary|table|tbody|td|tfoot|th|thead|tr|ul")
RAW_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
COMMENT_RE = re.compile(r"<!--.*?-->|<![^>]*>|<\?[^>]*>", re.S)
BLOCK_RE = re.compile(r"</?(?:%s)\b[^>]*>" % BLOCK, re.I)
TAG_RE = re.compile(r"</?[A-Za-z][-A-Za-z0-9:_]*(?:\s[^>]*)?/?>")


def fold(s):
    return " ".join(s.split()) or None


def norm_text(s):
    if s is None:
        return None
    return fold(s)


def norm_html(s):
    if s is None:
        return None
    s = RAW_RE.sub(" ", s)
    s = COMMENT_RE.sub("", s)
    s = BLOCK_RE.sub(" ", s)
    s = TAG_RE.sub("", s)
    return fold(html.unescape(s))


def utc(s):
    """gofeed's parsed time (RFC 3339, any offset) as our UTC string."""
    if not s:
        return None
    try:
        t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    t = t.astimezone(datetime.timezone.utc)
    if t.year <= 1:
        return None  # gofeed's zero time: no date
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# An expected value is (kind, value): "text" and "html" say how gofeed's
# string is normalized; "either" accepts both (gofeed drops the type);
# "exact" compares as is (lists, times, ids).
def text(v):
    return ("text", v)


def either(v):
    return ("either", v)


def typed(v, t):
    t = t or "text"
    if t in ("html", "xhtml", "text/html", "application/xhtml+xml") or \
            t.endswith("+xml") or t.endswith("/xml"):
        return ("html", v)  # markup, or inline XML serialized by gofeed
    if t in ("text", "text/plain"):
        return ("text", v)
    return ("either", v)


def exact(v):
    return ("exact", v)


def matches(ours, want):
    kind, v = want
    if kind == "any":
        return True
    if kind == "exact":
        return ours == v
    if kind == "text":
        return ours == norm_text(v)
    if kind == "html":
        return ours == norm_html(v)
    return ours in (norm_text(v), norm_html(v))


def names(people):
    out = []
    for a in people or []:
        n = a.get("name") if isinstance(a, dict) else a
        n = norm_html(n) if n else None
        if n:
            out.append(n)
    return out


def author_string(s):
    """An RSS author or managingEditor: "email (Name)", "Name <email>",
    "Name" or a bare address (no name)."""
    s = (s or "").strip()
    m = re.match(r"^\S+@\S+\s*\((.*)\)$", s)
    if m:
        return m.group(1).strip()
    m = re.match(r"^(.*?)\s*<\S+@\S+>$", s)
    if m and m.group(1):
        return m.group(1).strip()
    if re.match(r"^\S+@\S+$", s):
        return None
    return s or None


KEPT = ("title", "url", "entry_id", "authors", "published", "updated",
        "abstract", "categories")
EMPTY = {"authors": [], "categories": []}


def complete(fields):
    """Every kept field gets an expectation: absent means empty."""
    for k in KEPT:
        fields.setdefault(k, exact(EMPTY.get(k)))
    return fields


# ---- gofeed's models -> our fields ---------------------------------------

def alternate(links):
    for l in links or []:
        if l.get("type") == "application/pdf" or l.get("title") == "pdf":
            continue
        if l.get("rel") in (None, "", "alternate") and l.get("href"):
            return l["href"]
    return None


def atom_entry(e):
    f = {}
    if "title" in e:
        f["title"] = either(e["title"])
    f["url"] = exact(alternate(e.get("links")))
    if e.get("id"):
        f["entry_id"] = text(e["id"])
    f["authors"] = exact(names(e.get("authors")))
    f["published"] = exact(utc(e.get("publishedParsed")))
    f["updated"] = exact(utc(e.get("updatedParsed")))
    if e.get("summary"):
        f["abstract"] = either(e["summary"])
    elif e.get("content"):
        c = e["content"]
        f["abstract"] = typed(c.get("value"), c.get("type"))
    cats = [c["term"] for c in e.get("categories") or [] if c.get("term")]
    # gofeed files dc:subject under extensions; we take it as a category
    dc = (e.get("extensions") or {}).get("dc") or {}
    cats += [norm_text(x.get("value")) for x in dc.get("subject") or []]
    f["categories"] = exact([c for c in cats if c])
    return complete(f)


def rss_entry(e, rdf=False):
    f = {}
    if "title" in e:
        f["title"] = either(e["title"])
    links = e.get("links") or ([e["link"]] if e.get("link") else [])
    f["url"] = ("link", (e.get("link"), links))
    g = e.get("guid")
    if g and g.get("value"):
        f["entry_id"] = either(g["value"])
    elif rdf:
        # gofeed's RSS model has no place for an RDF item's rdf:about,
        # which we take as its id: absence says nothing
        f["entry_id"] = ("any", None)
    authors = []
    if e.get("author"):
        authors = [norm_html(a) for a in [author_string(e["author"])] if a]
    dc = e.get("dcExt") or {}
    authors += [norm_text(a) for a in dc.get("creator") or []]
    f["authors"] = exact(authors)
    f["published"] = exact(utc(e.get("pubDateParsed")))
    if e.get("description"):
        f["abstract"] = either(e["description"])
    elif e.get("content"):
        f["abstract"] = ("html", e["content"])
    cats = [norm_html(c.get("value")) for c in e.get("categories") or []]
    cats += [norm_text(s) for s in dc.get("subject") or []]
    f["categories"] = exact([c for c in cats if c])
    return complete(f)


def unified_entry(e):
    f = {}
    if "title" in e:
        f["title"] = either(e["title"])
    links = e.get("links") or ([e["link"]] if e.get("link") else [])
    f["url"] = ("link", (e.get("link"), links))
    if e.get("guid"):
        f["entry_id"] = text(e["guid"])
    f["authors"] = exact(names(e.get("authors") or
                               ([e["author"]] if e.get("author") else [])))
    f["published"] = exact(utc(e.get("publishedParsed")))
    f["updated"] = exact(utc(e.get("updatedParsed")))
    if e.get("description"):
        f["abstract"] = either(e["description"])
    elif e.get("content"):
        f["abstract"] = either(e["content"])
    f["categories"] = exact([norm_text(c) for c in e.get("categories") or []
                             if norm_text(c)])
    return complete(f)


def jsonfeed_entry(e):
    f = {}
    if "title" in e:
        f["title"] = either(e["title"])
    f["url"] = exact(e.get("url") or e.get("external_url"))
    if e.get("id") not in (None, ""):
        f["entry_id"] = exact(str(e["id"]))
    people = e.get("authors") or ([e["author"]] if e.get("author") else [])
    f["authors"] = exact(names(people))
    f["published"] = exact(utc(e.get("date_published")))
    f["updated"] = exact(utc(e.get("date_modified")))
    if e.get("summary"):
        f["abstract"] = text(e["summary"])
    elif e.get("content_text"):
        f["abstract"] = text(e["content_text"])
    elif e.get("content_html"):
        f["abstract"] = ("html", e["content_html"])
    f["categories"] = exact([t for t in e.get("tags") or [] if t])
    return complete(f)


def expected(model, d, rdf):
    """(feed title expectation or None, [entry field dicts])"""
    if model == "atom":
        entries = [atom_entry(e) for e in d.get("entries") or []]
    elif model == "rss":
        entries = [rss_entry(e, rdf) for e in d.get("items") or []]
    elif model == "json":
        entries = [jsonfeed_entry(e) for e in d.get("items") or []]
    else:
        entries = [unified_entry(e) for e in d.get("items") or []]
        if rdf:
            for e in entries:
                if e["entry_id"] == exact(None):
                    e["entry_id"] = ("any", None)
    title = either(d["title"]) if d.get("title") else None
    return title, entries


# ---- the corpus ----------------------------------------------------------

def documents():
    """(format, name, document path, expected path, model)"""
    out = []
    for fmt in ("atom", "rss", "json"):
        for kind in ("parser", "translator"):
            base = os.path.join(CORPUS, kind, fmt)
            if fmt == "json":
                docs = [p for p in glob.glob(os.path.join(base, "*.json"))
                        if not p.endswith("_expected.json")]
                exp = [p[:-5] + "_expected.json" for p in docs]
            else:
                docs = glob.glob(os.path.join(base, "*.xml"))
                exp = [p[:-4] + ".json" for p in docs]
            model = fmt if kind == "parser" else "unified"
            for doc, ex in sorted(zip(docs, exp)):
                name = "%s/%s/%s" % (kind, fmt,
                                     os.path.splitext(os.path.basename(doc))[0])
                out.append((fmt, name, doc, ex, model))
    return out


TITLES_LUA = r"""
local feed = require "paperwatch.feed"
local json = require "paperwatch.json"
for _, path in ipairs(arg) do
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  local _, info = feed.parse(text, path)
  local t = type(info) == "table" and info.title or nil
  print(json.encode({ path = path, title = t or json.null }))
end
"""


def feed_titles(paths):
    """Feed titles of documents that gave no entries, via feed.parse."""
    if not paths:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(TITLES_LUA)
        script = f.name
    try:
        r = subprocess.run([PW, "eval", script] + paths, capture_output=True,
                           timeout=120)
    finally:
        os.unlink(script)
    out = {}
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        out[o["path"]] = o.get("title")
    return out


def compare_url(ours, want):
    if want[0] == "link":
        link, links = want[1]
        if not links and not link:
            return ours is None
        return ours == link or (bool(links) and ours == links[0])
    return matches(ours, want)


def compare(doc_title, exp_entries, got, titles_of_empty, path):
    """-> (number of fields compared, list of differences)"""
    diffs = []
    n = 0
    if len(got) != len(exp_entries):
        diffs.append("entries: %d, expected %d" % (len(got), len(exp_entries)))
    for i, (g, e) in enumerate(zip(got, exp_entries)):
        for k, want in e.items():
            n += 1
            ours = g.get(k)
            ok = compare_url(ours, want) if k == "url" else matches(ours, want)
            if not ok:
                diffs.append("entry %d %s: %r, expected %r" % (i, k, ours,
                                                               want[1]))
    if doc_title is not None:
        n += 1
        ours = got[0].get("feed_title") if got else titles_of_empty.get(path)
        if not matches(ours, doc_title):
            diffs.append("feed_title: %r, expected %r" % (ours, doc_title[1]))
    return n, diffs


def run_corpus():
    results = {}  # fmt -> list of (name, status, nfields, diffs)
    pending = []
    for fmt, name, doc, ex, model in documents():
        if not os.path.exists(ex):
            continue
        with open(ex, "rb") as f:
            try:
                d = json.loads(f.read().decode("utf-8"))
            except ValueError:
                continue
        with open(doc, "rb") as f:
            rdf = b"22-rdf-syntax-ns#" in f.read()
        title, entries = expected(model, d, rdf)
        r = subprocess.run([PW, "parse", "--format", "json", doc],
                           capture_output=True, timeout=60)
        got = json_lines(r.stdout.decode("utf-8", "replace"))
        err = r.stderr.decode("utf-8", "replace").strip()
        pending.append((fmt, name, doc, title, entries, got, r.returncode,
                        err))
    empty = [p[2] for p in pending if not p[5] and p[3] is not None]
    titles = feed_titles(empty)
    for fmt, name, doc, title, entries, got, code, err in pending:
        if not entries and title is None:
            status, n, diffs = "n/a", 0, []
        else:
            n, diffs = compare(title, entries, got, titles, doc)
            if code != 0:
                diffs.insert(0, "exit %d: %s" % (code, err[:200]))
            status = "fail" if diffs else "pass"
        results.setdefault(fmt, []).append((name, status, n, diffs))
    return results


class Conformance(lib.unittest.TestCase):
    results = None

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(CORPUS):
            raise lib.unittest.SkipTest("no corpus at %s" % CORPUS)
        cls.results = run_corpus()

    def check(self, fmt):
        rows = self.results.get(fmt, [])
        comparable = [r for r in rows if r[1] != "n/a"]
        passed = [r for r in comparable if r[1] == "pass"]
        fields = sum(r[2] for r in comparable)
        fields_ok = sum(r[2] for r in passed)
        rate = 100.0 * len(passed) / len(comparable) if comparable else 0.0
        unexplained = [r for r in comparable
                       if r[1] == "fail" and r[0] not in EXCEPTIONS]
        stale = [r[0] for r in passed if r[0] in EXCEPTIONS]
        SUMMARY[self.id()] = (
            ": conformance %s: %d/%d comparable docs pass (%.1f%%), "
            "%d/%d fields in passing docs, %d not applicable, "
            "%d known exceptions" %
            (fmt, len(passed), len(comparable), rate, fields_ok, fields,
             len(rows) - len(comparable),
             sum(1 for r in comparable if r[0] in EXCEPTIONS)))
        for name, _, _, diffs in unexplained:
            sys.stdout.write("# unexplained: %s: %s\n" %
                             (name, "; ".join(diffs)[:400]))
        for name in stale:
            sys.stdout.write("# exception now passes, remove it: %s\n" % name)
        self.assertGreaterEqual(rate, MIN_RATE, "%s pass rate" % fmt)
        self.assertEqual(unexplained, [], "differences without an exception")
        self.assertEqual(stale, [], "exceptions that now pass")

    def test_atom(self):
        self.check("atom")

    def test_rss(self):
        self.check("rss")

    def test_json(self):
        self.check("json")

    def test_exceptions_exist(self):
        names = {n for rows in self.results.values() for n, _, _, _ in rows}
        self.assertEqual(sorted(set(EXCEPTIONS) - names), [],
                         "exceptions naming no document")


SUMMARY = {}  # test id -> the pass rate, for its TAP line


class Result(lib.TapResult):
    def _line(self, test, ok, extra=""):
        lib.TapResult._line(self, test, ok, SUMMARY.get(test.id(), "") + extra)


if __name__ == "__main__":
    runner = lib.unittest.TextTestRunner(stream=sys.stdout, resultclass=Result,
                                         verbosity=0)
    prog = lib.unittest.main(testRunner=runner, exit=False, argv=[sys.argv[0]])
    sys.exit(0 if prog.result.wasSuccessful() else 1)
