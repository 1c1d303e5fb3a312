"""Who may read which course, decided on every call.

The all-access group(s) read every course on their token (``shared.access``, the edge's
rule). Everyone else reads a course while an enrolment in it is valid: read from the
enrolment store with a strongly consistent read on every call, never from the token, so an
unenrolment is refused by the very next call. A grant never outlives the enrolment that
allowed it: the decision says until when (``notAfter``), and the grant's expiry is the earlier
of that and the grant lifetime.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shared.access import ID_PATTERN, AccessRule
from shared.catalog.model import Course
from shared.catalog.store import Catalog
from shared.enrolments.errors import BrokenRecordError
from shared.enrolments.store import EnrolmentStore, decode_cursor, encode_cursor

from .errors import ForbiddenError
from .observability import logger


class Caller(NamedTuple):
    """Who asked: the ``sub`` claim and the groups of the token."""

    sub: str
    groups: frozenset[str]


def token_groups(claims: dict[str, Any]) -> frozenset[str]:
    """``cognito:groups`` as API Gateway's Cognito authorizer passes it: one string, the
    token's groups joined with commas. Anything else is no groups."""
    value = claims.get("cognito:groups")
    if not isinstance(value, str):
        return frozenset()
    return frozenset(group for group in value.split(",") if group)


class Entitlements:
    """Decisions from the token's groups and the enrolment store; course titles from the
    catalog."""

    def __init__(self, access: AccessRule, store: EnrolmentStore, catalog: Catalog) -> None:
        self.access = access
        self.store = store
        self.catalog = catalog

    def until(self, who: Caller, course_id: str, now: float) -> int | None:
        """When the caller's right to ``course_id`` ends (epoch seconds; None: not before the
        grant lifetime); ``ForbiddenError`` when nothing lets them read it at ``now``."""
        if self.access.allows(who.groups):
            return None
        try:
            enrolment = self.store.enrolment(who.sub, course_id)
        except BrokenRecordError as exc:
            logger.error("broken enrolment record refused", extra={"detail": str(exc)})
            enrolment = None
        if enrolment is None:
            raise ForbiddenError(f"the caller is not enrolled in course {course_id}")
        if not enrolment.window.contains(now):
            raise ForbiddenError(f"the caller's enrolment in course {course_id} is not valid now")
        return enrolment.window.not_after

    def courses(self, who: Caller, limit: int, cursor: str | None, now: float) -> dict[str, Any]:
        """One page of ``GET /courses``, with each course's title: every course for the
        all-access group; for a learner, the courses their enrolments open now, with each
        enrolment's ``notAfter``. A learner's page may hold fewer than ``limit`` courses
        (enrolments not valid now are left out); ``next`` is absent on the last page."""
        if self.access.allows(who.groups):
            every = self.catalog.course_ids()
            after = None if cursor is None else decode_cursor(cursor, ID_PATTERN)
            rest = [c for c in every if after is None or c > after]
            page, more = rest[:limit], len(rest) > limit
            titled = self.catalog.courses(page)
            listed = [_course(c, titled.get(c)) for c in page]
            return _answer(listed, encode_cursor(page[-1]) if more else None)
        enrolments = self.store.learner_page(who.sub, limit, cursor)
        for exc in enrolments.broken:
            logger.error("broken enrolment record left out", extra={"detail": str(exc)})
        valid = [e for e in enrolments.items if e.window.contains(now)]
        titled = self.catalog.courses(e.course_id for e in valid)
        listed = []
        for enrolment in valid:
            ends = enrolment.window.to_json().get("notAfter")
            course = _course(enrolment.course_id, titled.get(enrolment.course_id))
            listed.append(course | ({} if ends is None else {"notAfter": ends}))
        return _answer(listed, enrolments.next)


def _answer(courses: list[dict[str, Any]], next_page: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = {"courses": courses}
    if next_page is not None:
        answer["next"] = next_page
    return answer


def _course(course_id: str, course: Course | None) -> dict[str, Any]:
    """A course as listed: its title, or its ID for a course that has no record (one published
    to before courses had records)."""
    if course is None:
        return {"courseId": course_id, "title": course_id}
    answer = {"courseId": course_id, "title": course.title}
    return answer if course.description is None else answer | {"description": course.description}
