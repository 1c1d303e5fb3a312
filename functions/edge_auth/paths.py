"""Which course a viewer's URI is in, decided conservatively, once per request.

S3 serves the object whose key is the URI without its leading ``/``, percent-decoded. A URI
is attributed to course C only when that key certainly lies under ``courses/C/``:

* it starts with ``/courses/<C>/``, literally, with C a well-formed course ID (so no
  percent-encoding, dot or separator can hide in the course segment);
* the rest, decoded once, is one or more segments, none empty (``//``), ``.`` or ``..``,
  with no backslash and no control character;
* the rest encodes no ``/``, ``\\``, ``.`` or ``%`` (``%2F``, ``%5C``, ``%2E``, ``%25`` in
  either case): what a layer that decodes twice, or resolves dot segments after decoding,
  would read differently; and its escapes decode to UTF-8.

A URI under ``/courses/`` that breaks any of these is a problem (the request is denied,
whoever asks). Any other URI is outside the courses: only all-access members read it, so a
look-alike (``/Courses/...``, ``/%63ourses/...``, ``/./courses/...``) can only narrow access.

A URI that starts with ``/g/`` carries a content grant (``shared.grant_layout``):
``/g/<grant>/<object URI>``. The grant is one segment of base64url parts joined by dots, and
the object URI after it must be a course URI by the rules above (nothing else is ever
granted); ``uri`` is then that object URI, the one the edge forwards.
"""

from __future__ import annotations

import re
from typing import NamedTuple, TypeGuard

from shared.access import COURSES_PREFIX, ID_PATTERN
from shared.grant_layout import PATH_SEGMENT

_PREFIX = "/" + COURSES_PREFIX
_SEGMENT = r"(?!\.\.?(?:/|\Z))[^/\\\x00-\x1f\x7f-\x9f]+"
_CLEAN_REST = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_ENCODED_SEPARATOR = re.compile(r"%(?:2[fFeE5]|5[cC])")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPE_BYTES = re.compile(rb"%([0-9A-Fa-f]{2})")
_GRANT_PREFIX = f"/{PATH_SEGMENT}/"
_GRANT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
#: What a grant's ``prefix`` claim may name: a course's folder or a folder inside it, by the
#: same segment rule as a URI, literally (no ``%`` at all), ending in ``/``.
_GRANTABLE = re.compile(rf"{COURSES_PREFIX}{ID_PATTERN.pattern}/(?:{_SEGMENT}/)*")
MAX_PREFIX_LENGTH = 512


class CoursePath(NamedTuple):
    """``course`` is None outside ``courses/``; ``problem`` says why a URI is refused;
    ``grant`` is the grant a ``/g/`` URI carries and ``uri`` the object URI after it."""

    course: str | None
    problem: str | None
    grant: str | None = None
    uri: str | None = None


def is_grantable(prefix: object) -> TypeGuard[str]:
    """Whether a grant's ``prefix`` claim names a folder of one course, cleanly."""
    return (
        type(prefix) is str
        and len(prefix) <= MAX_PREFIX_LENGTH
        and "%" not in prefix
        and _GRANTABLE.fullmatch(prefix) is not None
    )


OUTSIDE = CoursePath(None, None)


def _refused(why: str) -> CoursePath:
    return CoursePath(None, f"the URI {why}")


def _byte(escape: re.Match[bytes]) -> bytes:
    return bytes((int(escape[1], 16),))


#: Answers for URIs already seen: a player asks for one URI many times (Range requests), and
#: the parse is a fifth of the cached path's time. Any viewer fills it, before any check, so it
#: is bounded in entries and in characters, and emptied when either bound would be passed.
#: Only URIs of at most ``MAX_SEEN_URI`` characters are kept (a player's, its grant included,
#: are well under): each entry holds its URI about twice (the key, and the grant and object
#: URI cut from it), so the memo holds at most about 2 x ``MAX_SEEN_CHARS`` bytes of text.
_SEEN: dict[str, CoursePath] = {}
MAX_SEEN = 4096
MAX_SEEN_URI = 2048
MAX_SEEN_CHARS = 524_288
_seen_chars = 0


def without_grant(uri: str) -> str:
    """``uri`` with a grant segment replaced by ``-``, for logs: a grant is a credential."""
    if not uri.startswith(_GRANT_PREFIX):
        return uri
    _, slash, rest = uri[len(_GRANT_PREFIX) :].partition("/")
    return f"{_GRANT_PREFIX}-{slash}{rest}"


def course_of(uri: object) -> CoursePath:
    """The course ``uri`` is in (see the module docstring); never raises."""
    if type(uri) is not str:
        return _refused("is not a string")
    found = _SEEN.get(uri)
    if found is None:
        found = _parse(uri)
        if len(uri) <= MAX_SEEN_URI:
            _remember(uri, found)
    return found


def _remember(uri: str, found: CoursePath) -> None:
    global _seen_chars
    if len(_SEEN) >= MAX_SEEN or _seen_chars + len(uri) > MAX_SEEN_CHARS:
        _SEEN.clear()
        _seen_chars = 0
    _SEEN[uri] = found
    _seen_chars += len(uri)


def _parse(uri: str) -> CoursePath:
    if uri.startswith(_GRANT_PREFIX):
        return _granted(uri)
    return _course(uri)


def _granted(uri: str) -> CoursePath:
    grant, slash, rest = uri[len(_GRANT_PREFIX) :].partition("/")
    if not slash or not _GRANT.fullmatch(grant):
        return _refused("holds no well-formed grant")
    target = "/" + rest
    found = _course(target)
    if found.problem is not None:
        return found
    if found.course is None:
        return _refused("after its grant is not under courses/")
    return CoursePath(found.course, None, grant, target)


def _course(uri: str) -> CoursePath:
    if not uri.startswith(_PREFIX):
        return OUTSIDE
    course, slash, rest = uri[len(_PREFIX) :].partition("/")
    if not slash or not ID_PATTERN.fullmatch(course):
        return _refused("names no well-formed course")
    if "%" in rest:
        if _ENCODED_SEPARATOR.search(rest) or len(_ESCAPE.findall(rest)) != rest.count("%"):
            return _refused("holds an encoded separator, dot or percent sign, or a bad escape")
        try:  # urllib.parse would cost the cold start more than these three lines
            rest = _ESCAPE_BYTES.sub(_byte, rest.encode("utf-8")).decode("utf-8")
        except UnicodeError:
            return _refused("holds escapes that are not UTF-8")
    if not _CLEAN_REST.fullmatch(rest):
        return _refused("has an empty, '.' or '..' segment, a backslash or a control character")
    return CoursePath(course, None)
