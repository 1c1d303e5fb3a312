"""The access rule, written once for the edge and the API, and the ID rule it depends on.

A course is readable by members of the all-access group(s) (a pool's ``required_groups``) and
by members of the course's own group, ``course_group_prefix`` + the course ID (``course-aws-101``).
Anything outside ``courses/`` is readable by all-access members only. Group names are compared
as exact strings. An empty set of all-access groups keeps its first meaning: every user of the
pool reads everything.

This module is imported on the edge's cold path: ``re`` and ``typing`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from typing import NamedTuple

#: Content and course IDs: 1-64 characters of ASCII letters, digits, "-" and "_", not starting
#: with "_" (that prefix is the product's own: catalog records that are not content items).
ID_PATTERN = re.compile(r"[A-Za-z0-9-][A-Za-z0-9_-]{0,63}")
ID_RULE = "1-64 characters: letters A-Z a-z, digits, '-' and '_', not starting with '_'"
#: Every course's objects live under ``courses/<course id>/``.
COURSES_PREFIX = "courses/"
DEFAULT_COURSE_GROUP_PREFIX = "course-"
#: A group-name prefix: Cognito group-name characters without "," (API Gateway joins a token's
#: groups with commas) or whitespace, short enough that prefix + a 64-character ID fits
#: Cognito's 128-character group names.
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9+=.@_-]{1,64}")
PREFIX_RULE = "1-64 characters: letters, digits and + = . @ _ -"


class AccessRuleError(ValueError):
    """The rule's settings are unusable (a bad prefix, a group that is also a course group)."""


class AccessRule(NamedTuple):
    """One pool's rule. ``course_group_prefix`` None: no course groups (the first config
    format's meaning, where only the all-access groups read content)."""

    all_access_groups: frozenset[str]
    course_group_prefix: str | None

    @classmethod
    def create(
        cls, all_access_groups: Iterable[str], course_group_prefix: str | None
    ) -> AccessRule:
        """The rule, or ``AccessRuleError``.

        An all-access group that is also some course's group would make enrolling in that
        course grant everything, so it is refused.
        """
        groups = frozenset(all_access_groups)
        if course_group_prefix is not None:
            if not PREFIX_PATTERN.fullmatch(course_group_prefix):
                raise AccessRuleError(f"course_group_prefix must be {PREFIX_RULE}")
            clashing = sorted(
                group
                for group in groups
                if group.startswith(course_group_prefix)
                and ID_PATTERN.fullmatch(group[len(course_group_prefix) :])
            )
            if clashing:
                raise AccessRuleError(
                    f"all-access group(s) {clashing} are also course groups of prefix "
                    f"{course_group_prefix!r}"
                )
        return cls(groups, course_group_prefix)

    def course_group(self, course_id: str) -> str | None:
        """The Cognito group of ``course_id``; None without course groups or for a bad ID."""
        if self.course_group_prefix is None or not ID_PATTERN.fullmatch(course_id):
            return None
        return self.course_group_prefix + course_id

    def allows(self, groups: Set[str], course_id: str | None) -> bool:
        """May a member of ``groups`` read ``course_id`` (None: a path outside ``courses/``)?"""
        if not self.all_access_groups or not self.all_access_groups.isdisjoint(groups):
            return True
        if course_id is None or self.course_group_prefix is None:
            return False
        return self.course_group_prefix + course_id in groups and bool(
            ID_PATTERN.fullmatch(course_id)
        )

    def readable_courses(self, groups: Set[str], course_ids: Iterable[str]) -> list[str]:
        """The well-formed IDs among ``course_ids`` that ``groups`` may read, in order."""
        return [c for c in course_ids if ID_PATTERN.fullmatch(c) and self.allows(groups, c)]
