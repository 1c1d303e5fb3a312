"""An HLS rendition set on disk (``bin/content add --dir``), checked before any AWS call (not
in the function package).

A set is a directory of playlists and segments published as one item: every file keeps its
place relative to the directory, under the publish's own folder
(``shared.catalog.model.set_root``), so the playlists' relative URIs resolve to it, and the content
grant in the URL's path before it covers them all. The checks, each refused with one line:

- every name on the way to a file is a safe key segment (:data:`SAFE_NAME`: letters, digits,
  ``.``, ``_``, ``-``, starting with a letter or digit), so a key needs no percent-encoding and
  a playlist's URI is the key itself;
- every file is a regular file inside the directory (a symbolic link that leads outside it,
  or to a directory, is refused) with an extension the content-type table knows;
- the entry playlist is ``master.m3u8`` at the top, or the only playlist there;
- every playlist passes ``catalog.playlist.check``: an allow-list of lines read as hls.js
  reads them, whose URIs are relative and name files of the set, and every media playlist
  is finished (``#EXT-X-ENDLIST``): a publish's objects never change, so they are cached like
  a single file's.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import HLS_PLAYLIST, MEDIA_TYPE_BY_EXTENSION

from . import playlist

#: One segment of a file's path inside the set.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: The entry playlist's name when the top holds more than one playlist.
MASTER = "master.m3u8"
#: More files than a lecture's renditions ever have means the wrong directory.
MAX_FILES = 10_000


@dataclass(frozen=True)
class SetFile:
    """One file of a set: where it is inside the set (``/``-separated) and on disk."""

    relative: str
    path: Path
    media_type: str
    size: int
    sha256: str

    @property
    def is_playlist(self) -> bool:
        return self.media_type == HLS_PLAYLIST


@dataclass(frozen=True)
class RenditionSet:
    """A checked set: its files in upload order (segments, then playlists, the entry last,
    so a player could never find a playlist before what it names), and the entry."""

    directory: Path
    files: tuple[SetFile, ...]

    @property
    def entry(self) -> SetFile:
        return self.files[-1]

    @property
    def size(self) -> int:
        return sum(file.size for file in self.files)

    @property
    def sha256(self) -> str:
        """The manifest's digest: each file's place and digest, in order of place."""
        manifest = "".join(f"{f.relative}\t{f.sha256}\n" for f in sorted(self.files, key=_place))
        return hashlib.sha256(manifest.encode()).hexdigest()

    @classmethod
    def scan(cls, directory: Path) -> RenditionSet:
        """The set in ``directory``, or ``InvalidValueError`` naming the first rule broken."""
        if not directory.is_dir():
            raise InvalidValueError(f"no such directory: {directory}")
        top = directory.resolve()
        found = [_checked_file(top, relative) for relative in _walk(top)]
        if not found:
            raise InvalidValueError(f"{directory} holds no files")
        entry = _entry(directory, found)
        media_types = {file.relative: file.media_type for file in found}
        for each in (file for file in found if file.is_playlist):
            playlist.check(
                f"{directory}/{each.relative}", each.relative, each.path.read_bytes(), media_types
            )
        ordered = sorted(found, key=lambda f: (f is entry, f.is_playlist, f.relative))
        return cls(directory, tuple(ordered))


def _place(file: SetFile) -> str:
    return file.relative


def _walk(top: Path) -> list[str]:
    """Every file's place under ``top``, sorted; names checked on the way down."""
    places: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(top / folder if folder else top) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                place = f"{folder}/{entry.name}" if folder else entry.name
                if not SAFE_NAME.fullmatch(entry.name):
                    raise InvalidValueError(
                        f"{place!r} is not a safe name: use letters, digits, '.', '_' and '-', "
                        "starting with a letter or digit"
                    )
                if entry.is_dir(follow_symlinks=False):
                    pending.append(place)
                else:
                    places.append(place)
                if len(places) > MAX_FILES:
                    raise InvalidValueError(f"more than {MAX_FILES} files: is this the right one?")
    return sorted(places)


def _checked_file(top: Path, relative: str) -> SetFile:
    path = top / relative
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop (RuntimeError before Python 3.13)
        raise InvalidValueError(f"{relative} leads nowhere (a broken symbolic link)") from None
    if not real.is_relative_to(top):
        raise InvalidValueError(f"{relative} leads outside the directory (a symbolic link)")
    mode = real.stat().st_mode
    if not stat.S_ISREG(mode):
        raise InvalidValueError(f"{relative} is not a regular file")
    dot = relative.rfind(".")
    extension = relative[dot:].lower() if dot > relative.rfind("/") + 1 else ""
    media_type = MEDIA_TYPE_BY_EXTENSION.get(extension)
    if media_type is None:
        raise InvalidValueError(f"cannot tell the content type of {relative} from its extension")
    data = real.read_bytes()
    if not data:
        raise InvalidValueError(f"{relative} is empty")
    return SetFile(relative, real, media_type, len(data), hashlib.sha256(data).hexdigest())


def _entry(directory: Path, files: list[SetFile]) -> SetFile:
    """``master.m3u8`` at the top, or the only playlist there."""
    top = [file for file in files if file.is_playlist and "/" not in file.relative]
    named = [file for file in top if file.relative == MASTER]
    if named:
        return named[0]
    if len(top) == 1:
        return top[0]
    if not top:
        raise InvalidValueError(f"no playlist (.m3u8) at the top of {directory}")
    raise InvalidValueError(
        f"{len(top)} playlists at the top of {directory} and none is {MASTER}: which is the entry?"
    )
