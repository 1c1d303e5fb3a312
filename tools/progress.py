"""A one-line progress bar for the terminal: uploads (in MB) and imports (in enrolments)."""

from __future__ import annotations

from typing import TextIO

_MB = 1024 * 1024


class ProgressBar:
    """Redrawn in place on ``stream`` each time some more of ``total`` is done; ``unit``
    ``"MB"`` counts bytes and shows megabytes, any other unit counts as it is."""

    def __init__(self, total: int, stream: TextIO, width: int = 30, unit: str = "MB") -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.width = width
        self.unit = unit

    def __call__(self, transferred: int) -> None:
        self.done += transferred
        filled = self.width * self.done // self.total
        percent = 100 * self.done // self.total
        if self.unit == "MB":
            amount = f"{self.done / _MB:.1f}/{self.total / _MB:.1f} MB"
        else:
            amount = f"{self.done}/{self.total} {self.unit}"
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {amount}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
