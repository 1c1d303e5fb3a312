"""Enrolment changes that revoke grants (``shared.enrolments.revoking``), over the enrolment
table in moto and a grant store in the local KeyValueStore: a deletion, and a replacement that
narrows the window, refuse the learner's grants for the course issued up to then, and only
those; the revocation is written first (a store that cannot be written changes nothing),
confirmed after the change, and a change stopped at any write converges when run again."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared.enrolments.errors import NoGrantStoreError, UnknownCourseError
from shared.enrolments.model import Change, Enrolment, Window
from shared.enrolments.revoking import NOT_CONFIRMED, NOT_REVOKED, RevokingEnrolments
from shared.enrolments.store import REVOCATION_PENDING, EnrolmentStore, enrolment_key
from shared.grant_layout import MAX_LIFETIME_SECONDS
from shared.grant_store_writes import revoke
from shared.key_value_store import KeyValueStore, KeyValueStoreError
from tests.support.enrolments import new_learner
from tests.support.publishing import Fault, Faulty, ProcessDied
from tests.support.revocations import Before, GrantStore, Ticking

NOW = 1_800_000_000
COURSES = {"aws-101", "aws-201"}
CHANGE = Change("arn:aws:iam::123456789012:user/test-admin", NOW)
#: Every write of a change: the grant store's and the enrolment table's.
WRITES = frozenset({"update_keys", "put_item", "delete_item", "update_item", "batch_write_item"})


def enrolment(learner: str, course: str = "aws-101", **window: int) -> Enrolment:
    return Enrolment(learner, course, Window(**window), change=CHANGE)


def revoking(
    enrolments: EnrolmentStore,
    grants: KeyValueStore | None,
    clock: Any = None,
) -> RevokingEnrolments:
    return RevokingEnrolments(enrolments, grants, clock or Ticking(NOW))


def pending(store: EnrolmentStore, learner: str, course: str = "aws-101") -> bool:
    item = store.dynamodb.get_item(
        TableName=store.table, Key=enrolment_key(learner, course), ConsistentRead=True
    ).get("Item", {})
    return REVOCATION_PENDING in item


def faulty(
    store: EnrolmentStore, grant_store: GrantStore, fault: Fault, clock: Any
) -> RevokingEnrolments:
    """The change's writer with both clients going through ``fault`` (one count of writes)."""
    table = EnrolmentStore(Faulty(store.dynamodb, fault), store.table, sleep=lambda _: None)  # type: ignore[arg-type]
    client = Faulty(grant_store.client(), fault)
    kvs = KeyValueStore(client, grant_store.arn, pause=lambda _: None)  # type: ignore[arg-type]
    return RevokingEnrolments(table, kvs, clock)


# ---------------------------------------------------------------------------- deletion --


def test_a_deletion_refuses_the_learner_s_earlier_grants_for_that_course_only(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner, other = new_learner(), new_learner()
    for sub in (learner, other):
        enrolment_store.put(enrolment(sub), COURSES)
    changes = revoking(enrolment_store, grant_store.kvs)

    assert changes.delete(learner, "aws-101") is True

    assert enrolment_store.enrolment(learner, "aws-101") is None
    revoked = grant_store.revoked_at(learner, "aws-101")
    assert revoked is not None
    assert grant_store.decision(learner, "aws-101", revoked) == "revoked"
    assert grant_store.decision(learner, "aws-101", revoked + 1) == "allowed"
    assert grant_store.decision(learner, "aws-201", revoked) == "allowed"
    assert grant_store.decision(other, "aws-101", revoked) == "allowed"
    assert list(grant_store.revocations()) == [f"r:{learner}:aws-101"]


def test_a_deletion_whose_revocation_cannot_be_written_deletes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)

    with pytest.raises(KeyValueStoreError):
        revoking(enrolment_store, grant_store.broken()).delete(learner, "aws-101")

    assert enrolment_store.enrolment(learner, "aws-101") is not None


