"""Enrolment from the operator's side: learners named by ``sub`` or by sign-in email, course
records, and who made the change.

A learner given by ``sub`` is enrolled with no Cognito call at all; an email is looked up once
(AdminGetUser, the pool's sign-in attribute) and then enrolled by the ``sub`` it names. Every
write records who made it: the caller's IAM identity (STS GetCallerIdentity, which needs no
permission), read once and only when something is written. Unenrolments and narrowing
replacements revoke the learner's grants in the stack's grant store
(``shared.enrolments.revoking``). A revocation takes the writer's clock, so a machine whose
clock is off AWS's by more than ``MAX_CLOCK_SKEW_SECONDS`` (an STS answer's ``Date`` says) may
not write any: behind, it would leave the last grants issued usable.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.aws_errors import error_code
from shared.catalog.errors import InvalidValueError
from shared.enrolments.errors import EnrolmentError, NoGrantStoreError
from shared.enrolments.model import LEARNER_PATTERN, LEARNER_RULE, Change
from shared.enrolments.revoking import RevokingEnrolments
from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore
from tools.publishing.writes import CatalogWriter

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

#: How far this machine's clock may be from AWS's when it revokes grants (an answer's ``Date``
#: has whole seconds; a revocation, too).
MAX_CLOCK_SKEW_SECONDS = 2


class ClockSkewError(EnrolmentError):
    """This machine's clock is too far from AWS's to write a revocation (exit 1)."""


#: A sign-in email as the pool's users have them (Cognito usernames are at most 128 characters).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
MAX_USERNAME = 128


def validate_email(value: str) -> str:
    if len(value) > MAX_USERNAME or not _EMAIL.fullmatch(value):
        raise InvalidValueError(f"invalid learner {value!r}: give their sign-in email or sub")
    return value


def validate_learner_name(value: str) -> str:
    """A learner as an operator names one: a Cognito ``sub`` or a sign-in email."""
    if LEARNER_PATTERN.fullmatch(value):
        return value
    if "@" not in value:
        raise InvalidValueError(f"invalid learner {value!r}: use {LEARNER_RULE}, or an email")
    return validate_email(value)


@dataclass
class LearnerDirectory:
    """The user pool, asked only to turn a sign-in email into a ``sub`` (once per email)."""

    cognito: CognitoIdentityProviderClient
    user_pool_id: str
    _subs: dict[str, str] = field(default_factory=dict)

    def sub_of(self, email: str) -> str:
        if email not in self._subs:
            try:
                user = self.cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
            except ClientError as exc:
                if error_code(exc) == "UserNotFoundException":
                    raise InvalidValueError(f"no user {email} in the user pool") from exc
                raise
            subs = [a["Value"] for a in user.get("UserAttributes", []) if a["Name"] == "sub"]
            if len(subs) != 1 or not LEARNER_PATTERN.fullmatch(subs[0]):
                raise InvalidValueError(f"user {email} has no sub the enrolments can name")
            self._subs[email] = subs[0]
        return self._subs[email]


@dataclass
class Enrolling:
    """What the enrolment commands work with: the store, the catalog (which courses exist; an
    import's courses are written there), the pool (for emails, if the stack names one), who
    is asking, and the grant store (None for a stack deployed before it)."""

    store: EnrolmentStore
    catalog: CatalogWriter
    directory: LearnerDirectory | None
    identity: Callable[[], str]
    clock: Callable[[], float] = time.time
    grants: KeyValueStore | None = None
    #: AWS's time, to the second (``aws_time``); None: not checked.
    aws_clock: Callable[[], float] | None = None
    _caller: str | None = None

    @property
    def changes(self) -> RevokingEnrolments:
        """Enrolment writes that revoke what they must, at ``revocation_time``."""
        return RevokingEnrolments(self.store, self.grants, self.revocation_time)

    def revocation_time(self) -> float:
        """This machine's time, moved ahead by the most ``check_clock`` lets it lag AWS's (and
        the second AWS's ``Date`` rounds off) when the clock is checked: a machine that far
        behind still revokes every grant the API issued up to AWS's now. Grants issued in those
        few seconds after it are refused too; the app asks for new ones."""
        ahead = 0 if self.aws_clock is None else MAX_CLOCK_SKEW_SECONDS + 1
        return self.clock() + ahead

    def check_clock(self) -> None:
        """``ClockSkewError`` unless this machine's clock is within ``MAX_CLOCK_SKEW_SECONDS``
        of AWS's: checked before anything that may revoke is written."""
        if self.aws_clock is None:
            return
        before = self.clock()
        theirs = self.aws_clock()  # whole seconds: AWS's time then was in [theirs, theirs + 1)
        after = self.clock()
        behind, ahead = theirs - after, before - (theirs + 1)
        if max(behind, ahead) > MAX_CLOCK_SKEW_SECONDS:
            off = f"{behind:.0f} s behind" if behind > ahead else f"{ahead:.0f} s ahead of"
            raise ClockSkewError(
                f"this machine's clock is {off} AWS's; a revocation takes the writer's time, "
                "so set the clock (NTP) and run this again"
            )

    def require_grants(self) -> KeyValueStore:
        if self.grants is None:
            raise NoGrantStoreError()
        return self.grants

    def learner(self, name: str) -> str:
        """The ``sub`` of a learner named by ``sub`` (no call) or email (one lookup)."""
        if LEARNER_PATTERN.fullmatch(name):
            return name
        if self.directory is None:
            raise InvalidValueError("this stack names no user pool: give the learner's sub")
        return self.directory.sub_of(validate_email(name))

    def change(self) -> Change:
        """Who changes a record, and now."""
        if self._caller is None:
            self._caller = self.identity()
        return Change(self._caller, int(self.clock()))


def caller_identity(sts: Any) -> Callable[[], str]:
    """The ARN of the credentials in use, read when first needed."""
    return lambda: str(sts.get_caller_identity()["Arn"])


def aws_time(sts: Any) -> Callable[[], float]:
    """AWS's time, from the ``Date`` of an STS answer (whole seconds)."""

    def now() -> float:
        answer = sts.get_caller_identity()
        return parsedate_to_datetime(answer["ResponseMetadata"]["HTTPHeaders"]["date"]).timestamp()

    return now
