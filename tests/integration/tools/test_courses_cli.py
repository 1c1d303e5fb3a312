"""Courses are created explicitly (`bin/content course put`) and content goes only into one that
exists; a content ID stays in its course unless it is moved with ``--move-from-course``.
Against moto: every refusal here reads the catalog, and none changes anything."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.catalog.model import Course
from tests.integration.tools.test_content_cli import (
    VIDEO,
    add,
    cli,
    course_put,
    invalidated_paths,
    snapshot,
)
from tests.support.moto_stack import Stack
from tools.publishing.draft import Draft
from tools.publishing.writes import CatalogWriter, ConflictError, Journal

pytestmark = [pytest.mark.usefixtures("aws_101"), pytest.mark.slow]


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "intro.mp4"
    path.write_bytes(VIDEO)
    return path


def test_course_put_creates_a_course_and_then_updates_it(
    aws: dict[str, Any], deployed: Stack
) -> None:
    assert cli(deployed.name, "course", "put", "--course", "aws-301", "--title", "AWS 301") == (
        0,
        "created course aws-301: AWS 301\n",
        "",
    )
    code, out, _ = cli(
        deployed.name,
        "course", "put", "--course", "aws-301", "--title", "AWS 301, again",
        "--description", "Two lines\nof description.",
    )  # fmt: skip
    assert (code, out) == (0, "updated course aws-301: AWS 301, again\n")
    catalog = CatalogWriter(aws["dynamodb"], deployed.resources.table)
    assert catalog.course("aws-301") == Course(
        "aws-301", "AWS 301, again", "Two lines\nof description."
    )
    assert "aws-301" in catalog.course_ids()


def test_a_course_put_shows_in_courses_before_it_has_content(deployed: Stack) -> None:
    course_put(deployed, "aws-301")
    code, out, _ = cli(deployed.name, "courses")
    assert code == 0
    assert "aws-301             0 item(s)  Course aws-301\n" in out


@pytest.mark.parametrize(
    ("course", "hint"),
    [("aws-11", " (did you mean aws-101?)"), ("biology-1", "")],
    ids=["a typo", "a new course"],
)
def test_publishing_to_a_course_that_does_not_exist_is_refused_and_touches_nothing(
    aws: dict[str, Any], deployed: Stack, video: Path, course: str, hint: str
) -> None:
    code, out, err = add(deployed, video, course=course)
    assert (code, out) == (2, "")
    assert err == (
        f"error: no course '{course}'{hint}; create it first: "
        f"bin/content course put --course {course} --title TITLE\n"
    )
    state = snapshot(aws, deployed.resources)
    assert (state.items, state.journals, state.current) == ({}, {}, {})


def test_the_switch_itself_refuses_an_item_of_a_course_that_does_not_exist(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    """Whatever checked the course before, the transaction that serves the item checks it."""
    catalog = CatalogWriter(aws["dynamodb"], deployed.resources.table)
    draft = Draft.check("no-such-course", "intro", "Welcome", video)
    journal = Journal("intro", uuid.uuid4().hex, "add", draft.item("t", 1), None)
    catalog.begin(journal)
    with pytest.raises(ConflictError, match="or its course changed"):
        catalog.put_if_absent(draft.item("t", 1), journal)
    assert catalog.get("intro") is None


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["", "with --force"])
def test_a_content_id_of_another_course_is_refused_naming_that_course(
    aws: dict[str, Any], deployed: Stack, video: Path, force: tuple[str, ...]
) -> None:
    course_put(deployed, "aws-201")
    assert add(deployed, video, course="aws-201")[0] == 0
    before = snapshot(aws, deployed.resources)
    video.write_bytes(VIDEO + b"new")
    code, out, err = add(deployed, video, *force)
    assert (code, out) == (2, "")
    assert err == (
        "error: content 'aws-101-intro' belongs to course 'aws-201': choose another --id, or "
        "pass --move-from-course aws-201 to move it to 'aws-101'\n"
    )
    assert snapshot(aws, deployed.resources) == before


def test_move_from_course_moves_the_item_and_retires_its_old_object(
    aws: dict[str, Any], deployed: Stack, video: Path, tmp_path: Path
) -> None:
    course_put(deployed, "aws-201")
    assert add(deployed, video, course="aws-201")[0] == 0
    old = snapshot(aws, deployed.resources).items["aws-101-intro"]
    other = tmp_path / "other.mp4"
    other.write_bytes(VIDEO + b"other")
    assert add(deployed, other, content_id="aws-101-other")[0] == 0
    code, out, err = add(deployed, video, "--move-from-course", "aws-201")
    assert (code, err) == (0, "")
    assert "position 2)" in out  # last of the course it moved into
    state = snapshot(aws, deployed.resources)
    moved = state.items["aws-101-intro"]
    assert moved.course_id == "aws-101"
    assert moved.key.value.startswith("courses/aws-101/aws-101-intro/")
    assert state.objects_of(old) == set()
    assert old.key.path in invalidated_paths(aws, deployed.resources)
    assert state.journals == {}
    again = add(deployed, video, "--move-from-course", "aws-201")
    assert (again[0], again[1].split()[:2]) == (0, ["already", "published"])


@pytest.mark.parametrize(
    ("move_from", "message"),
    [
        (
            "aws-301",
            "content 'aws-101-intro' belongs to course 'aws-201': choose another --id, or "
            "pass --move-from-course aws-201",
        ),
        ("aws-201", None),
    ],
    ids=["from the wrong course", "from its course, nothing there"],
)
def test_a_move_from_a_course_the_item_is_not_in_is_refused(
    aws: dict[str, Any], deployed: Stack, video: Path, move_from: str, message: str | None
) -> None:
    course_put(deployed, "aws-201")
    if message is not None:
        assert add(deployed, video, course="aws-201")[0] == 0
    else:
        message = "no content 'aws-101-intro' to move from course 'aws-201'"
    before = snapshot(aws, deployed.resources)
    video.write_bytes(VIDEO + b"new")
    code, _, err = add(deployed, video, "--move-from-course", move_from)
    assert code == 2
    assert err.startswith(f"error: {message}")
    assert snapshot(aws, deployed.resources) == before


def test_a_move_of_an_item_already_in_the_course_is_refused(
    aws: dict[str, Any], deployed: Stack, video: Path
) -> None:
    course_put(deployed, "aws-201")
    assert add(deployed, video)[0] == 0
    video.write_bytes(VIDEO + b"new")
    code, _, err = add(deployed, video, "--move-from-course", "aws-201")
    assert code == 2
    assert err == (
        "error: content 'aws-101-intro' is in course 'aws-101' already, not 'aws-201'; "
        "pass --force to replace it\n"
    )


def test_skip_os_junk_publishes_the_set_without_them_and_says_so(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "index.m3u8").write_text("#EXTM3U\n#EXTINF:1,\ns.ts\n#EXT-X-ENDLIST\n")
    (folder / "s.ts").write_bytes(b"G" * 188)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    args = ["add", "--course", "aws-101", "--id", "lecture", "--title", "L", "--dir", str(folder)]
    code, _, err = cli(deployed.name, *args)
    assert code == 2
    assert "pass --skip-os-junk" in err
    code, _, err = cli(deployed.name, *args, "--skip-os-junk")
    assert (code, err) == (0, "note: left out 1 OS file(s): .DS_Store\n")
    item = snapshot(aws, deployed.resources).items["lecture"]
    assert item.files == 2
