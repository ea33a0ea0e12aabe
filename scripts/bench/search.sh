#!/bin/sh
# Search speed (issue 7): import BENCH_PAPERS (default 60000) generated
# arXiv-like records (JSON Lines, as the metadata snapshot), then time
# `paperwatch search --limit 20` for a few queries: a rare word, a common
# one, a phrase, a prefix, a field filter; then the same over real papers.
# The target is 10 ms a query.
# Figures, never assertions.
set -eu

cd "$(dirname "$0")/../.."
n=${BENCH_PAPERS:-60000}
pw=${PW_BIN:-./paperwatch}
out=build/bench/search
mkdir -p "$out"
db=$out/papers-$n.db

if [ ! -s "$db" ]; then
    /usr/bin/python3 - "$n" > "$out/papers-$n.jsonl" <<'PY'
import json, random, sys
n = int(sys.argv[1])
rnd = random.Random(7)
words = ("learning model neural network graph diffusion language transformer "
         "optimization bayesian inference quantum field theory galaxy stellar "
         "protein sampling reinforcement policy robust adversarial kernel "
         "sparse convex stochastic gradient attention vision speech causal "
         "spectral manifold topology lattice entropy").split()
names = ("Liang Smith Chen Wang Garcia Müller Rossi Kim Sato Ivanova Dubois "
         "Nowak Silva Haddad Okafor").split()
cats = "cs.LG cs.CL cs.CV stat.ML math.OC hep-th astro-ph.GA q-bio.BM".split()
# a Zipf-distributed vocabulary, as in real text: the named words are the
# most frequent, then 20000 made-up ones
vocab = words + ["w%x" % i for i in range(20000)]
weights = [1.0 / (k + 8) for k in range(len(vocab))]
def text(k):
    return " ".join(rnd.choices(vocab, weights, k=k))
for i in range(n):
    title = text(rnd.randint(5, 12))
    abstract = text(rnd.randint(80, 200))
    authors = ", ".join("%s. %s" % (chr(65 + rnd.randint(0, 25)),
                                    rnd.choice(names))
                        for _ in range(rnd.randint(1, 6)))
    print(json.dumps({"id": "%02d%02d.%05d" % (10 + i % 15, 1 + i % 12, i),
                      "authors": authors, "title": title.capitalize(),
                      "abstract": abstract,
                      "categories": " ".join(rnd.sample(cats, 2)),
                      "versions": [{"version": "v1",
                                    "created": "Mon, 1 Jan 2024 00:00:00 GMT"}]}))
PY
    start=$(date +%s.%N)
    "$pw" --db "$db" --config config/init.lua -q import "$out/papers-$n.jsonl"
    echo "import of $n papers: $(echo "$(date +%s.%N) - $start" | bc) s"
fi

# time DB QUERY...: each query's time inside paperwatch (`-v` prints it:
# opening the database, the search, the output), best of 7, and its number
# of matches. Starting a process costs this VM about 3 ms more, printed
# apart below.
time_queries() {
    tdb=$1
    shift
    for q in "$@"; do
        ms=$(for _ in 1 2 3 4 5 6 7; do
            "$pw" -v --db "$tdb" search --limit 20 --format json "$q" 2>&1 \
                >/dev/null | sed -n 's/.*search: \([0-9.]*\) ms.*/\1/p'
        done | sort -n | head -n 1)
        printf '  search %-40s %6s ms  (%s matches)\n' "$q" "$ms" \
            "$("$pw" --db "$tdb" search --limit 100000 --format json "$q" | wc -l)"
    done
}

echo "synthetic papers (a Zipf vocabulary; the named words in 20-75% of them):"
time_queries "$db" 'galaxy' 'learning' '"neural network"' 'transform*' \
    'author:liang diffusion' 'cat:cs.LG attention since:2023-01-01'

# The same number of real papers: the 1504 of the arXiv listing fixture
# (all archives) repeated, ids made unique, as snapshot records. Real
# words are rarer than the synthetic ones.
rdb=$out/real-$n.db
if [ ! -s "$rdb" ]; then
    "$pw" parse --format json tests/fixtures/arxiv-rss-2024-11-28-all-archives.xml |
        /usr/bin/python3 -c '
import json, sys
n = int(sys.argv[1])
papers = [json.loads(l) for l in sys.stdin]
for i in range(n):
    p = papers[i % len(papers)]
    print(json.dumps({"id": "%s%02d" % (p["arxiv_id"], i // len(papers)),
                      "title": p["title"], "abstract": p["abstract"],
                      "authors": ", ".join(p["authors"]),
                      "categories": " ".join(p["categories"]),
                      "versions": [{"version": "v1",
                                    "created": "Thu, 28 Nov 2024 00:00:00 GMT"}]}))
' "$n" > "$out/real-$n.jsonl"
    "$pw" --db "$rdb" --config config/init.lua -q import "$out/real-$n.jsonl"
fi
echo "real papers (the listing fixture, repeated to $n):"
time_queries "$rdb" 'learning' 'quantum' '"neural network"' 'transform*' \
    'author:wang diffusion' 'cat:cs.LG attention'
start=$(date +%s%N)
for _ in 1 2 3 4 5; do /bin/true; done
echo "(starting any process here: $(echo "($(date +%s%N) - $start) / 5000000" | bc -l | cut -c1-4) ms)"
