"""Which course a viewer's URI is in, decided conservatively, once per request.

A URI is in course C by the rule of ``shared.course_uri`` (its one home, shared with the
grant check): literally under ``/courses/<C>/``, the rest clean once decoded, nothing encoded
that a second decoding would read differently. A URI under ``/courses/`` that breaks it is a
problem (the request is denied, whoever asks). Any other URI is outside the courses: only
all-access members read it, so a look-alike (``/Courses/...``, ``/%63ourses/...``,
``/./courses/...``) can only narrow access. A ``/g/<grant>/...`` URI is one of those: grants
are checked by the CloudFront Function of the ``/g/*`` behavior, never here.
"""

from __future__ import annotations

from shared.course_uri import CourseUri, course_uri

#: Answers for URIs already seen: a player asks for one URI many times (Range requests), and
#: the parse is a fifth of the cached path's time. Any viewer fills it, before any check, so it
#: is bounded in entries and in characters, and emptied when either bound would be passed.
#: Only URIs of at most ``MAX_SEEN_URI`` characters are kept (a player's are well under): each
#: entry holds its URI once (the key) and a course ID or a short reason, so the memo holds
#: about ``MAX_SEEN_CHARS`` bytes of text.
_SEEN: dict[str, CourseUri] = {}
MAX_SEEN = 4096
MAX_SEEN_URI = 2048
MAX_SEEN_CHARS = 524_288
_seen_chars = 0

_NOT_A_STRING = CourseUri(None, "the URI is not a string")


def course_of(uri: object) -> CourseUri:
    """The course ``uri`` is in (see the module docstring); never raises."""
    if type(uri) is not str:
        return _NOT_A_STRING
    found = _SEEN.get(uri)
    if found is None:
        found = course_uri(uri)
        if len(uri) <= MAX_SEEN_URI:
            _remember(uri, found)
    return found


def _remember(uri: str, found: CourseUri) -> None:
    global _seen_chars
    if len(_SEEN) >= MAX_SEEN or _seen_chars + len(uri) > MAX_SEEN_CHARS:
        _SEEN.clear()
        _seen_chars = 0
    _SEEN[uri] = found
    _seen_chars += len(uri)
