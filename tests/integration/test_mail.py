#!/usr/bin/python3
"""Digests by mail: libcurl SMTP to a real aiosmtpd on loopback; each
received message is parsed with Python's email package."""
import email
import email.policy
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home  # noqa: E402

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
except ImportError:  # pragma: no cover
    Controller = None

SOURCE = r'''
local pw = require "paperwatch"
pw.source { name = "lab", fetch = function()
  return {
    { id = "lab:1", title = "Évaluation des modèles — ünïcode diffusion",
      authors = { "Zoë Äpfel" }, abstract = "About diffusion.",
      url = "https://lab.example.org/1", pdf_url = "https://lab.example.org/1.pdf",
      github_repo = "https://github.com/lab/one" },
    { id = "lab:2", title = "Plain language", authors = { "Ann" },
      abstract = "About language.", url = "https://lab.example.org/2" },
  }
end }
pw.rule { name = "diffusion", match = "diffusion", score = 3 }
pw.rule { name = "language", match = "language", score = 2 }
'''


class Box:
    """Messages and logins the server received."""

    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.content))
        return "250 OK"


class Server:
    def __init__(self, password=None):
        self.box = Box()
        kw = {}
        if password is not None:
            def auth(server, session, envelope, mechanism, data):
                ok = data.password.decode() == password
                if ok:
                    self.box.logins.append(data.login.decode())
                return AuthResult(success=ok, handled=False)
            kw = dict(authenticator=auth, auth_required=True,
                      auth_require_tls=False)
        self.ctl = Controller(self.box, hostname="127.0.0.1", port=free_port(),
                              **kw)

    def __enter__(self):
        self.ctl.start()
        self.port = self.ctl.port
        return self

    def __exit__(self, *a):
        self.ctl.stop()

    def url(self):
        return "smtp://127.0.0.1:%d" % self.port


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Case(lib.unittest.TestCase):
    def setUp(self):
        if Controller is None:
            self.skipTest("python3-aiosmtpd is missing")
        self.home = Home()

    def tearDown(self):
        self.home.cleanup()

    def config(self, url, extra="", digest=""):
        self.home.write_config(SOURCE + extra + '''
pw.digest { min_score = 1, %s mail = { to = { "me@example.org" },
            from = "paperwatch <pw@example.org>", url = "%s" %s } }
''' % (digest, url, ""))
        r = self.home.pw("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def config_mail(self, mail, digest=""):
        self.home.write_config(SOURCE + '''
pw.digest { min_score = 1, %s mail = { to = "me@example.org",
            from = "pw@example.org", %s } }
''' % (digest, mail))
        r = self.home.pw("run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_send_multipart_encoded(self):
        with Server() as srv:
            self.config(srv.url())
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(srv.box.messages), 1)
            frm, rcpt, raw = srv.box.messages[0]
        self.assertEqual(frm, "pw@example.org")
        self.assertEqual(rcpt, ["me@example.org"])
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # all ASCII
        self.assertIn("=?UTF-8?B?", head)
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertIn("Évaluation des modèles", str(m["Subject"]))
        self.assertTrue(str(m["Subject"]).startswith("paperwatch: 2 papers"))
        self.assertIsNotNone(m["Date"])
        self.assertIsNotNone(m["Message-ID"])
        self.assertRegex(str(m["Message-ID"]), r"^<[^<>@]+@example\.org>$")
        self.assertEqual(m.get_content_type(), "multipart/alternative")
        parts = {p.get_content_type(): p.get_content()
                 for p in m.iter_parts()}
        self.assertEqual(set(parts), {"text/plain", "text/html"})
        self.assertIn("Évaluation des modèles", parts["text/plain"])
        self.assertIn("https://github.com/lab/one", parts["text/plain"])
        self.assertIn("<!DOCTYPE html>", parts["text/html"])
        self.assertIn("Zoë Äpfel", parts["text/html"])
        # recorded: the next digest starts after this one
        r = self.home.pw("digest")
        self.assertIn("0 papers", r.stdout)

    def test_hostile_title_no_injection(self):
        """A title (or a template) with CR LF cannot add a header."""
        with Server() as srv:
            self.config(srv.url(), digest='''templates = {
              subject = function(d) return "Evil\\r\\nBcc: x@y\\nX-Evil: 1" end },''')
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 0, r.stderr)
            frm, rcpt, raw = srv.box.messages[0]
            script = self.home.write_config('''
local pw = require "paperwatch"
assert(pw.mail.send { to = "me@example.org", from = "pw@example.org",
  url = "%s", subject = "Evil\\r\\nBcc: x@y", text = "hi" })
''' % srv.url(), name="send.lua")
            r = self.home.pw("eval", script)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(srv.box.messages), 2)
        for frm, rcpt, raw in srv.box.messages:
            self.assertEqual(rcpt, ["me@example.org"])
            m = email.message_from_bytes(raw, policy=email.policy.default)
            self.assertIsNone(m["Bcc"])
            self.assertIsNone(m["X-Evil"])
            self.assertIn("Evil", str(m["Subject"]))
            self.assertIn("Bcc: x@y", str(m["Subject"]))

    def test_login_with_password_command(self):
        with Server(password="s3cret pass") as srv:
            self.config_mail('url = "%s", user = "me", '
                             'password_command = "printf \'s3cret pass\\\\n\'"'
                             % srv.url())
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(srv.box.logins, ["me"])
            self.assertEqual(len(srv.box.messages), 1)

    def test_wrong_password(self):
        with Server(password="right") as srv:
            self.config_mail('url = "%s", user = "me", '
                             'password_command = "echo wrong"' % srv.url())
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 1)
            self.assertIn(srv.url(), r.stderr)
            self.assertIn("Login denied", r.stderr)
            self.assertNotIn("wrong", r.stderr)
            self.assertEqual(srv.box.messages, [])

    def test_bad_password_command(self):
        with Server() as srv:
            self.config_mail('url = "%s", user = "me", '
                             'password_command = "exit 3"' % srv.url())
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 1)
            self.assertIn("password_command 'exit 3': exited with status 3",
                          r.stderr)
            self.assertEqual(srv.box.messages, [])
            # nothing recorded: the papers wait for the next digest
            r = self.home.pw("digest")
            self.assertIn("2 papers", r.stdout)

    def test_connection_refused(self):
        url = "smtp://127.0.0.1:%d" % free_port()
        self.config_mail('url = "%s"' % url)
        r = self.home.pw("digest", "--send")
        self.assertEqual(r.returncode, 1)
        self.assertIn("mail via " + url, r.stderr)
        self.assertIn("connect", r.stderr.lower())

    def test_empty_sends_nothing_unless_asked(self):
        with Server() as srv:
            self.home.write_config(SOURCE + '''
pw.digest { min_score = 99, mail = { to = "me@example.org",
            from = "pw@example.org", url = "%s" } }''' % srv.url())
            self.home.pw("run")
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("nothing to mail", r.stderr)
            self.assertEqual(srv.box.messages, [])
            self.home.write_config(SOURCE + '''
pw.digest { min_score = 99, send_empty = true, mail = {
            to = "me@example.org", from = "pw@example.org", url = "%s" } }'''
                                   % srv.url())
            r = self.home.pw("digest", "--send")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(srv.box.messages), 1)
            m = email.message_from_bytes(srv.box.messages[0][2],
                                         policy=email.policy.default)
            self.assertEqual(str(m["Subject"]), "paperwatch: no new papers")

    def test_lua_mail_send(self):
        with Server() as srv:
            script = self.home.write_config('''
local pw = require "paperwatch"
local ok, err = pw.mail.send { to = { "a@example.org", "b@example.org" },
  from = "pw@example.org", url = "%s", subject = "Grüße", text = "t",
  html = "<p>h</p>" }
assert(ok == true, err)
local ok2, err2 = pw.mail.send { to = "a@example.org", from = "pw@example.org",
  url = "smtp://127.0.0.1:%d", subject = "s", text = "t" }
assert(ok2 == nil and err2:find("mail via smtp://127.0.0.1", 1, true), err2)
local ok3, err3 = pcall(pw.mail.send, { to = "a@example.org", subject = "s",
  text = "t", url = "smtp://127.0.0.1" })
assert(not ok3 and err3:find("bad field 'from'", 1, true), err3)
print("done")
''' % (srv.url(), free_port()), name="send.lua")
            r = self.home.pw("eval", script)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(srv.box.messages), 1)
            frm, rcpt, raw = srv.box.messages[0]
        self.assertEqual(rcpt, ["a@example.org", "b@example.org"])
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(str(m["Subject"]), "Grüße")

    def test_send_without_mail_config(self):
        self.home.write_config(SOURCE + "pw.digest { min_score = 1 }\n")
        self.home.pw("run")
        r = self.home.pw("digest", "--send")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no pw.digest { mail = { ... } }", r.stderr)


if __name__ == "__main__":
    lib.main()
