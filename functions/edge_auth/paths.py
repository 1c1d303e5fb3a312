"""Which course a viewer's URI is in, decided conservatively, once per request.

A URI is in course C by the rule of ``shared.course_uri`` (its one home, shared with the
grant check): literally under ``/courses/<C>/``, the rest clean once decoded, nothing encoded
that a second decoding would read differently. A URI under ``/courses/`` that breaks it is a
problem (the request is denied, whoever asks). Any other URI is outside the courses: only
all-access members read it, so a look-alike (``/Courses/...``, ``/%63ourses/...``,
``/./courses/...``) can only narrow access.

A URI that starts with ``/g/`` carries a content grant (``shared.grant_layout``):
``/g/<grant>/<object URI>``. The grant is one segment of base64url parts joined by dots, and
the object URI after it must be a course URI by the rules above (nothing else is ever
granted); ``uri`` is then that object URI, the one the edge forwards.
"""

from __future__ import annotations

import re
from typing import NamedTuple, TypeGuard

from shared.access import COURSES_PREFIX, ID_PATTERN
from shared.course_uri import SEGMENT, course_uri
from shared.grant_layout import PATH_SEGMENT

_GRANT_PREFIX = f"/{PATH_SEGMENT}/"
_GRANT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
#: What a grant's ``prefix`` claim may name: a course's folder or a folder inside it, by the
#: same segment rule as a URI, literally (no ``%`` at all), ending in ``/``.
_GRANTABLE = re.compile(rf"{COURSES_PREFIX}{ID_PATTERN.pattern}/(?:{SEGMENT}/)*")
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
    found = course_uri(uri)
    return OUTSIDE if found.course is None and found.problem is None else CoursePath(*found)
