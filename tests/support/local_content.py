"""The content tool (`bin/content --local`) against a local stack of the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.stack import ROOT


def local_content(stack: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """What `bin/content --local --local-state <stack's stack.json> <args>` runs, in this
    interpreter, with no AWS setting of this process."""
    state = Path(stack["edge_config_path"]).parent / "stack.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    command = [sys.executable, "-m", "tools.content", "--local", "--local-state", str(state)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60
    )
