#!/usr/bin/python3
"""A private D-Bus session bus with dbusmock's notification daemon on it.

As a module:

    from notifyd import NotifyDaemon, Unavailable
    with NotifyDaemon() as nd:              # or nd = NotifyDaemon(); nd.start()
        subprocess.run([PW, "run"], env=dict(os.environ, **nd.env))
        calls = nd.calls()                  # [{app_name, replaces_id, app_icon,
                                            #   summary, body, actions, hints,
                                            #   timeout}, ...] oldest first
        nd.clear()                          # forget the calls seen so far
    # NotifyDaemon(caps=["body", "actions"]) advertises other capabilities.
    # start() raises Unavailable when dbus-daemon or dbusmock is missing:
    # a test turns that into a skip.

As a program (for the C unit tests):

    notifyd.py --serve [--caps "body body-markup ..."] [--no-daemon]

prints the bus address on line 1 and the log path on line 2, then stays
until stdin closes or SIGTERM/SIGINT/SIGHUP arrives, and cleans up. When the
parts are missing it prints one line "SKIP <why>" and exits 77.

The log dbusmock writes (dbusmock/mockobject.py, DBusMockObject.log and
_format_args) has one record per method call:

    1795965859.161 Notify "app" 0 "icon" "summary" "body" ["a", "A"] {"urgency": 2} -1

The time has three decimals; strings are written between double quotes
without any escaping (so a string may hold '"' and newlines, which continue
the record on the next line); integers and bytes as decimals; booleans as
True/False; lists as [x, y]; dicts as {k: v}; anything else as Python's repr
(dbus.Double(1.5, variant_level=1), dbus.Struct((...), ...)). Since strings
are not escaped the format is ambiguous in general; the parser is driven by
the Notify signature (susssasa{sv}i) and backtracks over where each string
ends, which recovers every value unless a string itself contains a
lookalike of what follows it (e.g. a body ending in '" [] {} 5'). For exact
values use exact_calls(), which asks the mock over D-Bus (GetMethodCalls).
"""
import ctypes
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"
BUS_NAME = "org.freedesktop.Notifications"
OBJ_PATH = "/org/freedesktop/Notifications"
MOCK_IFACE = "org.freedesktop.DBus.Mock"
NOTIFY_SIG = "susssasa{sv}i"
NOTIFY_KEYS = ("app_name", "replaces_id", "app_icon", "summary", "body",
               "actions", "hints", "timeout")

# A session bus that listens only inside our temporary directory and
# activates nothing: a real notification daemon installed on the machine
# must never answer in place of the mock.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class Unavailable(Exception):
    """dbus-daemon, dbus-send or dbusmock is not installed."""


def _die_with_parent():
    # Children get SIGTERM when the process that started them dies, even by
    # SIGKILL, so a killed test leaves no bus or daemon behind.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)       # PR_SET_PDEATHSIG
    except OSError:
        pass


