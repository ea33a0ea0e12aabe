#!/bin/sh
# Rule speed (issue 5): papers per second through the rules, as `paperwatch
# -v parse --score` reports the time spent in them (the parse itself not
# counted), over real arXiv papers:
#   - 100 declarative keyword/regex rules (target: 500k papers/s), in the
#     C matcher and, for comparison, as Lua closures (PAPERWATCH_LUA_RULES);
#   - one Lua function rule doing five plain finds over title and abstract
#     (target: 150k papers/s), beside the same function called through the
#     bare Lua C API (a table per paper, no sandbox: scripts/bench/lua_bare.c).
# Figures, never assertions.
#
#   BENCH_RULES_COPIES=20  copies of the 1504 real papers
#   BENCH_RUNS=3           best of N
set -eu

cd "$(dirname "$0")/../.."
here=scripts/bench
out=build/bench/rules
runs=${BENCH_RUNS:-3}
pw=${PW_BIN:-./paperwatch}
py=/usr/bin/python3
mkdir -p "$out"

# The corpus: real titles and abstracts (the 1504 papers of the arXiv
# listing fixture, all archives), repeated to BENCH_RULES_COPIES times as
# many, with ids made unique. Generated text would not do: its small
# vocabulary puts every rule's words in every abstract.
copies=${BENCH_RULES_COPIES:-20}
feed=$out/listing-x$copies.rss.xml
if [ ! -s "$feed" ]; then
    echo "  GEN     $feed"
    $py - tests/fixtures/arxiv-rss-2024-11-28-all-archives.xml "$copies" \
        > "$feed.tmp" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
items = re.findall(r"<item\b.*?</item>", doc, re.S)
head = doc[:doc.index(items[0])]
tail = doc[doc.rindex("</item>") + len("</item>"):]
out = [head]
for k in range(int(sys.argv[2])):
    for it in items:
        out.append(re.sub(r"(\d{4}\.\d{4,5})", lambda m: "%s%02d" % (m.group(1), k), it))
out.append(tail)
sys.stdout.write("".join(out))
PY
    mv "$feed.tmp" "$feed"
fi

# 100 rules: 70 lists of words and phrases, 30 regexes, words a reader of
# arXiv would follow (most papers match none or a few).
$py - "$out/declarative.lua" "$out/declarative.tsv" <<'PY'
import random, re, sys
rnd = random.Random(11)
topics = """transformer attention diffusion language model reinforcement
learning graph neural network contrastive self-supervised federated
privacy differential robustness adversarial causal inference bayesian
variational autoencoder gaussian process kernel sparse lasso convex
stochastic gradient descent optimizer quantum entanglement qubit
decoherence black hole gravitational wave dark matter galaxy cluster
supernova exoplanet neutrino higgs lattice qcd string theory holography
topological insulator superconductivity graphene spin chain phase
transition protein folding single-cell genomics epidemic sensor robot
manipulation navigation segmentation detection tracking retrieval
summarization translation speech recognition benchmark dataset
interpretability fairness alignment hallucination reasoning agent planning
compression quantization distillation pruning""".split()
phrases = ["large language model", "vision transformer", "neural network",
           "reinforcement learning", "graph neural network", "dark matter",
           "gravitational wave", "black hole", "phase transition",
           "machine translation", "speech recognition", "in-context learning"]
regexes = [r"\bLLMs?\b", r"diffusion (models?|process(es)?)",
           r"\b\d+-shot\b", r"vision[- ]language", r"GPT-?\d",
           r"state[- ]of[- ]the[- ]art", r"\bRLHF\b", r"zero[- ]shot",
           r"Navier[- ]Stokes", r"Schr(o|oe)dinger", r"\bGNNs?\b",
           r"mixture[- ]of[- ]experts", r"\bViTs?\b", r"chain[- ]of[- ]thought",
           r"low[- ]rank adaptation|LoRA", r"Monte[- ]Carlo", r"\bCNNs?\b",
           r"text[- ]to[- ](image|video|speech)", r"\bMCMC\b",
           r"retrieval[- ]augmented", r"multi[- ]?modal", r"open[- ]source",
           r"\bSGD\b", r"few[- ]shot", r"long[- ]context", r"\bRAG\b",
           r"spin[- ]orbit", r"Kitaev", r"de Sitter", r"Yang[- ]Mills"]
out = ['local pw = require "paperwatch"']
tsv = []  # the same rules for hs_bare: rule, score, fields, pattern
for i in range(70):
    ws = rnd.sample(topics, rnd.randint(1, 3))
    if rnd.random() < 0.3:
        ws.append(rnd.choice(phrases))
    score = rnd.randint(-2, 3)
    out.append('pw.rule { name = "words %d", words = { %s }, score = %d }'
               % (i, ", ".join('"%s"' % w for w in ws), score))
    for w in ws:
        rx = r"\b%s\b" % r"\s+".join(re.escape(p) for p in w.split())
        tsv.append("%d\t%d\t3\t%s" % (i, score, rx))
