"""The media types `bin/content` publishes: one table, an allow-list, and what a file to
publish is (:class:`FileKind`). Publishing side: not in the function package.

Each type says which files have it (extensions, lower case: nothing is guessed from the
machine's own tables, so every operator gets the same answer), which kind of item it makes,
how a browser gets it (inline or as an attachment), whether an HLS rendition set may hold it,
and what its first bytes must look like. A type not in the table is not published, and HTML,
XHTML, SVG and XML are refused whatever ``--content-type`` says: served from the content
domain, a ``<meta http-equiv=refresh>`` or a form would make it a phishing page.

Why check the bytes: a file is served with the type recorded here, with ``nosniff`` and a
sandboxing CSP; a type that does not describe the bytes (an SVG named ``.png``, a page passed
as ``text/plain``) is a mistake or an attempt, refused before any AWS call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import HLS_PLAYLIST

#: How many bytes the signatures look at (JSON, which must parse, reads the whole file).
HEAD = 4096
#: An MPEG transport stream is 188-byte packets, each starting with this sync byte.
TS_PACKET = 188
TS_SYNC = 0x47
#: AES-128 (RFC 8216, 4.3.2.4): the key file is the 16-octet key itself.
AES_128_KEY_BYTES = 16
_BOM = b"\xef\xbb\xbf"
#: RFC 6838 type/subtype names, no parameters (what S3 stores and CloudFront sends back).
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_EXTENSION = re.compile(r"(\.[a-z0-9]{1,10})?")


def _box_at_4(*boxes: bytes) -> Callable[[BinaryIO], bool]:
    """An ISO base media file (MP4, QuickTime, CMAF): a box whose type is one of ``boxes``
    first (four bytes of size, then the type)."""

    def matches(stream: BinaryIO) -> bool:
        head = stream.read(8)
        return len(head) == 8 and head[4:8] in boxes

    return matches


def _starts_with(*prefixes: bytes) -> Callable[[BinaryIO], bool]:
    def matches(stream: BinaryIO) -> bool:
        return stream.read(HEAD).startswith(prefixes)

    return matches


def _transport_stream(stream: BinaryIO) -> bool:
    """The sync byte at the start of every 188-byte packet of the head."""
    head = stream.read(HEAD)
    return bool(head) and all(head[at] == TS_SYNC for at in range(0, len(head), TS_PACKET))


def _webp(stream: BinaryIO) -> bool:
    head = stream.read(12)
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _adts_or_id3(stream: BinaryIO) -> bool:
    """Packed audio (RFC 8216, 3.4): ADTS frames, or the ID3 tag that carries the timestamp
    (FFmpeg's HLS muxer writes one first)."""
    head = stream.read(3)
    return head == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0)


