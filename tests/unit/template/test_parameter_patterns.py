"""template.yaml's parameter patterns accept nothing the code would refuse at run time: a
value CloudFormation lets through must not fail the first request instead."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from local.template import source_template
from shared.patterns import COOKIE_NAME, ORIGIN
from tools.migration import PREFIX_PATTERN

PARAMETERS = source_template()["Parameters"]


def allowed_pattern(name: str) -> str:
    pattern: str = PARAMETERS[name]["AllowedPattern"]
    return pattern


def anchored(pattern: re.Pattern[str]) -> str:
    return f"^{pattern.pattern}$"


def test_the_cookie_name_parameter_is_the_code_s_pattern() -> None:
    assert allowed_pattern("TokenCookieName") == anchored(COOKIE_NAME)


def test_the_course_group_prefix_parameter_is_the_migration_s_pattern() -> None:
    assert allowed_pattern("CourseGroupPrefix") == anchored(PREFIX_PATTERN)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.from_regex(allowed_pattern("AppOrigins"), fullmatch=True))
def test_every_app_origin_the_template_allows_is_an_origin_the_code_accepts(origin: str) -> None:
    assert ORIGIN.fullmatch(origin)


def test_the_app_origins_pattern_refuses_what_the_code_refuses() -> None:
    template = re.compile(allowed_pattern("AppOrigins"))
    for refused in ("https://app.example/", "https://app.example/path", "ftp://app.example"):
        assert not ORIGIN.fullmatch(refused)
        assert not template.fullmatch(refused)
