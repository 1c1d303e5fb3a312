"""The layout's rules: imports run one way, a function imports no other function's package, and
nothing finds the project's code through PYTHONPATH or sys.path edits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tools.stack import ROOT

FUNCTIONS = ROOT / "functions"
FUNCTION_PACKAGES = sorted(
    p.name for p in FUNCTIONS.iterdir() if (p / "__init__.py").exists() and p.name != "shared"
)
#: Who may import whom, as top-level names: a side imports only what is listed for it.
SIDES = {
    "shared": set(),
    "tools": {"shared", *FUNCTION_PACKAGES},
    "local": {"shared", "tools", *FUNCTION_PACKAGES},
    "testkit": {"shared", "tools", "local", *FUNCTION_PACKAGES},
    "bench": {"shared", "tools", "local", "testkit", *FUNCTION_PACKAGES},
}
PROJECT = {"shared", "tools", "local", "testkit", "tests", "bench", *FUNCTION_PACKAGES}
#: The one module that lays out a Lambda-like sys.path, inside a child interpreter, for
#: tests of *built* packages (see its docstring).
LAMBDA_LAYOUT = ROOT / "testkit" / "lambda_runtime.py"


def side_of(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[1] if relative.parts[0] == "functions" else relative.parts[0]


def sources(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py"))


def imported_projects(path: Path) -> set[str]:
    """The project's top-level packages that ``path`` imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & PROJECT


def allowed(side: str) -> set[str]:
    return SIDES.get(side, {"shared"})  # a function's package: shared and itself


@pytest.mark.parametrize(
    "path",
    sources("functions", "tools", "local", "testkit", "bench"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_a_module_imports_only_what_its_side_may_use(path: Path) -> None:
    side = side_of(path)
    assert imported_projects(path) <= allowed(side) | {side}


def test_the_rule_refuses_an_import_that_runs_the_other_way(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from local.stack import LocalStack\nimport tools.stack\n")
    assert imported_projects(module) == {"local", "tools"}
    assert not imported_projects(module) <= allowed("tools") | {"tools"}


@pytest.mark.parametrize(
    "path",
    [
        *sources("functions", "tools", "local", "testkit", "bench", "tests"),
        ROOT / "Makefile",
        ROOT / "bin" / "content",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_finds_the_project_s_code_through_pythonpath_or_sys_path(path: Path) -> None:
    if path in (LAMBDA_LAYOUT, Path(__file__)):
        return
    text = path.read_text(encoding="utf-8")
    assert "PYTHONPATH" not in text
    assert "sys.path" not in text
