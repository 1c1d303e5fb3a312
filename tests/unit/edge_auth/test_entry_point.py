"""The packaged entry point, imported in a fresh interpreter as Lambda does: it reads its config
from edge_auth/config.json and fails closed without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from testkit.tokens import TEST_CONFIG_PATH
from tests.support.viewer_requests import status
from tools.stack import ROOT


def _run_handler(config: str | None, event_name: str) -> dict[str, Any]:
    """Import edge_auth.app in a fresh interpreter (as Lambda does) and handle one event."""
    env = {k: v for k, v in os.environ.items() if k != "EDGE_AUTH_CONFIG"}
    if config:
        env["EDGE_AUTH_CONFIG"] = config
    event_path = str(ROOT / "events" / f"{event_name}.json")
    code = (
        "import json; from edge_auth.app import handler; "
        f"print(json.dumps(handler(json.load(open({event_path!r})), None)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "functions",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_handler_reads_its_config_from_edge_auth_config() -> None:
    assert status(_run_handler(str(TEST_CONFIG_PATH), "edge_valid_token")) is None


def test_the_handler_fails_closed_when_its_config_file_is_absent(tmp_path: Path) -> None:
    assert status(_run_handler(str(tmp_path / "none.json"), "edge_valid_token")) == 401
