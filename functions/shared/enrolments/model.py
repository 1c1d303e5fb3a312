"""Enrolments: every rule about their fields, and their DynamoDB form.

An enrolment says that a learner (their Cognito ``sub``) may read a course, optionally only
from ``notBefore`` and until ``notAfter`` (ISO 8601 in UTC, whole seconds), with a free
``reference`` (an order or contract ID) and who changed it last and when. The course must
exist: courses are the catalog's (``shared.catalog``, ``bin/content course put``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.catalog.errors import InvalidValueError
from shared.catalog.model import validate_id

from .errors import BrokenRecordError

#: A Cognito ``sub``: a UUID in lower case, exactly as the ID token carries it.
LEARNER_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LEARNER_RULE = "a Cognito sub: a lower-case UUID such as 3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21"
MAX_REFERENCE_LENGTH = 200
#: The longest ``changedBy``: an IAM role session's ARN is at most 2,048 characters.
MAX_CHANGED_BY_LENGTH = 2048
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: How times are stored: UTC, whole seconds, so that strings sort as times do.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def validate_learner(value: str) -> str:
    if not LEARNER_PATTERN.fullmatch(value):
        raise InvalidValueError(f"invalid learner: use {LEARNER_RULE}")
    return value


def parse_time(value: object, what: str, *, round_up: bool = False) -> int:
    """An ISO 8601 time with a UTC offset (``Z`` or ``+00:00``) as epoch seconds; a fraction
    is rounded towards the closed side (``round_up`` for a start, down for an end)."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidValueError(
            f"{what} must be an ISO 8601 time in UTC, e.g. 2027-01-31T00:00:00Z"
        )
    try:
        parsed: datetime | None = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    offset = None if parsed is None else parsed.utcoffset()
    if parsed is None or offset is None or offset.total_seconds() != 0:
        raise InvalidValueError(
            f"{what} must be an ISO 8601 time in UTC, e.g. 2027-01-31T00:00:00Z"
        )
    seconds = parsed.timestamp()
    return math.ceil(seconds) if round_up else math.floor(seconds)


def format_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime(TIME_FORMAT)


def validate_reference(value: object) -> str:
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= MAX_REFERENCE_LENGTH
        or _CONTROL_CHARACTERS.search(value)
    ):
        raise InvalidValueError(
            f"reference must be 1-{MAX_REFERENCE_LENGTH} characters, no control characters"
        )
    return value


def validate_changed_by(value: str) -> str:
    if not 1 <= len(value) <= MAX_CHANGED_BY_LENGTH or _CONTROL_CHARACTERS.search(value):
        raise InvalidValueError("changedBy must be a principal's name or ARN")
    return value


@dataclass(frozen=True)
class Change:
    """Who changed a record last (an IAM principal's ARN, or the CLI's caller) and when."""

    by: str
    at: int

    def to_dynamo(self) -> dict[str, Any]:
        return {"changedBy": self.by, "changedAt": format_time(self.at)}

    @classmethod
    def from_dynamo(cls, item: Mapping[str, Any]) -> Change:
        return cls(str(item["changedBy"]), parse_time(item["changedAt"], "changedAt"))


@dataclass(frozen=True)
class Window:
    """When an enrolment opens its course: from ``not_before`` (inclusive) until ``not_after``
    (exclusive), epoch seconds; None is open-ended."""

    not_before: int | None = None
    not_after: int | None = None

    @classmethod
    def parse(cls, not_before: object, not_after: object) -> Window:
        start = None if not_before is None else parse_time(not_before, "notBefore", round_up=True)
        end = None if not_after is None else parse_time(not_after, "notAfter")
        if start is not None and end is not None and start >= end:
            raise InvalidValueError("notBefore must be earlier than notAfter")
        return cls(start, end)

    def contains(self, now: float) -> bool:
        opened = self.not_before is None or self.not_before <= now
        return opened and (self.not_after is None or now < self.not_after)

    def to_json(self) -> dict[str, str]:
        times = {"notBefore": self.not_before, "notAfter": self.not_after}
        return {name: format_time(value) for name, value in times.items() if value is not None}


@dataclass(frozen=True)
class Enrolment:
    """One learner's enrolment in one course."""

    learner: str
    course_id: str
    window: Window = Window()
    reference: str | None = None
    change: Change | None = None

    @classmethod
    def parse(
        cls,
        learner: str,
        course_id: str,
        fields: Mapping[str, Any],
        change: Change | None = None,
    ) -> Enrolment:
        """From the API's or a file's JSON: ``fields`` may hold notBefore, notAfter and
        reference (and nothing else: a typo must not be an enrolment without its end)."""
        unknown = sorted(set(fields) - {"notBefore", "notAfter", "reference"})
        if unknown:
            raise InvalidValueError(f"unknown field(s) {', '.join(unknown)}")
        reference = fields.get("reference")
        return cls(
            learner=validate_learner(learner),
            course_id=validate_id(course_id, "course ID"),
            window=Window.parse(fields.get("notBefore"), fields.get("notAfter")),
            reference=None if reference is None else validate_reference(reference),
            change=change,
        )

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"courseId": self.course_id, "learner": self.learner}
        answer |= self.window.to_json()
        if self.reference is not None:
            answer["reference"] = self.reference
        if self.change is not None:
            answer |= self.change.to_dynamo()
        return answer

    def to_dynamo(self) -> dict[str, Any]:
        """Attributes besides the key (the store adds it)."""
        return self.to_json()

    @classmethod
    def from_dynamo(cls, item: Mapping[str, Any]) -> Enrolment:
        """A stored enrolment; anything off-model is a ``BrokenRecordError``."""
        try:
            fields = {k: item[k] for k in ("notBefore", "notAfter", "reference") if k in item}
            change = Change.from_dynamo(item) if "changedBy" in item else None
            return cls.parse(str(item["learner"]), str(item["courseId"]), fields, change)
        except (KeyError, TypeError, ValueError, InvalidValueError) as exc:
            raise BrokenRecordError(f"enrolment record is broken: {exc}") from exc
