"""Which course a URI's object is in, decided conservatively: the one home of the rule that
the edge applies for tokens (``edge_auth.paths``) and the grant check for grants
(``functions/grant_check/index.js`` writes it in JavaScript; ``testkit.grant_reference``
holds the two to the same answers).

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
whoever asks). Any other URI is outside the courses (``course`` None, no problem).

This module is imported on the edge's cold path: ``re`` and ``typing`` only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shared.access import COURSES_PREFIX, ID_PATTERN

PREFIX = "/" + COURSES_PREFIX
#: A clean path segment, as a pattern: not empty, ``.`` or ``..``; no separator, backslash
#: or control character.
SEGMENT = r"(?!\.\.?(?:/|\Z))[^/\\\x00-\x1f\x7f-\x9f]+"
_CLEAN_REST = re.compile(rf"{SEGMENT}(?:/{SEGMENT})*")
_ENCODED_SEPARATOR = re.compile(r"%(?:2[fFeE5]|5[cC])")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPE_BYTES = re.compile(rb"%([0-9A-Fa-f]{2})")


class CourseUri(NamedTuple):
    """``course`` is None outside ``courses/``; ``problem`` says why a URI is refused."""

    course: str | None
    problem: str | None


OUTSIDE = CourseUri(None, None)


def _refused(why: str) -> CourseUri:
    return CourseUri(None, f"the URI {why}")


def _byte(escape: re.Match[bytes]) -> bytes:
    return bytes((int(escape[1], 16),))


def course_uri(uri: str) -> CourseUri:
    """The course ``uri`` is in, by the rules of the module docstring; never raises."""
    if not uri.startswith(PREFIX):
        return OUTSIDE
    course, slash, rest = uri[len(PREFIX) :].partition("/")
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
    return CourseUri(course, None)
