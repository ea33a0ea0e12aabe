#!/usr/bin/python3
"""Write a large arXiv-API-like Atom feed and the same papers as an
rss.arxiv.org-like RSS 2.0 listing, for `make bench`.

    gen.py [--seed N] [--size 100M] --atom OUT.xml --rss OUT.xml [--meta OUT.json]

The Atom file grows to about --size bytes (the RSS file, with the same
papers, comes out a little smaller). Output is deterministic for a given
seed and size, and a smaller --size with the same seed gives a prefix of
the same papers. Shapes follow tests/fixtures/arxiv-api-atom-*.xml
(namespaces on the root, hard-wrapped summaries as the legacy API sends
them) and tests/fixtures/arxiv-rss-2024-11-28-all-archives.xml.
Standard library only.
"""

import argparse
import json
import os
import random
import sys

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
SCHEME = ARXIV_NS

# Weighted roughly like the all-archives listing.
CATEGORIES = (
    "cs.LG cs.AI cs.CV cs.CL cs.RO cs.CR cs.DS cs.IT cs.SE cs.NI cs.GT cs.CY "
    "cs.HC cs.MA cs.DC stat.ML stat.ME stat.TH math.OC math.PR math.AP "
    "math.NT math.CO math.AG math-ph quant-ph hep-th hep-ph hep-ex hep-lat "
    "gr-qc astro-ph.GA astro-ph.CO astro-ph.SR astro-ph.HE astro-ph.EP "
    "cond-mat.mes-hall cond-mat.str-el cond-mat.stat-mech cond-mat.mtrl-sci "
    "cond-mat.soft physics.optics physics.flu-dyn physics.comp-ph "
    "physics.gen-ph eess.SP eess.SY eess.IV q-bio.NC q-bio.QM q-fin.ST "
    "econ.EM nlin.CD nucl-th nucl-ex"
).split()
OLD_ARCHIVES = "hep-th hep-ph astro-ph cond-mat gr-qc quant-ph math-ph".split()

WORDS = (
    "we present propose introduce study investigate show demonstrate analyze "
    "a an the of in on for with by from to and or via under over between "
    "across within that which this these their its our novel new efficient "
    "robust scalable general simple unified adaptive sparse dense deep "
    "neural network networks model models learning representation "
    "representations method methods approach framework algorithm algorithms "
    "training inference data dataset datasets benchmark benchmarks task tasks "
    "performance accuracy error bound bounds theorem proof convergence rate "
    "optimal regret loss function functions gradient descent stochastic "
    "optimization problem problems linear nonlinear quantum classical field "
    "theory theories phase transition symmetry energy spectrum lattice "
    "entanglement state states system systems dynamics equation equations "
    "solution solutions boundary condition conditions numerical simulations "
    "experiments experimental results observations galaxy galaxies star "
    "stars dark matter cosmological redshift survey signal noise channel "
    "communication wireless estimation distribution distributions random "
    "graph graphs structure structures local global language large "
    "transformer attention diffusion generative policy reinforcement agent "
    "agents reward control robot manipulation image images video vision "
    "segmentation detection classification regression causal privacy "
    "attack defense security protocol fairness interpretability uncertainty "
    "calibration prior posterior bayesian sampling kernel matrix tensor "
    "operator space spaces manifold geometry topology invariant invariants "
    "finite infinite dimensional high low temperature magnetic spin "
    "electron electrons superconducting topological insulator materials "
    "molecular protein cells brain clinical patients medical health "
    "market price risk portfolio policy economic significantly "
    "substantially consistently outperforms improves reduces achieves "
    "provides enables allows yields leads remains existing prior previous "
    "recent state-of-the-art baselines evaluation empirical theoretical "
    "analysis framework pipeline architecture module modules layer layers "
    "parameters hyperparameters scaling law laws compute memory efficiency "
    "latency throughput hardware sensor sensors measurements precision "
    "order first second higher lower upper closed-form asymptotic "
    "non-asymptotic exact approximate approximation limit regime regimes "
    "Schrödinger Erdős–Rényi Lévy Hölder Poincaré naïve coördinate"
).split()
# A paper's jargon: drawn from more often within one abstract.
MATH = (
    "$x^2$", "$\\mathcal{O}(n\\log n)$", "$\\epsilon$", "$d \\geq 3$",
    "$\\sqrt{T}$", "$L^2$", "$\\mathbb{R}^d$", "$\\alpha_s$", "$z \\sim 2$",
    "$p &lt; 0.05$", "$k &gt; 1$", "$\\langle n \\rangle$", "$N=4$",
    "$\\tilde{O}(\\sqrt{dT})$", "$10^{-3}$", "$\\mu$m",
)
ESCAPED = ("R&amp;D", "Q&amp;A", "&lt;1%", "&gt;90%", "AT&amp;T",
           "&quot;black-box&quot;", "input &lt;-&gt; output", "x &lt; y")
