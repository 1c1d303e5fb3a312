"""Publishing stopped at every step boundary, against moto: before each write reaches AWS and
after it took effect (its answer lost), by Ctrl-C, by an AWS error and by a process that
dies there (no recovery can run in it). After each stop, no object is reachable without being
in the catalog (as an item or a journal) and no item points at nothing; re-running the same
command reaches the state it promised. Single files, moves between courses
(``--move-from-course``) and HLS rendition sets (``--dir``: every file of the set is one more
step). A real process killed with SIGKILL, too."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.killing import killed_after_its_write
from tests.support.moto_stack import Stack, create_course
from tests.support.publishing import Fault, Faulty, ProcessDied, Snapshot, throttled
from tools.content import run
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.errors import PublishError
from tools.publishing.invalidation import CloudFrontInvalidation, cached_paths
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter

#: Publishing needs its course first; the matrix runs hundreds of publishes (slow).
pytestmark = [pytest.mark.usefixtures("aws_101"), pytest.mark.slow]

OLD = b"\x00\x00\x00\x18ftypmp42" + b"old" * 700
NEW = b"\x00\x00\x00\x18ftypmp42" + b"new" * 900
WEBM = b"\x1a\x45\xdf\xa3" + b"webm" * 900
BIG = b"\x00\x00\x00\x18ftypmp42" + os.urandom(9 * 1024 * 1024)  # two parts


def transport_stream(label: bytes, packets: int) -> bytes:
    """``packets`` MPEG-TS packets: the sync byte, then ``label`` repeated."""
    return (b"G" + (label * 187)[:187]) * packets


def rendition_set(label: bytes) -> dict[str, bytes]:
    """A small HLS set: a master, one media playlist, two segments (``label`` in each)."""
    return {
        "master.m3u8": b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv0/index.m3u8\n",
        "v0/index.m3u8": (
            b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2,\n"
            b"seg_000.ts\n#EXTINF:1,\nseg_001.ts\n#EXT-X-ENDLIST\n#" + label + b"\n"
        ),
        "v0/seg_000.ts": transport_stream(label, 5),
        "v0/seg_001.ts": transport_stream(label, 2),
    }


OLD_SET = rendition_set(b"old")
NEW_SET = rendition_set(b"new")
SET_UPLOADS = ("put_object",) * len(NEW_SET)
SET_WITHDRAWAL = ("delete_object",) * len(OLD_SET)  # every object under the retired root


@dataclass(frozen=True)
class Scenario:
    """A command, the item already there (if any), and the writes it makes uninterrupted."""

    args: tuple[str, ...]
    filename: str | None
    data: bytes
    before: bool
    writes: tuple[str, ...]
    #: A rendition set (``--dir``) to publish instead of the file, and whether the item there
    #: before is a set too.
    files: dict[str, bytes] | None = None
    before_set: bool = False
    #: The item there before is in this other course, and the command moves it from there
    #: (``--move-from-course``) instead of replacing it (``--force``).
    move_from: str | None = None

    @property
    def removes(self) -> bool:
        return self.args[0] == "remove"


REPLACE_WRITES = (
    "put_item",  # the journal
    "put_object",  # the new object, at a key of its own
    "transact_write_items",  # the switch
    "delete_object",  # the retired object's version
    "create_invalidation",
    "delete_item",  # the journal
)
ADD = ("add", "--course", "aws-101", "--id", "intro", "--title", "Welcome", "--file")
ADD_DIR = (*ADD[:-1], "--dir")
SCENARIOS = {
    "add": Scenario(
        ADD,
        "intro.mp4",
        NEW,
        False,
        ("put_item", "put_object", "transact_write_items", "delete_item"),
    ),
    "add in parts": Scenario(
        ADD,
        "lecture.mp4",
        BIG,
        False,
        (
            "put_item",
            "create_multipart_upload",
            "upload_part",
            "upload_part",
            "complete_multipart_upload",
            "transact_write_items",
            "delete_item",
        ),
    ),
    "add --force": Scenario(
        ADD,
        "intro.mp4",
        NEW,
        True,
        REPLACE_WRITES,
    ),
    "add --force, another extension": Scenario(
        ADD,
        "intro.webm",
        WEBM,
        True,
        REPLACE_WRITES,
    ),
    "add --move-from-course": Scenario(
        ADD,
        "intro.mp4",
        NEW,
        True,
        REPLACE_WRITES,
        move_from="aws-201",
    ),
    "remove": Scenario(
        ("remove", "--id", "intro"),
        None,
        b"",
        True,
        ("put_item", "transact_write_items", "delete_object", "create_invalidation", "delete_item"),
    ),
    "add --dir": Scenario(
        ADD_DIR,
        "set",
        b"",
        False,
        ("put_item", *SET_UPLOADS, "transact_write_items", "delete_item"),
        files=NEW_SET,
    ),
    "add --dir --force, over a file": Scenario(
        ADD_DIR,
        "set",
        b"",
        True,
        ("put_item", *SET_UPLOADS, *REPLACE_WRITES[2:]),
        files=NEW_SET,
    ),
    "add --dir --force, over a set": Scenario(
        ADD_DIR,
        "set",
        b"",
        True,
        (
            "put_item",
            *SET_UPLOADS,
            "transact_write_items",
            *SET_WITHDRAWAL,
            "create_invalidation",
            "delete_item",
        ),
        files=NEW_SET,
        before_set=True,
    ),
    "add --force a file, over a set": Scenario(
        ADD,
        "intro.mp4",
        NEW,
        True,
        (
            "put_item",
            "put_object",
            "transact_write_items",
            *SET_WITHDRAWAL,
            "create_invalidation",
            "delete_item",
        ),
        before_set=True,
    ),
    "remove a set": Scenario(
        ("remove", "--id", "intro"),
        None,
        b"",
        True,
        (
            "put_item",
            "transact_write_items",
            *SET_WITHDRAWAL,
            "create_invalidation",
            "delete_item",
        ),
        before_set=True,
    ),
}
STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "ctrl-c": lambda: (KeyboardInterrupt(), False),
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}


def cases() -> list[Any]:
    found = []
    for name, scenario in SCENARIOS.items():
        for at, write in enumerate(scenario.writes, start=1):
            for after in (False, True):
                for stop in STOPS:
                    label = f"{name}|{'after' if after else 'before'} {at}:{write}|{stop}"
                    found.append(pytest.param(name, at, after, stop, id=label))
    return found


def write_set(folder: Path, files: dict[str, bytes]) -> Path:
    for place, data in files.items():
        (folder / place).parent.mkdir(parents=True, exist_ok=True)
        (folder / place).write_bytes(data)
    return folder


def command(scenario: Scenario, tmp_path: Path) -> list[str]:
    args = list(scenario.args)
    if scenario.filename is not None:
        path = tmp_path / scenario.filename
        if scenario.files is not None:
            write_set(path, scenario.files)
        else:
            path.write_bytes(scenario.data)
        args.append(str(path))
        if scenario.move_from is not None:
            args += ["--move-from-course", scenario.move_from]
        elif scenario.before:
            args.append("--force")
    return args


def draft(args: list[str]) -> Draft:
    path = Path(args[args.index("--dir" if "--dir" in args else "--file") + 1])
    if "--dir" in args:
        return Draft.check_dir("aws-101", "intro", "Welcome", path)
    return Draft.check("aws-101", "intro", "Welcome", path)


def publisher(aws: dict[str, Any], stack: Stack, fault: Fault) -> Publisher:
    resources = stack.resources
    assert resources.distribution_id is not None
    return Publisher(
        CatalogWriter(Faulty(aws["dynamodb"], fault), resources.table),  # type: ignore[arg-type]
        ContentBucket(Faulty(aws["s3"], fault), resources.bucket),  # type: ignore[arg-type]
        CloudFrontInvalidation(Faulty(aws["cloudfront"], fault), resources.distribution_id),  # type: ignore[arg-type]
    )


def execute(aws: dict[str, Any], stack: Stack, args: list[str], fault: Fault) -> None:
    chosen = publisher(aws, stack, fault)
    if args[0] == "remove":
        chosen.remove("intro")
    else:
        move_from = (
            args[args.index("--move-from-course") + 1] if "--move-from-course" in args else None
        )
        chosen.add(draft(args), force="--force" in args, move_from=move_from)


def snapshot(aws: dict[str, Any], stack: Stack) -> Snapshot:
    return Snapshot.take(aws["dynamodb"], aws["s3"], stack.resources.table, stack.resources.bucket)


def cli(stack: Stack, args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack.name, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue() + err.getvalue()


def published_before(
    aws: dict[str, Any], stack: Stack, tmp_path: Path, scenario: Scenario
) -> Snapshot:
    folder = tmp_path / "old"
    folder.mkdir()
    course = scenario.move_from or "aws-101"
    create_course(aws, stack, course)
    if scenario.before_set:
        old = Draft.check_dir(course, "intro", "Welcome", write_set(folder, OLD_SET))
    else:
        (folder / "intro.mp4").write_bytes(OLD)
        old = Draft.check(course, "intro", "Welcome", folder / "intro.mp4")
    publisher(aws, stack, Fault()).add(old)
    return snapshot(aws, stack)


def invalidated_paths(aws: dict[str, Any], stack: Stack) -> set[str]:
    cloudfront, distribution = aws["cloudfront"], stack.resources.distribution_id
    listing = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    paths: set[str] = set()
    for summary in listing.get("Items", []):
        batch = cloudfront.get_invalidation(DistributionId=distribution, Id=summary["Id"])
        paths |= set(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
    return paths


def assert_converged(
    aws: dict[str, Any], stack: Stack, scenario: Scenario, before: Snapshot | None
) -> None:
    """The state the command promised: published (the new bytes served, nothing else left)
    or removed, and the retired object invalidated."""
    state = snapshot(aws, stack)
    assert state.problems() == []
    assert state.journals == {}
    served: set[str] = set()
    for item in state.items.values():
        served |= state.objects_of(item)
    assert set(state.current) == served
    if scenario.removes:
        assert state.items == {}
    else:
        item = state.items["intro"]
        assert item.course_id == "aws-101"
        expected = (
            {item.key.value: scenario.data}
            if scenario.files is None
            else {f"{item.root}{place}": data for place, data in scenario.files.items()}
        )
        assert state.objects_of(item) == set(expected)
        for key, data in expected.items():
            body = aws["s3"].get_object(Bucket=stack.resources.bucket, Key=key)["Body"]
            assert body.read() == data
    if before is not None:
        old = before.items["intro"]
        assert state.objects_of(old) == set()
        assert set(cached_paths(old)) <= invalidated_paths(aws, stack)


def test_the_matrix_covers_every_write_of_each_command(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path
) -> None:
    """Each scenario's writes, uninterrupted, are the ones the matrix stops at."""
    for name, scenario in SCENARIOS.items():
        folder = tmp_path / name.replace(" ", "_").replace(",", "")
        folder.mkdir()
        args = command(scenario, folder)
        aws["dynamodb"].delete_item(
            TableName=deployed.resources.table, Key={"contentId": {"S": "intro"}}
        )
        if scenario.before:
            published_before(aws, deployed, folder, scenario)
        fault = Fault()
        execute(aws, deployed, args, fault)
        assert tuple(fault.writes) == scenario.writes, name


