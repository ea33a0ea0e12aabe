#!/usr/bin/python3
"""httpd.py: the loopback HTTP/1.1 server of the tests, serving files from a
directory and playing the faults real feed servers play. Standard library
only; binds 127.0.0.1. Threaded, keep-alive (a request log records which
connection served each request, so tests can check politeness).

As a module:

    srv = Server(root="/path/to/fixtures").start()
    url = srv.url("/gzip/feed.xml")          # http://127.0.0.1:PORT/gzip/feed.xml
    ... srv.log ...                          # list of dicts, see below
    srv.stop()

As a program (the first line of stdout is the port; it serves until killed,
or until stdin reaches EOF when --exit-on-eof is given, so a test that dies
takes its server with it):

    httpd.py --root DIR [--port 0] [--exit-on-eof] [--verbose]

URL SCHEME. A path is read left to right: zero or more MODIFIERS, each one or
two segments, then one TERMINAL. Anything that is not a known modifier or
terminal is a file under the root. Query parameters apply to the whole
request and are kept across redirects.

  Terminals
    /PATH                   the file ROOT/PATH: 200 with Content-Length, ETag
                            ("sha1 prefix"), Last-Modified (file mtime) and a
                            guessed Content-Type; 304 when If-None-Match
                            matches (or "*"), or, without If-None-Match, when
                            If-Modified-Since >= the mtime. 404 if missing.
    /status/CODE            CODE with a short text body ("HTTP CODE").
                            ?retry_after=S adds "Retry-After: S";
                            ?retry_after_date=S adds it as an HTTP date S
                            seconds from now.
    /loop/N                 a redirect loop: /loop/1 -> /loop/2 -> /loop/1...
    /to?url=URL             302 to URL (any scheme: file:, https:, ...);
                            ?code=301|303|307|308 to pick another status.
    /endless                200, no Content-Length, Connection: close, an
                            endless XML-ish body until the client goes away
                            or ?limit=BYTES (default 200 MB) is sent.
    /bomb                   a gzip bomb: Content-Encoding gzip, a small body
                            that inflates to ?size=BYTES zeros (default
                            256 MiB; the compressed body is ~1/1000 of that).
    /echo                   200, application/json: the request's method,
                            path, headers and (for POST) body, to check
                            what a client sends.
    /_log                   200, application/json: the request log so far
                            (for clients in other processes; not logged).

  Modifiers (apply to the terminal that follows)
    /redirect/N/REST        302 to /redirect/N-1/REST ... and finally /REST:
                            N redirects, then REST.
    /gzip/REST              REST's body gzip-compressed, Content-Encoding gzip.
    /delay/S/REST           wait S seconds (max 120) before answering.
    /drip/REST              headers at once, then the body one byte every
                            1/?bps= seconds (default 1 byte per second).
    /stall/REST             headers (with the true Content-Length), then the
                            first ?after= bytes (default 0), then nothing for
                            ?secs= seconds (default and max 120), then close.
    /truncate/REST          Content-Length says ?missing= (default 1000)
                            bytes more than the body; send the body and close.
    /ctype/TYPE/REST        Content-Type TYPE instead ('~' stands for '/':
                            /ctype/text~html/feed.xml), for wrong-type tests;
                            ?ctype=TYPE does the same.
    /close/REST             answer with "Connection: close".

  Examples
    /feed.xml                      the file, conditional GET works
    /redirect/3/gzip/feed.xml      three redirects, then the file gzipped
    /status/429?retry_after=120    429 Too Many Requests, Retry-After: 120
    /stall/feed.xml?secs=30        headers, then silence for 30 s

Every request is logged (except /_log): a dict with time (time.time()),
method, path (with the query), headers (dict, names as sent), client
("127.0.0.1", port), conn (a connection number, 1, 2, ... in accept order)
and status (the status sent, or None if the handler failed first).

Everything is bounded: stalls and delays end after 120 s at most, endless
bodies at ?limit= or when the client goes away, and stop() ends them all.
"""
import argparse
import ssl
import email.utils
import gzip
import hashlib
import itertools
import json
import mimetypes
import os
import select
import socket
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_WAIT = 120
ENDLESS_LIMIT = 200 * 1000 * 1000
BOMB_SIZE = 256 * 1024 * 1024
TERMINALS = ("status", "loop", "to", "endless", "bomb", "echo", "_log")
# modifier -> how many argument segments follow it
MODIFIERS = {"gzip": 0, "drip": 0, "stall": 0, "truncate": 0, "close": 0,
             "delay": 1, "ctype": 1}
