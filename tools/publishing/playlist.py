"""An HLS playlist of a rendition set, read as hls.js 1.7 reads it and checked against an
allow-list before any AWS call (``bin/content add --dir``; not in the function package).

A published set is served under one content grant, carried in the URL's path, and the player
fetches every URI a playlist gives it with that path. So every line must be something this
check understands the way the player does, and every URI the player could fetch must name a
file of the set. Each line is a blank line, a comment (``#`` not followed by ``EXT``), a URI
line, or one of the tags below: those of RFC 8216 and its current draft (RFC 8216bis) that a
VOD set uses. hls.js's reading (src/loader/m3u8-parser.ts, src/utils/attr-list.ts) is followed
where it differs from the RFC:

- lines end at ``\\n`` or ``\\r`` (a ``\\r\\n`` pair is one line break here); the text must end
  with a line break, or hls.js splits a last ``#EXTINF:<d>,<title>`` at the title's last space
  and fetches the rest; a tag or comment line holds printable characters only (no tab, no
  other line or paragraph separator, no byte order mark, no zero-width character);
- ``#EXT`` appears only at the start of a line: hls.js finds a multivariant playlist's tags
  anywhere in its text (``#EXT-X-MEDIA:`` inside a comment or a NAME is a rendition there);
- ``#EXTINF`` is a duration, a comma and a title, whole: hls.js reads the duration, and reads
  whatever follows it without a comma (``#EXTINF:3.2 http://elsewhere/x.ts``) as a segment URI;
- attribute lists are split as hls.js splits them (a name up to ``=``, trimmed; a quoted value
  up to a quote followed by ``,`` or the end; an unquoted one up to the next comma), so the
  URI checked is the URI fetched, quoted or not; each tag allows a known set of attribute
  names, each at most once;
- a URI is resolved against the playlist's own place (``resolve``): relative, made of the
  characters of safe names, inside the set, naming one of its files.

Refused with the reason why, although RFC 8216bis defines them: content steering (its
manifest, fetched by the player, can move every request, grant and all, to other hosts),
``EXT-X-DEFINE`` (URIs would depend on variables the player substitutes, some imported from
elsewhere or from the URL's query), session data with a URI (fetched by players and apps, its
content unchecked), keys other than ``NONE`` and ``AES-128`` with a key of the set (DRM key
URIs are not files), interstitials and any client attribute (``X-ASSET-URI``,
``X-ASSET-LIST``: hls.js plays interstitials by default, fetching what they name), and the
low-latency tags (``EXT-X-PART``, ``-PART-INF``, ``-PRELOAD-HINT``, ``-RENDITION-REPORT``,
``-SERVER-CONTROL``, ``-SKIP``): they only mean something in a live playlist, and hint at
resources that do not exist yet or make the player add query strings.

An AES-128 key is a file of the set, so it is served under the same grant as the segments it
opens: it is only as private as the grant.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import HLS_PLAYLIST

#: Every file's place is made of safe names (``renditions.SAFE_NAME``), so a URI
#: naming one needs no other character; anything else (a space or byte order mark a player
#: trims, a control character, ``%``, ``\\``, ``#``, ``?``) could make the player read another
#: URI than the one checked here.
_URI_CHARACTERS = re.compile(r"[A-Za-z0-9._/-]+")
#: hls.js's ATTR_LIST_REGEX (src/utils/attr-list.ts), with ``\\Z`` for JavaScript's ``$``:
#: the same matches, as no line break can reach it.
_ATTRIBUTE = re.compile(r'(.+?)=(".*?"|.*?)(?:,|\Z)')
#: ``#EXTINF:<duration>,<title>``, nothing else: hls.js takes what follows a duration without
#: its comma as a segment URI.
_EXTINF = re.compile(r"#EXTINF:\d+(?:\.\d+)?,.*")
_INTEGER = re.compile(r"\d+")
_BYTE_RANGE = re.compile(r"\d+(?:@\d+)?")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)")
_IV = re.compile(r"0[xX][0-9A-Fa-f]{32}")


class Target(Enum):
    """What a URI must name: a playlist, or a file the player reads as media (a segment, an
    initialization section, subtitles) or as a key."""

    PLAYLIST = "a playlist"
    OTHER = "a file other than a playlist"


@dataclass(frozen=True)
class Reference:
    """A URI a playlist gives the player, as the player reads it, and where."""

    line: int
    uri: str
    target: Target


class _Kind(Enum):
    MULTIVARIANT = "a multivariant playlist"
    MEDIA = "a media playlist"


@dataclass
class _State:
    """What the lines so far have made of the playlist."""

    kind: _Kind | None = None
    #: The line of an ``#EXT-X-STREAM-INF`` or ``#EXTINF`` still waiting for its URI line.
    variant: int | None = None
    segment: int | None = None
    finished: bool = False


class _LineError(Exception):
    """One line's refusal, turned into ``InvalidValueError`` with the playlist's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_Attributes = dict[str, str]
