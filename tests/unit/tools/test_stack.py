"""Which stack bin/content talks to when no --stack is given: samconfig.toml's default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.stack import SAMCONFIG, StackError, StackTarget, default_target


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "samconfig.toml"
    path.write_text(text)
    return path


def test_the_project_s_samconfig_names_the_default_stack() -> None:
    assert default_target(SAMCONFIG) == StackTarget("private-content-at-edge", "us-east-1")


def test_a_guided_deploy_s_saved_answers_win(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """version = 0.1
[default.global.parameters]
stack_name = "private-content-at-edge"
region = "us-east-1"
[default.deploy.parameters]
stack_name = "my-courses"
""",
    )
    assert default_target(path) == StackTarget("my-courses", "us-east-1")


@pytest.mark.parametrize(
    "text", ["", "version = 0.1\n[default.build.parameters]\nparallel = true\n", "not toml ["]
)
def test_a_samconfig_without_a_stack_is_a_clear_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(StackError):
        default_target(write(tmp_path, text))


def test_a_samconfig_without_a_stack_name_points_at_the_deploy_that_saves_one(
    tmp_path: Path,
) -> None:
    with pytest.raises(
        StackError, match=r"pass --stack, or deploy with `make build && \.venv/bin/sam deploy"
    ):
        default_target(write(tmp_path, "version = 0.1\n[default.build.parameters]\n"))