FIRST = (
    "Wei Jun Yuki Hiroshi Anna Maria José María Lukas Sophie Ahmed Fatima "
    "Olga Ivan Pieter Guanya Zhao-Heng Chee Kian Adrian Subir Elena Rutuja "
    "Kimberly Matt Bala Atilim Kamil Mustafa Jon Hyewon Suyeol Hammaad "
    "Chiara Giulia Søren Zoë François Łukasz Thomas Emily Daniel Priya "
    "Arjun Sanjay Min-Jun Seo-yeon Nguyen Thi Carlos Ana João Ngozi Kwame "
    "Dmitri Natalia Ingrid Björn Aoife Siobhan Mateusz Ewa Tomás Leila"
).split()
INITIALS = "A. B. C. D. E. F. G. H. J. K. L. M. N. P. R. S. T. W. Y. Z.".split()
LAST = (
    "Yin Shi Abbeel Liu Cui Yap Jeong Yun Adam Gurav Massara Song Sinclair "
    "Brown Kusner Poduval Baydin Hepworth Church Erdayandi Geist Maestro "
    "Sachdev Tu Xing Han Cheng Dai Luo Wu Wang Zhang Li Chen Yang Huang "
    "Zhao Zhou Kim Lee Park Choi Tanaka Suzuki Sato Müller Schmidt "
    "Schneider Fischer Weber García Rodríguez Martínez López González "
    "Pérez Rossi Russo Ferrari Esposito Dubois Lefèvre Nowak Kowalski "
    "Wiśniewski Ivanov Smirnov Kuznetsov Novák Dvořák Jensen Nielsen "
    "Hansen Johansson Andersson O'Brien Murphy Kelly Patel Sharma Singh "
    "Kumar Gupta Okafor Mensah Haddad Nasser Cohen Levi Silva Santos "
    "Oliveira Nguyen Tran Pham Smith Johnson Williams Jones Miller Davis"
).split()
AFFILIATIONS = (
    "University of Cambridge", "MIT", "Stanford University",
    "Tsinghua University", "ETH Zürich", "Max Planck Institute for Physics",
    "University of Tokyo", "CNRS, Université Paris-Saclay", "Google DeepMind",
    "University of Toronto", "Perimeter Institute", "EPFL",
    "Indian Institute of Science", "Universidade de São Paulo",
    "Weizmann Institute of Science", "University of Vermont",
)
COMMENTS = (
    "{p} pages, {f} figures", "{p} pages, {f} figures, {t} tables",
    "Accepted at NeurIPS 2025", "{p} pages; comments welcome",
    "Project page: https://example.org/p{n}", "v{v}: fixed typos in Sec. {t}",
    "{p} pages, {f} figures; to appear in Phys. Rev. D",
    "Code: https://github.com/example/repo{n}",
)
JOURNALS = (
    "Phys. Rev. D {a}, {b} ({y})", "Phys. Rev. Lett. {a}, {b} ({y})",
    "JHEP {a} ({y}) {b}", "Astrophys. J. {a}:{b} ({y})",
    "Int. J. Mod. Phys. B, {a}, {b} ({y})", "IEEE Trans. Inf. Theory {a} ({y})",
    "Nature Physics {a}, {b} ({y})", "Mon. Not. R. Astron. Soc. {a}, {b} ({y})",
)
RIGHTS = (
    (680, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"),
    (576, "http://creativecommons.org/licenses/by/4.0/"),
    (103, "http://creativecommons.org/licenses/by-nc-nd/4.0/"),
    (91, "http://creativecommons.org/licenses/by-nc-sa/4.0/"),
    (35, "http://creativecommons.org/licenses/by-sa/4.0/"),
    (19, "http://creativecommons.org/publicdomain/zero/1.0/"),
)
ANNOUNCE = (("new", 60), ("cross", 12), ("replace", 20), ("replace-cross", 8))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec")


def parse_size(s):
    mult = {"k": 10**3, "m": 10**6, "g": 10**9}
    s = s.strip().lower().rstrip("b")
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def wrap(text, width=80):
    """Greedy hard wrap at `width` columns, as arXiv's legacy API did."""
    lines, line, n = [], [], 0
    for w in text.split(" "):
        if line and n + 1 + len(w) > width:
            lines.append(" ".join(line))
            line, n = [w], len(w)
        else:
            n += len(w) + (1 if line else 0)
            line.append(w)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


class Papers:
    """An endless, deterministic stream of fake arXiv papers."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.serial = 0
        self.rights_w = [w for w, _ in RIGHTS]
        self.ann_w = [w for _, w in ANNOUNCE]

    def sentence(self, jargon):
        r = self.r
        n = r.randint(12, 30)
        words = r.choices(WORDS, k=n)
        for i in r.sample(range(n), r.randint(1, 4)):
            words[i] = r.choice(jargon)
        u = r.random()
        if u < 0.25:
            words[r.randrange(n)] = r.choice(MATH)
        elif u < 0.33:
            words[r.randrange(n)] = r.choice(ESCAPED)
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + "."

    def abstract(self):
        r = self.r
        jargon = r.sample(WORDS, 6) + [r.choice(LAST) + "'s", "(" +
                                        r.choice(FIRST).upper()[:4] + ")"]
        target = r.randint(1000, 1500)
        out, n = [], 0
        while n < target:
            s = self.sentence(jargon)
            out.append(s)
            n += len(s.encode()) + 1
        return " ".join(out)

    def title(self):
        r = self.r
        words = r.choices(WORDS, k=r.randint(6, 15))
        t = " ".join(w[:1].upper() + w[1:] for w in words)
        if r.random() < 0.3:
            t = r.choice(LAST) + ": " + t
        if r.random() < 0.1:
            t += " in " + r.choice(MATH)
        return t

    def author(self):
        r = self.r
        first = r.choice(FIRST)
        if r.random() < 0.2:
            first = r.choice(INITIALS) + " " + r.choice(INITIALS)
        elif r.random() < 0.15:
            first += " " + r.choice(INITIALS)
        aff = r.choice(AFFILIATIONS) if r.random() < 0.1 else None
        return first + " " + r.choice(LAST), aff

    def date(self):
        r = self.r
        return (r.randint(2007, 2026), r.randint(1, 12), r.randint(1, 28),
                r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))

    def __next__(self):
        r = self.r
        self.serial += 1
        y, mo, d, h, mi, s = pub = self.date()
        if r.random() < 0.04:  # old-style identifier
            arch = r.choice(OLD_ARCHIVES)
            y = r.randint(1992, 2006)
            base = "%s/%02d%02d%03d" % (arch, y % 100, mo, r.randint(1, 999))
            prim = arch
        else:
            if y < 2015:  # YYMM.NNNN from 0704 to 1412, then 5 digits
                y, mo = (2008, mo) if (y, mo) < (2007, 4) else (y, mo)
                base = "%02d%02d.%04d" % (y % 100, mo, self.serial % 10000)
            else:
                base = "%02d%02d.%05d" % (y % 100, mo, self.serial % 100000)
            prim = r.choice(CATEGORIES)
        pub = (y,) + pub[1:]
        version = r.choice((1, 1, 1, 1, 2, 2, 3, 4, 5))
        upd = pub if version == 1 else (
            min(y + r.randint(0, 2), 2026),) + self.date()[1:]
        cats = [prim] + [c for c in r.sample(CATEGORIES, r.randint(0, 3))
                         if c != prim]
        authors = [self.author() for _ in range(r.randint(2, 12))]
        u = r.random()
        fmt = dict(p=r.randint(4, 60), f=r.randint(1, 20), t=r.randint(1, 8),
                   n=self.serial, v=version)
        comment = r.choice(COMMENTS).format(**fmt) if u < 0.6 else None
        journal = doi = None
        if r.random() < 0.15:
            journal = r.choice(JOURNALS).format(
                a=r.randint(1, 999), b=r.randint(1000, 999999), y=y + 1)
        if r.random() < 0.15:
            doi = "10.%d/%s.%d.%06d" % (r.randint(1000, 9999), r.choice(
                ("PhysRevD", "s41567", "jhep", "mnras", "TIT")), y + 1,
                r.randint(0, 999999))
        return dict(
            id=base, version=version, title=self.title(),
            abstract=self.abstract(), authors=authors, cats=cats,
            published="%04d-%02d-%02dT%02d:%02d:%02dZ" % pub,
            updated="%04d-%02d-%02dT%02d:%02d:%02dZ" % upd,
            comment=comment, journal=journal, doi=doi,
            rights=r.choices(RIGHTS, self.rights_w)[0][1],
            announce=r.choices(ANNOUNCE, self.ann_w)[0][0],
            pubdate="%s, %02d %s %04d 00:00:00 -0500" % (
                DAYS[r.randrange(7)], d, MONTHS[mo - 1], y),
        )


def atom_head(n_hint):
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="%s" xmlns="%s">\n'
        "  <id>https://arxiv.org/api/bench-generated</id>\n"
        "  <title>arXiv Query: search_query=all:bench&amp;id_list=&amp;"
        "start=0&amp;max_results=%d</title>\n"
        "  <updated>2026-06-14T02:30:47Z</updated>\n"
        '  <link href="https://arxiv.org/api/query?search_query=all:bench'
        '&amp;start=0&amp;max_results=%d&amp;id_list=" '
        'type="application/atom+xml"/>\n'
        "  <opensearch:itemsPerPage>%d</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>%d</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        % (ARXIV_NS, ATOM_NS, n_hint, n_hint, n_hint, n_hint))


def atom_entry(p):
    vid = "%sv%d" % (p["id"], p["version"])
    title = p["title"]
    if len(title) > 70:  # the API folds long titles too
        title = wrap(title, 70).replace("\n", "\n  ")
    o = ["  <entry>\n",
         "    <id>http://arxiv.org/abs/%s</id>\n" % vid,
         "    <title>%s</title>\n" % title,
         "    <updated>%s</updated>\n" % p["updated"],
         '    <link href="https://arxiv.org/abs/%s" rel="alternate" '
         'type="text/html"/>\n' % vid,
         '    <link href="https://arxiv.org/pdf/%s" rel="related" '
         'type="application/pdf" title="pdf"/>\n' % vid]
    if p["doi"]:
        o.append('    <link href="https://doi.org/%s" rel="related" '
                 'title="doi"/>\n' % p["doi"])
    o.append("    <summary>  %s\n</summary>\n" % wrap(p["abstract"]))
    for c in p["cats"]:
        o.append('    <category term="%s" scheme="%s"/>\n' % (c, SCHEME))
    o.append("    <published>%s</published>\n" % p["published"])
    if p["comment"]:
        o.append("    <arxiv:comment>%s</arxiv:comment>\n" % p["comment"])
    if p["journal"]:
        o.append("    <arxiv:journal_ref>%s</arxiv:journal_ref>\n"
                 % p["journal"])
    if p["doi"]:
        o.append("    <arxiv:doi>%s</arxiv:doi>\n" % p["doi"])
    o.append('    <arxiv:primary_category term="%s"/>\n' % p["cats"][0])
    for name, aff in p["authors"]:
        o.append("    <author>\n      <name>%s</name>\n" % name)
        if aff:
            o.append("      <arxiv:affiliation>%s</arxiv:affiliation>\n"
                     % aff)
        o.append("    </author>\n")
    o.append("  </entry>\n")
    return "".join(o)


def rss_head():
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<rss xmlns:arxiv="%s" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="%s" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'version="2.0">\n'
        "  <channel>\n"
        "    <title>cs, math, physics updates on arXiv.org</title>\n"
        "    <link>http://rss.arxiv.org/rss/cs+math+physics</link>\n"
        "    <description>cs, math, physics updates on the arXiv.org e-print "
        "archive.</description>\n"
        '    <atom:link href="http://rss.arxiv.org/rss/cs+math+physics" '
        'rel="self" type="application/rss+xml"/>\n'
        "    <docs>http://www.rssboard.org/rss-specification</docs>\n"
        "    <language>en-us</language>\n"
        "    <lastBuildDate>Thu, 28 Nov 2024 14:47:20 +0000</lastBuildDate>\n"
        "    <managingEditor>rss-help@arxiv.org</managingEditor>\n"
        "    <pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>\n"
        "    <skipDays>\n      <day>Saturday</day>\n      <day>Sunday</day>\n"
        "    </skipDays>\n" % (ARXIV_NS, ATOM_NS))


def rss_item(p):
    vid = "%sv%d" % (p["id"], p["version"])
    o = ["    <item>\n",
         "      <title>%s</title>\n" % p["title"],
         "      <link>https://arxiv.org/abs/%s</link>\n" % p["id"],
         "      <description>arXiv:%s Announce Type: %s \nAbstract: %s"
         "</description>\n" % (vid, p["announce"], p["abstract"]),
         '      <guid isPermaLink="false">oai:arXiv.org:%s</guid>\n' % vid]
    for c in p["cats"]:
        o.append("      <category>%s</category>\n" % c)
    o.append("      <pubDate>%s</pubDate>\n" % p["pubdate"])
    o.append("      <arxiv:announce_type>%s</arxiv:announce_type>\n"
             % p["announce"])
    o.append("      <dc:rights>%s</dc:rights>\n" % p["rights"])
    if p["doi"]:
        o.append("      <arxiv:DOI>%s</arxiv:DOI>\n" % p["doi"])
    if p["journal"]:
        o.append("      <arxiv:journal_reference>%s</arxiv:journal_reference>"
                 "\n" % p["journal"])
    o.append("      <dc:creator>%s</dc:creator>\n"
             % ", ".join(a for a, _ in p["authors"]))
    o.append("    </item>\n")
    return "".join(o)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--size", default="100M",
                    help="target Atom size: bytes, or with k/M/G (10^3...)")
    ap.add_argument("--atom", required=True)
    ap.add_argument("--rss", required=True)
    ap.add_argument("--meta", help="write counts and sizes as JSON here")
    a = ap.parse_args()
    target = parse_size(a.size)

    papers = Papers(a.seed)
    n = 0
    tail_atom = "</feed>\n"
    tail_rss = "  </channel>\n</rss>\n"
    with open(a.atom, "w", encoding="utf-8", newline="\n") as fa, \
            open(a.rss, "w", encoding="utf-8", newline="\n") as fr:
        head = atom_head(2000)  # the API's page size; totals are not parsed
        fa.write(head)
        fr.write(rss_head())
        batch_a, batch_r = [], []
        size_b = len(head.encode())
        while size_b + len(tail_atom) < target:
            p = next(papers)
            e = atom_entry(p)
            batch_a.append(e)
            batch_r.append(rss_item(p))
            size_b += len(e.encode())
            n += 1
            if len(batch_a) >= 512:
                fa.write("".join(batch_a))
                fr.write("".join(batch_r))
                batch_a, batch_r = [], []
        fa.write("".join(batch_a))
        fr.write("".join(batch_r))
        fa.write(tail_atom)
        fr.write(tail_rss)
    if a.meta:
        with open(a.meta, "w") as f:
            json.dump({"seed": a.seed, "size": a.size, "entries": n,
                       "atom": a.atom, "atom_bytes": os.path.getsize(a.atom),
                       "rss": a.rss, "rss_bytes": os.path.getsize(a.rss)},
                      f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