@pytest.mark.parametrize(("name", "at", "after", "stop"), cases())
def test_a_publish_stopped_at_any_step_converges_when_run_again(
    aws: dict[str, Any],
    deployed: Stack,
    tmp_path: Path,
    name: str,
    at: int,
    after: bool,
    stop: str,
) -> None:
    scenario = SCENARIOS[name]
    before = published_before(aws, deployed, tmp_path, scenario) if scenario.before else None
    args = command(scenario, tmp_path)
    error, fatal = STOPS[stop]()
    fault = Fault(at=at, after=after, error=error, fatal=fatal)

    with pytest.raises(PublishError):
        execute(aws, deployed, args, fault)

    stopped = snapshot(aws, deployed)
    assert stopped.problems() == []
    if not fatal:  # the recovery ran in the process: undone or finished, no journal left
        assert stopped.journals == {}
    code, output = cli(deployed, args)
    nothing_left = scenario.removes and "intro" not in stopped.items and not stopped.journals
    assert (code, nothing_left) in ((0, False), (2, True)), output
    assert_converged(aws, deployed, scenario, before)


@pytest.mark.parametrize(
    "name",
    ["add --force, another extension", "add --dir --force, over a set", "add --move-from-course"],
)
@pytest.mark.parametrize("step", ["upload", "switch"])
def test_a_killed_process_leaves_nothing_half_written_and_a_re_run_finishes(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path, moto_url: str, step: str, name: str
) -> None:
    scenario = SCENARIOS[name]
    before = published_before(aws, deployed, tmp_path, scenario)
    args = command(scenario, tmp_path)
    killed_after_its_write(
        "testkit.killable_content",
        moto_url,
        step,
        "--stack",
        deployed.name,
        "--region",
        "us-east-1",
        *args,
    )

    stopped = snapshot(aws, deployed)
    assert stopped.problems() == []
    assert list(stopped.journals) == ["_publish#intro"]
    assert stopped.journals["_publish#intro"].switched is (step == "switch")
    # the live object(s) and the journal's upload(s)
    assert len(stopped.current) == (2 if scenario.files is None else len(OLD_SET) + len(NEW_SET))
    code, output = cli(deployed, args)
    assert code == 0, output
    assert ("finished" if step == "switch" else "undid") in output
    assert_converged(aws, deployed, scenario, before)