def _missing():
    for prog in ("dbus-daemon", "dbus-send"):
        if shutil.which(prog) is None:
            return "%s not installed (Debian package dbus)" % prog
    if not os.path.exists(PYTHON):
        return "%s not found" % PYTHON
    r = subprocess.run([PYTHON, "-c", "import dbusmock, dbus"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        return "python3-dbusmock not installed"
    return None


class NotifyDaemon:
    def __init__(self, caps=None, timeout=10.0, daemon=True):
        """caps: the capabilities GetCapabilities answers (a list of
        strings); None keeps the template's default (body, body-markup,
        icon-static, ... but not actions). daemon=False starts the bus
        alone: nobody owns org.freedesktop.Notifications."""
        self.caps = caps
        self.daemon = daemon
        self.timeout = timeout
        self.dir = None
        self.address = None
        self.log_path = None
        self.env = {}
        self._bus = None
        self._mock = None
        self._offset = 0

    # -- lifetime --------------------------------------------------------

    def start(self):
        why = _missing()
        if why:
            raise Unavailable(why)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        self.dir = tempfile.mkdtemp(prefix="pw-notifyd-")
        conf = os.path.join(self.dir, "bus.conf")
        with open(conf, "w") as f:
            f.write(BUS_CONFIG % self.dir)
        self._bus = subprocess.Popen(
            ["dbus-daemon", "--config-file=" + conf, "--nofork",
             "--print-address=1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=open(os.path.join(self.dir, "bus.err"), "wb"),
            preexec_fn=_die_with_parent, close_fds=True)
        ready, _, _ = select.select([self._bus.stdout], [], [], self.timeout)
        line = self._bus.stdout.readline().decode().strip() if ready else ""
        if not line:
            raise RuntimeError("dbus-daemon gave no address: %s"
                               % self._read("bus.err"))
        self.address = line
        self.env = {"DBUS_SESSION_BUS_ADDRESS": self.address}
        self.log_path = os.path.join(self.dir, "notify.log")
        if not self.daemon:
            open(self.log_path, "wb").close()
            return

        cmd = [PYTHON, "-m", "dbusmock", "--session", "-t",
               "notification_daemon", "-l", self.log_path]
        if self.caps is not None:
            import json
            cmd += ["-p", json.dumps({"capabilities": " ".join(self.caps)})]
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        env.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
        self._mock = subprocess.Popen(
            cmd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.dir, "mock.err"), "wb"),
            preexec_fn=_die_with_parent, close_fds=True)
        self._wait_owned()

    def _wait_owned(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._mock.poll() is not None:
                raise RuntimeError("dbusmock exited with %d: %s"
                                   % (self._mock.returncode,
                                      self._read("mock.err")))
            r = subprocess.run(
                ["dbus-send", "--bus=" + self.address, "--print-reply",
                 "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                 "org.freedesktop.DBus.NameHasOwner", "string:" + BUS_NAME],
                capture_output=True, text=True, timeout=self.timeout)
            if r.returncode == 0 and "boolean true" in r.stdout:
                return
            time.sleep(0.05)
        raise RuntimeError("%s not owned after %.0fs: %s"
                           % (BUS_NAME, self.timeout, self._read("mock.err")))

    def _read(self, name):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read().strip()
        except OSError:
            return ""

    def stop(self):
        """Stop the daemon and the bus and remove the temporary directory.
        Safe to call more than once."""
        for attr in ("_mock", "_bus"):
            p = getattr(self, attr)
            if p is None:
                continue
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            if p.stdout:
                p.stdout.close()
            if p.stderr:
                p.stderr.close()
            setattr(self, attr, None)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass

    # -- what arrived ----------------------------------------------------

    def log_text(self):
        """The log written since the last clear()."""
        with open(self.log_path, "rb") as f:
            f.seek(self._offset)
            return f.read().decode("utf-8", "replace")

    def calls(self):
        """The Notify calls logged since the last clear(), oldest first."""
        return parse_log(self.log_text())

    def wait_calls(self, n=1, timeout=10.0):
        """calls() once at least n have arrived (or whatever there is after
        timeout seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.calls()
            if len(got) >= n or time.monotonic() >= deadline:
                return got
            time.sleep(0.05)

    def clear(self):
        # dbusmock keeps the log open without O_APPEND: truncating it would
        # leave a hole of NULs, so remember where "now" is instead.
        self._offset = os.path.getsize(self.log_path)
        try:
            self._mock_iface().ClearCalls()
        except Exception:
            pass

    def _mock_iface(self):
        import dbus
        bus = dbus.bus.BusConnection(self.address)
        return dbus.Interface(bus.get_object(BUS_NAME, OBJ_PATH), MOCK_IFACE)

    def exact_calls(self):
        """The Notify calls since the last clear(), asked from the mock over
        D-Bus rather than parsed from the log: exact values."""
        out = []
        for _stamp, args in self._mock_iface().GetMethodCalls("Notify"):
            out.append(dict(zip(NOTIFY_KEYS, _plain(args))))
        return out


def _plain(v):
    """dbus-python values as plain Python ones."""
    import dbus
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, dict):
        return {_plain(k): _plain(x) for k, x in v.items()}
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


# -- the log parser ------------------------------------------------------

RECORD = re.compile(r"^\d+\.\d{3} (\S+)", re.M)
INT = re.compile(r"-?\d+")
FLOAT = re.compile(r"-?(?:\d+\.\d*(?:[eE][-+]?\d+)?|inf|nan)")
DBUS_DOUBLE = re.compile(r"dbus\.Double\((-?[0-9.eE+-]+|inf|nan)[,)]")


class Raw(str):
    """A value dbusmock logged as a Python repr (a struct, a double, ...)."""


def _split_sig(sig):
    """'susssasa{sv}i' -> ['s', 'u', 's', 's', 's', 'as', 'a{sv}', 'i']"""
    out, i = [], 0
    while i < len(sig):
        j = i
        while sig[j] == "a":
            j += 1
        if sig[j] in "({":
            depth = 0
            k = j
            while True:
                if sig[k] in "({":
                    depth += 1
                elif sig[k] in ")}":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            j = k
        out.append(sig[i:j + 1])
        i = j + 1
    return out


def _value(s, pos, t):
    """Yield (value, end) for every way s[pos:] can start with a value of
    D-Bus type t ('v' or None: any type dbusmock can write)."""
    if t in ("s", "o", "g"):
        yield from _string(s, pos)
    elif t in ("y", "n", "q", "i", "u", "x", "t", "h"):
        m = INT.match(s, pos)
        if m:
            yield int(m.group()), m.end()
    elif t == "b":
        for word, val in (("True", True), ("False", False)):
            if s.startswith(word, pos):
                yield val, pos + len(word)
    elif t and t.startswith("a{"):
        kt, vt = _split_sig(t[2:-1])
        yield from _dict(s, pos, kt, vt)
    elif t and t.startswith("a"):
        yield from _list(s, pos, t[1:])
    elif t in ("d",) or (t and t.startswith("(")):
        yield from _repr(s, pos)
    else:                                   # a variant: whatever is there
        c = s[pos:pos + 1]
        if c == '"':
            yield from _string(s, pos)
        elif c == "[":
            yield from _list(s, pos, None)
        elif c == "{":
            yield from _dict(s, pos, None, None)
        elif s.startswith("True", pos) or s.startswith("False", pos):
            yield from _value(s, pos, "b")
        else:
            m = INT.match(s, pos)
            f = FLOAT.match(s, pos)
            if f and (not m or f.end() > m.end()):
                yield float(f.group()), f.end()
            elif m:
                yield int(m.group()), m.end()
            else:
                yield from _repr(s, pos)


def _string(s, pos):
    if s[pos:pos + 1] != '"':
        return
    j = s.find('"', pos + 1)
    while j >= 0:                           # every '"' may be the closing one
        yield s[pos + 1:j], j + 1
        j = s.find('"', j + 1)


def _seq(s, pos, close, item):
    """Items separated by ', ' up to the closing bracket."""
    if s.startswith(close, pos):
        yield [], pos + 1
    def rest(p, acc):
        for v, e in item(s, p):
            acc2 = acc + [v]
            if s.startswith(close, e):
                yield acc2, e + 1
            if s.startswith(", ", e):
                yield from rest(e + 2, acc2)
    yield from rest(pos, [])


def _list(s, pos, t):
    if s[pos:pos + 1] != "[":
        return
    yield from _seq(s, pos + 1, "]", lambda s2, p: _value(s2, p, t))


def _dict(s, pos, kt, vt):
    if s[pos:pos + 1] != "{":
        return
    def pair(s2, p):
        for k, e in _value(s2, p, kt):
            if s2.startswith(": ", e):
                for v, e2 in _value(s2, e + 2, vt):
                    yield (k, v), e2
    for items, end in _seq(s, pos + 1, "}", pair):
        yield dict(items), end


def _repr(s, pos):
    """A Python repr such as dbus.Struct((dbus.String('a'), ...), ...):
    an identifier and a balanced parenthesis, quotes respected."""
    m = re.compile(r"[A-Za-z_][\w.]*\(").match(s, pos)
    if not m:
        return
    depth, i, quote = 0, m.end() - 1, None
    while i < len(s):
        c = s[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                text = s[pos:i + 1]
                d = DBUS_DOUBLE.match(text)
                yield (float(d.group(1)) if d else Raw(text)), i + 1
                return
        i += 1


def parse_args(text, sig):
    """The arguments of one logged call (the text after the method name,
    with its leading space), typed by the D-Bus signature; None when the
    text cannot be read that way."""
    types = _split_sig(sig)

    def go(pos, i, acc):
        if i == len(types):
            if pos == len(text):
                yield acc
            return
        if not text.startswith(" ", pos):
            return
        for v, e in _value(text, pos + 1, types[i]):
            yield from go(e, i + 1, acc + [v])

    for args in go(0, 0, []):
        return args
    return None


def parse_log(text):
    """The Notify calls in a dbusmock log, as dicts with NOTIFY_KEYS."""
    starts = [(m.start(), m.end(), m.group(1)) for m in RECORD.finditer(text)]
    calls = []
    i = 0
    while i < len(starts):
        _, head, name = starts[i]
        if name != "Notify" or text.startswith(" raised:", head):
            i += 1
            continue
        # A record ends where the next begins, minus the newline; a string
        # holding a newline and a lookalike time stamp would split one
        # record in two, so on failure try again with the next record added.
        for j in range(i + 1, min(i + 50, len(starts)) + 1):
            end = starts[j][0] - 1 if j < len(starts) else len(text)
            body = text[head:end]
            if j == len(starts):
                body = body[:-1] if body.endswith("\n") else body
            args = parse_args(body, NOTIFY_SIG)
            if args is not None:
                calls.append(dict(zip(NOTIFY_KEYS, args)))
                i = j
                break
        else:
            i += 1
    return calls


# -- the program ---------------------------------------------------------

def serve(argv):
    caps = None
    if "--caps" in argv:
        caps = argv[argv.index("--caps") + 1].split()
    stop = []

    def on_signal(signum, _frame):
        stop.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    nd = NotifyDaemon(caps=caps, daemon="--no-daemon" not in argv)
    try:
        nd.start()
    except Unavailable as ex:
        print("SKIP %s" % ex, flush=True)
        return 77
    except Exception as ex:
        print("ERROR %s" % str(ex).replace("\n", " "), flush=True)
        return 1
    try:
        print(nd.address, flush=True)
        print(nd.log_path, flush=True)
        while not stop:
            try:
                r, _, _ = select.select([sys.stdin], [], [], 0.5)
            except InterruptedError:
                continue
            if r and not os.read(sys.stdin.fileno(), 4096):
                break                       # stdin closed: our parent is done
    finally:
        nd.stop()
    return 0


def main(argv):
    if "--serve" in argv:
        return serve(argv)
    if "--selftest" in argv:
        return selftest()
    sys.stderr.write(__doc__)
    return 2


def selftest():
    """Send awkward calls with gdbus and compare the parsed log with what
    the mock received."""
    with NotifyDaemon() as nd:
        sends = [
            ["app", "0", "icon", 'sum "q" x', 'body\nline2 <b>&amp; "x" [y]',
             '["a", "A"]',
             '{"urgency": <byte 2>, "x": <"s: \\"t\\", u">, "d": <1.5>, '
             '"b": <true>, "i": <int32 -3>, "o": <objectpath "/a">}', "-1"],
            ["pw", "7", "", "", "", "@as []", "@a{sv} {}", "5000"],
            ["pw", "0", "", "1795965859.161 Notify", "\n1795965859.161 Notify x",
             "[]", '{"desktop-entry": <"paperwatch">}', "0"],
        ]
        for a in sends:
            subprocess.run(["gdbus", "call", "--address", nd.address,
                            "-d", BUS_NAME, "-o", OBJ_PATH, "-m",
                            "org.freedesktop.Notifications.Notify", "--"] + a,
                           check=True, capture_output=True)
        got, want = nd.wait_calls(len(sends)), nd.exact_calls()
        ok = got == want
        print("%s - notifyd.py parses %d logged calls like GetMethodCalls"
              % ("ok" if ok else "not ok", len(want)))
        if not ok:
            print("# got  %r\n# want %r" % (got, want))
        nd.clear()
        ok2 = nd.calls() == [] and nd.exact_calls() == []
        print("%s - clear() forgets earlier calls" % ("ok" if ok2 else "not ok"))
        return 0 if ok and ok2 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