#: A tag's own rule: it gets the tag's attributes and returns the references they hold.
_Rule = Callable[[_Attributes], list[tuple[str, Target]]]


def _no_references(_: _Attributes) -> list[tuple[str, Target]]:
    return []


@dataclass(frozen=True)
class _Tag:
    """A tag this check knows: which playlist it belongs to, and its value (none, one
    matching ``value``, or an attribute list of ``names`` checked by ``rule``)."""

    kind: _Kind | None
    value: re.Pattern[str] | None = None
    names: frozenset[str] | None = None
    rule: _Rule = _no_references


def _required(attributes: _Attributes, name: str, tag: str) -> str:
    value = attributes.get(name)
    if value is None:
        raise _LineError(f"#{tag} without {name}")
    return value


def _key(tag: str, methods: frozenset[str]) -> _Rule:
    """``EXT-X-KEY`` and ``EXT-X-SESSION-KEY``: no encryption, or AES-128 with a key of the
    set (hls.js's identity key format, fetched with the grant like any file)."""

    def rule(attributes: _Attributes) -> list[tuple[str, Target]]:
        method = _required(attributes, "METHOD", tag)
        if method not in methods:
            raise _LineError(
                f"#{tag} METHOD={method}: only {' and '.join(sorted(methods))} "
                "(a key of the set; DRM key URIs are not files)"
            )
        if method == "NONE":
            if len(attributes) > 1:
                raise _LineError(f"#{tag} METHOD=NONE with other attributes")
            return []
        if attributes.get("KEYFORMAT", "identity") != "identity":
            raise _LineError(f"#{tag} KEYFORMAT={attributes['KEYFORMAT']}: only identity")
        if attributes.get("KEYFORMATVERSIONS", "1") != "1":
            raise _LineError(f"#{tag} KEYFORMATVERSIONS: only 1")
        iv = attributes.get("IV")
        if iv is not None and not _IV.fullmatch(iv):
            raise _LineError(f"#{tag} IV={iv}: a 128-bit hexadecimal number (0x...)")
        return [(_required(attributes, "URI", tag), Target.OTHER)]

    return rule


def _rendition(attributes: _Attributes) -> list[tuple[str, Target]]:
    """``EXT-X-MEDIA``: a rendition, whose playlist (if it has one) is a file of the set."""
    type_ = _required(attributes, "TYPE", "EXT-X-MEDIA")
    if type_ not in {"AUDIO", "VIDEO", "SUBTITLES", "CLOSED-CAPTIONS"}:
        raise _LineError(f"#EXT-X-MEDIA TYPE={type_}")
    uri = attributes.get("URI")
    if uri is None:
        return []
    if type_ == "CLOSED-CAPTIONS":
        raise _LineError("#EXT-X-MEDIA TYPE=CLOSED-CAPTIONS with a URI")
    return [(uri, Target.PLAYLIST)]


def _i_frames(attributes: _Attributes) -> list[tuple[str, Target]]:
    return [(_required(attributes, "URI", "EXT-X-I-FRAME-STREAM-INF"), Target.PLAYLIST)]


def _map(attributes: _Attributes) -> list[tuple[str, Target]]:
    byte_range = attributes.get("BYTERANGE")
    if byte_range is not None and not _BYTE_RANGE.fullmatch(byte_range):
        raise _LineError(f"#EXT-X-MAP BYTERANGE={byte_range}")
    return [(_required(attributes, "URI", "EXT-X-MAP"), Target.OTHER)]


def _session_data(attributes: _Attributes) -> list[tuple[str, Target]]:
    _required(attributes, "DATA-ID", "EXT-X-SESSION-DATA")
    return []


def _date_range(attributes: _Attributes) -> list[tuple[str, Target]]:
    if attributes.get("CLASS") == "com.apple.hls.interstitial":
        raise _LineError(
            "#EXT-X-DATERANGE is an interstitial: the player fetches and plays what it names"
        )
    return []


