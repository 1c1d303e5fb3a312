"""`bin/content import FILE` with unenrol lines, against a stack in moto whose grant store is in
the local KeyValueStore: each unenrolment revokes the learner's grants for the course before
the enrolment goes (a batch's revocations in one grant-store write per 50), bad lines are
reported by number, a stack without a grant store refuses the file before any write, and a run
stopped at any write (by an error, by Ctrl-C, or by SIGKILL in a real process) never leaves an
enrolment gone without its revocation and converges when run again."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore
from tests.support.enrolments import enrol, new_learner
from tests.support.killing import killed_after_its_write
from tests.support.moto_stack import Stack, deploy_content_stack
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tests.support.revocations import GrantStore, Ticking
from tools.content import run
from tools.enrolment import Enrolling
from tools.importing import plan, run_import
from tools.publishing.writes import CatalogWriter

NOW = 1_800_000_000
COURSES = ("imp-a", "imp-b")
GONE = [new_learner() for _ in range(30)]
NEW = [new_learner() for _ in range(30)]
#: Two courses, 30 unenrolments from imp-a and 30 enrolments into imp-b, one batch: seven
#: writes (2 catalog transactions; the revocations; 3 BatchWriteItem; their confirmation).
LINES = [
    *(json.dumps({"course": c, "title": f"Course {c}"}) for c in COURSES),
    *(json.dumps({"unenrol": {"course": "imp-a", "learner": sub}}) for sub in GONE),
    *(json.dumps({"enrol": {"course": "imp-b", "learner": sub}}) for sub in NEW),
]
WRITES = 7
WANTED = {(sub, "imp-b") for sub in NEW}
WRITE_CALLS = frozenset(
    {"transact_write_items", "batch_write_item", "update_keys", "update_item", "put_item"}
)


def cli(stack: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--stack", stack, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "changes.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(aws: dict[str, Any], deployed: Stack) -> EnrolmentStore:
    assert deployed.resources.enrolment_table is not None
    return EnrolmentStore(aws["dynamodb"], deployed.resources.enrolment_table)


@pytest.fixture
def catalog(aws: dict[str, Any], deployed: Stack) -> CatalogWriter:
    return CatalogWriter(aws["dynamodb"], deployed.resources.table)


@pytest.fixture
def enrolled(store: EnrolmentStore) -> None:
    for sub in GONE:
        enrol(store, sub, "imp-a")


def stored(store: EnrolmentStore) -> set[tuple[str, str]]:
    enrolments = set()
    for page in store.dynamodb.get_paginator("scan").paginate(TableName=store.table):
        enrolments |= {(i["learner"]["S"], i["courseId"]["S"]) for i in page["Items"]}
    return enrolments


def unrevoked_and_gone(store: EnrolmentStore, grant_store: GrantStore) -> list[str]:
    """The unenrolled learners whose enrolment is gone with no revocation: never any."""
    left = stored(store)
    return [
        sub
        for sub in GONE
        if (sub, "imp-a") not in left and grant_store.revoked_at(sub, "imp-a") is None
    ]


def test_an_import_unenrols_revoking_first_and_says_how_many(
    deployed: Stack, store: EnrolmentStore, grant_store: GrantStore, enrolled: None, tmp_path: Path
) -> None:
    before = time.time()
    code, out, err = cli(deployed.name, "import", str(write(tmp_path, LINES)))
    assert (code, err) == (0, "")
    assert out == "2 course(s), 30 enrolment(s) and 30 unenrolment(s) written, 0 bad line(s)\n"
    assert stored(store) == WANTED
    assert {grant_store.decision(sub, "imp-a", before) for sub in GONE} == {"revoked"}
    assert {grant_store.decision(sub, "imp-b", before) for sub in NEW} == {"allowed"}


def test_bad_unenrol_lines_are_reported_by_number_and_the_good_ones_applied(
    deployed: Stack, store: EnrolmentStore, grant_store: GrantStore, enrolled: None, tmp_path: Path
) -> None:
    gone = GONE[0]
    lines = [
        json.dumps({"unenrol": {"course": "imp-a", "learner": gone}}),
        json.dumps({"unenrol": {"course": "imp-a", "learner": "NOT-A-SUB"}}),
        json.dumps({"unenrol": {"course": "a b", "learner": gone}}),
        json.dumps({"unenrol": {"course": "imp-a", "learner": gone, "notAfter": "x"}}),
        json.dumps({"unenrol": {"course": "imp-a"}}),
        json.dumps({"unenrol": "imp-a"}),
    ]
    code, out, err = cli(deployed.name, "import", str(write(tmp_path, lines)))
    assert code == 2
    assert out == "0 course(s), 0 enrolment(s) and 1 unenrolment(s) written, 5 bad line(s)\n"
    assert [line.split(":", 1)[0] for line in err.splitlines()] == [
        f"line {n}" for n in range(2, 7)
    ]
    assert (gone, "imp-a") not in stored(store)
    assert grant_store.revoked_at(gone, "imp-a") is not None
    assert [sub for sub in GONE[1:] if grant_store.revoked_at(sub, "imp-a")] == []


def test_the_last_line_for_a_learner_and_course_wins_enrol_or_unenrol(
    deployed: Stack, store: EnrolmentStore, grant_store: GrantStore, tmp_path: Path
) -> None:
    kept, gone = new_learner(), new_learner()
    enrol(store, gone, "imp-a")  # enrolled before the file: its last line takes it away
    lines = [
        LINES[0],
        json.dumps({"unenrol": {"course": "imp-a", "learner": kept}}),
        json.dumps({"enrol": {"course": "imp-a", "learner": kept}}),
        json.dumps({"enrol": {"course": "imp-a", "learner": gone}}),
        json.dumps({"unenrol": {"course": "imp-a", "learner": gone}}),
    ]
    assert cli(deployed.name, "import", str(write(tmp_path, lines)))[0] == 0
    assert stored(store) == {(kept, "imp-a")}
    assert grant_store.revoked_at(kept, "imp-a") is None
    assert grant_store.revoked_at(gone, "imp-a") is not None


def test_a_stack_without_a_grant_store_refuses_unenrol_lines_before_any_write(
    aws: dict[str, Any], tmp_path: Path
) -> None:
    old = deploy_content_stack(aws)  # deployed before its grant store
    assert old.resources.enrolment_table is not None
    store = EnrolmentStore(aws["dynamodb"], old.resources.enrolment_table)
    enrol(store, GONE[0], "imp-a")
    code, out, err = cli(old.name, "import", str(write(tmp_path, LINES)))
    assert (code, out) == (1, "")
    assert "no grant store" in err
    assert stored(store) == {(GONE[0], "imp-a")}
    assert CatalogWriter(aws["dynamodb"], old.resources.table).course_ids() == []


def enrolling_on(
    store: EnrolmentStore,
    catalog: CatalogWriter,
    grant_store: GrantStore,
    fault: Fault,
    clock: Ticking,
) -> Enrolling:
    """The import's writes (catalog, enrolments, grant store) going through ``fault``; every
    revocation in a later second than the one before, so that every confirmation writes."""
    client: Any = Faulty(store.dynamodb, fault)
    kvs: Any = Faulty(grant_store.client(), fault)
    return Enrolling(
        EnrolmentStore(client, store.table, sleep=lambda _: None),
        CatalogWriter(client, catalog.table),
        None,
        identity=lambda: "arn:aws:iam::123456789012:user/test",
        clock=clock,
        grants=KeyValueStore(kvs, grant_store.arn, pause=lambda _: None),
    )


STOPS = {
    "Ctrl-C before": lambda at: Fault(at=at),
    "Ctrl-C after": lambda at: Fault(at=at, after=True),
    "throttled before": lambda at: Fault(at=at, error=throttled()),
    "died after": lambda at: Fault(at=at, after=True, error=ProcessDied("killed"), fatal=True),
}


def test_the_import_has_exactly_the_writes_the_interruption_matrix_stops_at(
    store: EnrolmentStore, catalog: CatalogWriter, grant_store: GrantStore, enrolled: None
) -> None:
    fault = Fault(calls=WRITE_CALLS)
    run_import(plan(LINES), enrolling_on(store, catalog, grant_store, fault, Ticking(NOW)))
    assert fault.writes == [
        "transact_write_items",
        "transact_write_items",
        "update_keys",
        *["batch_write_item"] * 3,
        "update_keys",
    ]
    assert len(fault.writes) == WRITES


@pytest.mark.slow
@pytest.mark.parametrize("at", range(1, WRITES + 1))
@pytest.mark.parametrize("stop", STOPS)
def test_an_import_stopped_at_any_write_never_unenrols_unrevoked_and_converges(
    store: EnrolmentStore,
    catalog: CatalogWriter,
    grant_store: GrantStore,
    enrolled: None,
    stop: str,
    at: int,
) -> None:
    found, clock = plan(LINES), Ticking(NOW)
    fault = STOPS[stop](at)
    fault.calls = WRITE_CALLS
    with pytest.raises((KeyboardInterrupt, ProcessDied, Exception)):
        run_import(found, enrolling_on(store, catalog, grant_store, fault, clock))
    assert fault.fired
    assert unrevoked_and_gone(store, grant_store) == []

    again = run_import(found, enrolling_on(store, catalog, grant_store, Fault(), clock))

    assert again.bad == []
    assert stored(store) == WANTED
    assert all(grant_store.revoked_at(sub, "imp-a") == int(clock.now) for sub in GONE)


@pytest.mark.slow
@pytest.mark.parametrize("at", range(1, WRITES + 1))
def test_an_import_process_killed_after_any_write_converges_when_run_again(
    moto_url: str,
    deployed: Stack,
    store: EnrolmentStore,
    grant_store: GrantStore,
    enrolled: None,
    tmp_path: Path,
    at: int,
) -> None:
    path = str(write(tmp_path, LINES))
    args = ("--stack", deployed.name, "--region", "us-east-1", "import", path)
    assert killed_after_its_write("testkit.killable_import", moto_url, str(at), *args)
    assert unrevoked_and_gone(store, grant_store) == []
    before = time.time()

    code, _, err = cli(deployed.name, "import", path)

    assert (code, err) == (0, "")
    assert stored(store) == WANTED
    assert {grant_store.decision(sub, "imp-a", before) for sub in GONE} == {"revoked"}
