"""Relative links and anchors in Markdown files, read the way GitHub renders them.

Only what the README and docs/ use: ATX headings (``#`` to ``######``), inline links
``[text](target)`` (images too), fenced code blocks and inline code, which hold no links.
A heading's anchor is GitHub's slug of its text: lower case, each space a ``-``, every
character dropped that is not a letter, a mark, a digit, ``_`` or ``-``; a repeated heading
gets ``-1``, ``-2``, ... in the order the headings appear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"!?\[([^\[\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class BrokenLink:
    source: Path
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: ({self.target}) {self.reason}"


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (fence lines included, as blank lines)."""
    lines: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        if fence is None:
            opened = FENCE.match(line)
            fence = opened.group(1) if opened else None
            lines.append("" if opened else line)
            continue
        closing = CLOSING_FENCE.match(line)
        if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
            fence = None
        lines.append("")
    return lines


def _plain(heading: str) -> str:
    """A heading's rendered text: code spans keep their content, links their text."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = LINK.sub(lambda m: m.group(1), text)
    return text.replace("*", "")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (before duplicates are numbered)."""
    kept = (
        ch
        for ch in _plain(heading).strip().lower()
        if ch in " -_" or unicodedata.category(ch)[0] in "LMN"
    )
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a Markdown document, duplicates numbered as GitHub does."""
    seen: set[str] = set()
    for line in _prose_lines(text):
        found = HEADING.match(line)
        if not found:
            continue
        base = slug(found.group(2))
        candidate, n = base, 0
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
    return seen


def links(text: str) -> list[str]:
    """Targets of the inline links outside code, in order."""
    prose = "\n".join(_prose_lines(text))
    prose = CODE_SPAN.sub("code", prose)
    return [m.group(2) for m in LINK.finditer(prose)]


def broken_links(files: list[Path]) -> list[BrokenLink]:
    """Relative links whose file does not exist, or whose ``#anchor`` is no heading there."""
    broken: list[BrokenLink] = []
    for source in files:
        text = source.read_text(encoding="utf-8")
        for target in links(text):
            if not target:
                broken.append(BrokenLink(source, target, "is empty"))
                continue
            if SCHEME.match(target):
                continue
            path_part, _, fragment = target.partition("#")
            resolved = (source.parent / unquote(path_part)).resolve() if path_part else source
            if not resolved.exists():
                broken.append(BrokenLink(source, target, f"names no file ({resolved})"))
                continue
            if not fragment:
                continue
            if resolved.suffix != ".md":
                broken.append(BrokenLink(source, target, "has an anchor into a non-Markdown file"))
            elif unquote(fragment) not in anchors(resolved.read_text(encoding="utf-8")):
                broken.append(BrokenLink(source, target, "names no heading there"))
    return broken