_VARIANT = frozenset(
    {
        "BANDWIDTH",
        "AVERAGE-BANDWIDTH",
        "SCORE",
        "CODECS",
        "SUPPLEMENTAL-CODECS",
        "RESOLUTION",
        "FRAME-RATE",
        "HDCP-LEVEL",
        "ALLOWED-CPC",
        "VIDEO-RANGE",
        "REQ-VIDEO-LAYOUT",
        "STABLE-VARIANT-ID",
        "AUDIO",
        "VIDEO",
        "SUBTITLES",
        "CLOSED-CAPTIONS",
        "PROGRAM-ID",  # removed in protocol version 6, still written by some packagers
    }
)
_ANY, _MEDIA, _MULTIVARIANT = None, _Kind.MEDIA, _Kind.MULTIVARIANT
_TAGS: Mapping[str, _Tag] = {
    # Basic tags, and those that may be in either kind of playlist.
    "EXT-X-VERSION": _Tag(_ANY, _INTEGER),
    "EXT-X-INDEPENDENT-SEGMENTS": _Tag(_ANY),
    "EXT-X-START": _Tag(_ANY, names=frozenset({"TIME-OFFSET", "PRECISE"})),
    # Media segment tags (#EXTINF has its own reading).
    "EXT-X-BYTERANGE": _Tag(_MEDIA, _BYTE_RANGE),
    "EXT-X-DISCONTINUITY": _Tag(_MEDIA),
    "EXT-X-KEY": _Tag(
        _MEDIA,
        names=frozenset({"METHOD", "URI", "IV", "KEYFORMAT", "KEYFORMATVERSIONS"}),
        rule=_key("EXT-X-KEY", frozenset({"NONE", "AES-128"})),
    ),
    "EXT-X-MAP": _Tag(_MEDIA, names=frozenset({"URI", "BYTERANGE"}), rule=_map),
    "EXT-X-PROGRAM-DATE-TIME": _Tag(_MEDIA, _DATE_TIME),
    "EXT-X-GAP": _Tag(_MEDIA),
    "EXT-X-BITRATE": _Tag(_MEDIA, _INTEGER),
    "EXT-X-DATERANGE": _Tag(
        _MEDIA,
        names=frozenset(
            {
                "ID",
                "CLASS",
                "START-DATE",
                "CUE",
                "END-DATE",
                "DURATION",
                "PLANNED-DURATION",
                "END-ON-NEXT",
                "SCTE35-CMD",
                "SCTE35-OUT",
                "SCTE35-IN",
            }
        ),
        rule=_date_range,
    ),
    # Media playlist tags.
    "EXT-X-TARGETDURATION": _Tag(_MEDIA, _INTEGER),
    "EXT-X-MEDIA-SEQUENCE": _Tag(_MEDIA, _INTEGER),
    "EXT-X-DISCONTINUITY-SEQUENCE": _Tag(_MEDIA, _INTEGER),
    "EXT-X-ENDLIST": _Tag(_MEDIA),
    "EXT-X-PLAYLIST-TYPE": _Tag(_MEDIA, re.compile("VOD|EVENT")),
    "EXT-X-I-FRAMES-ONLY": _Tag(_MEDIA),
    # Removed in protocol version 7 (RFC 8216, section 7); MediaConvert and FFmpeg can still
    # write it. No player acts on it.
    "EXT-X-ALLOW-CACHE": _Tag(_MEDIA, re.compile("(?i:YES|NO)")),
    # Multivariant playlist tags.
    "EXT-X-MEDIA": _Tag(
        _MULTIVARIANT,
        names=frozenset(
            {
                "TYPE",
                "URI",
                "GROUP-ID",
                "LANGUAGE",
                "ASSOC-LANGUAGE",
                "NAME",
                "STABLE-RENDITION-ID",
                "DEFAULT",
                "AUTOSELECT",
                "FORCED",
                "INSTREAM-ID",
                "BIT-DEPTH",
                "SAMPLE-RATE",
                "CHARACTERISTICS",
                "CHANNELS",
            }
        ),
        rule=_rendition,
    ),
    "EXT-X-STREAM-INF": _Tag(_MULTIVARIANT, names=_VARIANT),
    # RFC 8216bis leaves FRAME-RATE, AUDIO, SUBTITLES and CLOSED-CAPTIONS out of this one;
    # Shaka Packager writes CLOSED-CAPTIONS=NONE on it, and no player reads them there.
    "EXT-X-I-FRAME-STREAM-INF": _Tag(_MULTIVARIANT, names=_VARIANT | {"URI"}, rule=_i_frames),
    "EXT-X-SESSION-DATA": _Tag(
        _MULTIVARIANT, names=frozenset({"DATA-ID", "VALUE", "LANGUAGE"}), rule=_session_data
    ),
    "EXT-X-SESSION-KEY": _Tag(
        _MULTIVARIANT,
        names=frozenset({"METHOD", "URI", "IV", "KEYFORMAT", "KEYFORMATVERSIONS"}),
        rule=_key("EXT-X-SESSION-KEY", frozenset({"AES-128"})),
    ),
}
#: Tags RFC 8216bis defines that this check refuses, and why.
_LIVE_ONLY = "a low-latency tag, for live playlists only: publish VOD sets"
_REFUSED_TAGS: Mapping[str, str] = {
    "EXT-X-CONTENT-STEERING": (
        "content steering: the player fetches a steering manifest that can send every "
        "request, and the grant in its path, to other hosts"
    ),
    "EXT-X-DEFINE": (
        "variables: URIs would depend on values the player substitutes, some imported from "
        "another playlist or from the URL's query"
    ),
    "EXT-X-PART": _LIVE_ONLY,
    "EXT-X-PART-INF": _LIVE_ONLY,
    "EXT-X-PRELOAD-HINT": _LIVE_ONLY,
    "EXT-X-RENDITION-REPORT": _LIVE_ONLY,
    "EXT-X-SERVER-CONTROL": _LIVE_ONLY,
    "EXT-X-SKIP": _LIVE_ONLY,
}
#: Attributes refused with their own reason (any other unknown attribute is refused too).
_REFUSED_ATTRIBUTES: Mapping[tuple[str, str], str] = {
    ("EXT-X-DATERANGE", "X-ASSET-LIST"): "names an interstitial asset list (X-ASSET-LIST)",
    ("EXT-X-DATERANGE", "X-ASSET-URI"): "names an interstitial asset (X-ASSET-URI)",
    ("EXT-X-SESSION-DATA", "URI"): (
        "#EXT-X-SESSION-DATA with a URI: players and apps fetch it, its content unchecked"
    ),
}


