"""Learners and enrolments for enrolment tests."""

from __future__ import annotations

import uuid
from typing import Any

from shared.enrolments.model import Change, Enrolment
from shared.enrolments.store import EnrolmentStore

CHANGE = Change("arn:aws:iam::123456789012:user/test-admin", 1_767_225_600)


def new_learner() -> str:
    """A learner's Cognito ``sub``: a fresh lower-case UUID."""
    return str(uuid.uuid4())


def enrol(store: EnrolmentStore, learner: str, course_id: str, **fields: Any) -> Enrolment:
    """Enrol ``learner`` in ``course_id``, taken to exist (fields: notBefore, notAfter,
    reference as the API takes them)."""
    enrolment = Enrolment.parse(learner, course_id, fields, CHANGE)
    store.put(enrolment, {course_id})
    return enrolment
