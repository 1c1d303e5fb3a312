"""``bin/content migrate-groups``: copy the members of a deployment's per-course Cognito groups
(``<CourseGroupPrefix><course id>``) into enrolments, for stacks that enrolled learners that way
before the enrolment store existed.

Run it once after deploying this version (the API stops reading course groups at once: until
it has run, those learners get 403). It writes, and never deletes: each group's course is
created in the catalog (titled by its ID, as ``course put`` would) unless it exists; each
member gets an open-ended enrolment unless they already have one in that course, so a re-run,
or a run after enrolments were changed through the API, changes nothing that exists. The
groups are left for the operator to delete.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.access import ID_PATTERN
from shared.catalog.errors import InvalidValueError
from shared.catalog.model import Course
from shared.enrolments.model import LEARNER_PATTERN, Enrolment

from .enrolment import Enrolling

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

#: template.yaml's CourseGroupPrefix default, for a stack that does not output its prefix.
DEFAULT_PREFIX = "course-"
#: A course-group prefix, as the CourseGroupPrefix parameter allows it: Cognito group-name
#: characters without "," or whitespace, short enough that prefix + a 64-character ID fits
#: Cognito's 128-character group names.
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9+=.@_-]{1,64}")


def validate_prefix(value: str) -> str:
    if not PREFIX_PATTERN.fullmatch(value):
        raise InvalidValueError("the course-group prefix must be 1-64 of A-Z a-z 0-9 + = . @ _ -")
    return value


@dataclass
class Migrated:
    """What a run did."""

    groups: int = 0
    courses_created: int = 0
    enrolled: int = 0
    already_enrolled: int = 0

    def summary(self) -> str:
        return (
            f"{self.groups} course group(s): {self.courses_created} course record(s) created, "
            f"{self.enrolled} enrolment(s) created, {self.already_enrolled} already there"
        )


def course_groups(
    cognito: CognitoIdentityProviderClient, pool_id: str, prefix: str
) -> Iterator[tuple[str, str]]:
    """(group name, course ID) of every group named prefix + a well-formed course ID."""
    for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool_id):
        for group in page.get("Groups", []):
            name = group["GroupName"]
            course = name[len(prefix) :]
            if name.startswith(prefix) and ID_PATTERN.fullmatch(course):
                yield name, course


def member_subs(cognito: CognitoIdentityProviderClient, pool_id: str, group: str) -> Iterator[str]:
    paginator = cognito.get_paginator("list_users_in_group")
    for page in paginator.paginate(UserPoolId=pool_id, GroupName=group):
        for user in page.get("Users", []):
            subs = [a["Value"] for a in user.get("Attributes", []) if a["Name"] == "sub"]
            if subs and LEARNER_PATTERN.fullmatch(subs[0]):
                yield subs[0]


def migrate_groups(
    cognito: CognitoIdentityProviderClient, pool_id: str, prefix: str, enrolling: Enrolling
) -> Migrated:
    validate_prefix(prefix)
    store, done = enrolling.store, Migrated()
    existing = set(enrolling.catalog.course_ids())
    for group, course_id in course_groups(cognito, pool_id, prefix):
        done.groups += 1
        change = enrolling.change()
        if course_id not in existing:
            enrolling.catalog.put_course(Course.check(course_id, course_id))
            existing.add(course_id)
            done.courses_created += 1
        for sub in member_subs(cognito, pool_id, group):
            if store.put_if_absent(Enrolment(sub, course_id, change=change)):
                done.enrolled += 1
            else:
                done.already_enrolled += 1
    return done