def attribute_list(text: str) -> tuple[list[tuple[str, str]], str]:
    """An attribute list's names and values, as hls.js's ``AttrList.parseAttrList`` reads
    them (a quoted value without its quotes, an unquoted one as it stands), and the text it
    drops: what follows the last ``=`` it can pair."""
    pairs: list[tuple[str, str]] = []
    end = 0
    for match in _ATTRIBUTE.finditer(text):
        value = match.group(2)
        if value.startswith('"') and value.endswith('"'):  # hls.js: '"' alone is quoted too
            value = value[1:-1]
        pairs.append((match.group(1).strip(" "), value))
        end = match.end()
    return pairs, text[end:]


def references(text: str, where: str) -> Iterator[Reference]:
    """Every URI ``text`` gives a player, in line order; ``InvalidValueError`` naming
    ``where`` (and the line) at the first thing the allow-list does not know. A URI line's
    reference is yielded before the line's place in the playlist is checked, so that a wrong
    URI is named as such first."""
    if text.split("\n", 1)[0].removesuffix("\r") != "#EXTM3U":
        raise InvalidValueError(f"{where} is not an HLS playlist (no #EXTM3U)")
    if not text.endswith("\n"):
        # hls.js would split a last "#EXTINF:<d>,<title>" line at the title's last space and
        # read the rest as a segment URI.
        raise InvalidValueError(f"{where} does not end with a line break")
    state = _State()
    lines = text.split("\n")[1:-1]
    for number, line in enumerate((raw.removesuffix("\r") for raw in lines), start=2):
        try:
            yield from _line(line, number, state)
        except _LineError as refused:
            raise InvalidValueError(f"{where}:{number}: {refused.reason}") from None
    for pending, tag in ((state.variant, "#EXT-X-STREAM-INF"), (state.segment, "#EXTINF")):
        if pending is not None:
            raise InvalidValueError(f"{where}:{pending}: {tag} with no URI line after it")
    if state.kind is _Kind.MEDIA and not state.finished:
        raise InvalidValueError(f"{where} is not finished (#EXT-X-ENDLIST): publish VOD sets only")


def _line(line: str, number: int, state: _State) -> Iterator[Reference]:
    if not line:
        return
    if "#EXT" in line[1:]:
        raise _LineError("'#EXT' inside a line: players find tags anywhere in a playlist's text")
    if not line.startswith("#"):
        target = _uri_line(state)
        yield Reference(number, line, target or Target.OTHER)
        if target is None:
            raise _LineError("a URI line that no #EXTINF or #EXT-X-STREAM-INF introduces")
        return
    if not line.isprintable():
        raise _LineError("a character that is not printable (a tab, a line separator, ...)")
    if line[:4].upper() == "#EXT":
        yield from _tag(line, number, state)
    # Anything else is a comment.


