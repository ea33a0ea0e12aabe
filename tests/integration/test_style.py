#!/usr/bin/python3
"""The C sources follow .clang-format, the Lua is luacheck clean
(STYLE.md section 3)."""
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402


class Style(lib.unittest.TestCase):
    def test_clang_format_clean(self):
        exe = shutil.which("clang-format")
        if exe is None:
            self.skipTest("clang-format is not installed")
        files = sorted(glob.glob(os.path.join(lib.ROOT, "agent", "*.[ch]")) +
                       glob.glob(os.path.join(lib.ROOT, "tests", "unit", "*.[ch]")))
        self.assertTrue(files)
        r = subprocess.run([exe, "--dry-run", "--Werror", *files],
                           capture_output=True, text=True, cwd=lib.ROOT)
        self.assertEqual(r.returncode, 0,
                         "run clang-format -i on:\n" + r.stderr[:3000])


    def test_luacheck_clean(self):
        exe = shutil.which("luacheck")
        if exe is None:
            self.skipTest("luacheck (lua-check) is not installed")
        r = subprocess.run([exe, "--no-color", "--codes", "lua", "config",
                            "scripts", "tests/lua"],
                           capture_output=True, text=True, cwd=lib.ROOT)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:])


if __name__ == "__main__":
    lib.main()
