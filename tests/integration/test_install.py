#!/usr/bin/python3
"""`make install PREFIX=... DESTDIR=...` puts the binary, the Lua modules,
the manuals, completion, systemd user units and examples in place; the
installed binary finds its Lua modules relative to its prefix (run from
elsewhere, no source tree in sight); `make uninstall` leaves no file."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import fixture, json_lines  # noqa: E402


def files_under(d):
    return sorted(os.path.relpath(os.path.join(r, f), d)
                  for r, _, fs in os.walk(d) for f in fs)


class Install(lib.unittest.TestCase):
    def setUp(self):
        self.dest = tempfile.mkdtemp(prefix="pwinstall-")
        self.make = ["make", "--no-print-directory", "-C", lib.ROOT,
                     "PREFIX=/opt/pw", "DESTDIR=" + self.dest,
                     "BIN=" + lib.PW]
        if os.environ.get("PW_BUILD"):  # the objects of that binary
            self.make.append("BUILD=" + os.environ["PW_BUILD"])

    def tearDown(self):
        shutil.rmtree(self.dest, ignore_errors=True)

    def test_install_run_uninstall(self):
        r = subprocess.run(self.make + ["install"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        root = os.path.join(self.dest, "opt", "pw")
        got = files_under(root)
        for want in ("bin/paperwatch",
                     "share/paperwatch/lua/paperwatch/init.lua",
                     "share/man/man1/paperwatch.1",
                     "share/bash-completion/completions/paperwatch",
                     "share/zsh/site-functions/_paperwatch"):
            self.assertIn(want, got)
        self.assertTrue(any(f.startswith("lib/systemd/user/") for f in got))
        pw = os.path.join(root, "bin", "paperwatch")
        work = tempfile.mkdtemp(prefix="pwrun-", dir=self.dest)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PAPERWATCH_")}
        env.update(HOME=work, XDG_CONFIG_HOME=os.path.join(work, "c"),
                   XDG_DATA_HOME=os.path.join(work, "d"))
        # a feed, parsed by the installed binary
        r = subprocess.run([pw, "parse", fixture(
            "kaggle-arxiv-metadata-oai-snapshot-head.jsonl")], cwd=work,
            env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json_lines(r.stdout)), 200)
        # a script that needs the Lua modules from PREFIX/share
        script = os.path.join(work, "s.lua")
        with open(script, "w") as f:
            f.write('local pw = require "paperwatch"\n'
                    'local src = pw.arxiv.listing { "cs.LG" }\n'
                    'print(package.searchpath("paperwatch", package.path))\n'
                    'print(src.name)\n')
        r = subprocess.run([pw, "eval", script], cwd=work, env=env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        where, name = r.stdout.split("\n")[:2]
        self.assertTrue(where.startswith(os.path.join(
            root, "share", "paperwatch", "lua")), where)
        self.assertIn("cs.LG", name)
        # the installed manual renders
        r = subprocess.run(["groff", "-man", "-ww", "-Tutf8", os.path.join(
            root, "share", "man", "man1", "paperwatch.1")],
            capture_output=True, text=True)
        self.assertEqual(r.stderr, "")
        shutil.rmtree(work)
        r = subprocess.run(self.make + ["uninstall"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(files_under(self.dest), [])


if __name__ == "__main__":
    lib.main()
