"""Config files written for a test: any JSON value, valid or not."""

from __future__ import annotations

import json
from pathlib import Path


def write_config_file(directory: Path, value: object) -> Path:
    """``value`` as JSON in ``directory/config.json``; that file's path."""
    path = directory / "config.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    return path
