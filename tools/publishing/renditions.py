"""An HLS rendition set on disk (``bin/content add --dir``), checked before any AWS call (not
in the function package).

A set is a directory of playlists and segments published as one item: every file keeps its
place relative to the directory, under the publish's own folder
(``shared.catalog.model.set_root``), so the playlists' relative URIs resolve to it, and the content
grant in the URL's path before it covers them all. The checks, each refused with one line:

- every name on the way to a file is a safe key segment (:data:`SAFE_NAME`: letters, digits,
  ``.``, ``_``, ``-``, starting with a letter or digit), so a key needs no percent-encoding and
  a playlist's URI is the key itself; an operating system's own files (``.DS_Store``, ...)
  are named as such, and left out on request (``--skip-os-junk``);
- every file is a regular file inside the directory (a symbolic link that leads outside it,
  or to a directory, is refused) of a type a set may hold (``media_types``:
  playlists, segments, init sections, subtitles, keys; anything else is a stray file), whose
  first bytes are what its type says (but for segments in a set with AES-128 keys: those are
  ciphertext);
- the entry playlist is ``master.m3u8`` at the top, or the only playlist there;
- every playlist passes ``playlist.check``: an allow-list of lines read as hls.js
  reads them, whose URIs are relative and name files of the set, and every media playlist
  is finished (``#EXT-X-ENDLIST``): a publish's objects never change, so they are cached like
  a single file's.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import HLS_PLAYLIST

from . import playlist
from .media_types import BY_NAME, HEAD, MEDIA_TYPE_BY_EXTENSION, SET_EXTENSIONS, check_bytes

#: The longest name of a file or folder in a set (a key segment).
MAX_NAME = 128
#: One segment of a file's path inside the set, and the rule in words.
SAFE_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME - 1}}}")
SAFE_NAME_RULE = (
    f"1-{MAX_NAME} characters: letters, digits, '.', '_' and '-', starting with a letter or digit"
)
#: Files an operating system leaves in folders by itself: macOS's Finder (.DS_Store) and
#: AppleDouble (._name) files, Windows Explorer's Thumbs.db and desktop.ini.
#: A playlist that encrypts its segments whole (AES-128), as a player reads the tag.
_AES_128 = re.compile(rb"^\s*#EXT-X-KEY:.*METHOD\s*=\s*\"?AES-128\b", re.MULTILINE | re.IGNORECASE)
_OS_JUNK = re.compile(r"\.DS_Store|\._.*|(?i:thumbs\.db|desktop\.ini)")
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
    #: The operating system's own files left out (``skip_os_junk``), by place.
    skipped: tuple[str, ...] = ()

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
    def scan(cls, directory: Path, *, skip_os_junk: bool = False) -> RenditionSet:
        """The set in ``directory``, or ``InvalidValueError`` naming the first rule broken;
        with ``skip_os_junk``, an operating system's own files are left out
        (:attr:`skipped`)."""
        if not directory.is_dir():
            raise InvalidValueError(f"no such directory: {directory}")
        top = directory.resolve()
        places, skipped = _walk(top, skip_os_junk)
        checked = [_checked_file(top, relative) for relative in places]
        if not checked:
            raise InvalidValueError(f"{directory} holds no files")
        found = [file for file, _ in checked]
        encrypted = any(_AES_128.search(f.path.read_bytes()) for f in found if f.is_playlist)
        for file, head in checked:
            media_type = BY_NAME[file.media_type]
            if not (encrypted and media_type.segment):
                check_bytes(media_type, io.BytesIO(head), file.relative)
        entry = _entry(directory, found)
        media_types = {file.relative: file.media_type for file in found}
        for each in (file for file in found if file.is_playlist):
            playlist.check(
                f"{directory}/{each.relative}", each.relative, each.path.read_bytes(), media_types
            )
        ordered = sorted(found, key=lambda f: (f is entry, f.is_playlist, f.relative))
        return cls(directory, tuple(ordered), skipped)


def _place(file: SetFile) -> str:
    return file.relative


def _walk(top: Path, skip_os_junk: bool) -> tuple[list[str], tuple[str, ...]]:
    """Every file's place under ``top``, sorted, and the OS junk skipped; names checked on the
    way down."""
    places: list[str] = []
    skipped: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(top / folder if folder else top) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                place = f"{folder}/{entry.name}" if folder else entry.name
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir and _OS_JUNK.fullmatch(entry.name):
                    if not skip_os_junk:
                        raise InvalidValueError(
                            f"{place!r} is an operating system's own file (.DS_Store, ._*, "
                            "Thumbs.db, desktop.ini): delete it, or pass --skip-os-junk"
                        )
                    skipped.append(place)
                    continue
                if not SAFE_NAME.fullmatch(entry.name):
                    length = f" (it has {len(entry.name)})" if len(entry.name) > MAX_NAME else ""
                    raise InvalidValueError(
                        f"{place!r} is not a safe name{length}: use {SAFE_NAME_RULE}"
                    )
                if is_dir:
                    pending.append(place)
                else:
                    places.append(place)
                if len(places) > MAX_FILES:
                    raise InvalidValueError(f"more than {MAX_FILES} files: is this the right one?")
    return sorted(places), tuple(sorted(skipped))


def _checked_file(top: Path, relative: str) -> tuple[SetFile, bytes]:
    """The file at ``relative``, checked but for its first bytes, and those bytes."""
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
    media_type = BY_NAME.get(MEDIA_TYPE_BY_EXTENSION.get(extension, ""))
    if media_type is None or not media_type.in_set:
        raise InvalidValueError(
            f"{relative} is not a file of an HLS rendition set (a set holds "
            f"{' '.join(SET_EXTENSIONS)} files): move it out of the directory"
        )
    data = real.read_bytes()
    if not data:
        raise InvalidValueError(f"{relative} is empty")
    checked = SetFile(relative, real, media_type.name, len(data), hashlib.sha256(data).hexdigest())
    return checked, data[:HEAD]


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
