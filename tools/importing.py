"""``bin/content import FILE``: bulk loads of course records and enrolments, as JSON Lines.

Each line is one of::

    {"course": "aws-101", "title": "AWS 101", "description": "..."}
    {"enrol": {"course": "aws-101", "learner": "<sub or email>", "notBefore": "...",
               "notAfter": "...", "reference": "..."}}

Every line is checked before anything is written; a bad line is reported with its line number
and skipped, and the run ends with exit status 2 if there was one. Courses are written first
(into the catalog, as ``course put`` writes them), then enrolments in batches of up to 100
(``EnrolmentStore.apply``). Every write creates
or replaces, so a line already applied is not an error and a run interrupted anywhere (a
SIGKILL included) converges when run again. A learner named by email is looked up once per
email; by ``sub``, with no Cognito call at all. When the same learner and course appear on
several lines, the last one wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import Course
from shared.enrolments.errors import ThrottledError
from shared.enrolments.model import Enrolment, Window
from shared.enrolments.store import MAX_PAGE

from .enrolment import Enrolling, validate_learner_name

#: Enrolments per ``apply`` call: the enrolment API's own batch limit.
BATCH = MAX_PAGE
_ENROL_FIELDS = frozenset({"course", "learner", "notBefore", "notAfter", "reference"})


@dataclass(frozen=True)
class EnrolLine:
    """An enrolment line, checked; ``learner`` is a sub or an email (looked up later)."""

    number: int
    learner: str
    course_id: str
    fields: dict[str, Any]


@dataclass
class Plan:
    """What a file asks for, after every check that needs no AWS call."""

    courses: list[Course] = field(default_factory=list)
    enrolments: list[EnrolLine] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Imported:
    courses: int = 0
    enrolments: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.courses} course(s) and {self.enrolments} enrolment(s) written, "
            f"{len(self.bad)} bad line(s)"
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
    elif "course" in value:
        unknown = sorted(set(value) - {"course", "title", "description"})
        if unknown or not isinstance(value.get("title"), str):
            raise InvalidValueError('a course line is {"course": ID, "title": T, "description"?}')
        course, description = value["course"], value.get("description")
        if not isinstance(course, str) or not isinstance(description, str | None):
            raise InvalidValueError("course and description must be strings")
        found.courses.append(Course.check(course, value["title"], description))
    else:
        raise InvalidValueError('a line holds {"course": ...} or {"enrol": {...}}')


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


def run_import(
    found: Plan, enrolling: Enrolling, progress: Callable[[int], None] | None = None
) -> Imported:
    """Write what ``found`` asks for; ``progress`` hears how many enrolments each batch wrote."""
    done = Imported(bad=list(found.bad))
    store = enrolling.store
    latest = {course.course_id: course for course in found.courses}
    for course in latest.values():
        enrolling.catalog.put_course(course)
        done.courses += 1
    wanted = _resolved(found.enrolments, enrolling, done)
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        change = enrolling.change()
        puts = [
            Enrolment(
                sub,
                line.course_id,
                Window.parse(line.fields.get("notBefore"), line.fields.get("notAfter")),
                line.fields.get("reference"),
                change,
            )
            for line, sub in batch
        ]
        courses = enrolling.catalog.course_ids()
        for (line, _), outcome in zip(batch, store.apply(puts, [], courses), strict=True):
            if outcome.status == 200:
                done.enrolments += 1
            elif outcome.status == 503:
                raise ThrottledError(f"line {line.number}: {outcome.message}; run the import again")
            else:
                done.bad.append((line.number, outcome.message or "refused"))
        if progress is not None:
            progress(len(batch))
    done.bad.sort()
    return done


def _resolved(
    lines: list[EnrolLine], enrolling: Enrolling, done: Imported
) -> list[tuple[EnrolLine, str]]:
    """Each line with its learner's sub; the last line wins for one learner and course."""
    latest: dict[tuple[str, str], tuple[EnrolLine, str]] = {}
    for line in lines:
        try:
            sub = enrolling.learner(line.learner)
        except InvalidValueError as exc:
            done.bad.append((line.number, str(exc)))
            continue
        latest.pop((sub, line.course_id), None)  # keeps the file's order for the rest
        latest[(sub, line.course_id)] = (line, sub)
    return list(latest.values())
