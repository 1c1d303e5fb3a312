"""`sam build` output, rebuilt when any source it depends on is newer than the last build."""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit import lambda_runtime
from tools.stack import ROOT

BUILD_DIR = ROOT / ".aws-sam" / "build"
BUILD_LOCK = ROOT / ".aws-sam" / "build.lock"
FUNCTIONS = (
    "EdgeAuthFunction",
    "EdgeConfigFunction",
    "CloudFrontResourcesFunction",
    "LogRetentionFunction",
    "ContentDeliveryFunction",
    "EnrolmentFunction",
    "GrantKeyFunction",
    "GrantKeyScheduleFunction",
)


def _newest_source() -> float:
    sources = [ROOT / "template.yaml", *(ROOT / "functions").rglob("*")]
    return max(p.stat().st_mtime for p in sources if p.is_file() and "__pycache__" not in p.parts)


def ensure_built() -> Path:
    """Run ``sam build`` unless ``.aws-sam/build`` is newer than every source; return its path."""
    marker = BUILD_DIR / "template.yaml"
    BUILD_LOCK.parent.mkdir(exist_ok=True)
    # pytest-xdist workers share .aws-sam: one builds while the others wait, then see it fresh.
    with BUILD_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists() or marker.stat().st_mtime < _newest_source():
            env = {**os.environ, "PYTHON": sys.executable, "SAM_CLI_TELEMETRY": "0"}
            sam = Path(sys.executable).with_name("sam")
            subprocess.run(
                [str(sam), "build", "--parallel"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            marker.touch()
    return BUILD_DIR


def zipped(directory: Path) -> bytes:
    """The artifact zipped the way `sam package` uploads it (deflate, every file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


@dataclass(frozen=True)
class EdgeRun:
    answers: list[dict[str, Any]]
    stdout: str


_RUN_EDGE = """
import json, sys
events = json.load(sys.stdin)
from edge_auth import app
answers = [app.handler(event, None) for event in events]
app._GATE.telemetry.flush()
print("ANSWERS " + json.dumps(answers))
"""


def run_edge_package(package: Path, events: list[dict[str, Any]], config: Path | None) -> EdgeRun:
    """Handle ``events`` as Lambda would: the package alone (no venv, no site; see
    ``lambda_runtime``),
    a fresh interpreter, configuration from ``config`` or from the package itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EDGE_AUTH"))}
    if config:
        env["EDGE_AUTH_CONFIG"] = str(config)
    result = lambda_runtime.run(package, _RUN_EDGE, env, sdk=False, stdin=json.dumps(events))
    assert result.returncode == 0, result.stderr[-2000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("ANSWERS ")]
    return EdgeRun(json.loads(line.removeprefix("ANSWERS ")), result.stdout)
