"""Shared pieces of the integration tests: the paperwatch binary, temporary
homes, and a unittest runner that prints one TAP line per test for tests/run.
Real parts live beside this file: httpd.py (the loopback feed server with
faults) and notifyd.py (a D-Bus session with dbusmock's notification daemon).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.environ.get("PW_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
PW = os.environ.get("PW_BIN") or os.path.join(ROOT, "paperwatch")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SANITIZED = bool(os.environ.get("PW_SANITIZED"))


def fixture(name):
    return os.path.join(FIXTURES, name)


class Home:
    """A throwaway XDG home: config, data and the database live inside."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pwtest-")
        self.db = os.path.join(self.dir, "papers.db")
        self.config = os.path.join(self.dir, "init.lua")

    def write_config(self, text, name="init.lua"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def env(self, extra=None):
        env = dict(os.environ)
        env.update(XDG_CONFIG_HOME=os.path.join(self.dir, "config"),
                   XDG_DATA_HOME=os.path.join(self.dir, "data"),
                   HOME=self.dir, NO_COLOR="1")
        for k in ("PAPERWATCH_CONFIG", "PAPERWATCH_DB"):
            env.pop(k, None)
        if extra:
            env.update(extra)
        return env

    def pw(self, *args, config=True, env=None, timeout=120, input=None):
        """Run paperwatch with this home's --db (and --config when it was
        written); returns CompletedProcess with text stdout/stderr."""
        cmd = [PW, "--db", self.db]
        if config and os.path.exists(self.config):
            cmd += ["--config", self.config]
        cmd += list(args)
        return subprocess.run(cmd, cwd=self.dir, env=self.env(env),
                              input=input, capture_output=True, text=True,
                              timeout=timeout)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip()]


class TapResult(unittest.TextTestResult):
    def _line(self, test, ok, extra=""):
        name = test.id().split(".", 1)[-1]
        self.stream.write("%s - %s%s\n" % ("ok" if ok else "not ok", name, extra))
        self.stream.flush()

    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self._line(test, True)

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self._line(test, False)
        self.stream.write(self._exc_info_to_string(err, test) + "\n")

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        self._line(test, False, " (error)")
        self.stream.write(self._exc_info_to_string(err, test) + "\n")

    def addSkip(self, test, reason):
        unittest.TestResult.addSkip(self, test, reason)
        self._line(test, True, " # skip " + reason)


def main():
    runner = unittest.TextTestRunner(stream=sys.stdout, resultclass=TapResult,
                                     verbosity=0)
    prog = unittest.main(testRunner=runner, exit=False, argv=[sys.argv[0]])
    sys.exit(0 if prog.result.wasSuccessful() else 1)
