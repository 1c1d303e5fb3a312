"""Run a ``testkit.killable_*`` module against moto and SIGKILL it the moment it reports
that its write took effect: a process that dies there, as a Lambda timeout or a lost machine
ends one, with no chance to clean up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tools.stack import ROOT


def killed_after_its_write(module: str, moto_url: str, *args: str) -> str:
    """The line ``module`` printed before it was killed (``"<step> done\\n"`` when its write
    happened), or an assertion error with its stderr."""
    env = {**os.environ, "AWS_ENDPOINT_URL": moto_url}
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert line.endswith("done\n"), process.stderr.read() if process.stderr else ""
    return line