def _webvtt(stream: BinaryIO) -> bool:
    """WebVTT: an optional byte order mark, ``WEBVTT``, then a space, tab, line break or the
    end (the W3C WebVTT file signature)."""
    head = stream.read(16).removeprefix(_BOM)
    return head.startswith(b"WEBVTT") and head[6:7] in (b"", b" ", b"\t", b"\n", b"\r")


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _json(stream: BinaryIO) -> bool:
    """JSON a browser's ``JSON.parse`` accepts (no NaN or Infinity), an object or an array,
    in UTF-8 (a byte order mark allowed)."""
    try:
        parsed = json.loads(stream.read().decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(parsed, (dict, list))


#: Bytes no text file holds (the WHATWG MIME sniffing standard's "binary data bytes").
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
#: What a browser sniffing unknown bytes takes for HTML, XML or SVG (the WHATWG MIME sniffing
#: standard's patterns, and SVG's root element): a tag at the start, after a byte order mark
#: and white space, then a space or ``>``.
_MARKUP = re.compile(
    rb"\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br"
    rb"|p|!--|\?xml|svg)(?:[\s>/]|$)",
    re.IGNORECASE,
)


def looks_like_markup(head: bytes) -> bool:
    return bool(_MARKUP.match(head.removeprefix(_BOM)))


def _text(stream: BinaryIO) -> bool:
    """Text: no binary bytes in the head, and not a page (HTML, XML or SVG) either."""
    head = stream.read(HEAD)
    return not _BINARY.search(head) and not looks_like_markup(head)


def _aes_key(stream: BinaryIO) -> bool:
    return len(stream.read(AES_128_KEY_BYTES + 1)) == AES_128_KEY_BYTES


@dataclass(frozen=True)
class MediaType:
    """One row of the table."""

    name: str
    extensions: tuple[str, ...]
    #: The item's type (``shared.catalog.model.CONTENT_TYPES``) a file of this media type makes.
    kind: str
    #: Served to be shown in the browser; otherwise ``Content-Disposition: attachment``.
    inline: bool
    #: What the first bytes must be, in words (for the refusal), and the check.
    signature: str
    matches: Callable[[BinaryIO], bool]
    #: An HLS rendition set may hold it (``bin/content add --dir``).
    in_set: bool = False
    #: It may be published on its own (``bin/content add --file``).
    alone: bool = True
    #: A segment or init section of a set: under an AES-128 key it is ciphertext, whose first
    #: bytes say nothing (RFC 8216, 4.3.2.4: the whole segment, init sections included).
    segment: bool = False


_ZIP = _starts_with(b"PK\x03\x04", b"PK\x05\x06")
_ZIP_SIGNATURE = "a ZIP archive (PK)"
_TEXT = "text (no binary bytes, not HTML, XML or SVG)"

MEDIA_TYPES = (
    # Media, shown by the browser's player.
    MediaType(
        "video/mp4",
        (".mp4", ".m4v"),
        "video",
        True,
        "an MP4 'ftyp' box",
        _box_at_4(b"ftyp"),
        in_set=True,
        segment=True,
    ),
    MediaType(
        "video/quicktime",
        (".mov",),
        "video",
        True,
        "a QuickTime movie ('ftyp', 'moov', 'mdat', 'wide' or 'free' box)",
        _box_at_4(b"ftyp", b"moov", b"mdat", b"wide", b"free"),
    ),
    MediaType(
        "video/webm",
        (".webm",),
        "video",
        True,
        "WebM (EBML header)",
        _starts_with(b"\x1aE\xdf\xa3"),
    ),
    # An HLS rendition set: playlists, segments, init sections, subtitles and keys.
    MediaType(
        HLS_PLAYLIST,
        (".m3u8",),
        "video",
        True,
        "an HLS playlist (#EXTM3U)",
        _starts_with(b"#EXTM3U"),
        in_set=True,
        alone=False,
    ),
    MediaType(
        "video/mp2t",
        (".ts",),
        "video",
        True,
        f"an MPEG transport stream (0x47 every {TS_PACKET} bytes)",
        _transport_stream,
        in_set=True,
        segment=True,
    ),
    MediaType(
        "video/iso.segment",
        (".m4s",),
        "video",
        True,
        "an fMP4 segment ('styp', 'sidx', 'moof', 'emsg' or 'prft' box)",
        _box_at_4(b"styp", b"sidx", b"moof", b"emsg", b"prft"),
        in_set=True,
        segment=True,
    ),
    MediaType(
        "audio/aac",
        (".aac",),
        "assignment",
        True,
        "ADTS audio, or an ID3 tag",
        _adts_or_id3,
        in_set=True,
        segment=True,
    ),
    MediaType(
        "text/vtt",
        (".vtt",),
        "assignment",
        True,
        "WebVTT (WEBVTT)",
        _webvtt,
        in_set=True,
        segment=True,
    ),
    MediaType(
        "application/octet-stream",
        (".key",),
        "assignment",
        False,
        f"an AES-128 key ({AES_128_KEY_BYTES} bytes)",
        _aes_key,
        in_set=True,
        alone=False,
    ),
    # Quizzes.
    MediaType("application/json", (".json",), "quiz", True, "a JSON object or array", _json),
    # Assignments: documents and images shown inline, everything else downloaded.
    MediaType(
        "application/pdf", (".pdf",), "assignment", True, "a PDF (%PDF-)", _starts_with(b"%PDF-")
    ),
    MediaType(
        "image/png", (".png",), "assignment", True, "a PNG", _starts_with(b"\x89PNG\r\n\x1a\n")
    ),
    MediaType(
        "image/jpeg", (".jpg", ".jpeg"), "assignment", True, "a JPEG", _starts_with(b"\xff\xd8\xff")
    ),
    MediaType("image/webp", (".webp",), "assignment", True, "a WebP (RIFF, WEBP)", _webp),
    MediaType("text/plain", (".txt",), "assignment", True, _TEXT, _text),
    MediaType("text/markdown", (".md",), "assignment", False, _TEXT, _text),
    MediaType("text/csv", (".csv",), "assignment", False, _TEXT, _text),
    MediaType("application/zip", (".zip",), "assignment", False, _ZIP_SIGNATURE, _ZIP),
    MediaType(
        "application/gzip",
        (".gz", ".tgz"),
        "assignment",
        False,
        "gzip data",
        _starts_with(b"\x1f\x8b"),
    ),
    MediaType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "assignment",
        False,
        _ZIP_SIGNATURE,
        _ZIP,
    ),
    MediaType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        "assignment",
        False,
        _ZIP_SIGNATURE,
        _ZIP,
    ),
    MediaType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        "assignment",
        False,
        _ZIP_SIGNATURE,
        _ZIP,
    ),
)
BY_NAME = {media_type.name: media_type for media_type in MEDIA_TYPES}
MEDIA_TYPE_BY_EXTENSION = {
    extension: media_type.name for media_type in MEDIA_TYPES for extension in media_type.extensions
}
#: The extensions a rendition set's files may have, for the refusal of a stray file.
SET_EXTENSIONS = tuple(e for t in MEDIA_TYPES if t.in_set for e in t.extensions)

