"""Reading what `make local` printed: its log, block by block."""

from __future__ import annotations

import time
from pathlib import Path

#: How long the stack may take to print its summary after writing stack.json (bounded wait on
#: a condition, not a timed assertion).
PRINT_TIMEOUT_SECONDS = 60.0


def printed_block(log: Path, heading: str) -> list[str]:
    """The indented command lines under ``heading`` in ``log``, up to the next blank line,
    once the summary has been printed (the stack writes stack.json just before)."""
    deadline = time.monotonic() + PRINT_TIMEOUT_SECONDS
    while "Everything above is in" not in log.read_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"no summary printed:\n{log.read_text()}")
        time.sleep(0.05)
    lines = log.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == heading) + 1
    block: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line.strip())
    return block
