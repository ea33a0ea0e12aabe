#!/usr/bin/python3
"""Time paperwatch's feed parser against its peers on the same files and
print a table with the targets of issue 3. Called by scripts/bench/run.sh,
which builds the tools and generates the feeds; figures, never assertions:
exits non-zero only when a tool fails to run or paperwatch loses entries.

Each command runs under rusage (rusage.c), which reports its wall time,
and from wait4() its CPU time and peak RSS. Runs are interleaved
round-robin (best of --runs) so that noise from the shared machine falls on
every tool alike.

paperwatch parses a large file on every core it may use (agent/parallel.c);
"pw 1 core" is the same command kept to one parser (PW_PARSE_SEGMENT=0), so
that the cost of normalization and output on one core is shown beside it.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MB = 1e6    # throughput in MB/s, 10^6 bytes
MIB = 1024  # ru_maxrss is in KiB on Linux; memory in MiB

# Targets of issue 3.
MAX_OVERHEAD = 0.15      # paperwatch vs bare expat, wall time
MIN_VS_SFEED = {"Atom": 0.80, "RSS": 1.15}
MIN_VS_FEEDPARSER = 60.0
MAX_RSS_MIB = 8.0

# feedparser's own parse time, without interpreter start-up and import: the
# more generous figure for the peer.
FEEDPARSER = r"""
import sys, time
import feedparser
t = time.perf_counter()
d = feedparser.parse(sys.argv[1])
t = time.perf_counter() - t
if d.bozo and not d.entries:
    sys.exit("feedparser: %s" % d.bozo_exception)
print(len(d.entries), t)
"""


RUSAGE = None  # build/bench/rusage, from --rusage


class ToolFailed(Exception):
    pass


def spawn(argv, stdin, stdout):
    """Popen argv with stdin from a file (or nothing), stderr to a temp file
    (read back on failure, so that no pipe can fill up and block)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    try:
        p = subprocess.Popen(argv, stdin=fin, stdout=stdout, stderr=err)
    finally:
        if stdin:
            fin.close()
    return p, err


