"""One pin set: every function's requirements.txt (what `sam build` installs) pins what
pyproject.toml pins, and the rest at the version the project's own install resolved."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tools.stack import ROOT

PIN = re.compile(r"(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(?P<version>\S+)")
REQUIREMENTS = sorted((ROOT / "functions").glob("*/requirements.txt"))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        match = PIN.fullmatch(line.split("#", 1)[0].strip())
        if match:
            found[canonical(match["name"])] = match["version"]
    return found


def project_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    every = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        every += extra
    return pins(every)


def test_every_function_has_requirements() -> None:
    assert len(REQUIREMENTS) == 7


@pytest.mark.parametrize("path", REQUIREMENTS, ids=lambda p: p.parent.name)
def test_a_function_s_requirements_are_exact_pins_only(path: Path) -> None:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    for line in filter(None, lines):
        assert PIN.fullmatch(line), line


@pytest.mark.parametrize("path", REQUIREMENTS, ids=lambda p: p.parent.name)
def test_a_function_s_pins_match_the_project_s(path: Path) -> None:
    declared = project_pins()
    for name, pinned in pins(path.read_text().splitlines()).items():
        expected = declared.get(name) or version(name)
        assert pinned == expected, f"{path.parent.name}: {name}=={pinned}, project has {expected}"


def test_no_function_bundles_the_sdk_the_runtime_provides() -> None:
    for path in REQUIREMENTS:
        assert not {"boto3", "botocore", "s3transfer"} & set(pins(path.read_text().splitlines()))
