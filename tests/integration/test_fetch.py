#!/usr/bin/python3
"""Fetching like a good citizen (issue 4), against real loopback servers
playing faults. Politeness and concurrency are asserted from the servers'
own request logs, never from the test's wall clock."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import Home, json_lines  # noqa: E402
import httpd  # noqa: E402

FEED = "arxiv-api-atom-search-2026.xml"      # 5 entries
MULTI = "arxiv-api-atom-legacy-2016-search-multi.xml"
HF = "hf-daily-papers-api-2026-06-12.json"   # 30 entries


def iso_seconds(s):
    return time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


class Case(lib.unittest.TestCase):
    def setUp(self):
        self.home = Home()
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        self.home.cleanup()

    def server(self):
        s = httpd.Server(root=lib.FIXTURES).start()
        self.servers.append(s)
        return s

    def config(self, text):
        self.home.write_config(text)

    def run_pw(self, *args, code=0, env=None):
        r = self.home.pw(*args, env=env)
        self.assertEqual(r.returncode, code,
                         "exit %d\nstdout:\n%s\nstderr:\n%s"
                         % (r.returncode, r.stdout, r.stderr))
        return r

    def sources(self):
        return {s["name"]: s for s in json_lines(
            self.run_pw("sources", "--format", "json").stdout)}

    def run_json(self, *args, code=0):
        r = self.run_pw("run", "--no-notify", "--format", "json", *args,
                        code=code)
        return {o["source"]: o for o in json_lines(r.stdout)
                if o.get("kind") == "source"}, r

    @staticmethod
    def times(srv, part):
        return [e["time"] for e in srv.log_copy() if part in e["path"]]


class Scheduling(Case):
    def test_only_due_sources_unless_all_or_named(self):
        s = self.server()
        self.config("""
            pw.source(pw.feed { name = "a", url = "%s", interval = 3600 })
            pw.source(pw.feed { name = "b", url = "%s", interval = 3600 })
        """ % (s.url("/" + FEED + "?a"), s.url("/" + MULTI + "?b")))
        got, _ = self.run_json()
        self.assertEqual({k: v["status"] for k, v in got.items()},
                         {"a": "ok", "b": "ok"})
        got, _ = self.run_json()
        self.assertEqual({k: v["status"] for k, v in got.items()},
                         {"a": "not_due", "b": "not_due"})
        got, _ = self.run_json("--source", "b")
        self.assertEqual(set(got), {"b"})
        self.assertEqual(got["b"]["status"], "unchanged")
        got, _ = self.run_json("--all")
        self.assertEqual({k: v["status"] for k, v in got.items()},
                         {"a": "unchanged", "b": "unchanged"})
        src = self.sources()
        self.assertFalse(src["a"]["due"])
        self.assertEqual(iso_seconds(src["a"]["next_due"]) -
                         iso_seconds(src["a"]["last_fetch"]), 3600)

    def test_backoff_doubles_and_success_resets(self):
        s = self.server()
        self.config('pw.source(pw.feed { name = "x", url = "%s" })'
                    % s.url("/status/500"))
        gaps = []
        for _ in range(3):
            self.run_json("--all", code=3)
            src = self.sources()["x"]
            gaps.append(iso_seconds(src["next_due"]) -
                        iso_seconds(src["last_fetch"]))
        self.assertEqual(gaps, [600, 1200, 2400])
        self.assertEqual(src["failures"], 3)
        self.assertEqual(src["status"], "error")
        self.assertIn("HTTP 500", src["error"])
        self.config('pw.source(pw.feed { name = "x", url = "%s", interval = 7200 })'
                    % s.url("/" + FEED))
        self.run_json("--all")
        src = self.sources()["x"]
        self.assertEqual((src["failures"], src["status"], src["error"]),
                         (0, "ok", None))
        self.assertEqual(iso_seconds(src["next_due"]) -
                         iso_seconds(src["last_fetch"]), 7200)

    def test_retry_after_seconds_and_date(self):
        s = self.server()
        self.config("""
            pw.source(pw.feed { name = "slow", url = "%s" })
            pw.source(pw.feed { name = "busy", url = "%s" })
        """ % (s.url("/status/429?retry_after=120"),
               s.url("/status/503?retry_after_date=300")))
        got, r = self.run_json(code=3)
        self.assertIn("429", got["slow"]["error"])
        src = self.sources()
        self.assertEqual(iso_seconds(src["slow"]["next_due"]) -
                         iso_seconds(src["slow"]["last_fetch"]), 120)
        wait = (iso_seconds(src["busy"]["next_due"]) -
                iso_seconds(src["busy"]["last_fetch"]))
        self.assertTrue(290 <= wait <= 305, wait)


class Redirects(Case):
    def test_permanent_redirect_is_followed_from_then_on(self):
        s = self.server()
        target = s.url("/" + FEED)
        self.config('pw.source(pw.feed { name = "m", url = "%s" })'
                    % s.url("/to?code=301&url=" + target))
        r = self.run_pw("run", "--no-notify")
        self.assertIn("moved permanently", r.stderr)
        self.assertEqual(self.sources()["m"]["moved_to"], target)
        before = len([e for e in s.log_copy() if e["path"].startswith("/to")])
        self.run_pw("run", "--all", "--no-notify")
        after = len([e for e in s.log_copy() if e["path"].startswith("/to")])
        self.assertEqual(before, after, "the old URL is not asked again")
        self.assertEqual(s.log_copy()[-1]["status"], 304,
                         "validators kept for the new URL")

    def test_temporary_redirect_changes_nothing(self):
        s = self.server()
        self.config('pw.source(pw.feed { name = "t", url = "%s" })'
                    % s.url("/to?code=302&url=" + s.url("/" + FEED)))
        r = self.run_pw("run", "--no-notify")
        self.assertNotIn("moved", r.stderr)
        self.assertIsNone(self.sources()["t"]["moved_to"])

    def test_redirect_loop_and_redirect_to_file_refused(self):
        s = self.server()
        self.config("""
            pw.source(pw.feed { name = "loop", url = "%s" })
            pw.source(pw.feed { name = "file", url = "%s" })
        """ % (s.url("/loop/1"), s.url("/to?url=file:///etc/passwd")))
        got, _ = self.run_json(code=3)
        self.assertIn("too many redirects", got["loop"]["error"])
        self.assertIn("file", got["file"]["error"])


class Limits(Case):
    def test_size_cap_stall_bomb_and_truncation(self):
        s = self.server()
        self.config("""
            pw.source(pw.feed { name = "huge", url = "%s", max_bytes = 100000 })
            pw.source(pw.feed { name = "bomb", url = "%s", max_bytes = 1000000 })
            pw.source(pw.feed { name = "stall", url = "%s", stall_timeout = 2 })
            pw.source(pw.feed { name = "cut", url = "%s" })
            pw.source(pw.feed { name = "html-type", url = "%s" })
            pw.source(pw.feed { name = "endless", url = "%s" })
        """ % (s.url("/arxiv-rss-2024-11-28-all-archives.xml"),
               s.url("/bomb?size=100000000"),
               s.url("/stall/" + FEED + "?after=100&secs=30"),
               s.url("/truncate/" + MULTI),
               s.url("/ctype/text~html/" + FEED), s.url("/endless")))
        got, _ = self.run_json(code=3)
        self.assertIn("not a feed", got["endless"]["error"],
                      "an endless non-feed is refused at its first bytes")
        self.assertIn("larger than 100000 bytes", got["huge"]["error"])
        # zeros: refused at the first decompressed byte, or at the cap
        self.assertRegex(got["bomb"]["error"], "not a feed|larger than 1000000")
        self.assertIn("stalled", got["stall"]["error"])
        self.assertEqual(got["cut"]["status"], "error")
        self.assertEqual(got["html-type"]["status"], "ok",
                         "the content decides, not the Content-Type")
        # the truncated feed kept its complete entries
        self.assertGreater(got["cut"]["items"], 0)

    def test_user_agent_names_paperwatch_and_contact(self):
        s = self.server()
        self.config("""
            pw.options { contact = "reader@example.org" }
            pw.source(pw.feed { name = "ua", url = "%s" })
        """ % s.url("/" + FEED))
        self.run_pw("run", "--no-notify")
        ua = s.log_copy()[-1]["headers"].get("User-Agent", "")
        self.assertRegex(ua, r"^paperwatch/\d+\.\d+\.\d+ ")
        self.assertIn("reader@example.org", ua)
        self.assertIn("gzip", s.log_copy()[-1]["headers"].get("Accept-Encoding", ""))


def make_ca(dirname):
    """A CA and a certificate for 127.0.0.1 signed by it (openssl CLI)."""
    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=dirname, check=True,
                       capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=paperwatch test CA", "-keyout", "ca.key",
         "-out", "ca.pem")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", "srv.key", "-out", "srv.csr")
    with open(os.path.join(dirname, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey",
         "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf",
         "-out", "srv.pem")
    return (os.path.join(dirname, "ca.pem"), os.path.join(dirname, "srv.pem"),
            os.path.join(dirname, "srv.key"))


class Tls(Case):
    def setUp(self):
        super().setUp()
        if not shutil.which("openssl"):
            self.skipTest("openssl is not installed")
        self.ca, cert, key = make_ca(self.home.dir)
        self.tls = httpd.Server(root=lib.FIXTURES, tls=(cert, key)).start()
        self.servers.append(self.tls)

    def test_verification_is_on_and_a_private_ca_can_be_trusted(self):
        plain = self.server()
        self.config("""
            pw.source(pw.feed { name = "untrusted", url = "%s" })
            pw.source(pw.feed { name = "trusted", url = "%s", ca_file = "%s" })
            pw.source(pw.feed { name = "downgrade", url = "%s", ca_file = "%s" })
        """ % (self.tls.url("/" + FEED + "?u"), self.tls.url("/" + FEED),
               self.ca,
               self.tls.url("/to?url=" + plain.url("/" + FEED)), self.ca))
        got, _ = self.run_json(code=3)
        self.assertEqual(got["trusted"]["status"], "ok")
        self.assertEqual(got["untrusted"]["status"], "error")
        self.assertRegex(got["untrusted"]["error"].lower(), "certificate|ssl|tls")
        self.assertEqual(got["downgrade"]["status"], "error")
        self.assertRegex(got["downgrade"]["error"], "http|redirect|refused")
        self.assertEqual(plain.log_copy(), [], "nothing went out over http")


class Concurrency(Case):
    def test_slow_sources_on_many_hosts_overlap(self):
        """Six 2-second sources on six hosts: all requests arrive before
        the first answer could have ended (sequential would spread them
        over 10 seconds)."""
        servers = [self.server() for _ in range(6)]
        self.config("\n".join(
            'pw.source(pw.feed { name = "s%d", url = "%s" })'
            % (i, srv.url("/delay/2/" + FEED)) for i, srv in enumerate(servers)))
        self.run_pw("run", "--no-notify")
        starts = [srv.log_copy()[0]["time"] for srv in servers]
        self.assertLess(max(starts) - min(starts), 2.0)

    def test_one_connection_per_host_and_the_gap(self):
        s = self.server()
        self.config("\n".join(
            'pw.source(pw.feed { name = "p%d", url = "%s", min_delay = 1 })'
            % (i, s.url("/delay/1/%s?p%d" % (FEED, i))) for i in range(3)))
        self.run_pw("run", "--no-notify")
        t = sorted(self.times(s, "?p"))
        self.assertEqual(len(t), 3)
        for a, b in zip(t, t[1:]):
            # each answer takes 1 s and the host then rests 1 s
            self.assertGreaterEqual(b - a, 1.95)

    def test_concurrency_option_limits_transfers(self):
        servers = [self.server() for _ in range(3)]
        self.config('pw.options { concurrency = 1 }\n' + "\n".join(
            'pw.source(pw.feed { name = "c%d", url = "%s" })'
            % (i, srv.url("/delay/1/" + FEED)) for i, srv in enumerate(servers)))
        self.run_pw("run", "--no-notify")
        starts = sorted(srv.log_copy()[0]["time"] for srv in servers)
        for a, b in zip(starts, starts[1:]):
            self.assertGreaterEqual(b - a, 0.95)


class FetchFunctions(Case):
    def test_fetch_functions_run_concurrently_and_store(self):
        a, b = self.server(), self.server()
        self.config("""
            local function grab(url)
              return function(src)
                local body, info = pw.http.get(url)
                if not body then return nil, info end
                local entries = pw.feed.parse(body, src.name)
                entries[#entries + 1] = { title = "Made by hand " .. src.name,
                  link = "http://example.org/" .. src.name,
                  authors = { "A. Person" }, upvotes = 7 }
                return entries
              end
            end
            pw.source { name = "fa", fetch = grab("%s") }
            pw.source { name = "fb", fetch = grab("%s") }
            pw.source { name = "text", fetch = function()
              return (pw.http.get("%s")) end }
            pw.rule("up", function(p) return p.upvotes end)
        """ % (a.url("/delay/2/" + FEED), b.url("/delay/2/" + HF),
               a.url("/" + MULTI)))
        got, _ = self.run_json()
        self.assertEqual(got["fa"]["items"], 6)
        self.assertEqual(got["fb"]["items"], 31)
        self.assertEqual(got["text"]["status"], "ok")
        self.assertLess(abs(a.log_copy()[0]["time"] - b.log_copy()[0]["time"]),
                        2.0, "the two fetch functions waited at once")
        p = json_lines(self.run_pw("show", "--format", "json",
                                   "http://example.org/fa").stdout)[0]
        self.assertEqual(p["authors"], ["A. Person"])
        self.assertEqual(p["extras"].get("upvotes"), 7)
        self.assertEqual(p["score"], 7)

    def test_fetch_function_error_is_named_and_others_go_on(self):
        s = self.server()
        self.config("""
            pw.source(pw.feed { name = "good", url = "%s" })
            pw.source { name = "bad", fetch = function(src)
              local t = nil
              return t.entries
            end }
            pw.source { name = "refused", fetch = function(src)
              return pw.http.get("http://127.0.0.1:9/none")
            end }
        """ % s.url("/" + FEED))
        got, r = self.run_json(code=3)
        self.assertEqual(got["good"]["status"], "ok")
        self.assertRegex(got["bad"]["error"], r"init\.lua:5: attempt to index")
        self.assertIn("stack traceback", got["bad"]["error"])
        self.assertNotIn("fetch.lua", got["bad"]["error"])
        self.assertRegex(got["refused"]["error"], r"connect|refused")

    def test_arxiv_query_pages_three_seconds_apart(self):
        s = self.server()
        self.config("""
            pw.source(pw.arxiv.query { "cat:cs.LG AND all:transformer",
              max_results = 10, page_size = 5, url = "%s" })
        """ % s.url("/" + FEED))
        got, _ = self.run_json()
        self.assertEqual(got["arxiv-api:cat:cs.LG AND all:transformer"]["status"], "ok")
        log = [e for e in s.log_copy() if "search_query=" in e["path"]]
        self.assertEqual(len(log), 2)
        self.assertIn("start=0&max_results=5", log[0]["path"])
        self.assertIn("start=5&max_results=5", log[1]["path"])
        self.assertIn("search_query=cat%3Acs.LG%20AND%20all%3Atransformer",
                      log[0]["path"])
        self.assertGreaterEqual(log[1]["time"] - log[0]["time"], 2.95)

    def test_hf_days_asks_each_day(self):
        s = self.server()
        self.config('pw.source(pw.hf.daily { days = 3, url = "%s" })'
                    % s.url("/" + HF))
        got, _ = self.run_json()
        self.assertEqual(got["hf:daily:3d"]["status"], "ok")
        dates = [e["path"].split("date=")[1] for e in s.log_copy()]
        self.assertEqual(len(set(dates)), 3, dates)
        papers = json_lines(self.run_pw("list", "--format", "json").stdout)
        self.assertEqual(len(papers), 30, "three days of the same list: one each")

    def test_post_and_headers_from_a_fetch_function(self):
        s = self.server()
        self.config("""
            pw.source { name = "api", fetch = function(src)
              local body, info = pw.http.post("%s", '{"q":"diffusion"}',
                { headers = { ["Content-Type"] = "application/json",
                              ["X-Token"] = "t0k" } })
              if not body then return nil, info end
              local echo = pw.json.decode(body)
              return { { title = echo.method .. " " .. echo.body,
                         link = "http://example.org/echo",
                         comment = echo.headers["X-Token"] } }
            end }
        """ % s.url("/echo"))
        self.run_pw("run", "--no-notify")
        p = json_lines(self.run_pw("show", "--format", "json",
                                   "http://example.org/echo").stdout)[0]
        self.assertEqual(p["title"], 'POST {"q":"diffusion"}')
        self.assertEqual(p["comment"], "t0k")

    def test_header_injection_refused(self):
        script = self.home.write_config("""
            local ok, err = pcall(pw.http.get, "http://127.0.0.1:9/",
              { headers = { ["X-A"] = "1\\r\\nX-Evil: 2" } })
            print(ok, err)
        """, name="s.lua")
        r = subprocess.run([lib.PW, "eval", script], capture_output=True,
                           text=True, timeout=60)
        self.assertIn("false", r.stdout, r.stderr)
        self.assertIn("line break", r.stdout)

    def test_http_get_in_a_script_waits_for_the_answer(self):
        s = self.server()
        script = self.home.write_config("""
            local body, info = pw.http.get("%s")
            assert(body, info)
            print(#pw.feed.parse(body), info.status, info.content_type)
            local none, err = pw.http.get("%s")
            print(none, err)
        """ % (s.url("/" + FEED), s.url("/status/404")), name="s.lua")
        r = subprocess.run([lib.PW, "eval", script], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split("\t")[:2], ["5", "200"])
        self.assertEqual(lines[1], "nil\tHTTP 404 Not Found")


if __name__ == "__main__":
    lib.main()
