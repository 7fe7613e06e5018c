"""A real, threaded HTTP server on 127.0.0.1 for feed tests.

It listens on a real socket (an ephemeral port), so a separate process such as a Celery worker can
fetch from it too. Routes are matched on the full path with its query first, then on the path alone;
an unknown path answers 404. Every request is recorded (`server.requests`).

    server.route("/feed.xml", body=b"<source/>", headers={"Content-Type": "application/xml"})
    server.route("/slow", delay=2.0)                        # waits before the status line
    server.route("/trickle", body=b"x" * 1000, chunk_size=10, chunk_delay=0.1)   # chunked, slowly
    server.route("/flaky", handler=lambda request: Response(status=500 if server.hits("/flaky") <= 2 else 200))

`hits()` counts the requests already received, including the one being handled.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, str]  # the last value of each parameter
    headers: dict[str, str]  # names in lower case
    body: bytes
    raw_path: str  # the path with its query, as received


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    chunk_size: int = 0  # > 0: chunked transfer (no Content-Length unless given), chunk_delay between chunks
    chunk_delay: float = 0.0


Handler = Callable[[Request], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    feed_server: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up (a refused body, a timeout): expected in these tests
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            raw_path=self.path,
        )
        feed_server = self.server.feed_server
        response = feed_server._respond(request)
        try:
            self._send(response, feed_server._stopping)
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True  # the client went away (e.g. it refused a big body)

    def _send(self, response: Response, stopping: threading.Event) -> None:
        if response.delay and stopping.wait(response.delay):
            self.close_connection = True
            return
        self.send_response(response.status)
        names = {name.lower() for name in response.headers}
        for name, value in response.headers.items():
            self.send_header(name, value)
        chunked = response.chunk_size > 0 and "content-length" not in names
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in names:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.chunk_size <= 0:
            self.wfile.write(response.body)
            return
        body = response.body
        for start in range(0, len(body), response.chunk_size):
            chunk = body[start : start + response.chunk_size]
            if chunked:
                self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
            if response.chunk_delay and stopping.wait(response.chunk_delay):
                self.close_connection = True
                return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class FeedServer:
    """Start with `start()` (or as a context manager), stop with `stop()`."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.feed_server = self
        self.host = f"127.0.0.1:{self._httpd.server_address[1]}"  # for FEEDS_ALLOWED_HOSTS
        self.base_url = f"http://{self.host}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # cuts short the delays of responses still being sent
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        chunk_size: int = 0,
        chunk_delay: float = 0.0,
        handler: Handler | None = None,
    ) -> None:
        """Answer requests to `path` (with its query: that exact query only; without: any query)."""
        if handler is None:
            fixed = Response(
                status=status,
                body=body,
                headers=dict(headers or {}),
                delay=delay,
                chunk_size=chunk_size,
                chunk_delay=chunk_delay,
            )

            def handler(request: Request) -> Response:
                return fixed

        with self._lock:
            self._routes[path] = handler

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def hits(self, path: str) -> int:
        """Requests received for `path` (matched like routes: with its query exactly, or the path alone)."""
        with self._lock:
            if "?" in path:
                return sum(1 for request in self._requests if request.raw_path == path)
            return sum(1 for request in self._requests if request.path == path)

    def _respond(self, request: Request) -> Response:
        with self._lock:
            self._requests.append(request)
            handler = self._routes.get(request.raw_path) or self._routes.get(request.path)
        if handler is None:
            return Response(status=404, body=b"not found")
        try:
            return handler(request)
        except Exception as error:  # noqa: BLE001 - a broken test handler: make it visible in the response
            return Response(status=599, body=f"handler error: {error!r}".encode())