#: Pages and markup: refused for every kind of item, by media type and by extension.
_MARKUP_TYPE = re.compile(r"text/html|application/xhtml\+xml|(?:application|text)/xml|.*\+xml")
MARKUP_EXTENSIONS = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt"}
)
MARKUP_REFUSAL = (
    "HTML, XHTML, SVG and XML are never published: served from the content domain, "
    "a page can redirect or collect passwords; publish a PDF instead"
)


def is_markup(media_type: str) -> bool:
    return bool(_MARKUP_TYPE.fullmatch(media_type))


def allowed(name: str) -> MediaType:
    """The table's row for ``name``, or ``InvalidValueError`` saying why it is not published."""
    if is_markup(name):
        raise InvalidValueError(f"{name}: {MARKUP_REFUSAL}")
    found = BY_NAME.get(name)
    if found is None:
        names = ", ".join(sorted(BY_NAME))
        raise InvalidValueError(f"{name} is not a type bin/content publishes; it publishes {names}")
    return found


def check_bytes(media_type: MediaType, stream: BinaryIO, name: str) -> None:
    """``InvalidValueError`` unless the stream's first bytes are what ``media_type`` says."""
    if not media_type.matches(stream):
        raise InvalidValueError(f"{name} is not {media_type.signature}, which {media_type.name} is")


def content_disposition(media_type: str, filename: str) -> str | None:
    """The ``Content-Disposition`` a file of ``media_type`` is served with: none (inline) for
    media, PDF, images, JSON and plain text, ``attachment`` for everything else, named
    ``filename`` (made of safe characters by the caller) when saved."""
    row = BY_NAME.get(media_type)
    if row is not None and row.inline:
        return None
    return f'attachment; filename="{filename}"'


@dataclass(frozen=True)
class FileKind:
    """What a file to publish is: its extension (in the key), media type and content type."""

    extension: str
    media_type: str
    type: str

    @classmethod
    def of(cls, filename: str, media_type: str | None, type_: str | None) -> FileKind:
        """Classify ``filename``: a media type of the table, from its extension or given; an
        explicit media type or type must agree with the file."""
        dot = filename.rfind(".")
        extension = filename[dot:].lower() if dot > 0 else ""
        if not _EXTENSION.fullmatch(extension):
            raise InvalidValueError(
                f"the extension of {filename} must be '.' and 1-10 letters or digits"
            )
        if extension in MARKUP_EXTENSIONS:
            raise InvalidValueError(f"{filename}: {MARKUP_REFUSAL}")
        known = MEDIA_TYPE_BY_EXTENSION.get(extension)
        chosen = media_type if media_type is not None else known
        if chosen is None:
            raise InvalidValueError(
                f"cannot tell the content type of {filename}; pass --content-type"
            )
        if not _MEDIA_TYPE.fullmatch(chosen):
            raise InvalidValueError(f"{chosen!r} is not a media type (type/subtype, lower case)")
        row = allowed(chosen)
        if not row.alone:
            raise InvalidValueError(
                f"{filename} is a file of an HLS rendition set: publish the set's directory "
                "with --dir DIR"
            )
        kind = row.kind
        if known is not None and BY_NAME[known].kind != kind:
            raise InvalidValueError(f"content type {chosen} contradicts {filename} ({known})")
        if type_ is not None and type_ != kind:
            raise InvalidValueError(f"--type {type_} contradicts {filename}, which is a {kind}")
        return cls(extension, chosen, kind)

    @property
    def media(self) -> MediaType:
        return BY_NAME[self.media_type]