TYPES = {".xml": "application/xml", ".atom": "application/atom+xml",
         ".rss": "application/rss+xml", ".json": "application/json",
         ".jsonl": "application/x-ndjson", ".txt": "text/plain",
         ".html": "text/html"}


def bomb_body(size, cache={}, lock=threading.Lock()):
    """gzip of `size` zero bytes, computed once per size."""
    with lock:
        if size not in cache:
            co = zlib.compressobj(9, zlib.DEFLATED, 31)
            chunk = bytes(1 << 20)
            parts = []
            left = size
            while left > 0:
                n = min(left, len(chunk))
                parts.append(co.compress(chunk[:n]))
                left -= n
            parts.append(co.flush())
            cache[size] = b"".join(parts)
        return cache[size]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pw-httpd/1"

    def setup(self):
        super().setup()
        self.conn_id = self.server.next_conn()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("httpd: %s\n" % (fmt % args))

    # ---- entry points ----------------------------------------------------

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.post_body = self.rfile.read(min(n, 16 << 20))
        self.dispatch()

    def dispatch(self):
        u = urllib.parse.urlsplit(self.path)
        self.query = dict(urllib.parse.parse_qsl(u.query))
        self.qs = ("?" + u.query) if u.query else ""
        segs = [urllib.parse.unquote(s) for s in u.path.split("/") if s]
        self.entry = None
        if segs != ["_log"]:
            self.entry = {"time": time.time(), "method": self.command,
                          "path": self.path, "headers": dict(self.headers),
                          "client": self.client_address[:2],
                          "conn": self.conn_id, "status": None}
            self.server.add_log(self.entry)
        try:
            self.route(segs, {})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, segs, mods):
        head = segs[0] if segs else ""
        if head == "redirect" and len(segs) >= 2:
            return self.redirect_n(int(segs[1]), segs[2:])
        if head in MODIFIERS and len(segs) > MODIFIERS[head]:
            mods[head] = segs[1] if MODIFIERS[head] else True
            return self.route(segs[1 + MODIFIERS[head]:], mods)
        if "delay" in mods:
            self.wait(float(mods.pop("delay")))
        if head in TERMINALS:
            return getattr(self, "t_" + head.lstrip("_"))(segs[1:], mods)
        return self.t_file(segs, mods)

    # ---- terminals -------------------------------------------------------

    def t_file(self, segs, mods):
        root = os.path.realpath(self.server.root)
        path = os.path.realpath(os.path.join(root, *segs)) if segs else root
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return self.send(404, b"not found\n", {}, {}, "text/plain")
        with open(path, "rb") as f:
            body = f.read()
        st = os.stat(path)
        etag = '"%s%s"' % (hashlib.sha1(body).hexdigest()[:16],
                           "-gz" if "gzip" in mods else "")
        lm = email.utils.formatdate(int(st.st_mtime), usegmt=True)
        hdrs = {"ETag": etag, "Last-Modified": lm}
        if self.not_modified(etag, int(st.st_mtime)):
            return self.send(304, b"", hdrs, {})
        ctype = TYPES.get(os.path.splitext(path)[1]) or \
            mimetypes.guess_type(path)[0] or "application/octet-stream"
        return self.send(200, body, hdrs, mods, ctype)

    def not_modified(self, etag, mtime):
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or etag in tags or ("W/" + etag) in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                t = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
            return mtime <= t
        return False

    def t_status(self, segs, mods):
        code = int(segs[0]) if segs else 500
        hdrs = {}
        if "retry_after" in self.query:
            hdrs["Retry-After"] = self.query["retry_after"]
        if "retry_after_date" in self.query:
            t = time.time() + float(self.query["retry_after_date"])
            hdrs["Retry-After"] = email.utils.formatdate(t, usegmt=True)
        body = b"" if code in (204, 304) else b"HTTP %d\n" % code
        return self.send(code, body, hdrs, mods, "text/plain")

    def t_loop(self, segs, mods):
        n = int(segs[0]) if segs else 1
        return self.send_redirect(302, "/loop/%d%s" % (2 if n == 1 else 1,
                                                       self.qs))

    def t_to(self, segs, mods):
        code = int(self.query.get("code", "302"))
        return self.send_redirect(code, self.query.get("url", "/"))

    def t_echo(self, segs, mods):
        body = json.dumps({"method": self.command, "path": self.path,
                           "headers": dict(self.headers),
                           "body": getattr(self, "post_body", b"").decode(
                               "utf-8", "replace")}).encode()
        return self.send(200, body, {}, mods, "application/json")

    def t_log(self, segs, mods):
        body = json.dumps(self.server.log_copy()).encode()
        return self.send(200, body, {}, {}, "application/json")

    def t_bomb(self, segs, mods):
        body = bomb_body(int(self.query.get("size", BOMB_SIZE)))
        hdrs = {"Content-Encoding": "gzip"}
        return self.send(200, body, hdrs, {}, "application/xml")

    def t_endless(self, segs, mods):
        limit = int(self.query.get("limit", ENDLESS_LIMIT))
        self.start(200, {"Content-Type": "application/xml",
                         "Connection": "close"})
        self.close_connection = True
        if self.command == "HEAD":
            return
        chunk = b"<item><title>more</title></item>\n" * 2000
        sent = 0
        while sent < limit and not self.server.stopping.is_set():
            piece = chunk[:limit - sent]
            self.wfile.write(piece)
            sent += len(piece)

    # ---- sending ---------------------------------------------------------

    def redirect_n(self, n, rest):
        if n <= 0:
            return self.route(rest, {})
        nxt = "/redirect/%d/" % (n - 1) if n > 1 else "/"
        return self.send_redirect(302, nxt + "/".join(
            urllib.parse.quote(s) for s in rest) + self.qs)

    def send_redirect(self, code, location):
        return self.send(code, b"redirecting\n", {"Location": location}, {},
                         "text/plain")

    def start(self, code, hdrs):
        if self.entry is not None:
            self.entry["status"] = code
        self.send_response(code)
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()

    def send(self, code, body, hdrs, mods, ctype=None):
        hdrs = dict(hdrs)
        ctype = self.query.get("ctype") or mods.get("ctype", ctype)
        if ctype and code != 304:
            hdrs["Content-Type"] = ctype.replace("~", "/")
        if mods.get("gzip"):
            body = gzip.compress(body)
            hdrs["Content-Encoding"] = "gzip"
        length = len(body)
        if mods.get("truncate"):
            length += int(self.query.get("missing", 1000))
            mods["close"] = True
        if mods.get("close") or mods.get("stall"):
            hdrs["Connection"] = "close"
            self.close_connection = True
        if code != 304 and code >= 200:
            hdrs["Content-Length"] = str(length)
        self.start(code, hdrs)
        if self.command == "HEAD" or not body:
            return
        if mods.get("drip"):
            return self.drip(body, float(self.query.get("bps", 1)))
        if mods.get("stall"):
            after = int(self.query.get("after", 0))
            self.wfile.write(body[:after])
            self.wfile.flush()
            self.wait(float(self.query.get("secs", MAX_WAIT)))
            return
        self.wfile.write(body)

    def drip(self, body, bps):
        gap = 1.0 / max(bps, 0.001)
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            if self.wait(gap):
                self.close_connection = True
                return

    def wait(self, secs):
        """Sleep up to secs (at most MAX_WAIT); return True early when the
        client has gone away or the server stops."""
        end = time.monotonic() + min(max(secs, 0), MAX_WAIT)
        sock = self.connection
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            if self.server.stopping.is_set():
                return True
            r, _, _ = select.select([sock], [], [], min(left, 0.25))
            if r:
                try:
                    if sock.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
                time.sleep(min(left, 0.25))  # a pipelined request: ignore


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root=".", port=0, verbose=False, tls=None):
        """tls: (certfile, keyfile) to serve https instead of http."""
        super().__init__(("127.0.0.1", port), Handler)
        self.scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.socket = ctx.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.root = root
        self.verbose = verbose
        self.port = self.server_address[1]
        self.log = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._conns = itertools.count(1)
        self._thread = None

    def next_conn(self):
        with self._lock:
            return next(self._conns)

    def add_log(self, entry):
        with self._lock:
            self.log.append(entry)

    def log_copy(self):
        with self._lock:
            return [dict(e) for e in self.log]

    def url(self, path="/"):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port,
                                          path if path.startswith("/")
                                          else "/" + path)

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join()

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(description="loopback test HTTP server")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--exit-on-eof", action="store_true",
                    help="stop when stdin reaches end of file")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    srv = Server(args.root, args.port, args.verbose)
    print(srv.port, flush=True)
    if args.exit_on_eof:
        srv.start()
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except KeyboardInterrupt:
            pass
        srv.stop()
        return 0
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    srv.stopping.set()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
