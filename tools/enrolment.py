"""Enrolment: a learner reads a course when they are in its Cognito group (shared.access).

``bin/content enroll``, ``unenroll`` and ``enrolments`` call Cognito's admin API; publishing
a course's first item creates its group (``ensure_course_group``, idempotent), so that
enrolling never waits on a publish and a new course is ready for its learners.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.access import AccessRule, AccessRuleError
from shared.catalog.errors import InvalidValueError
from shared.catalog.model import validate_id

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

#: A sign-in email as the pool's users have them (Cognito usernames are at most 128 characters).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
MAX_USERNAME = 128


def validate_email(value: str) -> str:
    if len(value) > MAX_USERNAME or not _EMAIL.fullmatch(value):
        raise InvalidValueError(f"invalid --user {value!r}: give the user's sign-in email")
    return value


def course_rule(prefix: str) -> AccessRule:
    """The rule's course groups for ``prefix`` (the stack's CourseGroupPrefix)."""
    try:
        return AccessRule.create((), prefix)
    except AccessRuleError as exc:
        raise InvalidValueError(str(exc)) from exc


@dataclass(frozen=True)
class Enrolments:
    """A pool's course groups: ``rule.course_group(course)`` for each course."""

    cognito: CognitoIdentityProviderClient
    user_pool_id: str
    rule: AccessRule

    def group(self, course_id: str) -> str:
        group = self.rule.course_group(validate_id(course_id, "course ID"))
        if group is None:  # pragma: no cover - course_rule always sets a prefix
            raise InvalidValueError("this stack has no course groups")
        return group

    def ensure_course_group(self, course_id: str) -> bool:
        """Create the course's group unless it exists; True if this call created it."""
        try:
            self.cognito.create_group(
                GroupName=self.group(course_id),
                UserPoolId=self.user_pool_id,
                Description=f"Learners of course {course_id}",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GroupExistsException":
                return False
            raise
        return True

    def enroll(self, user: str, course_id: str) -> None:
        self.ensure_course_group(course_id)
        with _known(user):
            self.cognito.admin_add_user_to_group(
                UserPoolId=self.user_pool_id, Username=user, GroupName=self.group(course_id)
            )

    def unenroll(self, user: str, course_id: str) -> bool:
        """Remove ``user`` from the course's group; False if they were not in it."""
        if course_id not in self.courses_of(user):
            return False
        with _known(user):
            self.cognito.admin_remove_user_from_group(
                UserPoolId=self.user_pool_id, Username=user, GroupName=self.group(course_id)
            )
        return True

    def groups_of(self, user: str) -> list[str]:
        groups: list[str] = []
        paging: dict[str, Any] = {}
        while True:
            with _known(user):
                page = self.cognito.admin_list_groups_for_user(
                    UserPoolId=self.user_pool_id, Username=user, **paging
                )
            groups += [g["GroupName"] for g in page.get("Groups", [])]
            if "NextToken" not in page:
                return sorted(groups)
            paging = {"NextToken": page["NextToken"]}

    def courses_of(self, user: str) -> list[str]:
        """The courses whose groups ``user`` is in."""
        prefix = self.rule.course_group_prefix or ""
        return [
            group[len(prefix) :]
            for group in self.groups_of(user)
            if group.startswith(prefix) and self.rule.course_group(group[len(prefix) :]) == group
        ]


@contextmanager
def _known(user: str) -> Iterator[None]:
    """A user the pool does not know is a refused input (exit 2), not a failure."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "UserNotFoundException":
            raise InvalidValueError(f"no user {user} in the user pool") from exc
        raise