def check(p, status, err, argv):
    """Raise ToolFailed on a non-zero exit; return the stderr text."""
    p.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    text = err.read().decode(errors="replace")
    err.close()
    if p.stdout:
        p.stdout.close()
    if p.returncode != 0:
        raise ToolFailed("%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                               text[-500:]))
    return text


def run(argv, stdin=None, capture=False):
    """Run argv once under rusage; return (wall s, cpu s, peak RSS KiB,
    stdout bytes)."""
    p, err = spawn([RUSAGE] + argv, stdin,
                   subprocess.PIPE if capture else subprocess.DEVNULL)
    data = p.stdout.read() if capture else b""
    _, status, _ = os.wait4(p.pid, 0)
    text = check(p, status, err, argv)
    tag, wall, cpu, rss = text.splitlines()[-1].split()
    assert tag == "rusage", text
    return float(wall), float(cpu), int(rss), data


def count_lines(argv, stdin=None):
    """Run argv once, untimed, stdout into a pipe; count its lines."""
    p, err = spawn(argv, stdin, subprocess.PIPE)
    n = 0
    for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
        n += chunk.count(b"\n")
    _, status, _ = os.wait4(p.pid, 0)
    check(p, status, err, argv)
    return n


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


class Result:
    def __init__(self, tool, fmt, path, entries):
        self.tool, self.fmt, self.path = tool, fmt, path
        self.size = os.path.getsize(path)
        self.entries = entries
        self.wall = self.cpu = float("inf")
        self.walls = []  # every run's, in round order (paired ratios)
        self.rss = 0
        self.runs = 0
        self.note = ""

    def add(self, wall, cpu, rss):
        self.wall = min(self.wall, wall)
        self.walls.append(wall)
        self.cpu = min(self.cpu, cpu)
        self.rss = max(self.rss, rss)
        self.runs += 1

    @property
    def mbs(self):
        return self.size / MB / self.wall

    @property
    def eps(self):
        return self.entries / self.wall


def bench_set(cmds, runs):
    """cmds: [(Result, argv, stdin)]; best of `runs`, interleaved: each
    round runs every command once, starting one further along each time,
    so that no tool always runs first or right after the same one."""
    for i in range(runs):
        k = i % len(cmds)
        for res, argv, stdin in cmds[k:] + cmds[:k]:
            wall, cpu, rss, _ = run(argv, stdin)
            res.add(wall, cpu, rss)


def paired(a, b):
    """The median over the rounds of a's wall time / b's in that round.
    The machine's speed drifts by a fifth and more over seconds; two runs
    of one round see nearly the same machine, so their ratio varies far
    less than either best-of-N figure."""
    return statistics.median(x / y for x, y in zip(a.walls, b.walls))


def mark(ok):
    return "met" if ok else "NOT MET"


def fmt_row(r):
    return "%-11s %-4s %8.1f %7d %4d %8.3f %8.3f %8.1f %10.0f %9.1f  %s" % (
        r.tool, r.fmt, r.size / MB, r.entries, r.runs, r.wall, r.cpu, r.mbs,
        r.eps, r.rss / MIB, r.note)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paperwatch", required=True)
    ap.add_argument("--expat", required=True)
    ap.add_argument("--rusage", required=True, help="scripts/bench/rusage.c")
    ap.add_argument("--sfeed", default="sfeed")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--meta", required=True, help="gen.py's JSON, full size")
    ap.add_argument("--slice-meta", required=True,
                    help="gen.py's JSON for the small slice (feedparser)")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    global RUSAGE
    RUSAGE = a.rusage

    full = json.load(open(a.meta))
    small = json.load(open(a.slice_meta))
    fmts = (("Atom", "atom"), ("RSS", "rss"))
    for m in (full, small):
        for _, k in fmts:
            warm(m[k])

    pw = lambda f: [a.paperwatch, "parse", "--format", "json", f]
    pw1 = lambda f: ["env", "PW_PARSE_SEGMENT=0"] + pw(f)
    ex = lambda f: [a.expat, f]
    sf = [a.sfeed]
    fp = lambda f: [a.python, "-c", FEEDPARSER, f]

    # Sanity: every tool sees every generated entry.
    problems = []
    for fmt, k in fmts:
        for m in (full, small):
            f, n = m[k], m["entries"]
            for argv in (pw(f), pw1(f)):
                got = count_lines(argv)
                if got != n:
                    problems.append("%s parsed %d of %d entries"
                                    % (" ".join(argv), got, n))
            _, _, _, out = run(ex(f), capture=True)
            if int(out.split()[0]) != n:
                problems.append("expat_bare saw %s of %d entries in %s"
                                % (out.split()[0].decode(), n, f))
        got = count_lines(sf, full[k])
        if got != full["entries"]:
            problems.append("sfeed printed %d of %d entries for %s"
                            % (got, full["entries"], full[k]))

    results = {}
    cmds = []
    for fmt, k in fmts:
        f, n = full[k], full["entries"]
        for tool, argv, stdin in (("expat_bare", ex(f), None),
                                  ("paperwatch", pw(f), None),
                                  ("pw 1 core", pw1(f), None),
                                  ("sfeed", sf, f)):
            r = results[tool, fmt] = Result(tool, fmt, f, n)
            cmds.append((r, argv, stdin))
        s = results["paperwatch-s", fmt] = Result(
            "paperwatch", fmt, small[k], small["entries"])
        s.note = "slice"
        cmds.append((s, pw(small[k]), None))
    bench_set(cmds, a.runs)
    startup = [run([a.paperwatch, "--version"])[:3] for _ in range(a.runs)]

    for fmt, k in fmts:  # once: slow and memory hungry
        r = results["feedparser", fmt] = Result(
            "feedparser", fmt, small[k], small["entries"])
        wall, cpu, rss, out = run(fp(small[k]), capture=True)
        got, inner = out.split()
        if int(got) != small["entries"]:
            problems.append("feedparser saw %s of %d entries in %s"
                            % (got.decode(), small["entries"], small[k]))
        r.add(float(inner), cpu, rss)
        r.note = "slice, 1 run, parse() time (process: %.2f s)" % wall

    print()
    print("paperwatch bench: %d entries (%.0f MB Atom, %.0f MB RSS); "
          "slice %d entries (%.0f MB, %.0f MB); best of %d runs"
          % (full["entries"], full["atom_bytes"] / MB,
             full["rss_bytes"] / MB, small["entries"],
             small["atom_bytes"] / MB, small["rss_bytes"] / MB, a.runs))
    print("  MB = 10^6 bytes; peak RSS in MiB (wait4 ru_maxrss); wall = best "
          "run, cpu = least user+sys")
    print("  paperwatch --version alone (dynamic loading, no parsing): "
          "%.1f ms, %.1f MiB peak" % (min(w for w, _, _ in startup) * 1e3,
                                     max(r for _, _, r in startup) / MIB))
    print()
    print("%-11s %-4s %8s %7s %4s %8s %8s %8s %10s %9s" % (
        "tool", "feed", "MB", "entries", "runs", "wall s", "cpu s", "MB/s",
        "entries/s", "peak MiB"))
    for fmt, _ in fmts:
        for tool in ("expat_bare", "paperwatch", "pw 1 core", "sfeed",
                     "paperwatch-s", "feedparser"):
            print(fmt_row(results[tool, fmt]))
    print()

    print("targets (paperwatch parse --format json > /dev/null):")
    for fmt, _ in fmts:
        p = results["paperwatch", fmt]
        e = results["expat_bare", fmt]
        s = results["sfeed", fmt]
        ps = results["paperwatch-s", fmt]
        f = results["feedparser", fmt]
        over = p.wall / e.wall - 1
        over_cpu = p.cpu / e.cpu - 1
        print("  %-4s overhead over bare expat   %+6.1f%% (cpu %+.1f%%)"
              "    target <= +%.0f%%    %s" % (
                  fmt, over * 100, over_cpu * 100, MAX_OVERHEAD * 100,
                  mark(over <= MAX_OVERHEAD)))
        print("  %-4s   paired runs, median of %d %+6.1f%%" % (
            fmt, p.runs, (paired(p, e) - 1) * 100))
        p1 = results["pw 1 core", fmt]
        print("  %-4s   one parser on one core   %+6.1f%% (cpu %+.1f%%,"
              " paired %+.1f%%)" % (
                  fmt, (p1.wall / e.wall - 1) * 100,
                  (p1.cpu / e.cpu - 1) * 100, (paired(p1, e) - 1) * 100))
        vs = s.wall / p.wall
        print("  %-4s speed vs sfeed             %6.2fx (cpu %.2fx)"
              "       target >= %.2fx     %s" % (
                  fmt, vs, s.cpu / p.cpu, MIN_VS_SFEED[fmt],
                  mark(vs >= MIN_VS_SFEED[fmt])))
        print("  %-4s   paired runs, median of %d %6.2fx"
              "       (bare expat: %.2fx sfeed)" % (
                  fmt, p.runs, paired(s, p), paired(s, e)))
        vf = ps.mbs / f.mbs
        print("  %-4s speed vs feedparser        %6.1fx (on the slice)"
              "     target >= %.0fx       %s" % (
                  fmt, vf, MIN_VS_FEEDPARSER, mark(vf >= MIN_VS_FEEDPARSER)))
        rss = max(p.rss, ps.rss) / MIB
        print("  %-4s peak memory                %6.1f MiB (%.1f on %.0f MB,"
              " %.1f on %.0f MB)  target < %.0f MiB   %s" % (
                  fmt, rss, p.rss / MIB, p.size / MB, ps.rss / MIB,
                  ps.size / MB, MAX_RSS_MIB, mark(rss < MAX_RSS_MIB)))
    print()
    if problems:
        for msg in problems:
            print("bench: SANITY: " + msg, file=sys.stderr)
        return 1
    print("sanity: every tool saw all %d entries (slice: %d)"
          % (full["entries"], small["entries"]))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ToolFailed as exc:
        print("bench: %s" % exc, file=sys.stderr)
        sys.exit(1)
