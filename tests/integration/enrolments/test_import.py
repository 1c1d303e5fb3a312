"""`bin/content import FILE` against a stack in moto: every line checked first, bad lines
reported by number (exit 2) while the good ones are written, a re-run changes nothing, and a
run stopped at any write (before it reached DynamoDB, after it took effect, by an error, by
Ctrl-C, or by SIGKILL in a real process) converges when run again."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from shared.catalog.store import CatalogStore
from shared.enrolments.store import EnrolmentStore
from tests.support.aws_calls import calls_to
from tests.support.enrolments import new_learner
from tests.support.killing import killed_after_its_write
from tests.support.moto_stack import Stack
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tools.content import run
from tools.enrolment import Enrolling
from tools.importing import plan, run_import
from tools.publishing.writes import CatalogWriter

COURSES = ("imp-a", "imp-b")
LEARNERS = [new_learner() for _ in range(30)]
#: Two courses, then 60 enrolments: five writes (2 catalog transactions, 3 BatchWriteItem).
LINES = [
    *(json.dumps({"course": c, "title": f"Course {c}"}) for c in COURSES),
    *(
        json.dumps({"enrol": {"course": c, "learner": learner, "notAfter": "2031-01-01T00:00:00Z"}})
        for learner in LEARNERS
        for c in COURSES
    ),
]
WRITES = 5
WANTED = {(learner, c) for learner in LEARNERS for c in COURSES}
#: What the import writes with: the catalog's course transactions, the enrolments' batches.
WRITE_CALLS = frozenset({"transact_write_items", "batch_write_item"})


def cli(stack: str, *args: str, err: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), err or io.StringIO()
    code = run(["--stack", stack, "--region", "us-east-1", *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store(aws: dict[str, Any], deployed: Stack) -> EnrolmentStore:
    assert deployed.resources.enrolment_table is not None
    return EnrolmentStore(aws["dynamodb"], deployed.resources.enrolment_table)


@pytest.fixture
def catalog(aws: dict[str, Any], deployed: Stack) -> CatalogWriter:
    return CatalogWriter(aws["dynamodb"], deployed.resources.table)


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "enrolments.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(store: EnrolmentStore, catalog: CatalogStore) -> tuple[set[tuple[str, str]], set[str]]:
    """Every enrolment (learner, course) in the table, and every course of the catalog."""
    enrolments = set()
    for page in store.dynamodb.get_paginator("scan").paginate(TableName=store.table):
        enrolments |= {(i["learner"]["S"], i["courseId"]["S"]) for i in page["Items"]}
    return enrolments, set(catalog.course_ids())


def test_an_import_writes_its_courses_and_enrolments(
    deployed: Stack, store: EnrolmentStore, catalog: CatalogWriter, tmp_path: Path
) -> None:
    code, out, err = cli(deployed.name, "import", str(write(tmp_path, LINES)))
    assert (code, err) == (0, "")
    assert out == "2 course(s), 60 enrolment(s) and 0 unenrolment(s) written, 0 bad line(s)\n"
    assert stored(store, catalog) == (WANTED, set(COURSES))


def test_bad_lines_are_reported_by_number_skipped_and_exit_2(
    deployed: Stack, store: EnrolmentStore, catalog: CatalogWriter, tmp_path: Path
) -> None:
    learner = new_learner()
    lines = [
        json.dumps({"course": "imp-a", "title": "A"}),
        "not json",
        json.dumps({"enrol": {"course": "imp-a", "learner": learner}}),
        json.dumps({"enrol": {"course": "imp-a", "learner": "NOT-A-SUB"}}),
        "",
        json.dumps({"enrol": {"course": "imp-zzz", "learner": learner}}),
        json.dumps({"enrol": {"course": "imp-a", "learner": learner, "notAfter": "soon"}}),
        json.dumps({"course": "imp-b", "title": "B", "owner": "me"}),
        json.dumps([1, 2]),
    ]
    code, out, err = cli(deployed.name, "import", str(write(tmp_path, lines)))
    assert code == 2
    assert out == "1 course(s), 1 enrolment(s) and 0 unenrolment(s) written, 6 bad line(s)\n"
    reported = [line.split(":", 1)[0] for line in err.splitlines()]
    assert reported == ["line 2", "line 4", "line 6", "line 7", "line 8", "line 9"]
    assert "no course imp-zzz" in err
    assert stored(store, catalog) == ({(learner, "imp-a")}, {"imp-a"})


def test_a_re_run_of_a_whole_import_is_no_error_and_changes_nothing(
    deployed: Stack, store: EnrolmentStore, catalog: CatalogWriter, tmp_path: Path
) -> None:
    path = str(write(tmp_path, LINES))
    assert cli(deployed.name, "import", path)[0] == 0
    assert cli(deployed.name, "import", path)[0] == 0
    assert stored(store, catalog) == (WANTED, set(COURSES))


def test_learners_by_sub_make_no_cognito_call_and_each_email_one(
    aws: dict[str, Any],
    deployed: Stack,
    store: EnrolmentStore,
    catalog: CatalogWriter,
    tmp_path: Path,
) -> None:
    pool = deployed.resources.user_pool_id
    aws["cognito-idp"].admin_create_user(
        UserPoolId=pool,
        Username="bulk@example.com",
        UserAttributes=[{"Name": "email", "Value": "bulk@example.com"}],
        MessageAction="SUPPRESS",
    )
    path = str(write(tmp_path, LINES))
    with calls_to("cognito-idp") as by_sub:
        assert cli(deployed.name, "import", path)[0] == 0
    assert by_sub == []
    by_email = [
        json.dumps({"enrol": {"course": c, "learner": "bulk@example.com"}}) for c in COURSES
    ]
    with calls_to("cognito-idp") as lookups:
        assert cli(deployed.name, "import", str(write(tmp_path, [*LINES[:2], *by_email])))[0] == 0
    assert [operation for operation, _ in lookups] == ["AdminGetUser"]


def test_the_last_line_wins_for_one_learner_and_course(
    deployed: Stack, store: EnrolmentStore, catalog: CatalogWriter, tmp_path: Path
) -> None:
    learner = new_learner()
    lines = [
        LINES[0],
        json.dumps({"enrol": {"course": "imp-a", "learner": learner, "reference": "first"}}),
        json.dumps({"enrol": {"course": "imp-a", "learner": learner, "reference": "last"}}),
    ]
    assert cli(deployed.name, "import", str(write(tmp_path, lines)))[0] == 0
    enrolment = store.enrolment(learner, "imp-a")
    assert enrolment is not None
    assert enrolment.reference == "last"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(
    deployed: Stack, tmp_path: Path
) -> None:
    path = str(write(tmp_path, LINES))
    _, _, piped = cli(deployed.name, "import", path)
    assert piped == ""
    terminal = Terminal()
    cli(deployed.name, "import", path, err=terminal)
    assert terminal.getvalue().endswith("] 100% 60/60 enrolments\n")


def enrolling_on(store: EnrolmentStore, catalog: CatalogWriter, fault: Fault) -> Enrolling:
    """The import's writes, the catalog's and the enrolments', going through ``fault``."""
    client: Any = Faulty(store.dynamodb, fault)
    return Enrolling(
        EnrolmentStore(client, store.table, sleep=lambda _: None),
        CatalogWriter(client, catalog.table),
        None,
        identity=lambda: "arn:aws:iam::123456789012:user/test",
    )


