"""`cxsite serve`: build, serve the output on 127.0.0.1, rebuild on change, reload the browser.

The live-reload script is added to pages as they are served, never written into a build.
A content error replaces every page with an error page (file, line, message) until the next
good save; the server keeps running.
"""

from __future__ import annotations

import http.server
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cxsite.build import build
from cxsite.cache import CACHE_DIR, BuildCache
from cxsite.errors import Diagnostics
from cxsite.outcome import BuildResult
from cxsite.uptodate import is_input

EVENTS = "/__cxsite/events"
SCRIPT = "/__cxsite/livereload.js"
LIVE_RELOAD_JS = b"""(function () {
  var source = new EventSource("/__cxsite/events");
  source.onmessage = function (event) { if (event.data === "reload") { location.reload(); } };
})();
"""


@dataclass
class SiteState:
    """The latest build: a version number that changes on every rebuild, and any errors."""

    folder: Path
    version: int = 0
    errors: Diagnostics | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, result: BuildResult) -> None:
        with self.changed:
            self.version += 1
            self.errors = result.diagnostics if result.output is None else None
            self.changed.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


def error_page(diagnostics: Diagnostics) -> bytes:
    items = "".join(
        f"<li><code>{escape(item.format())}</code></li>" for item in diagnostics.sorted()
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>cxsite: the site could not be built</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "code{white-space:pre-wrap}li{margin:.5rem 0}</style></head><body>"
        "<h1>The site could not be built</h1>"
        f"<p>{escape(diagnostics.summary())}. "
        "Fix the file and save: this page reloads by itself.</p>"
        f"<ul>{items}</ul></body></html>"
    ).encode()


def make_handler(state: SiteState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "cxsite"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            path = unquote(urlsplit(self.path).path)
            if path == EVENTS:
                self.stream_events()
            elif path == SCRIPT:
                self.send(200, "text/javascript", LIVE_RELOAD_JS)
            elif state.errors is not None:
                self.send(
                    500, "text/html; charset=utf-8", with_live_reload(error_page(state.errors))
                )
            else:
                self.send_file(path)

        def send(self, status: int, content_type: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser went away mid-response

        def send_file(self, path: str) -> None:
            root = state.folder.resolve()
            target = (root / path.lstrip("/")).resolve()
            if not target.is_relative_to(root):
                self.send(403, "text/plain", b"forbidden")
                return
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                missing = root / "404.html"
                body = missing.read_bytes() if missing.is_file() else b"not found"
                self.send(404, "text/html; charset=utf-8", with_live_reload(body))
                return
            body = target.read_bytes()
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type == "text/html":
                body = with_live_reload(body)
                content_type = "text/html; charset=utf-8"
            self.send(200, content_type, body)

        def stream_events(self) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                seen = state.version
                while True:
                    now = state.wait_for_change(seen, timeout=10)
                    message = b"data: reload\n\n" if now != seen else b": ping\n\n"
                    seen = now
                    self.wfile.write(message)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
                return

    return Handler


def with_live_reload(html: bytes) -> bytes:
    tag = f'<script src="{SCRIPT}"></script>'.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


class LiveServer:
    """Serves the latest build of a project and rebuilds it when its files change."""

    def __init__(
        self,
        root: Path,
        host: str,
        port: int,
        report: Callable[[BuildResult], None],
    ) -> None:
        self.root = root.resolve()
        self.report = report
        self.state = SiteState(self.root / CACHE_DIR / "serve")
        self.httpd = http.server.ThreadingHTTPServer((host, port), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.stop_event = threading.Event()
        self.building = threading.Lock()
        # One cache for the server's lifetime: each rebuild reuses what an edit did not change.
        self.cache = BuildCache.of_project(self.root)
        self.built = False  # the first build builds, so that its values are held in memory
        self.extra_inputs: tuple[str, ...] = ()  # measurement files the last build read elsewhere

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def rebuild(self) -> BuildResult:
        with self.building:  # one build at a time: they share the output and the cache
            result = build(self.root, self.state.folder, cache=self.cache, reuse=self.built)
            self.built = self.built or result.output is not None
            if result.extra_inputs is not None:  # else cxsite.yaml could not be read
                self.extra_inputs = result.extra_inputs
            self.state.publish(result)
        self.report(result)
        return result

    def watched(self, change_path: str) -> bool:
        """Whether a change is to an input: exactly the files the build reads (the list the
        up-to-date check stamps), wherever they are in the project."""
        return is_input(self.root, Path(change_path), self.extra_inputs)

    def watch(self) -> None:
        from watchfiles import watch

        for changes in watch(self.root, stop_event=self.stop_event, debounce=200, step=50):
            if any(self.watched(path) for _, path in changes):
                self.rebuild()

    def serve_forever(self) -> None:
        # Watch first, so that a save during the first build is not missed.
        watcher = threading.Thread(target=self.watch, daemon=True)
        watcher.start()
        self.rebuild()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stop_event.set()
            self.httpd.server_close()

    def shutdown(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
