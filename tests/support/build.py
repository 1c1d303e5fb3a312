"""`sam build` output, rebuilt when any source it depends on is newer than the last build."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.tokens import ROOT

BUILD_DIR = ROOT / ".aws-sam" / "build"
FUNCTIONS = (
    "EdgeAuthFunction",
    "EdgeConfigFunction",
    "CloudFrontResourcesFunction",
    "ContentDeliveryFunction",
)


def _newest_source() -> float:
    sources = [ROOT / "template.yaml", *(ROOT / "functions").rglob("*")]
    return max(p.stat().st_mtime for p in sources if p.is_file() and "__pycache__" not in p.parts)


def ensure_built() -> Path:
    """Run ``sam build`` unless ``.aws-sam/build`` is newer than every source; return its path."""
    marker = BUILD_DIR / "template.yaml"
    if not marker.exists() or marker.stat().st_mtime < _newest_source():
        env = {**os.environ, "PYTHON": sys.executable, "SAM_CLI_TELEMETRY": "0"}
        sam = Path(sys.executable).with_name("sam")
        subprocess.run(
            [str(sam), "build", "--parallel"], cwd=ROOT, env=env, check=True, capture_output=True
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
