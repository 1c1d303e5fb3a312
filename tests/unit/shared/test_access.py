"""shared.access: the one token rule the edge and the API both apply."""

from __future__ import annotations

import pytest

from shared.access import AccessRule

RULE = AccessRule.create({"students"})


def test_an_all_access_member_reads_everything() -> None:
    assert RULE.allows(frozenset({"students"}))
    assert RULE.allows(frozenset({"teachers", "students"}))


def test_a_user_in_no_group_reads_nothing_on_the_token_alone() -> None:
    assert not RULE.allows(frozenset())


@pytest.mark.parametrize(
    "group", ["course-aws-101", "Students", "students ", "student", "teachers", "course-"]
)
def test_any_other_group_course_groups_included_opens_nothing(group: str) -> None:
    assert not RULE.allows(frozenset({group}))


def test_no_all_access_groups_keeps_its_first_meaning_every_pool_user_reads_everything() -> None:
    assert AccessRule.create(()).allows(frozenset())
