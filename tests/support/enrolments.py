"""Learners and course records for enrolment tests."""

from __future__ import annotations

import uuid
from typing import Any

from shared.enrolments.model import Change, Course, Enrolment
from shared.enrolments.store import EnrolmentStore

CHANGE = Change("arn:aws:iam::123456789012:user/test-admin", 1_767_225_600)


def new_learner() -> str:
    """A learner's Cognito ``sub``: a fresh lower-case UUID."""
    return str(uuid.uuid4())


def add_courses(store: EnrolmentStore, *course_ids: str) -> None:
    for course_id in course_ids:
        store.put_course(Course.parse(course_id, f"Course {course_id}", None, CHANGE))


def enrol(store: EnrolmentStore, learner: str, course_id: str, **fields: Any) -> Enrolment:
    """Enrol ``learner`` (fields: notBefore, notAfter, reference as the API takes them)."""
    enrolment = Enrolment.parse(learner, course_id, fields, CHANGE)
    store.put(enrolment)
    return enrolment
