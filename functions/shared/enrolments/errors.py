"""What can be wrong with an enrolment or a course record, by where it came from.

A value given to the store that breaks a rule is the catalog's ``InvalidValueError`` (the APIs
answer 400, ``bin/content`` exits 2), so that every refused input is one kind of error.
"""

from __future__ import annotations


class EnrolmentError(Exception):
    """Base of the enrolment store's own errors."""


class UnknownCourseError(EnrolmentError):
    """No course record has that ID: an enrolment into it is refused (404, exit 2)."""


class BrokenRecordError(EnrolmentError):
    """A stored record breaks the model (written by hand, say): it never opens anything."""


class ThrottledError(EnrolmentError):
    """DynamoDB left writes unprocessed after every retry: run the same command again."""


class NoGrantStoreError(EnrolmentError):
    """A change that must revoke grants, on a stack deployed before its grant store: refused
    before anything is written (an unenrolment never leaves its grants usable)."""

    def __init__(self) -> None:
        super().__init__(
            "this stack has no grant store to revoke grants in (output GrantStoreArn): "
            "deploy this version first"
        )
