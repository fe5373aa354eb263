"""A small HTTP server on loopback that misbehaves in one way per path, for the remote backend's tests.

Every answer is bounded: the endless and dripping bodies stop after ``LIMIT_SECONDS`` or when
the client hangs up, and the server stops when the test ends.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIMIT_SECONDS = 20.0
JSON_TYPE = "application/sparql-results+json"
ONE_ROW = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "https://example.org/a"}}]}}
).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep the test output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append((self.path, self.rfile.read(length)))
        fault = getattr(self, "fault_" + self.path.strip("/").split("?")[0].replace("-", "_"), None)
        if fault is None:
            self.send(404, "text/plain", b"no such fault")
        else:
            fault()

    do_GET = do_POST

    def send(self, status, content_type, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def fault_ok(self):
        self.send(200, JSON_TYPE, ONE_ROW)

    def fault_html(self):
        self.send(200, "text/html", b"<html><body><h1>Welcome</h1><p>Our new portal</p></body></html>")

    def fault_cut(self):
        """Announces 1000 bytes, sends 40, hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(ONE_ROW[:40])
        self.wfile.flush()
        self.close_connection = True

    def fault_truncated_json(self):
        self.send(200, JSON_TYPE, ONE_ROW[:-20])

    def fault_no_head(self):
        self.send(200, JSON_TYPE, b'{"results": {"bindings": []}}')

    def fault_not_an_object(self):
        self.send(200, JSON_TYPE, b"[1, 2, 3]")

    def fault_bad_cell(self):
        self.send(200, JSON_TYPE, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "weird"}}]}}')

    def fault_wrong_type(self):
        self.send(200, "text/plain", ONE_ROW)

    def fault_redirect(self):
        self.send(
            302,
            "text/html",
            b"<a href='http://127.0.0.1:9/elsewhere'>moved</a>",
            [("Location", "http://127.0.0.1:9/x")],
        )

    def fault_server_error(self):
        self.send(500, "text/html", b"<html><body><h1>Internal Server Error</h1>database is down</body></html>")

    def fault_not_found(self):
        self.send(404, "text/html", b"<html><body>Not Found</body></html>")

    def fault_bad_query(self):
        self.send(400, "text/plain", b"SP030: SPARQL compiler, line 1: syntax error at 'WHERE'")

    def fault_row_limit(self):
        self.send(200, JSON_TYPE, ONE_ROW, [("X-SPARQL-MaxRows", "1")])

    def fault_partial(self):
        self.send(
            200,
            JSON_TYPE,
            ONE_ROW,
            [("X-SQL-State", "S1TAT"), ("X-SQL-Message", "RC...: Returning incomplete results, query interrupted")],
        )

    def fault_empty_graph(self):
        self.send(200, JSON_TYPE, b'{"head": {}, "boolean": false}')

    def fault_construct_html(self):
        self.send(200, "text/html", b"<html>not RDF</html>")

    def fault_endless(self):
        """A body with no length that never ends (until the client hangs up or the limit)."""
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.end_headers()
        self.close_connection = True
        self._stream(b" " * 65536, pause=0.0)

    def fault_drip(self):
        """A byte at a time, slower than any answer should take."""
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.close_connection = True
        self._stream(b" ", pause=0.25)

    def _stream(self, piece: bytes, pause: float) -> None:
        deadline = time.monotonic() + LIMIT_SECONDS
        try:
            while time.monotonic() < deadline and not self.server.stopping.is_set():
                self.wfile.write(piece)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:
            pass


class MisbehavingServer:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.stopping = threading.Event()
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def url(self, fault: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{fault}"

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def stop(self) -> None:
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
