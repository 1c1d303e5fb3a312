"""hls.js's own playlist parser, run in Node: the URLs the player would derive from playlists,
to hold the publishing check's reading against the player's (tests/support/hls_js_urls.mjs).

Node and the vendored hls.js come with `make node-modules` (CI installs npm, .ci/run); a test
that needs them fails under CI when they are missing and is skipped elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tools.stack import ROOT

HLS_JS = ROOT / "node_modules" / "hls.js" / "dist" / "hls.mjs"
HARNESS = ROOT / "tests" / "support" / "hls_js_urls.mjs"


def node() -> str:
    """Node's path, or the test's skip (its failure under CI)."""
    found = shutil.which("node")
    if found is None or not HLS_JS.exists():
        message = "Node and node_modules/hls.js are needed (make node-modules)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI installs them (.ci/run)")
        pytest.skip(message)
    return found


def urls_hls_js_reads(playlists: list[tuple[str, str]]) -> list[list[str]]:
    """For each ``(text, url)``, every URL hls.js derives from ``text`` fetched from ``url``,
    read both as a multivariant and as a media playlist, sorted."""
    payload = json.dumps([{"text": text, "url": url} for text, url in playlists])
    done = subprocess.run(
        [node(), str(HARNESS), str(HLS_JS)],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answers: list[list[str]] = json.loads(done.stdout)
    return answers
