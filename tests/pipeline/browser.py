"""A real headless Chromium for the pages' tests, and a small static server that can seek videos.

Debian's Chromium through Playwright (never ``playwright install``). The
``browser`` fixture (one Chromium for the whole run) lives in this folder's
``conftest.py``; :func:`open_page` opens a page and collects its errors;
:func:`serve` serves a folder over http://127.0.0.1 honouring ``Range``
(``python -m http.server`` does not, so videos could not seek).
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    """Open ``url`` in a new page; return it and the list its errors are collected into.

    Console errors, page errors and failed requests count; a player that has
    read a video's metadata and cancels the rest of the download
    (``ERR_ABORTED``) does not.
    """
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} ({r.failure})")
            if not r.url.startswith("data:") and "ERR_ABORTED" not in (r.failure or "") else None)
    page.goto(url)
    return page, errors


class RangeHandler(SimpleHTTPRequestHandler):
    """A static file handler that honours ``Range`` (so videos can seek), quietly."""

    timeout = 10
    _remaining: int | None = None

    def log_message(self, format, *args):  # noqa: A002
        pass

    def send_head(self):
        self._remaining = None
        path = self.translate_path(self.path)
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if not wanted or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        first, last = wanted.groups()
        start = size - int(last) if first == "" else int(first)
        end = size - 1 if first == "" or last == "" else min(int(last), size - 1)
        if start >= size or start > end:
            self.send_error(416)
            return None
        f = open(path, "rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile):
        if self._remaining is None:
            return super().copyfile(source, outputfile)
        while self._remaining > 0 and (chunk := source.read(min(1 << 16, self._remaining))):
            outputfile.write(chunk)
            self._remaining -= len(chunk)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over http://127.0.0.1 (Range-capable) while inside; yield its address (ending in ``/``)."""
    server = QuietServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
