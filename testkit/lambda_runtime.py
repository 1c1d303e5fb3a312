"""Run code in a fresh interpreter laid out the way Lambda lays out a function.

Lambda's bootstrap puts the function's package (``LAMBDA_TASK_ROOT``) first on the path and the
runtime's SDK after it, and nothing else: no virtual environment, no site-packages, no
``PYTHONPATH``. Tests and benchmarks of *built* packages must see exactly that, not the
project's editable install, so this module is the one place that lays such a path out, and only
inside the child interpreter it starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import boto3

#: What Lambda's bootstrap does before the handler's module is imported.
_BOOTSTRAP = (
    "import os, sys; sys.path[:0] = [os.environ['LAMBDA_TASK_ROOT']]; "
    "sys.path.extend(p for p in os.environ.get('LAMBDA_RUNTIME_SDK', '').split(os.pathsep) if p)\n"
)


def runtime_sdk() -> str:
    """Where boto3 and botocore are installed: the runtime provides them, packages do not."""
    return str(Path(boto3.__file__).parents[1])


def command(code: str, *, python: str = sys.executable) -> list[str]:
    """The command line: an isolated interpreter (-I -S) that runs ``code`` after the bootstrap."""
    return [python, "-B", "-I", "-S", "-c", _BOOTSTRAP + code]


def environment(package: Path, env: Mapping[str, str], *, sdk: bool = True) -> dict[str, str]:
    """``env`` plus the variables the bootstrap reads (the SDK only when ``sdk``)."""
    layout = {"LAMBDA_TASK_ROOT": str(package)}
    if sdk:
        layout["LAMBDA_RUNTIME_SDK"] = runtime_sdk()
    return {**env, **layout}


def run(
    package: Path,
    code: str,
    env: Mapping[str, str],
    *,
    python: str = sys.executable,
    sdk: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` against ``package`` alone (plus the SDK when ``sdk``); never raises on exit."""
    return subprocess.run(
        command(code, python=python),
        input=stdin,
        env=environment(package, {"PATH": os.environ.get("PATH", ""), **env}, sdk=sdk),
        capture_output=True,
        text=True,
        check=False,
    )
