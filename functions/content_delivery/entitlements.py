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

from shared.access import AccessRule
from shared.enrolments.errors import BrokenRecordError
from shared.enrolments.store import EnrolmentStore, Page

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
    """Decisions from the token's groups and the enrolment store."""

    def __init__(self, access: AccessRule, store: EnrolmentStore) -> None:
        self.access = access
        self.store = store

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
            raise ForbiddenError(f"{who.sub} is not enrolled in {course_id}")
        if not enrolment.window.contains(now):
            raise ForbiddenError(f"{who.sub}'s enrolment in {course_id} is not valid now")
        return enrolment.window.not_after

    def courses(self, who: Caller, limit: int, cursor: str | None, now: float) -> dict[str, Any]:
        """One page of ``GET /courses``: every course record for the all-access group; for a
        learner, the courses their enrolments open now, with each enrolment's ``notAfter``.
        A learner's page may hold fewer than ``limit`` courses (enrolments not valid now are
        left out); ``next`` is absent on the last page."""
        if self.access.allows(who.groups):
            page = self.store.course_list_page(limit, cursor)
            _log_broken(page)
            return _answer([course.to_json() for course in page.items], page.next)
        enrolments = self.store.learner_page(who.sub, limit, cursor)
        _log_broken(enrolments)
        valid = [e for e in enrolments.items if e.window.contains(now)]
        records = self.store.courses(e.course_id for e in valid)
        listed = []
        for enrolment in valid:
            course = records.get(enrolment.course_id)
            if course is None:
                logger.error(
                    "enrolment without a course record", extra={"course": enrolment.course_id}
                )
                continue
            ends = enrolment.window.to_json().get("notAfter")
            listed.append(course.to_json() | ({} if ends is None else {"notAfter": ends}))
        return _answer(listed, enrolments.next)


def _answer(courses: list[dict[str, Any]], next_page: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = {"courses": courses}
    if next_page is not None:
        answer["next"] = next_page
    return answer


def _log_broken(page: Page[Any]) -> None:
    for exc in page.broken:
        logger.error("broken record left out", extra={"detail": str(exc)})
