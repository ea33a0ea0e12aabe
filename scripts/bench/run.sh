#!/bin/sh
# `make bench`: paperwatch's feed parser against sfeed, python3-feedparser
# and a bare expat pass, on the same generated arXiv-like feeds (issue 3).
# Figures, never assertions: exits non-zero only when a tool fails to run.
#
#   BENCH_SIZE=100M    size of the generated Atom feed (RSS: same papers)
#   BENCH_SLICE=10M    the smaller pair for feedparser (and the profile)
#   BENCH_RUNS=5       best of N runs (feedparser: always one)
#   BENCH_SEED=3       generator seed
#   BENCH_PROFILE=1    also run callgrind over the slice, print top functions
#   PW_BIN=./paperwatch
set -eu

cd "$(dirname "$0")/../.."
here=scripts/bench
out=build/bench
size=${BENCH_SIZE:-100M}
slice=${BENCH_SLICE:-10M}
runs=${BENCH_RUNS:-5}
seed=${BENCH_SEED:-3}
pw=${PW_BIN:-./paperwatch}
py=/usr/bin/python3

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$pw" ] || die "$pw: not built (run make)"
command -v sfeed >/dev/null || die "sfeed: not installed (scripts/deps.sh bench)"
$py -c 'import feedparser' 2>/dev/null ||
    die "python3-feedparser: not installed (scripts/deps.sh bench)"
mkdir -p "$out"

# The floor, a bare namespace-aware expat pass, and the measuring runner.
build() { # NAME [LIBS...]
    src=$here/$1.c bin=$out/$1
    shift
    [ -x "$bin" ] && [ -z "$(find "$src" -newer "$bin")" ] && return 0
    echo "  CC      $bin"
    cc -O2 -std=c11 -Wall -Wextra -D_GNU_SOURCE -o "$bin" "$src" "$@"
}
# shellcheck disable=SC2046 # pkg-config's words are meant to split
build expat_bare $(pkg-config --cflags --libs expat)
build rusage

# gen NAME SIZE: generate $out/NAME.{atom,rss}.xml unless they are there
# already from this very generator, size and seed.
gen() {
    stamp="$(sha256sum "$here/gen.py" | cut -d' ' -f1) $2 $seed"
    if [ -f "$out/$1.meta.json" ] && [ -f "$out/$1.stamp" ] &&
        [ "$(cat "$out/$1.stamp")" = "$stamp" ]; then
        return 0
    fi
    echo "  GEN     $out/$1.atom.xml $out/$1.rss.xml ($2, seed $seed)"
    rm -f "$out/$1.stamp" "$out/$1.meta.json"
    $py "$here/gen.py" --seed "$seed" --size "$2" \
        --atom "$out/$1.atom.xml" --rss "$out/$1.rss.xml" \
        --meta "$out/$1.meta.json.tmp"
    mv "$out/$1.meta.json.tmp" "$out/$1.meta.json"
    echo "$stamp" > "$out/$1.stamp"
}
gen full "$size"
gen slice "$slice"

$py "$here/bench.py" --paperwatch "$pw" --expat "$out/expat_bare" \
    --rusage "$out/rusage" \
    --sfeed "$(command -v sfeed)" --python $py --runs "$runs" \
    --meta "$out/full.meta.json" --slice-meta "$out/slice.meta.json"

# top N [OPTIONS]: the first N functions of callgrind_annotate's table,
# with the path prefix of this checkout cut off.
top() {
    n=$1
    shift
    callgrind_annotate --auto=no "$@" | sed -n '/file:function/,$p' |
        sed -e '1,2d' -e '/^$/d' -e "s|$(pwd)/||g" | head -n "$n"
}

if [ "${BENCH_PROFILE:-0}" = 1 ]; then
    command -v valgrind >/dev/null || die "valgrind: not installed"
    for f in atom rss; do
        for tool in "$pw parse --format json" "$out/expat_bare"; do
            name=$(basename "${tool%% *}")
            prof=$out/callgrind.$name.$f.out
            # shellcheck disable=SC2086 # $tool is a command and its options
            # one parser: the profile of the work, not of its split
            PW_PARSE_SEGMENT=0 valgrind -q --tool=callgrind \
                --callgrind-out-file="$prof" $tool "$out/slice.$f.xml" \
                >/dev/null
            echo "callgrind: $tool $out/slice.$f.xml:" \
                "$(callgrind_annotate --auto=no "$prof" |
                    sed -n 's/ *(100.0%) *PROGRAM TOTALS/ Ir/p')"
        done
        prof=$out/callgrind.paperwatch.$f.out
        echo "-- self cost by object (Ir)"
        top 100000 --threshold=100 "$prof" | awk '{
            gsub(",", "", $1); o = $NF; if (o !~ /^\[/) o = "[?]"; s[o] += $1
        } END { for (o in s) printf "%14d  %s\n", s[o], o }' |
            sort -rn | head -n 5
        echo "-- self cost"
        top 25 "$prof"
        echo "-- inclusive cost"
        top 40 --inclusive=yes "$prof" | grep '\]$' |
            grep -v 'below main\|libc-start\|main\.c:main\|cli\.c:\|0x000000000001ab70'
        echo
    done
fi

# Rules: the C matcher and a Lua function rule (issue 5).
sh scripts/bench/rules.sh

# Search speed over a generated 60k-paper database (issue 7).
sh scripts/bench/search.sh
