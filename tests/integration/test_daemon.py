#!/usr/bin/python3
"""`paperwatch daemon` as it runs for real: cycles against the loopback
fixture server when sources are due, notification actions heard while it
waits (dbusmock emits ActionInvoked and NotificationClosed; "Open" runs an
xdg-open stub found through PATH), SIGHUP with a good and a broken config,
SIGTERM, and a second daemon on the same database refused."""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, PW  # noqa: E402
import httpd  # noqa: E402
import notifyd  # noqa: E402

API = "arxiv-api-atom-search-2026.xml"
MANA = "Mana: Dexterous Manipulation of Articulated Tools"
XDG_OPEN_STUB = """#!/bin/sh
printf '%%s\\n' "$@" > '%s'
"""


def wait_for(pred, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s" % what)


class Daemon:
    """paperwatch daemon in the background, its stderr in a file."""

    def __init__(self, home, env):
        self.home = home
        self.err_path = os.path.join(home.dir, "daemon-%d.err" % id(self))
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [PW, "--db", home.db, "--config", home.config, "daemon"],
            cwd=home.dir, env=home.env(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self.err)

    def log(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_log(self, text, count=1, timeout=30.0):
        return wait_for(lambda: self.log().count(text) >= count, timeout,
                        "%r in the daemon's log:\n%s" % (text, self.log()))

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.err.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


class Case(lib.unittest.TestCase):
    caps = ["body", "body-markup", "actions"]

    @classmethod
    def setUpClass(cls):
        cls.srv = httpd.Server(root=lib.FIXTURES).start()
        try:
            cls.bus = notifyd.NotifyDaemon(caps=cls.caps).start()
        except notifyd.Unavailable:
            cls.bus = None

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        if cls.bus:
            cls.bus.stop()

    def setUp(self):
        self.home = Home()
        self.daemons = []
        if self.bus:
            self.bus.clear()

    def tearDown(self):
        for d in self.daemons:
            d.kill()
        self.home.cleanup()

    def start(self, env=None):
        env = dict(env or {})
        if self.bus:
            env.update(self.bus.env)
        d = Daemon(self.home, env)
        self.daemons.append(d)
        return d

    def config(self, sources=("api",), interval=2, notify="{ min_score = 5 }"):
        lines = ['pw.source(pw.feed { name = "%s", url = "%s", interval = %d })'
                 % (s, self.srv.url("/" + API), interval) for s in sources]
        lines.append('pw.rule { name = "mana", title = "^Mana:", score = 5 }')
        if notify:
            lines.append("pw.notify " + notify)
        self.home.write_config("\n".join(lines) + "\n")

    def db(self, sql):
        con = sqlite3.connect(self.home.db, timeout=10)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


class Lifecycle(Case):
    def test_cycles_when_due_then_term_exits_0_without_lock(self):
        self.config(notify=None)
        d = self.start()
        # a second cycle two seconds later: a conditional GET, unchanged
        d.wait_log("api: unchanged")
        self.assertEqual(self.db("select count(*) from papers"), [(5,)])
        self.assertTrue(os.path.exists(self.home.db + ".lock"))
        self.assertEqual(d.stop(signal.SIGTERM), 0, d.log())
        self.assertIn("stopping (SIGTERM)", d.log())
        self.assertFalse(os.path.exists(self.home.db + ".lock"))

    def test_sigint_exits_0(self):
        self.config(notify=None, interval=3600)
        d = self.start()
        d.wait_log("new papers")
        self.assertEqual(d.stop(signal.SIGINT), 0, d.log())
        self.assertIn("stopping (SIGINT)", d.log())

    def test_second_daemon_refused_with_holders_pid(self):
        self.config(notify=None, interval=3600)
        first = self.start()
        first.wait_log("daemon: pid")
        r = self.home.pw("daemon", timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("another paperwatch daemon (pid %d)" % first.proc.pid,
                      r.stderr)
        self.assertIsNone(first.proc.poll(), "the first goes on")
        self.assertEqual(first.stop(), 0)
        # once it is gone, a new one starts
        again = self.start()
        again.wait_log("daemon: pid")
        self.assertEqual(again.stop(), 0)

    def test_hup_reloads_a_good_config_and_keeps_on_a_broken_one(self):
        self.config(sources=("api",), notify=None, interval=3600)
        d = self.start()
        d.wait_log("new papers")
        self.home.write_config('pw.rule { name = "r", scroe = 1 }\n')
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("config reload failed")
        self.assertRegex(d.log(), r"config reload failed, keeping the config "
                                  r"in force: .*init\.lua:1: pw\.rule: "
                                  r"unknown field 'scroe'")
        self.assertIsNone(d.proc.poll(), "a broken config does not stop it")
        self.config(sources=("api", "api2"), notify=None, interval=3600)
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("config reloaded from")
        self.assertIn("2 sources", d.log())
        # the new source is due at once and fetched
        wait_for(lambda: self.db("select count(*) from sources "
                                 "where name = 'api2'") == [(1,)],
                 what="api2 fetched")
        self.assertEqual(d.stop(), 0)

    def test_broken_config_at_start_exits_1(self):
        self.home.write_config("pw.source(\n")
        r = self.home.pw("daemon", timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"init\.lua:\d+")
        self.assertFalse(os.path.exists(self.home.db + ".lock"))


class Actions(Case):
    def need_bus(self):
        if self.bus is None:
            self.skipTest("no dbus-daemon or python3-dbusmock")
        return self.bus

    def emit(self, name, sig, args):
        """dbusmock's EmitSignal: the server's signal, as from the server.
        args: a GVariant text, e.g. "[<uint32 1>, <'star'>]"."""
        subprocess.run(["gdbus", "call", "--address", self.bus.address,
                        "-d", notifyd.BUS_NAME, "-o", notifyd.OBJ_PATH,
                        "-m", notifyd.MOCK_IFACE + ".EmitSignal",
                        notifyd.BUS_NAME, name, sig, args],
                       check=True, capture_output=True, timeout=30)

    def events(self, kind):
        return self.db("select p.key from events e join papers p "
                       "on p.id = e.paper_id where e.kind = '%s'" % kind)

    def test_open_star_and_dismiss_recorded(self):
        bus = self.need_bus()
        self.home.write_config("""
            pw.source(pw.feed { name = "api", url = "%s", interval = 3600 })
            pw.rule { name = "mana", title = "^Mana:", score = 5 }
            pw.rule { name = "second", title = "^Multiagent", score = 5 }
            pw.notify { min_score = 5 }
        """ % self.srv.url("/" + API))
        stub_dir = os.path.join(self.home.dir, "bin")
        os.mkdir(stub_dir)
        opened = os.path.join(self.home.dir, "opened.txt")
        with open(os.path.join(stub_dir, "xdg-open"), "w") as f:
            f.write(XDG_OPEN_STUB % opened)
        os.chmod(os.path.join(stub_dir, "xdg-open"), 0o755)
        d = self.start(env={"PATH": stub_dir + ":" + os.environ["PATH"]})
        calls = bus.wait_calls(2, timeout=30)
        self.assertEqual(len(calls), 2, d.log())
        mana = [i for i, c in enumerate(calls) if c["summary"] == MANA][0]
        other = 1 - mana
        self.assertEqual(calls[mana]["actions"],
                         ["default", "Open", "open", "Open", "star", "Star"])
        # Notify answered 1, 2 in the order the calls came
        self.emit("ActionInvoked", "us", "[<uint32 %d>, <'star'>]" % (mana + 1))
        wait_for(lambda: self.events("starred"), what="starred event")
        self.emit("ActionInvoked", "us", "[<uint32 %d>, <'open'>]" % (mana + 1))
        wait_for(lambda: os.path.exists(opened), what="xdg-open run")
        with open(opened) as f:
            url = f.read().splitlines()
        self.assertEqual(len(url), 1, "one argument, no shell")
        self.assertRegex(url[0], r"^https?://arxiv\.org/abs/")
        key = self.events("starred")[0][0]
        wait_for(lambda: self.events("opened"), what="opened event")
        self.assertEqual(self.events("opened"), [(key,)])
        # closed by the reader after an action: not a dismissal
        for i in (mana, other):
            self.emit("NotificationClosed", "uu",
                      "[<uint32 %d>, <uint32 2>]" % (i + 1))
        wait_for(lambda: self.events("dismissed"), what="dismissed event")
        time.sleep(0.3)
        self.assertEqual(len(self.events("dismissed")), 1)
        self.assertNotEqual(self.events("dismissed")[0][0], key)
        self.assertEqual(d.stop(), 0, d.log())



class Mailbox:
    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"

    def __init__(self):
        self.messages = []


class Digest(Case):
    def test_digest_mailed_when_due_and_not_again_after_restart(self):
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            self.skipTest("python3-aiosmtpd is missing")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        box = Mailbox()
        ctl = Controller(box, hostname="127.0.0.1", port=port)
        ctl.start()
        self.addCleanup(ctl.stop)
        self.config(notify=None, interval=3600)
        with open(self.home.config, "a") as f:
            f.write('pw.digest { every = "day", at = "08:00", min_score = 1, '
                    'mail = { to = "me@example.org", from = "pw@example.org", '
                    'url = "smtp://127.0.0.1:%d" } }\n' % port)
        d = self.start()
        # never sent: due at once, after the first cycle stored the papers
        wait_for(lambda: box.messages, what="the digest mailed")
        import email
        import email.policy
        m = email.message_from_bytes(box.messages[0],
                                     policy=email.policy.default)
        self.assertIn("Mana", str(m["Subject"]))
        self.assertEqual(d.stop(), 0, d.log())
        # a restart (or a wake from suspend) does not send it again
        again = self.start()
        again.wait_log("daemon: pid")
        time.sleep(1.5)
        self.assertEqual(again.stop(), 0, again.log())
        self.assertEqual(len(box.messages), 1)


if __name__ == "__main__":
    lib.main()
