"""Publishing stopped at every step boundary, against moto: before each write reaches AWS and
after it took effect (its answer lost), by Ctrl-C, by an AWS error and by a process that
dies there (no recovery can run in it). After each stop, no object is reachable without being
in the catalog (as an item or a journal) and no item points at nothing; re-running the same
command reaches the state it promised. A real process killed with SIGKILL, too."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from catalog.publish import CloudFrontInvalidation, ContentBucket, Draft, Publisher, PublishError
from catalog.writes import CatalogWriter
from tests.integration.conftest import Stack
from tests.support.publishing import Fault, Faulty, ProcessDied, Snapshot, throttled
from tests.support.tokens import ROOT
from tools.content import run

OLD = b"\x00\x00\x00\x18ftypmp42" + b"old" * 700
NEW = b"\x00\x00\x00\x18ftypmp42" + b"new" * 900
BIG = os.urandom(9 * 1024 * 1024)  # two parts


@dataclass(frozen=True)
class Scenario:
    """A command, the item already there (if any), and the writes it makes uninterrupted."""

    args: tuple[str, ...]
    filename: str | None
    data: bytes
    before: bool
    writes: tuple[str, ...]

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
        NEW,
        True,
        REPLACE_WRITES,
    ),
    "remove": Scenario(
        ("remove", "--id", "intro"),
        None,
        b"",
        True,
        ("put_item", "transact_write_items", "delete_object", "create_invalidation", "delete_item"),
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


def command(scenario: Scenario, tmp_path: Path) -> list[str]:
    args = list(scenario.args)
    if scenario.filename is not None:
        path = tmp_path / scenario.filename
        path.write_bytes(scenario.data)
        args.append(str(path))
        if scenario.before:
            args.append("--force")
    return args


def draft(args: list[str]) -> Draft:
    return Draft.check("aws-101", "intro", "Welcome", Path(args[-2 if "--force" in args else -1]))


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
        chosen.add(draft(args), force="--force" in args)


def snapshot(aws: dict[str, Any], stack: Stack) -> Snapshot:
    return Snapshot.take(aws["dynamodb"], aws["s3"], stack.resources.table, stack.resources.bucket)


def cli(stack: Stack, args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack.name, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue() + err.getvalue()


def published_before(aws: dict[str, Any], stack: Stack, tmp_path: Path) -> Snapshot:
    old = tmp_path / "old" / "intro.mp4"
    old.parent.mkdir()
    old.write_bytes(OLD)
    publisher(aws, stack, Fault()).add(Draft.check("aws-101", "intro", "Welcome", old))
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
    assert set(state.current) == {item.key.value for item in state.items.values()}
    if scenario.removes:
        assert state.items == {}
    else:
        item = state.items["intro"]
        body = aws["s3"].get_object(Bucket=stack.resources.bucket, Key=item.key.value)["Body"]
        assert body.read() == scenario.data
    if before is not None:
        old = before.items["intro"]
        assert old.key.value not in state.current
        assert old.key.path in invalidated_paths(aws, stack)


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
            published_before(aws, deployed, folder)
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
    before = published_before(aws, deployed, tmp_path) if scenario.before else None
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


@pytest.mark.parametrize("step", ["upload", "switch"])
def test_a_killed_process_leaves_nothing_half_written_and_a_re_run_finishes(
    aws: dict[str, Any], deployed: Stack, tmp_path: Path, moto_url: str, step: str
) -> None:
    scenario = SCENARIOS["add --force, another extension"]
    before = published_before(aws, deployed, tmp_path)
    args = command(scenario, tmp_path)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": moto_url,
        "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.killable_content",
            step,
            "--stack",
            deployed.name,
            "--region",
            "us-east-1",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert line.endswith("done\n"), process.stderr.read() if process.stderr else ""

    stopped = snapshot(aws, deployed)
    assert stopped.problems() == []
    assert list(stopped.journals) == ["_publish#intro"]
    assert stopped.journals["_publish#intro"].switched is (step == "switch")
    assert len(stopped.current) == 2  # the live object and the journal's upload
    code, output = cli(deployed, args)
    assert code == 0, output
    assert ("finished" if step == "switch" else "undid") in output
    assert_converged(aws, deployed, scenario, before)
