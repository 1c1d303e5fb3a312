"""Enrolment changes that take the learner's content grants away with them.

The Content Delivery API issues a grant for a course while the learner's enrolment in it is
valid, lasting until the earlier of the grant lifetime and the enrolment's ``notAfter``; the
edge checks the grant and never reads the enrolment. So a change that takes a course away
revokes the learner's grants for it (``r:<sub>:<course>`` in the grant store,
``shared.grant_store``), or they stay usable until they expire:

* a deletion revokes them;
* a replacement revokes them when a grant the old window allowed could still be in use at a
  moment the new window does not cover (``outlived``): a start moved past now, an end moved
  before such a grant's expiry;
* anything else (a new enrolment, a wider window, a new reference) revokes nothing.

Such a change is written in this order:

1. the revocation. If it cannot be written (``KeyValueStoreError``), nothing else is;
2. the enrolment's change;
3. the revocation again, confirming it, if the clock has moved past 1's second since: a grant
   the API issued from a read of the old record between 1 and 2, in a later second than 1's,
   is revoked too (one issued in 1's second is already).

Stopped after 1, the learner is revoked but the record unchanged, and running the change again
makes it. A deletion run again repeats all three. A replacement writes its record with
``revocationPending`` (``shared.enrolments.store``) and takes it off after 3 (a fourth
write), so that, run again after a stop between 2 and 3, it finds the confirmation still owed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence

from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_store import revocation_name
from shared.grant_store_writes import revoke_many
from shared.key_value_store import KeyValueStore, KeyValueStoreError

from .errors import NoGrantStoreError, UnknownCourseError
from .model import Enrolment, Window
from .store import BatchItem, BatchOutcome, EnrolmentStore, Held, Key, batch_items

#: A batch item whose revocation could not be written, before anything else was.
NOT_REVOKED = "the grant store could not be written: nothing changed; send this item again"
#: A batch item written whose revocation could not be confirmed.
NOT_CONFIRMED = "written, but its revocation is not confirmed: send this item again"


def outlived(held: Window, new: Window, now: float) -> bool:
    """Whether a grant issued under ``held`` up to ``now`` could still be in use at a moment
    ``new`` does not cover. Such a grant was issued while ``held`` was valid and ends by
    ``now + MAX_LIFETIME_SECONDS`` and by ``held``'s end."""
    if not held.contains(now):
        return False  # its grants have expired with it, or it has not opened yet
    ends = now + MAX_LIFETIME_SECONDS
    if held.not_after is not None:
        ends = min(ends, held.not_after)
    starts_later = new.not_before is not None and new.not_before > now
    ends_earlier = new.not_after is not None and new.not_after < ends
    return starts_later or ends_earlier


def owes_revocation(held: Held | None, new: Window, now: float) -> bool:
    """Whether replacing the record ``held`` (None: there is none) by an enrolment of window
    ``new`` must revoke the learner's grants for the course."""
    if held is None:
        return False
    if held.revocation_pending:
        return True
    return held.enrolment is not None and outlived(held.enrolment.window, new, now)


