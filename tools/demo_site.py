"""The demo page's site: the page's files, its vendored player and its config.json.

`make local` serves it for the local stack and `make demo` for a deployed one; only the
config.json differs.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from .http import QuietHandler
from .stack import ROOT

PAGE_DIR = Path(__file__).resolve().parent / "demo_page"
VENDOR = {"vendor/hls.min.js": ROOT / "node_modules" / "hls.js" / "dist" / "hls.min.js"}


class DemoSite:
    """Serves tools/demo_page/, the files in ``VENDOR`` and the page's config.json: ``apiUrl``,
    ``authUrl`` (the managed-login domain), ``clientId``, ``contentUrl`` (CloudFront) and
    ``scope``; the page's own URL with a trailing ``/`` is its redirect and sign-out URI."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = json.dumps(config).encode()

    def handle(self, request: QuietHandler) -> None:
        name = request.path.split("?", 1)[0].lstrip("/") or "index.html"
        if name == "config.json":
            request.send_body(200, [("Content-Type", "application/json")], self.config)
            return
        vendored = VENDOR.get(name)
        if vendored is not None:
            if not vendored.is_file():
                request.send_body(
                    404, [("Content-Type", "text/plain")], b"run npm ci (make local does)\n"
                )
                return
            headers = [("Content-Type", "text/javascript"), ("Cache-Control", "no-store")]
            request.send_body(200, headers, vendored.read_bytes())
            return
        path = (PAGE_DIR / name).resolve()
        if path.parent != PAGE_DIR or not path.is_file():
            request.send_body(404, [("Content-Type", "text/plain")], b"not found\n")
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        request.send_body(
            200, [("Content-Type", content_type), ("Cache-Control", "no-store")], path.read_bytes()
        )
