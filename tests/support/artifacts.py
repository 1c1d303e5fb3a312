"""Files the tests leave for people to look at (screenshots, timings): test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from tools.stack import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def artifact(name: str) -> Path:
    """Where to write the artifact ``name``."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