class RevokingEnrolments:
    """Enrolment writes over ``enrolments`` that revoke grants in ``grants`` (see the module
    docstring). Without ``grants`` (a stack deployed before its grant store), a write that
    must revoke is refused (``NoGrantStoreError``) before anything is written."""

    def __init__(
        self,
        enrolments: EnrolmentStore,
        grants: KeyValueStore | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.enrolments = enrolments
        self.grants = grants
        self.clock = clock

    def _store(self) -> KeyValueStore:
        if self.grants is None:
            raise NoGrantStoreError()
        return self.grants

    def _revoke(self, keys: Collection[Key]) -> int:
        """Revoke ``keys`` now; the second written."""
        grants = self._store()
        now = self.clock()
        revoke_many(grants, keys, now)
        return int(now)

    def _confirm(self, keys: Collection[Key], revoked: int) -> None:
        """Revoke ``keys`` again, after the change, unless it is still the second ``revoked``:
        that one covers every grant issued up to now already."""
        now = self.clock()
        if int(now) > revoked and self.grants is not None:
            revoke_many(self.grants, keys, now)

    def put(self, enrolment: Enrolment, courses: Collection[str]) -> None:
        """Create or replace ``enrolment``, into one of ``courses`` (else
        ``UnknownCourseError``), revoking first when the replacement must."""
        if enrolment.course_id not in courses:
            raise UnknownCourseError(f"no course {enrolment.course_id}")
        key = (enrolment.learner, enrolment.course_id)
        held = self.enrolments.held([key]).get(key)
        if not owes_revocation(held, enrolment.window, self.clock()):
            self.enrolments.put(enrolment, courses)
            return
        revoked = self._revoke([key])
        self.enrolments.put(enrolment, courses, revocation_pending=True)
        self._confirm([key], revoked)
        self.enrolments.settle(enrolment)

    def delete(self, learner: str, course_id: str) -> bool:
        """Delete the enrolment, revoking the learner's grants for the course before and after;
        False when there was none. With no enrolment and no revocation either, nothing is
        written at all (see ``_owed``); with a revocation but no enrolment (a run that stopped
        after its delete) the three steps run again."""
        key = (learner, course_id)
        if not self._owed([key], self.enrolments.held([key])):
            return False
        revoked = self._revoke([key])
        existed = self.enrolments.delete(learner, course_id)
        self._confirm([(learner, course_id)], revoked)
        return existed

    def apply(
        self, puts: Sequence[Enrolment], deletes: Sequence[Key], courses: Collection[str]
    ) -> list[BatchOutcome]:
        """``EnrolmentStore.apply`` with the revocations its items need, each step for the
        whole batch at once; an item whose revocation cannot be written or confirmed is a 503
        of its own (the others go on)."""
        items = batch_items(puts, deletes, courses)
        revoking = self._revoking([item for item in items if item.outcome is None])
        revoked = 0
        if revoking:
            try:
                revoked = self._revoke([item.key for item in revoking])
            except KeyValueStoreError:
                for item in revoking:
                    item.decide(503, NOT_REVOKED)
                revoking = []
        self.enrolments.write(items, pending={i.key for i in revoking if i.op == "put"})
        written = [item for item in revoking if item.outcome and item.outcome.status < 300]
        if written:
            try:
                self._confirm([item.key for item in written], revoked)
            except KeyValueStoreError:
                for item in written:
                    item.decide(503, NOT_CONFIRMED)
                written = []
        for item in written:
            if item.enrolment is not None:
                self.enrolments.settle(item.enrolment)
        return [item.outcome for item in items if item.outcome is not None]

    def _revoking(self, items: list[BatchItem]) -> list[BatchItem]:
        """The items that must revoke: the deletes that are owed one (see ``_owed``; the
        others are answered 204 here, nothing written), and the puts that owe it."""
        now = self.clock()
        held = self.enrolments.held([item.key for item in items])
        deletes = [item for item in items if item.enrolment is None]
        try:
            owed = self._owed([item.key for item in deletes], held)
        except KeyValueStoreError:
            owed = {item.key for item in deletes if item.key in held}
            for item in deletes:
                if item.key not in owed:
                    item.decide(503, NOT_REVOKED)
        for item in deletes:
            if item.outcome is None and item.key not in owed:
                item.decide(204)
        return [
            item
            for item in items
            if (item.enrolment is None and item.key in owed)
            or (
                item.enrolment is not None
                and owes_revocation(held.get(item.key), item.enrolment.window, now)
            )
        ]

    def _owed(self, keys: Collection[Key], held: Collection[Key]) -> set[Key]:
        """The deletions among ``keys`` that must run: the learner is enrolled (``held``), or a
        revocation for the course is in the store (an earlier run stopped after its delete).
        Neither: no grant of that learner for the course can be unexpired and unrevoked, so
        nothing is written, and a caller cannot fill the grant store with revocations of
        learners who were never enrolled."""
        owed = {key for key in keys if key in held}
        rest = [key for key in keys if key not in held]
        if rest:
            grants = self._store()
            owed |= {key for key in rest if grants.get(revocation_name(*key)) is not None}
        return owed
