"""shared.access: the one access rule the edge and the API both apply."""

from __future__ import annotations

import pytest

from shared.access import AccessRule, AccessRuleError

RULE = AccessRule.create({"students"}, "course-")


def test_an_all_access_member_reads_every_course() -> None:
    assert RULE.allows(frozenset({"students"}), "aws-101")
    assert RULE.allows(frozenset({"students"}), "aws-201")


def test_an_all_access_member_reads_paths_outside_courses() -> None:
    assert RULE.allows(frozenset({"students"}), None)


def test_a_course_group_member_reads_that_course() -> None:
    assert RULE.allows(frozenset({"course-aws-101"}), "aws-101")


def test_a_course_group_member_is_refused_another_course() -> None:
    assert not RULE.allows(frozenset({"course-aws-101"}), "aws-201")


def test_a_course_group_member_is_refused_paths_outside_courses() -> None:
    assert not RULE.allows(frozenset({"course-aws-101"}), None)


def test_a_user_in_no_group_reads_nothing() -> None:
    assert not RULE.allows(frozenset(), "aws-101")
    assert not RULE.allows(frozenset(), None)


@pytest.mark.parametrize(
    "group",
    ["course-AWS-101", "course-aws-101 ", "Course-aws-101", "course_aws-101", "aws-101", "course-"],
)
def test_course_groups_match_as_exact_strings_only(group: str) -> None:
    assert not RULE.allows(frozenset({group}), "aws-101")


def test_a_group_outside_the_rule_grants_nothing() -> None:
    assert not RULE.allows(frozenset({"teachers"}), "aws-101")


@pytest.mark.parametrize("course", ["", "_courses", "aws-101/../x", "aws 101", "a" * 65, "é"])
def test_a_course_id_breaking_the_id_rule_is_no_course_group_s(course: str) -> None:
    assert not RULE.allows(frozenset({f"course-{course}"}), course)
    assert RULE.course_group(course) is None


def test_a_course_s_group_is_the_prefix_and_the_id() -> None:
    assert RULE.course_group("aws-101") == "course-aws-101"
    assert AccessRule.create({"students"}, "learners.").course_group("x") == "learners.x"


def test_without_a_prefix_there_are_no_course_groups() -> None:
    rule = AccessRule.create({"students"}, None)
    assert not rule.allows(frozenset({"course-aws-101"}), "aws-101")
    assert rule.course_group("aws-101") is None


def test_no_all_access_groups_keeps_its_first_meaning_every_pool_user_reads_everything() -> None:
    rule = AccessRule.create((), "course-")
    assert rule.allows(frozenset(), None)
    assert rule.allows(frozenset(), "aws-101")


@pytest.mark.parametrize("prefix", ["", "course,", "course ", "c" * 65, "course/", "cours\u00e9-"])
def test_a_prefix_outside_the_group_name_rule_is_refused(prefix: str) -> None:
    with pytest.raises(AccessRuleError, match="course_group_prefix"):
        AccessRule.create({"students"}, prefix)


def test_an_all_access_group_that_is_also_a_course_group_is_refused() -> None:
    """Else enrolling in course "admins" would make a learner all-access."""
    with pytest.raises(AccessRuleError, match="course-admins"):
        AccessRule.create({"course-admins"}, "course-")


def test_an_all_access_group_that_only_starts_like_the_prefix_is_accepted() -> None:
    rule = AccessRule.create({"course-"}, "course-")
    assert rule.allows(frozenset({"course-"}), "aws-101")


def test_the_readable_courses_are_filtered_by_the_rule_in_order() -> None:
    groups = frozenset({"course-b", "course-d"})
    assert RULE.readable_courses(groups, ["a", "b", "c", "d"]) == ["b", "d"]
    assert RULE.readable_courses(frozenset({"students"}), ["a", "b"]) == ["a", "b"]
    assert RULE.readable_courses(frozenset(), ["a", "b"]) == []


def test_the_readable_courses_leave_out_malformed_ids_even_for_all_access() -> None:
    assert RULE.readable_courses(frozenset({"students"}), ["a", "_courses", "b/c"]) == ["a"]