def _uri_line(state: _State) -> Target | None:
    """What the URI line now read must name, given the tag it completes (if any)."""
    if state.variant is not None:
        state.variant = None
        return Target.PLAYLIST
    if state.segment is not None:
        state.segment = None
        return Target.OTHER
    return None


def _tag(line: str, number: int, state: _State) -> Iterator[Reference]:
    name, colon, value = line[1:].partition(":")
    if state.variant is not None:
        raise _LineError(f"#{name} between #EXT-X-STREAM-INF and its URI line")
    if name in _REFUSED_TAGS:
        raise _LineError(f"#{name}: {_REFUSED_TAGS[name]}")
    if name == "EXTM3U":
        raise _LineError("#EXTM3U again: it is the first line only")
    if name == "EXTINF":
        _kind(state, _Kind.MEDIA, name)
        if not _EXTINF.fullmatch(line):
            raise _LineError("#EXTINF must be a duration, a comma and a title (#EXTINF:<d>,<t>)")
        if state.segment is not None:
            raise _LineError(f"#EXTINF after the #EXTINF of line {state.segment}, with no URI")
        state.segment = number
        return
    tag = _TAGS.get(name)
    if tag is None:
        raise _LineError(f"#{name} is not a tag this check knows (RFC 8216's, for VOD sets)")
    _kind(state, tag.kind, name)
    if tag.names is not None:
        yield from _attributes(name, value, tag.names, tag.rule, number)
    elif tag.value is None and colon:
        raise _LineError(f"#{name} takes no value")
    elif tag.value is not None and not tag.value.fullmatch(value):
        raise _LineError(f"#{name} with a value this check does not know: {value!r}")
    if name == "EXT-X-STREAM-INF":
        state.variant = number
    elif name == "EXT-X-ENDLIST":
        state.finished = True


def _kind(state: _State, kind: _Kind | None, name: str) -> None:
    if kind is None:
        return
    if state.kind is not None and state.kind is not kind:
        raise _LineError(f"#{name} in {state.kind.value}")
    state.kind = kind


def _attributes(
    name: str, value: str, names: frozenset[str], rule: _Rule, number: int
) -> Iterator[Reference]:
    pairs, dropped = attribute_list(value)
    if dropped:
        raise _LineError(f"#{name} ends with {dropped!r}, which is no attribute")
    attributes: _Attributes = {}
    for attribute, found in pairs:
        refused = _REFUSED_ATTRIBUTES.get((name, attribute))
        if refused is not None:
            raise _LineError(refused)
        if attribute not in names:
            raise _LineError(
                f"#{name} with attribute {attribute!r}, which this check does not know"
            )
        if attribute in attributes:
            raise _LineError(f"#{name} with {attribute} twice")
        attributes[attribute] = found
    if not attributes:
        raise _LineError(f"#{name} without attributes")
    for uri, target in rule(attributes):
        yield Reference(number, uri, target)


def resolve(playlist: str, uri: str) -> str | None:
    """The place inside the set a playlist's relative ``uri`` names; None when it is absolute,
    carries a query or fragment or any character no file's place has, or leads out of the
    set. A URI with an empty segment (``//``, a leading or trailing ``/``) or ending in ``.``
    or ``..`` is refused too: ``normpath`` would drop what a player keeps in the URL."""
    segments = uri.split("/")
    if not _URI_CHARACTERS.fullmatch(uri) or "" in segments or segments[-1] in {".", ".."}:
        return None
    place = posixpath.normpath(posixpath.join(posixpath.dirname(playlist), uri))
    if place == ".." or place.startswith("../") or place == ".":
        return None
    return place


def check(where: str, place: str, data: bytes, media_types: Mapping[str, str]) -> None:
    """Check the playlist at ``place`` in a set whose files' places and media types are
    ``media_types``; ``InvalidValueError`` naming ``where`` (and the line) otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidValueError(f"{where} is not UTF-8 text") from None
    for reference in references(text, where):
        named = resolve(place, reference.uri)
        what = f"{where}:{reference.line}: names {reference.uri!r}"
        if named is None:
            raise InvalidValueError(f"{what}: only relative URIs inside the set")
        media_type = media_types.get(named)
        if media_type is None:
            raise InvalidValueError(f"{what}, which is not in the set")
        if (media_type == HLS_PLAYLIST) != (reference.target is Target.PLAYLIST):
            raise InvalidValueError(f"{what}, which is not {reference.target.value}")
