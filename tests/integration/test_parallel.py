#!/usr/bin/python3
"""`paperwatch parse` of a large file on several cores (agent/parallel.c)
gives the same bytes, messages and exit status as one parser, whatever the
file holds: cuts that land inside comments and CDATA sections, feed-level
text between entries, malformed or cut-short XML, prefixed elements, byte
order marks, repairs, entries longer than a segment, stdin.

PW_PARSE_SEGMENT sets the bytes a segment is cut at (0: never cut), so
that small documents are cut into many segments; -v tells what was done,
which the tests check, so that a run that never went parallel fails."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import PW, fixture  # noqa: E402
import test_conformance  # noqa: E402

SPLIT = re.compile(r"segments on \d+ threads")
# a later segment failed its check: parsed again from the start
REDO_AT = re.compile(r"segment \d+ cannot be parsed on its own: one parser")
# the first segment, the caller's own parser, did: it simply read on
FIRST = re.compile(r"the first segment did not end between entries")
REDO = re.compile(REDO_AT.pattern + "|" + FIRST.pattern)
# what -v says of the cutting itself, the one difference allowed
OWN = re.compile(r"^paperwatch: .*(segments on \d+ threads|one parser.*)$",
                 re.M)
ATOM = "http://www.w3.org/2005/Atom"


def parse(path, segment, *args, stdin=None):
    env = dict(os.environ, PW_PARSE_SEGMENT=str(segment))
    r = subprocess.run([PW, "-v", "parse", *args, path], env=env,
                       stdin=stdin, capture_output=True, timeout=120)
    return r.returncode, r.stdout, r.stderr.decode()


def shell(path, segment, script):
    """script run by sh with the file on stdin, paperwatch as $0."""
    with open(path, "rb") as f:
        return subprocess.run(
            ["sh", "-c", script, PW], stdin=f, capture_output=True,
            env=dict(os.environ, PW_PARSE_SEGMENT=str(segment)), timeout=60)


def entry(i, extra=""):
    """An arXiv-API-like Atom entry: wrapped abstract, names with accents."""
    words = " ".join("w%d" % (i * 7 + j) for j in range(60))
    return ("  <entry>\n"
            "    <id>http://arxiv.org/abs/2401.%05dv1</id>\n"
            "    <title>Paper %d on Schr\u00f6dinger operators</title>\n"
            "    <updated>2024-01-02T03:04:05Z</updated>\n"
            "    <summary>  %s\n%s $k &gt; 1$.</summary>\n"
            "    <author><name>Jos\u00e9 D\u016fra %d</name></author>\n"
            "    <category term=\"cs.LG\"/>\n%s"
            "  </entry>\n") % (i, i, words[:150], words[150:], i, extra)


def atom(entries, head="", root="feed", ns=' xmlns="%s"' % ATOM):
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s%s>\n"
            "  <title>Test feed</title>\n%s%s</%s>\n"
            % (root, ns, head, "".join(entries), root))


def cuts(data, segment, tag=b"</entry>"):
    """Where the segments start, by the rule parallel.c cuts at."""
    out, k = [], 1
    while True:
        at = data.find(tag, max(k * segment - len(tag), 0))
        if at < 0:
            return out
        out.append(at + len(tag))
        k = max(k + 1, (at + len(tag)) // segment + 1)


class Parallel(lib.unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pwpar-")

    def tearDown(self):
        lib.shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def same(self, path, segment=2048, args=("--format", "json"),
             split=True, redo=False):
        """The cut run against the one-parser run; returns the latter."""
        one = parse(path, 0, *args)
        cut = parse(path, segment, *args)
        self.assertEqual(cut[0], one[0], cut[2])
        self.assertEqual(cut[1], one[1])
        self.assertEqual(OWN.sub("", cut[2]).strip(), one[2].strip())
        self.assertNotRegex(one[2], SPLIT)
        if split:
            self.assertRegex(cut[2], REDO if redo else SPLIT)
        if split and not redo:
            self.assertNotRegex(cut[2], REDO)
        return one

    def test_generated_feeds(self):
        atom_path = os.path.join(self.tmp, "g.atom.xml")
        rss_path = os.path.join(self.tmp, "g.rss.xml")
        subprocess.run(["/usr/bin/python3",
                        os.path.join(lib.ROOT, "scripts", "bench", "gen.py"),
                        "--seed", "5", "--size", "400K", "--atom", atom_path,
                        "--rss", rss_path], check=True, capture_output=True)
        for path in (atom_path, rss_path):
            code, out, err = self.same(path, segment=16384)
            self.assertEqual(code, 0, err)
            with open(path, "rb") as f:
                n = f.read().count(b"</entry>" if "atom" in path
                                   else b"</item>")
            self.assertEqual(out.count(b"\n"), n)
            self.assertGreater(n, 100)
            self.same(path, segment=16384, args=())  # key<TAB>title lines

    def test_fixtures(self):
        split = 0
        for name in sorted(os.listdir(lib.FIXTURES)):
            if not name.endswith(".xml"):
                continue
            size = os.path.getsize(fixture(name))
            one = parse(fixture(name), 0, "--format", "json")
            for segment in (333, 1024, 7777, 65536):
                with self.subTest(name=name, segment=segment):
                    cut = parse(fixture(name), segment, "--format", "json")
                    self.assertEqual(cut[:2], one[:2])
                    self.assertEqual(OWN.sub("", cut[2]).strip(),
                                     one[2].strip())
                    split += bool(SPLIT.search(cut[2]))
                    if size > 4 * segment:
                        self.assertRegex(cut[2], SPLIT)
        self.assertGreaterEqual(split, 8)

    def test_conformance_corpus(self):
        split = total = 0
        for root, _, files in os.walk(test_conformance.CORPUS):
            for name in sorted(files):
                if not name.endswith(".xml"):
                    continue
                path = os.path.join(root, name)
                one = parse(path, 0, "--format", "json")
                cut = parse(path, 64, "--format", "json")
                total += 1
                with self.subTest(path):
                    self.assertEqual(cut[:2], one[:2])
                    self.assertEqual(OWN.sub("", cut[2]).strip(),
                                     one[2].strip())
                split += bool(SPLIT.search(cut[2]) or REDO.search(cut[2]))
        self.assertGreater(total, 100)
        self.assertGreater(split, 5)

    def test_cut_inside_a_comment(self):
        # after every entry a comment holding an end tag and a ghost entry
        ghost = "  <!-- </entry><entry><id>ghost</id></entry> -->\n"
        data = atom([entry(i) + ghost for i in range(120)])
        starts = cuts(data.encode(), 2048)
        inside = [c for c in starts
                  if data.encode().rfind(b"<!--", 0, c) >
                  data.encode().rfind(b"-->", 0, c)]
        self.assertTrue(inside)  # the test means something
        code, out, err = self.same(self.write("c.xml", data), redo=True)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count(b"\n"), 120)
        self.assertNotIn(b"ghost", out)
        self.assertRegex(parse(self.write("c.xml", data), 2048)[2], REDO_AT)

    def test_cut_inside_cdata(self):
        cdata = "    <content type=\"html\"><![CDATA[<p>a</entry>b</p>]]>" \
                "</content>\n"
        data = atom([entry(i, cdata) for i in range(120)])
        code, out, err = self.same(self.write("d.xml", data), redo=True)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count(b"\n"), 120)

    def test_feed_level_text_between_entries(self):
        # RSS: the channel's title after its first items; one parser
        # gives it to the items after it, and so must the cut run
        items = ["<item><title>Item %d</title><link>https://example.org/%d"
                 "</link><description>%s</description></item>\n"
                 % (i, i, "text " * 80) for i in range(200)]
        items.insert(100, "<title>Late title</title>\n")
        data = ("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"
                "<link>https://example.org/</link>\n%s</channel></rss>\n"
                % "".join(items))
        code, out, err = self.same(self.write("r.xml", data), redo=True)
        self.assertEqual(code, 0, err)
        self.assertIn(b'"feed_title":"Late title"', out)
        self.assertIn(b'"feed_title":null', out)

    def test_state_between_entries(self):
        """Whatever changes between entries (feed-level text, a parent
        element closed and another opened, with its own xml:base or
        namespaces) ends a segment's claim to stand where the head left
        it; cut everywhere, every output must still be one parser's."""
        def rows(fmt, n, first=0):
            return "".join(fmt % {"i": i} for i in range(first, first + n))
        atom_e = "<entry><id>e%(i)d</id><title>T%(i)d</title></entry>\n"
        rss_i = ("<item><title>A%(i)d</title><link>a%(i)d.html</link>"
                 "<guid>g%(i)d</guid></item>\n")
        dc_i = ("<item><title>A%(i)d</title><guid>g%(i)d</guid>"
                "<dc:creator>X</dc:creator></item>\n")
        docs = {
            "author": '<feed xmlns="%s">\n%s<author><name>Late</name>'
                      "</author>\n%s</feed>\n"
                      % (ATOM, rows(atom_e, 5), rows(atom_e, 25, 5)),
            "error": "<rss version=\"2.0\"><channel>\n%s<title>Feed error "
                     "for query: bad</title>\n%s</channel></rss>\n"
                     % (rows(rss_i, 4), rows(rss_i, 25, 4)),
            "base": "<rss version=\"2.0\"><channel><title>T</title>\n%s"
                    "</channel><channel xml:base=\"http://b.example/x/\">"
                    "\n%s</channel></rss>\n"
                    % (rows(rss_i, 15), rows(rss_i, 15, 15)),
            "ns": "<rss version=\"2.0\"><channel xmlns:dc=\"http://purl.org/"
                  "dc/elements/1.1/\"><title>T</title>\n%s</channel>"
                  "<channel>\n%s</channel></rss>\n"
                  % (rows(dc_i, 15), rows(dc_i, 15, 15)),
            "wrap": '<feed xmlns="%s">\n%s<wrap xml:base="http://w.example/'
                    'd/">\n%s</wrap>\n%s</feed>\n'
                    % (ATOM, rows(atom_e, 6), rows(atom_e, 12, 6),
                       rows(atom_e, 12, 18)),
        }
        for name, data in docs.items():
            path = self.write(name + ".xml", data)
            for args in (("--format", "json"), ("--format", "text")):
                one = parse(path, 0, *args)
                for n in range(60, len(data) // 2, 11):
                    with self.subTest(doc=name, segment=n, args=args):
                        cut = parse(path, n, *args)
                        self.assertEqual(cut[:2], one[:2])
                        self.assertEqual(OWN.sub("", cut[2]).strip(),
                                         one[2].strip())
        self.assertIn(b"Late", parse(self.write("a.xml", docs["author"]),
                                     0, "--format", "json")[1])

    def test_malformed_late(self):
        es = [entry(i) for i in range(150)]
        es[120] = es[120].replace("</title>", "</titel>")
        code, out, err = self.same(self.write("m.xml", atom(es)), redo=True)
        self.assertRegex(parse(self.write("m.xml", atom(es)), 2048)[2],
                         REDO_AT)
        self.assertNotEqual(code, 0)
        self.assertRegex(err, r"m\.xml:\d+:\d+: mismatched tag")
        self.assertEqual(out.count(b"\n"), 120)

    def test_cut_short(self):
        data = atom([entry(i) for i in range(150)])
        data = data[:data.rindex("<entry>") + 200]
        code, out, err = self.same(self.write("t.xml", data), redo=True)
        self.assertRegex(parse(self.write("t.xml", data), 2048)[2], REDO_AT)
        self.assertNotEqual(code, 0)
        self.assertEqual(out.count(b"\n"), 149)

    def test_prefixed_elements(self):
        data = atom([entry(i) for i in range(120)], root="a:feed",
                     ns=' xmlns:a="%s"' % ATOM)
        data = re.sub(r"<(/?)(entry|id|title|updated|summary|author|name|"
                      r"category)\b", r"<\1a:\2", data)
        code, out, err = self.same(self.write("p.xml", data))
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count(b"\n"), 120)

    def test_bom_white_space_and_repairs(self):
        es = [entry(i) for i in range(120)]
        data = ("\ufeff \n" + atom(es)).encode()
        data = data.replace(b"Paper 70 ", b"Paper \xff70 ")  # not UTF-8
        path = self.write("b.xml", data)
        code, out, err = self.same(path)
        self.assertEqual(code, 0, err)
        self.assertIn("Paper \ufffd70".encode(), out)
        # a repair before the first entry: offsets are no longer the
        # file's, and one parser does it all
        data = data.replace(b"Test feed", b"Test \x01feed")
        one = parse(self.write("b2.xml", data), 0, "--format", "json")
        cut = parse(self.write("b2.xml", data), 2048, "--format", "json")
        self.assertEqual(cut[:2], one[:2])
        self.assertNotRegex(cut[2], SPLIT)

    def test_entry_longer_than_segments(self):
        es = [entry(i) for i in range(60)]
        es[30] = entry(30, "    <content>%s</content>\n" % ("long " * 4000))
        code, out, err = self.same(self.write("l.xml", atom(es)))
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count(b"\n"), 60)

    def test_stdin(self):
        path = self.write("s.xml", atom([entry(i) for i in range(120)]))
        one = parse(path, 0, "--format", "json")
        with open(path, "rb") as f:  # a file: cut
            cut = parse("-", 2048, "--format", "json", stdin=f)
        self.assertEqual(cut[:2], one[:2])
        self.assertRegex(cut[2], SPLIT)
        with open(path, "rb") as f:  # a pipe: one parser
            cat = subprocess.Popen(["cat"], stdin=f, stdout=subprocess.PIPE)
            piped = parse("-", 2048, "--format", "json", stdin=cat.stdout)
            cat.wait()
        self.assertEqual(piped[:2], one[:2])
        self.assertNotRegex(piped[2], SPLIT)
        # a file on stdin read to its end, as one parser leaves it: what
        # comes after the command sees no more
        for segment in (0, 2048):
            r = shell(path, segment, '"$0" parse - >/dev/null; wc -c')
            self.assertEqual(r.stdout.strip(), b"0", segment)
        # a file on stdin that was partly read already: one parser, from
        # where it stands
        for segment in (0, 2048):
            r = shell(path, segment, 'head -c 50 >/dev/null; "$0" -v parse -')
            self.assertNotEqual(r.returncode, 0)  # not a feed from there
            self.assertNotRegex(r.stderr.decode(), SPLIT)
            self.assertIn(b"not a feed", r.stderr)

    def test_write_error(self):
        path = self.write("w.xml", atom([entry(i) for i in range(120)]))
        got = []
        for segment in (0, 2048):
            with open("/dev/full", "wb") as full:
                r = subprocess.run(
                    [PW, "parse", "--format", "json", path], stdout=full,
                    env=dict(os.environ, PW_PARSE_SEGMENT=str(segment)),
                    capture_output=False, stderr=subprocess.PIPE, timeout=60)
            got.append((r.returncode, r.stderr))
        self.assertEqual(got[0], got[1])
        self.assertEqual(got[0][0], 1)
        self.assertIn(b"stdout", got[0][1])


if __name__ == "__main__":
    lib.main()
