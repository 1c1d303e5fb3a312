"""The token rule, written once for the edge and the API, and the ID rule it depends on.

Members of the all-access group(s) (a pool's ``required_groups``, the API's
``ALL_ACCESS_GROUPS``) read every course and every path on their token alone. Nobody else
does: a learner reads a course through the grant URLs the API issues after reading their
enrolment (``shared.enrolments``), never through a group in their token. Group names are
compared as exact strings. An empty set of all-access groups keeps its first meaning: every
user of the pool reads everything.

Per-course groups (``course-<id>``) are read nowhere: a token that carries one is judged by its
other groups only (``bin/content migrate-groups`` copies their members into enrolments).

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


class AccessRule(NamedTuple):
    """One pool's (or the API's) all-access groups."""

    all_access_groups: frozenset[str]

    @classmethod
    def create(cls, all_access_groups: Iterable[str]) -> AccessRule:
        return cls(frozenset(all_access_groups))

    def allows(self, groups: Set[str]) -> bool:
        """Does a token with ``groups`` read everything?"""
        return not self.all_access_groups or not self.all_access_groups.isdisjoint(groups)
