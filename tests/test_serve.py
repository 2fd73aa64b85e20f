"""`cxsite serve` for real: a subprocess on a free port, edits, errors, recovery, reload events."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_browser import ARGS, CHROMIUM, poll
from test_incremental import project_with_an_export

from cxsite.cli import main
from cxsite.serve import LiveServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    root = tmp_path / "project"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cxsite", "--project", str(root), "serve", "--port", str(port)],
        stdout=log,
        stderr=log,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            return fetch(base + "index.html")[0] == 200
        except OSError:
            return False

    wait_until(up, 60)
    yield root, base, process
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


class Events:
    """Reads the server's reload events in the background."""

    def __init__(self, url: str) -> None:
        self.lines: list[str] = []
        self.response = urllib.request.urlopen(url, timeout=60)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        try:
            for raw in self.response:
                self.lines.append(raw.decode().strip())
        except OSError:
            pass

    def reloads(self) -> int:
        return self.lines.count("data: reload")

    def close(self) -> None:
        self.response.close()


def test_serve_rebuilds_reloads_shows_errors_and_recovers(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    root, base, process = served
    status, page = fetch(base + "playbooks/when-support-gets-slow.html")
    assert status == 404  # the starter playbook's file is slow-support.md
    status, page = fetch(base + "playbooks/slow-support.html")
    assert status == 200 and "/__cxsite/livereload.js" in page
    served_files = root / ".cxsite-cache" / "serve"
    assert not any(b"livereload" in p.read_bytes() for p in served_files.rglob("*.html"))
    events = Events(base + "__cxsite/events")

    playbook = root / "content" / "playbooks" / "slow-support.md"
    playbook.write_text(playbook.read_text() + "\nA sentence added while serving.\n")
    wait_until(
        lambda: "A sentence added while serving." in fetch(base + "playbooks/slow-support.html")[1]
    )
    wait_until(lambda: events.reloads() >= 1)

    departments = root / "data" / "departments.yaml"
    good = departments.read_text()
    departments.write_text(good + "- id: [broken\n")
    wait_until(lambda: fetch(base + "index.html")[0] == 500)
    status, page = fetch(base + "touchpoints/app.html")
    assert status == 500 and "data/departments.yaml:" in page
    assert "the `[` that starts this list is never closed" in page
    wait_until(lambda: events.reloads() >= 2)

    departments.write_text(good)
    wait_until(lambda: fetch(base + "index.html")[0] == 200)
    assert "A sentence added" in fetch(base + "playbooks/slow-support.html")[1]

    assert fetch(base + "../cxsite.yaml")[0] in (403, 404)
    assert fetch(base + "%2e%2e/cxsite.yaml")[0] in (403, 404)
    assert fetch(base + "data/")[0] == 404  # no directory listings

    events.close()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert "stopped" in (root.parent / "serve.log").read_text()


def test_the_browser_reloads_on_save(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    from playwright.sync_api import sync_playwright

    root, base, _ = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(base + "playbooks/slow-support.html")
        page.wait_for_load_state("networkidle")
        assert "Reloaded by the browser" not in page.content()
        playbook = root / "content" / "playbooks" / "slow-support.md"
        playbook.write_text(playbook.read_text() + "\nReloaded by the browser.\n")
        poll(lambda: "Reloaded by the browser" in page.locator("body").inner_text(), 30)
        browser.close()


def test_listening_beyond_this_machine_warns(tmp_path: Path) -> None:
    root = tmp_path / "project"
    CliRunner().invoke(main, ["init", str(root)])
    port = free_port()
    log_path = tmp_path / "serve.log"
    command = [sys.executable, "-m", "cxsite", "--project", str(root), "serve"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--host", "0.0.0.0", "--port", str(port)], stdout=log, stderr=log
        )
    try:
        wait_until(
            lambda: (
                fetch(f"http://127.0.0.1:{port}/index.html")[0] == 200 if _open(port) else False
            ),
            60,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert "warning: listening on 0.0.0.0" in log_path.read_text()


def _open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_serve_survives_concurrent_requests_and_clients_that_leave(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    _, base, process = served
    port = int(base.rsplit(":", 1)[1].strip("/"))
    for _ in range(5):  # clients that ask for the largest file and hang up at once
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /assets/vendor/vega-bundle.js HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(100)
    results: list[int] = []

    def get(path: str) -> None:
        results.append(fetch(base + path)[0])

    paths = ["index.html", "touchpoints/app.html", "assets/cxsite.css", "search.html"] * 10
    threads = [threading.Thread(target=get, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [200] * len(paths)
    assert process.poll() is None  # still serving
    assert fetch(base + "index.html")[0] == 200


def test_serve_watches_every_input_the_build_read_and_nothing_else(tmp_path: Path) -> None:
    root = project_with_an_export(tmp_path / "project")
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("not an input\n")
    server = LiveServer(root, "127.0.0.1", 0, lambda result: None)
    try:
        assert server.rebuild().output is not None
        inputs = ["cxsite.yaml", "data/measurements/a.csv", "exports/survey.csv",
                  "content/playbooks/billing-trust.md", "data/touchpoints/app-login.yaml",
                  "content/playbooks/new.md", "themes/brand/templates/base.html"]  # fmt: skip
        assert [name for name in inputs if not server.watched(str(root / name))] == []
        others = ["notes/todo.txt", "exports/other.csv", "output/index.html",
                  ".cxsite-cache/cache.sqlite", ".cxsite-cache/serve/index.html"]  # fmt: skip
        assert [name for name in others if server.watched(str(root / name))] == []
    finally:
        server.httpd.server_close()


def test_serve_rebuilds_when_a_measurement_file_outside_data_changes(tmp_path: Path) -> None:
    root = project_with_an_export(tmp_path / "project")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    command = [sys.executable, "-m", "cxsite", "--project", str(root), "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=log, text=True)
    page = f"http://127.0.0.1:{port}/touchpoints/support-call.html"
    try:
        wait_until(lambda: _open(port) and fetch(page)[0] == 200, 60)
        assert "Quality: 64.00" in fetch(page)[1]
        survey = root / "exports" / "survey.csv"
        survey.write_text(survey.read_text().replace(",64,", ",17,"))
        wait_until(lambda: "Quality: 17.00" in fetch(page)[1])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        log.close()
