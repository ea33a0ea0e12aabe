#!/usr/bin/python3
"""The fuzzer's findings stay fixed: every input in tests/fuzz/regressions/
goes through `paperwatch parse` (the ASan build under `make asan`) and ends
with a status, never a signal or a sanitizer report; then a short bounded
libFuzzer run (scripts/fuzz.sh, which also replays those inputs through the
harness with its chunked writes) must find nothing new."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

REGRESSIONS = os.path.join(lib.ROOT, "tests", "fuzz", "regressions")
FUZZ_SECONDS = 20
ASAN_EXIT = 99  # make asan sets ASAN_OPTIONS=exitcode=99


def tail(text, n=4000):
    return text if len(text) <= n else "...\n" + text[-n:]


def libfuzzer_missing():
    """Why a libFuzzer program cannot be built here, or None."""
    clang = os.environ.get("CLANG", "clang")
    if shutil.which(clang) is None:
        return "clang is not installed (Debian: clang)"
    d = tempfile.mkdtemp(prefix="pwfuzz-")
    try:
        src = os.path.join(d, "probe.c")
        with open(src, "w") as f:
            f.write("int LLVMFuzzerTestOneInput(const unsigned char *d,"
                    " unsigned long n) { return 0; }\n")
        r = subprocess.run([clang, "-fsanitize=fuzzer,address,undefined",
                            "-o", os.path.join(d, "probe"), src],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            return ("clang cannot link a libFuzzer program (Debian: "
                    "libclang-rt-14-dev)")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return None


class Regressions(lib.unittest.TestCase):
    def test_regressions_parse_cleanly(self):
        files = sorted(f for f in glob.glob(os.path.join(REGRESSIONS, "*"))
                       if os.path.isfile(f))
        if not files:
            self.skipTest("no inputs in tests/fuzz/regressions")
        for path in files:
            name = os.path.basename(path)
            with self.subTest(input=name):
                try:
                    r = subprocess.run([lib.PW, "parse", "--format", "json",
                                        path], capture_output=True,
                                       stdin=subprocess.DEVNULL, timeout=30)
                except subprocess.TimeoutExpired:
                    self.fail("%s: paperwatch parse took over 30 s" % name)
                err = r.stderr.decode("utf-8", "replace")
                self.assertGreaterEqual(
                    r.returncode, 0,
                    "%s: killed by signal %d\n%s" % (name, -r.returncode,
                                                     tail(err)))
                self.assertNotEqual(r.returncode, ASAN_EXIT,
                                    "%s: sanitizer report\n%s" % (name,
                                                                 tail(err)))
                self.assertIn(r.returncode, (0, 1),
                              "%s: exit %d\n%s" % (name, r.returncode,
                                                   tail(err)))


class BoundedFuzz(lib.unittest.TestCase):
    def test_short_fuzz_run_finds_nothing(self):
        if lib.SANITIZED:
            self.skipTest("the fuzz run is left to `make test` and `make fuzz`")
        why = libfuzzer_missing()
        if why:
            self.skipTest(why)
        # A directory of its own: `make fuzz` or another suite may be
        # running beside this one. Kept when something was found.
        build = os.path.join(lib.ROOT, "build")
        os.makedirs(build, exist_ok=True)
        work = tempfile.mkdtemp(prefix="fuzz-test-", dir=build)
        env = dict(os.environ, FUZZ_DIR=work)
        try:
            r = subprocess.run(["sh", os.path.join("scripts", "fuzz.sh"),
                                str(FUZZ_SECONDS)], cwd=lib.ROOT, env=env,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=180)
        except subprocess.TimeoutExpired as ex:
            out = (ex.stdout or b"").decode("utf-8", "replace")
            self.fail("scripts/fuzz.sh %d did not end (%s kept)\n%s"
                      % (FUZZ_SECONDS, work, tail(out)))
        out = r.stdout.decode("utf-8", "replace")
        if r.returncode == 0:
            shutil.rmtree(work, ignore_errors=True)
        # The findings first: the sanitizer summary and where the input went.
        found = [l for l in out.splitlines()
                 if l.startswith("SUMMARY:") or "Test unit written to" in l]
        self.assertEqual(r.returncode, 0,
                         "scripts/fuzz.sh %d exited %d (%s kept)\n%s\n%s"
                         % (FUZZ_SECONDS, r.returncode, work,
                            "\n".join(found), tail(out)))


if __name__ == "__main__":
    lib.main()
