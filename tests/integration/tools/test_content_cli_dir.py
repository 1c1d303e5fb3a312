"""`bin/content add --dir` against a moto server: the sample HLS set published as one item,
every file under the publish's own folder with its place, type and caching; replaced and
removed whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from local.samples import SAMPLE_DIR
from shared.catalog.model import HLS_PLAYLIST
from tests.integration.tools.test_content_cli import cli, invalidated_paths, snapshot
from tests.support.moto_stack import Stack
from tools.publishing.bucket import CACHE_CONTROL
from tools.publishing.renditions import RenditionSet

#: Publishing needs its course first.
pytestmark = [pytest.mark.usefixtures("aws_101"), pytest.mark.slow]

SAMPLE_SET = SAMPLE_DIR / "intro-hls"


def add_dir(stack: Stack, folder: Path, *extra: str) -> tuple[int, str, str]:
    return cli(
        stack.name,
        "add",
        "--course",
        "aws-101",
        "--id",
        "aws-101-lecture",
        "--title",
        "Lecture",
        "--dir",
        str(folder),
        *extra,
    )


def test_add_dir_publishes_every_file_under_one_folder_with_its_layout(
    aws: dict[str, Any], deployed: Stack
) -> None:
    code, out, err = add_dir(deployed, SAMPLE_SET)
    assert (code, err) == (0, "")
    state = snapshot(aws, deployed.resources)
    item = state.items["aws-101-lecture"]
    assert item.root is not None
    assert item.key.value == item.root + "master.m3u8"
    assert (item.type, item.content_type, item.files) == ("video", HLS_PLAYLIST, 4)
    expected = RenditionSet.scan(SAMPLE_SET)
    assert state.objects_of(item) == {item.root + f.relative for f in expected.files}
    for file in expected.files:
        head = aws["s3"].head_object(
            Bucket=deployed.resources.bucket, Key=item.root + file.relative
        )
        assert (head["ContentType"], head["CacheControl"], head["ContentLength"]) == (
            file.media_type,
            CACHE_CONTROL,
            file.size,
        )
    assert f"(video, 4 files, {expected.size} bytes, position 1)" in out
    assert out.strip().endswith(f"/{item.key.value}")


def test_the_same_add_dir_again_is_already_published(aws: dict[str, Any], deployed: Stack) -> None:
    assert add_dir(deployed, SAMPLE_SET)[0] == 0
    code, out, _ = add_dir(deployed, SAMPLE_SET)
    assert code == 0
    assert out.startswith("already published aws-101-lecture")


def test_add_dir_force_replaces_the_whole_set_and_invalidates_its_folder(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    assert add_dir(deployed, SAMPLE_SET)[0] == 0
    old = snapshot(aws, deployed.resources).items["aws-101-lecture"]
    only_media = tmp_path / "set"
    (only_media / "v0").mkdir(parents=True)
    for place in ("v0/index.m3u8", "v0/seg_000.ts", "v0/seg_001.ts"):
        (only_media / place).write_bytes((SAMPLE_SET / place).read_bytes())
    (only_media / "lecture.m3u8").write_text(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n"
    )

    code, _, err = add_dir(deployed, only_media, "--force")

    assert code == 0, err
    state = snapshot(aws, deployed.resources)
    assert state.problems() == []
    assert state.objects_of(old) == set()
    new = state.items["aws-101-lecture"]
    assert new.key.value.endswith("/lecture.m3u8")
    assert old.root is not None
    assert invalidated_paths(aws, deployed.resources) == [f"/{old.root}*"]


def test_remove_deletes_every_file_of_the_set(aws: dict[str, Any], deployed: Stack) -> None:
    assert add_dir(deployed, SAMPLE_SET)[0] == 0
    item = snapshot(aws, deployed.resources).items["aws-101-lecture"]
    code, out, _ = cli(deployed.name, "remove", "--id", "aws-101-lecture")
    assert code == 0
    assert out.strip() == f"removed aws-101-lecture and its 4 objects {item.root}"
    state = snapshot(aws, deployed.resources)
    assert state.current == {}
    assert state.items == {}


def test_removing_a_set_leaves_the_course_s_other_items(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    """A set's root is its publish's own folder, not the course's or the item's."""
    video = tmp_path / "intro.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 64)
    assert cli(deployed.name, "add", "--course", "aws-101", "--id", "aws-101-lecture-x",
               "--title", "X", "--file", str(video))[0] == 0  # fmt: skip
    assert add_dir(deployed, SAMPLE_SET)[0] == 0
    assert cli(deployed.name, "remove", "--id", "aws-101-lecture")[0] == 0
    state = snapshot(aws, deployed.resources)
    assert state.problems() == []
    assert list(state.items) == ["aws-101-lecture-x"]
    assert len(state.current) == 1