STOPS = {
    "Ctrl-C before": lambda at: Fault(at=at),
    "Ctrl-C after": lambda at: Fault(at=at, after=True),
    "throttled before": lambda at: Fault(at=at, error=throttled()),
    "died after": lambda at: Fault(at=at, after=True, error=ProcessDied("killed"), fatal=True),
}


@pytest.mark.slow
@pytest.mark.parametrize("at", range(1, WRITES + 1))
@pytest.mark.parametrize("stop", STOPS)
def test_an_import_stopped_at_any_write_converges_when_run_again(
    store: EnrolmentStore, catalog: CatalogWriter, stop: str, at: int
) -> None:
    found = plan(LINES)
    fault = STOPS[stop](at)
    fault.calls = WRITE_CALLS
    with pytest.raises((KeyboardInterrupt, ProcessDied, Exception)):
        run_import(found, enrolling_on(store, catalog, fault))
    assert fault.fired
    assert len(fault.writes) == at
    again = run_import(found, enrolling_on(store, catalog, Fault()))
    assert again.bad == []
    assert stored(store, catalog) == (WANTED, set(COURSES))


def test_the_import_has_exactly_the_writes_the_interruption_matrix_stops_at(
    store: EnrolmentStore, catalog: CatalogWriter
) -> None:
    fault = Fault(calls=WRITE_CALLS)
    run_import(plan(LINES), enrolling_on(store, catalog, fault))
    assert fault.writes == ["transact_write_items"] * 2 + ["batch_write_item"] * 3


@pytest.mark.slow
@pytest.mark.parametrize("at", range(1, WRITES + 1))
def test_an_import_process_killed_after_any_write_converges_when_run_again(
    moto_url: str,
    deployed: Stack,
    store: EnrolmentStore,
    catalog: CatalogWriter,
    tmp_path: Path,
    at: int,
) -> None:
    path = str(write(tmp_path, LINES))
    args = ("--stack", deployed.name, "--region", "us-east-1", "import", path)
    assert killed_after_its_write("testkit.killable_import", moto_url, str(at), *args)
    partial, _ = stored(store, catalog)
    assert partial <= WANTED
    code, _, err = cli(deployed.name, "import", path)
    assert (code, err) == (0, "")
    assert stored(store, catalog) == (WANTED, set(COURSES))
