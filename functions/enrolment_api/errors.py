"""What the Enrolment API refuses on its own (the store's errors are answered too, in
answers.py: a bad value is a 400, an unknown course a 404)."""

from __future__ import annotations


class NotSignedError(Exception):
    """The request carries no IAM caller (a method left without ``AWS_IAM``, a learner's
    token, a test invoke): 403, whatever it asks for."""
