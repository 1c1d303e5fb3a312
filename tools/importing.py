"""``bin/content import FILE``: bulk loads of course records, enrolments and unenrolments, as
JSON Lines.

Each line is one of::

    {"course": "aws-101", "title": "AWS 101", "description": "..."}
    {"enrol": {"course": "aws-101", "learner": "<sub or email>", "notBefore": "...",
               "notAfter": "...", "reference": "..."}}
    {"unenrol": {"course": "aws-101", "learner": "<sub or email>"}}

Every line is checked before anything is written; a bad line is reported with its line number
and skipped, and the run ends with exit status 2 if there was one. Courses are written first
(into the catalog, as ``course put`` writes them), then enrolments and unenrolments in batches
of up to 100 (``RevokingEnrolments.apply``: an unenrolment, or an enrolment that narrows one,
revokes the learner's grants for the course first, one grant-store write for a batch's
revocations, then confirms them). Every write creates, replaces or deletes, so a line already
applied is not an error and a run interrupted anywhere (a SIGKILL included) converges when run
again. A learner named by email is looked up once per email; by ``sub``, with no Cognito call
at all. When the same learner and course appear on several lines, the last one wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import Course, validate_id
from shared.enrolments.errors import ThrottledError
from shared.enrolments.model import Enrolment, Window
from shared.enrolments.store import MAX_PAGE

from .enrolment import Enrolling, validate_learner_name

#: Lines per ``apply`` call: the enrolment API's own batch limit.
BATCH = MAX_PAGE
_ENROL_FIELDS = frozenset({"course", "learner", "notBefore", "notAfter", "reference"})


@dataclass(frozen=True)
class EnrolLine:
    """An enrolment line, checked; ``learner`` is a sub or an email (looked up later)."""

    number: int
    learner: str
    course_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class UnenrolLine:
    """An unenrolment line, checked; ``learner`` is a sub or an email (looked up later)."""

    number: int
    learner: str
    course_id: str


#: An enrolment or unenrolment line.
Line = EnrolLine | UnenrolLine


@dataclass
class Plan:
    """What a file asks for, after every check that needs no AWS call."""

    courses: list[Course] = field(default_factory=list)
    enrolments: list[EnrolLine] = field(default_factory=list)
    unenrolments: list[UnenrolLine] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Imported:
    courses: int = 0
    enrolments: int = 0
    unenrolments: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.courses} course(s), {self.enrolments} enrolment(s) and "
            f"{self.unenrolments} unenrolment(s) written, {len(self.bad)} bad line(s)"
        )


def plan(lines: Iterable[str]) -> Plan:
    """Check every line; nothing here reaches AWS."""
    found = Plan()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            _read_line(number, text, found)
        except InvalidValueError as exc:
            found.bad.append((number, str(exc)))
    return found


def _read_line(number: int, text: str, found: Plan) -> None:
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidValueError("not a JSON object") from None
    if not isinstance(value, dict):
        raise InvalidValueError("not a JSON object")
    if "enrol" in value:
        found.enrolments.append(_enrol_line(number, value))
    elif "unenrol" in value:
        found.unenrolments.append(_unenrol_line(number, value))
    elif "course" in value:
        unknown = sorted(set(value) - {"course", "title", "description"})
        if unknown or not isinstance(value.get("title"), str):
            raise InvalidValueError('a course line is {"course": ID, "title": T, "description"?}')
        course, description = value["course"], value.get("description")
        if not isinstance(course, str) or not isinstance(description, str | None):
            raise InvalidValueError("course and description must be strings")
        found.courses.append(Course.check(course, value["title"], description))
    else:
        raise InvalidValueError(
            'a line holds {"course": ...}, {"enrol": {...}} or {"unenrol": {...}}'
        )


def _enrol_line(number: int, value: dict[str, Any]) -> EnrolLine:
    enrol = value["enrol"]
    if len(value) != 1 or not isinstance(enrol, dict) or not set(enrol) <= _ENROL_FIELDS:
        raise InvalidValueError(
            'an enrol line is {"enrol": {"course", "learner", "notBefore"?, "notAfter"?, '
            '"reference"?}}'
        )
    course, learner = enrol.get("course"), enrol.get("learner")
    if not isinstance(course, str) or not isinstance(learner, str):
        raise InvalidValueError("an enrolment needs a course and a learner (strings)")
    fields = {k: v for k, v in enrol.items() if k not in ("course", "learner")}
    # Every rule of the record but the learner's sub, which an email stands for until looked up.
    Enrolment.parse("00000000-0000-4000-8000-000000000000", course, fields)
    return EnrolLine(number, validate_learner_name(learner), course, fields)


def _unenrol_line(number: int, value: dict[str, Any]) -> UnenrolLine:
    unenrol = value["unenrol"]
    if len(value) != 1 or not isinstance(unenrol, dict) or set(unenrol) != {"course", "learner"}:
        raise InvalidValueError('an unenrol line is {"unenrol": {"course", "learner"}}')
    course, learner = unenrol["course"], unenrol["learner"]
    if not isinstance(course, str) or not isinstance(learner, str):
        raise InvalidValueError("an unenrolment needs a course and a learner (strings)")
    return UnenrolLine(number, validate_learner_name(learner), validate_id(course, "course ID"))


def run_import(
    found: Plan, enrolling: Enrolling, progress: Callable[[int], None] | None = None
) -> Imported:
    """Write what ``found`` asks for; ``progress`` hears how many lines each batch wrote."""
    done = Imported(bad=list(found.bad))
    latest = {course.course_id: course for course in found.courses}
    for course in latest.values():
        enrolling.catalog.put_course(course)
        done.courses += 1
    lines: list[Line] = [*found.enrolments, *found.unenrolments]
    lines.sort(key=lambda line: line.number)
    wanted = _resolved(lines, enrolling, done)
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        _apply(batch, enrolling, done)
        if progress is not None:
            progress(len(batch))
    done.bad.sort()
    return done


def _apply(batch: list[tuple[Line, str]], enrolling: Enrolling, done: Imported) -> None:
    """One batch: its enrolments and unenrolments through ``RevokingEnrolments.apply``."""
    change = enrolling.change()
    puts = [
        (
            line,
            Enrolment(
                sub,
                line.course_id,
                Window.parse(line.fields.get("notBefore"), line.fields.get("notAfter")),
                line.fields.get("reference"),
                change,
            ),
        )
        for line, sub in batch
        if isinstance(line, EnrolLine)
    ]
    deletes = [
        (line, (sub, line.course_id)) for line, sub in batch if isinstance(line, UnenrolLine)
    ]
    outcomes = enrolling.changes.apply(
        [enrolment for _, enrolment in puts],
        [key for _, key in deletes],
        enrolling.catalog.course_ids(),
    )
    asked: list[tuple[Line, object]] = [*puts, *deletes]
    for (line, _), outcome in zip(asked, outcomes, strict=True):
        if outcome.status == 200:
            done.enrolments += 1
        elif outcome.status == 204:
            done.unenrolments += 1
        elif outcome.status == 503:
            raise ThrottledError(f"line {line.number}: {outcome.message}; run the import again")
        else:
            done.bad.append((line.number, outcome.message or "refused"))


def _resolved(lines: list[Line], enrolling: Enrolling, done: Imported) -> list[tuple[Line, str]]:
    """Each line with its learner's sub; the last line wins for one learner and course."""
    latest: dict[tuple[str, str], tuple[Line, str]] = {}
    for line in lines:
        try:
            sub = enrolling.learner(line.learner)
        except InvalidValueError as exc:
            done.bad.append((line.number, str(exc)))
            continue
        latest.pop((sub, line.course_id), None)  # keeps the file's order for the rest
        latest[(sub, line.course_id)] = (line, sub)
    return list(latest.values())