def test_a_deletion_without_a_grant_store_is_refused_before_anything_is_written(
    enrolment_store: EnrolmentStore,
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    with pytest.raises(NoGrantStoreError):
        revoking(enrolment_store, None).delete(learner, "aws-101")
    assert enrolment_store.enrolment(learner, "aws-101") is not None


def test_a_grant_issued_between_the_revocation_and_the_deletion_is_revoked_too(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    """The API reads the record before it is deleted, one second after the first
    revocation, and issues a grant: the confirming revocation covers it."""
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    clock = Ticking(NOW)
    issued: list[float] = []
    racing = Before(enrolment_store.dynamodb, "delete_item", lambda: issued.append(clock.now + 1))
    table = EnrolmentStore(racing, enrolment_store.table)  # type: ignore[arg-type]

    RevokingEnrolments(table, grant_store.kvs, clock).delete(learner, "aws-101")

    [in_between] = issued
    assert int(in_between) > NOW  # in a later second than the first revocation's
    assert grant_store.decision(learner, "aws-101", in_between) == "revoked"


def test_deleting_a_learner_never_enrolled_nor_revoked_writes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    """No grant of theirs for the course can be unexpired and unrevoked: a revocation would
    only fill the grant store (a caller could fill it with made-up learners)."""
    learner = new_learner()
    before = grant_store.data.entries()
    assert revoking(enrolment_store, grant_store.kvs).delete(learner, "aws-101") is False
    assert grant_store.data.entries() == before


def test_deleting_what_a_stopped_run_already_deleted_confirms_its_revocation(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    """Revoked, then deleted, then stopped before the confirmation: the learner is no longer
    enrolled, but the revocation in the store says the deletion is owed its last step."""
    learner = new_learner()
    revoke(grant_store.kvs, learner, NOW, "aws-101")
    changes = revoking(enrolment_store, grant_store.kvs, Ticking(NOW + 5))
    assert changes.delete(learner, "aws-101") is False
    revoked_at = grant_store.revoked_at(learner, "aws-101")
    assert revoked_at is not None
    assert revoked_at >= NOW + 5  # written again, later


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("at", [1, 2, 3])
def test_a_deletion_stopped_at_any_write_never_leaves_the_enrolment_gone_unrevoked_and_converges(
    enrolment_store: EnrolmentStore, grant_store: GrantStore, at: int, after: bool
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    fault = Fault(at=at, after=after, error=ProcessDied(), fatal=True, calls=WRITES)
    clock = Ticking(NOW)

    with pytest.raises(ProcessDied):
        faulty(enrolment_store, grant_store, fault, clock).delete(learner, "aws-101")

    assert fault.writes == ["update_keys", "delete_item", "update_keys"][:at]
    gone = enrolment_store.enrolment(learner, "aws-101") is None
    assert gone == (at > 2 or (at == 2 and after))
    if gone:
        assert grant_store.revoked_at(learner, "aws-101") is not None

    again = RevokingEnrolments(enrolment_store, grant_store.kvs, clock)
    again.delete(learner, "aws-101")
    assert enrolment_store.enrolment(learner, "aws-101") is None
    assert grant_store.revoked_at(learner, "aws-101") == int(clock.now)


# ------------------------------------------------------------------------- replacement --

DAY = 24 * 3600


@pytest.mark.parametrize(
    ("held", "new", "revokes"),
    [
        ({}, {"not_after": NOW + 3600}, True),  # an end where there was none
        ({"not_after": NOW + 2 * DAY}, {"not_after": NOW + DAY // 2}, True),
        ({}, {"not_before": NOW + 60}, True),  # a start moved past now
        ({"not_after": NOW + DAY // 2}, {"not_after": NOW + DAY}, False),  # wider
        ({"not_after": NOW + DAY // 2}, {"not_after": NOW + DAY // 2}, False),  # the same
        ({"not_after": NOW + 2 * DAY}, {"not_after": NOW + MAX_LIFETIME_SECONDS + 5}, False),
        ({"not_before": NOW + 60}, {"not_before": NOW + 120}, False),  # nothing issued yet
        ({"not_after": NOW - 60}, {"not_after": NOW - 120}, False),  # its grants ended
        ({"not_before": NOW - 60}, {}, False),
    ],
    ids=[
        "ends",
        "ends earlier",
        "starts later",
        "ends later",
        "unchanged",
        "ends after any grant",
        "not open yet",
        "already over",
        "opened up",
    ],
)
def test_a_replacement_revokes_exactly_when_an_earlier_grant_would_outlive_the_new_window(
    enrolment_store: EnrolmentStore,
    grant_store: GrantStore,
    held: dict[str, Any],
    new: dict[str, Any],
    revokes: bool,
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner, **held), COURSES)
    changes = revoking(enrolment_store, grant_store.kvs, lambda: NOW)

    changes.put(enrolment(learner, **new), COURSES)

    stored = enrolment_store.enrolment(learner, "aws-101")
    assert stored is not None
    assert stored.window == Window(**new)
    assert grant_store.revoked_at(learner, "aws-101") == (NOW if revokes else None)
    assert not pending(enrolment_store, learner)


def test_a_new_enrolment_revokes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    revoking(enrolment_store, grant_store.kvs).put(enrolment(learner, not_after=NOW + 60), COURSES)
    assert grant_store.revocations() == {}


def test_a_narrowing_whose_revocation_cannot_be_written_changes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    with pytest.raises(KeyValueStoreError):
        revoking(enrolment_store, grant_store.broken()).put(
            enrolment(learner, not_after=NOW + 60), COURSES
        )
    stored = enrolment_store.enrolment(learner, "aws-101")
    assert stored is not None
    assert stored.window == Window()


def test_a_put_into_a_course_that_does_not_exist_revokes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    with pytest.raises(UnknownCourseError):
        revoking(enrolment_store, grant_store.kvs).put(enrolment(learner, "aws-999"), COURSES)
    assert grant_store.revocations() == {}


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("at", [1, 2, 3, 4])
def test_a_narrowing_stopped_at_any_write_converges_confirmation_included(
    enrolment_store: EnrolmentStore, grant_store: GrantStore, at: int, after: bool
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    narrower = enrolment(learner, not_after=NOW + 3600)
    fault = Fault(at=at, after=after, error=ProcessDied(), fatal=True, calls=WRITES)
    clock = Ticking(NOW)

    with pytest.raises(ProcessDied):
        faulty(enrolment_store, grant_store, fault, clock).put(narrower, COURSES)

    assert fault.writes == ["update_keys", "put_item", "update_keys", "update_item"][:at]
    stored = enrolment_store.enrolment(learner, "aws-101")
    assert stored is not None
    if stored.window == narrower.window:  # never narrowed without its revocation
        assert grant_store.revoked_at(learner, "aws-101") is not None

    RevokingEnrolments(enrolment_store, grant_store.kvs, clock).put(narrower, COURSES)
    assert enrolment_store.enrolment(learner, "aws-101") == narrower
    assert not pending(enrolment_store, learner)
    # Read at NOW (the check), NOW + 1 (the revocation) and NOW + 2 (its confirmation, after
    # the put): the confirmation an uninterrupted run writes, or a later one, is there.
    revoked = grant_store.revoked_at(learner, "aws-101")
    assert revoked is not None
    assert revoked >= NOW + 2


def test_a_rerun_of_a_finished_narrowing_revokes_nothing_more(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    clock = Ticking(NOW)
    changes = RevokingEnrolments(enrolment_store, grant_store.kvs, clock)
    narrower = enrolment(learner, not_after=NOW + 3600)
    changes.put(narrower, COURSES)
    revoked = grant_store.revoked_at(learner, "aws-101")

    changes.put(narrower, COURSES)

    assert grant_store.revoked_at(learner, "aws-101") == revoked


# ------------------------------------------------------------------------------ batches --


def test_a_batch_revokes_its_deletes_and_narrowings_in_one_write_and_nothing_else(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    gone, narrowed, widened, new = (new_learner() for _ in range(4))
    for sub in (gone, narrowed):
        enrolment_store.put(enrolment(sub), COURSES)
    enrolment_store.put(enrolment(widened, not_after=NOW + 60), COURSES)
    fault = Fault(calls=frozenset({"update_keys"}))
    changes = faulty(enrolment_store, grant_store, fault, lambda: NOW)

    outcomes = changes.apply(
        [
            enrolment(narrowed, not_after=NOW + 60),
            enrolment(widened),
            enrolment(new, not_after=NOW + 60),
        ],
        [(gone, "aws-101")],
        COURSES,
    )

    assert [o.status for o in outcomes] == [200, 200, 200, 204]
    assert fault.writes == ["update_keys"]  # the confirmation, in the same second, writes none
    assert set(grant_store.revocations()) == {f"r:{gone}:aws-101", f"r:{narrowed}:aws-101"}
    assert not pending(enrolment_store, narrowed)


def test_a_batch_of_deletes_of_learners_never_enrolled_writes_nothing_to_the_grant_store(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    """What the store holds is bounded by real unenrolments, not by what a caller names."""
    gone, strangers = new_learner(), [new_learner() for _ in range(5)]
    enrolment_store.put(enrolment(gone), COURSES)

    outcomes = revoking(enrolment_store, grant_store.kvs).apply(
        [], [(sub, "aws-101") for sub in (gone, *strangers)], COURSES
    )

    assert [o.status for o in outcomes] == [204] * 6
    assert set(grant_store.revocations()) == {f"r:{gone}:aws-101"}


def test_a_batch_whose_revocations_cannot_be_written_refuses_those_items_only(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    gone, narrowed, new = (new_learner() for _ in range(3))
    for sub in (gone, narrowed):
        enrolment_store.put(enrolment(sub), COURSES)

    outcomes = revoking(enrolment_store, grant_store.broken()).apply(
        [enrolment(narrowed, not_after=NOW + 60), enrolment(new)], [(gone, "aws-101")], COURSES
    )

    assert [(o.learner, o.status, o.message) for o in outcomes] == [
        (narrowed, 503, NOT_REVOKED),
        (new, 200, None),
        (gone, 503, NOT_REVOKED),
    ]
    assert enrolment_store.enrolment(gone, "aws-101") is not None
    unchanged = enrolment_store.enrolment(narrowed, "aws-101")
    assert unchanged is not None
    assert unchanged.window == Window()


def test_a_batch_whose_confirmation_fails_says_so_and_a_resend_settles_it(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    gone, narrowed = new_learner(), new_learner()
    for sub in (gone, narrowed):
        enrolment_store.put(enrolment(sub), COURSES)
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "x")
    fault = Fault(at=2, error=denied, calls=frozenset({"update_keys"}))
    puts, deletes = [enrolment(narrowed, not_after=NOW + 60)], [(gone, "aws-101")]

    outcomes = faulty(enrolment_store, grant_store, fault, Ticking(NOW)).apply(
        puts, deletes, COURSES
    )

    assert [(o.status, o.message) for o in outcomes] == [(503, NOT_CONFIRMED)] * 2
    assert pending(enrolment_store, narrowed)
    clock = Ticking(NOW + 10)
    again = RevokingEnrolments(enrolment_store, grant_store.kvs, clock).apply(
        puts, deletes, COURSES
    )
    assert [o.status for o in again] == [200, 204]
    assert not pending(enrolment_store, narrowed)
    for sub in (gone, narrowed):
        assert grant_store.revoked_at(sub, "aws-101") == int(clock.now)


def test_a_batch_item_refused_for_its_own_reasons_revokes_nothing(
    enrolment_store: EnrolmentStore, grant_store: GrantStore
) -> None:
    learner = new_learner()
    enrolment_store.put(enrolment(learner), COURSES)
    outcomes = revoking(enrolment_store, grant_store.kvs).apply(
        [enrolment(learner, "aws-999", not_after=NOW + 60), enrolment(learner)],
        [(learner, "aws-101")],
        COURSES,
    )
    assert [o.status for o in outcomes] == [404, 200, 400]
    assert grant_store.revocations() == {}
