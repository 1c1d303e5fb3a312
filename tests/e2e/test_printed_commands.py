"""The commands `make local` prints work as printed: copied into a fresh shell (no path
settings, no activated venv, nothing exported), each curl gets the status its comment promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.printout import printed_block
from tools.stack import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]

#: A printed command line and the status its comment names (the API lines name none: 200).
EXPECTED = re.compile(r"#\s*(?P<status>\d{3})\b")
STATUS_LINE = re.compile(r"^HTTP/[0-9.]+ (?P<status>\d{3})", re.M)


def run_in_a_fresh_shell(commands: list[str]) -> list[str]:
    """Each command's output, run one after another in one `bash --noprofile --norc` started
    with an empty environment but PATH and HOME, in the checkout (as a user copies them)."""
    marker = "=====next command====="
    script = "\n".join(f"echo {marker}\n{command}" for command in commands)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The video's bytes come back too: read the answers as Latin-1, which decodes any byte.
    return result.stdout.decode("latin-1").split(marker + "\n")[1:]


def test_the_printed_curl_commands_answer_as_their_comments_say(stack: dict[str, Any]) -> None:
    log = Path(stack["edge_config_path"]).parent / "local.log"
    commands = printed_block(log, "Try it with curl:")
    assert any(line.startswith("TOKEN=$(.venv/bin/python -m local.token") for line in commands)
    outputs = run_in_a_fresh_shell(commands)
    curls = [(c, o) for c, o in zip(commands, outputs, strict=True) if c.startswith("curl")]
    assert len(curls) == 4
    for command, output in curls:
        expected = EXPECTED.search(command)
        if "-i" in command.split():
            status = STATUS_LINE.search(output)
            assert status, (command, output[:300])
            assert status["status"] == (expected["status"] if expected else "200"), command
        else:
            assert '"courses"' in output, (command, output[:300])