for i, rx in enumerate(regexes):
    field = rnd.choice(["match", "title", "abstract"])
    score = rnd.randint(1, 3)
    out.append('pw.rule { name = "regex %d", %s = [[%s]], score = %d }'
               % (i, field, rx, score))
    fields = {"match": 3, "title": 1, "abstract": 2}[field]
    tsv.append("%d\t%d\t%d\t%s" % (70 + i, score, fields, rx))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
open(sys.argv[2], "w").write("\n".join(tsv) + "\n")
PY

cat > "$out/function.lua" <<'EOF'
local pw = require "paperwatch"
pw.rule("five finds", function(p)
  local t, a, s = p.title, p.abstract, 0
  if t:find("transformer", 1, true) then s = s + 2 end
  if t:find("diffusion", 1, true) then s = s + 2 end
  if a:find("language model", 1, true) then s = s + 1 end
  if a:find("reinforcement", 1, true) then s = s + 1 end
  if a:find("benchmark", 1, true) then s = s + 1 end
  return s
end)
EOF

# one CONFIG [ENV=VALUE]: papers/s through the rules, one run
one() {
    r=$(env ${2:-PW_BENCH=1} "$pw" -v --config "$1" parse --score \
        --format json "$feed" 2>&1 >/dev/null |
        sed -n 's/.*rules: .* (\([0-9]*\) papers\/s).*/\1/p')
    [ -n "$r" ] || { echo "bench: no rule timing from $1" >&2; exit 1; }
    echo "$r"
}

# versus CONFIG BARE RULES: the best papers/s of paperwatch with CONFIG
# and of the bare program BARE with RULES (papers on stdin; it prints
# papers/s first), their runs taken in turn so that the machine's drift,
# large here, touches both alike. Sets best, bbest and bout (BARE's
# last output).
versus() {
    best=0 bbest=0
    for _ in $(seq "$runs"); do
        r=$(one "$1")
        [ "$r" -gt "$best" ] && best=$r
        bout=$("$2" "$3" 1 < "$out/papers.tsv")
        r=${bout%% *}
        [ "$r" -gt "$bbest" ] && bbest=$r
    done
    return 0
}

# The papers as the bare programs read them: "title\tabstract" lines.
"$pw" parse --format json "$feed" | $py -c '
import json, sys
for l in sys.stdin:
    p = json.loads(l)
    print(p["title"].replace("\t", " ") + "\t" + p["abstract"].replace("\t", " "))
' > "$out/papers.tsv"
n=$(wc -l < "$out/papers.tsv")

echo "rules over $n real arXiv papers (the listing fixture x$copies), best of $runs:"
# The same rules through vectorscan, the library made for this, when its
# headers are there: its speed beside paperwatch's, and its scores.
if pkg-config --exists libhs; then
    # shellcheck disable=SC2046 # pkg-config's words are meant to split
    cc -O2 -std=c11 -Wall -Wextra -D_GNU_SOURCE -o "$out/hs_bare" \
        "$here/hs_bare.c" $(pkg-config --cflags --libs libhs)
    versus "$out/declarative.lua" "$out/hs_bare" "$out/declarative.tsv"
    c=$best h=$bbest hsum=${bout#* }
else
    c=0
    for _ in $(seq "$runs"); do
        r=$(one "$out/declarative.lua")
        [ "$r" -gt "$c" ] && c=$r
    done
fi
l=0
for _ in $(seq "$runs"); do
    r=$(one "$out/declarative.lua" PAPERWATCH_LUA_RULES=1)
    [ "$r" -gt "$l" ] && l=$r
done
printf '  100 declarative rules, C matcher   %9d papers/s  (target 500000: %.2fx)\n' \
    "$c" "$(echo "$c / 500000" | bc -l)"
printf '  100 declarative rules, as Lua      %9d papers/s  (C is %.1fx)\n' \
    "$l" "$(echo "$c / $l" | bc -l)"
if [ -n "${h:-}" ]; then
    psum=$("$pw" --config "$out/declarative.lua" parse --score --format json \
        "$feed" | $py -c '
import json, sys
print("%.0f" % sum(json.loads(l)["score"] for l in sys.stdin))')
    printf '  100 declarative rules, vectorscan  %9d papers/s  (paperwatch is %.2fx)\n' \
        "$h" "$(echo "$c / $h" | bc -l)"
    printf '      sum of the scores: paperwatch %s, vectorscan %s (ASCII word edges)\n' \
        "$psum" "$hsum"
else
    echo "  (vectorscan: libvectorscan-dev not installed, not compared)"
fi

cc -O2 -std=c11 -Wall -Wextra -D_GNU_SOURCE -o "$out/lua_bare" \
    "$here/lua_bare.c" $(pkg-config --cflags --libs lua5.4)
versus "$out/function.lua" "$out/lua_bare" "$out/function.lua"
f=$best b=$bbest
printf '  function rule, five plain finds    %9d papers/s  (target 150000: %.2fx)\n' \
    "$f" "$(echo "$f / 150000" | bc -l)"
printf '  the same, bare Lua C API           %9d papers/s  (paperwatch is %.2fx)\n' \
    "$b" "$(echo "$f / $b" | bc -l)"
