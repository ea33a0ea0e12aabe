#!/bin/sh
# fuzz.sh: libFuzzer over the feed parser (tests/fuzz/fuzz_feed.c), every
# format, seeded from the fixtures, hand-written documents for the corners
# the fixtures lack (tests/fuzz/seeds: encodings, DTDs, JSON Lines ...), the
# gofeed conformance corpus and the saved crash inputs.
#
#   scripts/fuzz.sh SECONDS [LIBFUZZER-ARG...]   build, seed, fuzz SECONDS
#   scripts/fuzz.sh build                        only build the harness
#
# LIBFUZZER-ARGs go before the corpus: flags (-jobs=2, -seed=N) or a corpus
# directory of your own to keep between runs (new inputs are written into
# the first directory named).
#
# Everything goes under build/fuzz/ (or $FUZZ_DIR, for runs side by side):
# the harness, a fresh corpus each run (corpus/), crash, leak and timeout
# inputs (artifacts/), the log (fuzz.log).
# Exit 0: no crash; 1: the fuzzer found one (its file is printed); 2: could
# not build or run (clang, libFuzzer or a library missing).
#
# FUZZ_CFLAGS adds compiler flags (say, to get past a known finding while
# it is being fixed); ASAN_OPTIONS and UBSAN_OPTIONS are passed on.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_DIR:-$root/build/fuzz}
bin=$out/fuzz_feed
shared=${PW_SHARED:-$(dirname "$root")/shared}
CLANG=${CLANG:-clang}
SRCS="feed text ident paper util json"
MAX_LEN=65536

die() {
    echo "fuzz.sh: $*" >&2
    exit 2
}

case ${1:-} in
build) ;;
'' | *[!0-9]*) die "usage: scripts/fuzz.sh SECONDS [LIBFUZZER-ARG...] | build" ;;
esac
what=$1
shift

# ---- tools --------------------------------------------------------------
command -v "$CLANG" >/dev/null 2>&1 ||
    die "$CLANG not found; install Debian's clang (apt-get install clang)"
mkdir -p "$out"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' \
    >"$out/probe.c"
"$CLANG" -fsanitize=fuzzer,address,undefined -o "$out/probe" "$out/probe.c" \
    >"$out/probe.log" 2>&1 ||
    die "$CLANG cannot link a libFuzzer program (install libclang-rt-14-dev," \
        "Debian's libFuzzer and sanitizer runtimes):
$(sed 's/^/    /' "$out/probe.log")"
rm -f "$out/probe" "$out/probe.c" "$out/probe.log"
pkg-config --exists expat libcjson ||
    die "expat or libcjson not found by pkg-config (apt-get install" \
        "libexpat1-dev libcjson-dev)"

# ---- build --------------------------------------------------------------
# Always rebuilt: six files, and the parser changes under us. CFLAGS is
# split into words on purpose (PW_VERSION's quotes reach the compiler).
# shellcheck disable=SC2089,SC2090
CFLAGS="-std=c11 -D_GNU_SOURCE -DPW_VERSION=\"0.1.0\" -g -O1 \
-fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=undefined -Wall -Wextra $(pkg-config --cflags expat libcjson) \
${FUZZ_CFLAGS:-}"
objs=
for s in $SRCS; do
    # shellcheck disable=SC2086,SC2090
    "$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c -o "$out/$s.o" \
        "$root/agent/$s.c" || die "building agent/$s.c failed"
    objs="$objs $out/$s.o"
done
# shellcheck disable=SC2046,SC2086,SC2090
"$CLANG" $CFLAGS -fsanitize=fuzzer -I"$root/agent" -o "$bin" \
    "$root/tests/fuzz/fuzz_feed.c" $objs \
    $(pkg-config --libs expat libcjson) -lm ||
    die "linking the harness failed"
if [ "$what" = build ]; then
    echo "$bin"
    exit 0
fi

# ---- corpus -------------------------------------------------------------
corpus=$out/corpus
rm -rf "$corpus"
mkdir -p "$corpus" "$out/artifacts"
seed() { # FILE NAME: at most MAX_LEN bytes of FILE as corpus/NAME
    head -c $MAX_LEN "$1" >"$corpus/$2"
}
for f in "$root"/tests/fixtures/*; do
    case $f in *.md) continue ;; esac
    seed "$f" "fixture-$(basename "$f")"
done
# The recorded arXiv API answers wrap the document: seed the body too.
if command -v python3 >/dev/null 2>&1; then
    for f in "$root"/tests/fixtures/*-recorded-*.json; do
        [ -f "$f" ] || continue
        python3 -c 'import json, sys
sys.stdout.write(json.load(open(sys.argv[1])).get("body") or "")' "$f" \
            >"$out/body.tmp" 2>/dev/null && [ -s "$out/body.tmp" ] &&
            seed "$out/body.tmp" "body-$(basename "$f" .json)"
    done
    rm -f "$out/body.tmp"
fi
nconf=0
if [ -d "$shared/conformance" ]; then
    find "$shared/conformance" -type f \( -name '*.xml' -o -name '*.json' \) \
        >"$out/conformance.list"
    while IFS= read -r f; do
        rel=${f#"$shared/conformance/"}
        seed "$f" "conf-$(echo "$rel" | tr '/ ' '__')"
        nconf=$((nconf + 1))
    done <"$out/conformance.list"
    rm -f "$out/conformance.list"
else
    echo "fuzz.sh: no $shared/conformance; seeding without it" >&2
fi
for f in "$root"/tests/fuzz/seeds/*; do
    [ -f "$f" ] && seed "$f" "seed-$(basename "$f")"
done
for f in "$root"/tests/fuzz/regressions/*; do
    [ -f "$f" ] && seed "$f" "regression-$(basename "$f")"
done
echo "fuzz.sh: $(find "$corpus" -type f | wc -l) seeds ($nconf from the conformance" \
    "corpus), fuzzing for ${what}s" >&2

# ---- run ----------------------------------------------------------------
marker=$out/.started
: >"$marker"
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" -max_total_time="$what" -max_len=$MAX_LEN -timeout=10 \
    -rss_limit_mb=2048 -dict="$root/tests/fuzz/feed.dict" \
    -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$@" \
    "$corpus" 2>&1 | tee "$out/fuzz.log"
set -e
found=$(find "$out/artifacts" -type f -newer "$marker" | sort)
rm -f "$marker"
if [ -n "$found" ]; then
    echo "" >&2
    echo "fuzz.sh: the fuzzer found a failure; log: $out/fuzz.log" >&2
    for f in $found; do
        echo "  $f" >&2
    done
    cat >&2 <<EOF
Reproduce:  $bin FILE
Minimize:   $bin -minimize_crash=1 -runs=20000 -exact_artifact_path=FILE.min FILE
Then copy it, with a name saying what it does, into tests/fuzz/regressions/
(tests/integration/test_fuzz.py runs paperwatch parse over every file there).
EOF
    exit 1
fi
grep -q '^==[0-9]*==ERROR\|^INFO: libFuzzer disabled\|deadly signal' \
    "$out/fuzz.log" && { echo "fuzz.sh: the fuzzer failed; see $out/fuzz.log" >&2; exit 1; }
grep -q '^Done [0-9]* runs' "$out/fuzz.log" ||
    { echo "fuzz.sh: the fuzzer did not finish; see $out/fuzz.log" >&2; exit 1; }
echo "fuzz.sh: no crash in ${what}s ($(grep -o 'Done [0-9]* runs' \
    "$out/fuzz.log" | tail -1 | cut -d' ' -f2) runs)" >&2
