#!/bin/sh
# Search speed (issue 7): import BENCH_PAPERS (default 60000) generated
# arXiv-like records (JSON Lines, as the metadata snapshot), then time
# `paperwatch search --limit 20` for a few queries: a rare word, a common
# one, a phrase, a prefix, a field filter. The target is 10 ms a query.
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

for q in 'galaxy' 'learning' '"neural network"' 'transform*' \
         'author:liang diffusion' 'cat:cs.LG attention since:2023-01-01'; do
    "$pw" --db "$db" search --limit 20 --format json "$q" >/dev/null # warm
    start=$(date +%s%N)
    for _ in 1 2 3 4 5; do
        "$pw" --db "$db" search --limit 20 --format json "$q" >/dev/null
    done
    end=$(date +%s%N)
    printf '  search %-40s %6.1f ms (whole process, mean of 5)\n' "$q" \
        "$(echo "($end - $start) / 5000000" | bc -l)"
done
