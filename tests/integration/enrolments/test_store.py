"""The enrolment store against DynamoDB in moto: keys, pages and their cursors, batches, and
enrolments only into courses that exist."""

from __future__ import annotations

import pytest

from shared.catalog.errors import InvalidValueError
from shared.enrolments.errors import BrokenRecordError, UnknownCourseError
from shared.enrolments.model import Enrolment, Window
from shared.enrolments.store import EnrolmentStore, enrolment_key
from tests.support.enrolments import CHANGE, enrol, new_learner


def all_pages(fetch, limit: int) -> tuple[list[object], int]:
    """Every item, following ``next``, and how many pages it took."""
    items: list[object] = []
    cursor, pages = None, 0
    while True:
        page = fetch(limit, cursor)
        items += page.items
        pages += 1
        cursor = page.next
        if cursor is None:
            return items, pages


def test_an_enrolment_is_read_back_as_written(enrolment_store: EnrolmentStore) -> None:
    learner = new_learner()
    written = enrol(
        enrolment_store,
        learner,
        "aws-101",
        notBefore="2026-01-01T00:00:00Z",
        notAfter="2027-01-01T00:00:00+00:00",
        reference="order-42",
    )
    assert enrolment_store.enrolment(learner, "aws-101") == written
    assert written.to_json() == {
        "courseId": "aws-101",
        "learner": learner,
        "notBefore": "2026-01-01T00:00:00Z",
        "notAfter": "2027-01-01T00:00:00Z",
        "reference": "order-42",
        "changedBy": CHANGE.by,
        "changedAt": "2026-01-01T00:00:00Z",
    }


def test_an_enrolment_into_a_course_that_does_not_exist_is_refused(
    enrolment_store: EnrolmentStore,
) -> None:
    learner = new_learner()
    with pytest.raises(UnknownCourseError, match="no course aws-999"):
        enrolment_store.put(Enrolment(learner, "aws-999", change=CHANGE), {"aws-101"})
    assert enrolment_store.enrolment(learner, "aws-999") is None


def test_a_delete_says_whether_there_was_an_enrolment(enrolment_store: EnrolmentStore) -> None:
    learner = new_learner()
    enrol(enrolment_store, learner, "aws-101")
    assert enrolment_store.delete(learner, "aws-101")
    assert enrolment_store.enrolment(learner, "aws-101") is None
    assert not enrolment_store.delete(learner, "aws-101")


def test_a_learner_s_enrolments_come_page_by_page_in_course_order(
    enrolment_store: EnrolmentStore,
) -> None:
    learner = new_learner()
    courses = [f"c-{i:03d}" for i in range(23)]
    for course in reversed(courses):
        enrol(enrolment_store, learner, course)
    enrol(enrolment_store, new_learner(), "c-000")  # another learner's stays out
    items, pages = all_pages(lambda n, c: enrolment_store.learner_page(learner, n, c), 10)
    assert [e.course_id for e in items] == courses  # type: ignore[attr-defined]
    assert pages == 3


def test_a_course_s_enrolments_come_page_by_page_from_the_index(
    enrolment_store: EnrolmentStore,
) -> None:
    learners = sorted(new_learner() for _ in range(7))
    for learner in learners:
        enrol(enrolment_store, learner, "aws-101")
        enrol(enrolment_store, learner, "aws-201")
    items, pages = all_pages(lambda n, c: enrolment_store.course_page("aws-101", n, c), 3)
    assert [e.learner for e in items] == learners  # type: ignore[attr-defined]
    assert pages == 3


@pytest.mark.parametrize("cursor", ["", "x", "eyJhZnRlciI6MX0", "bm90IGpzb24", "a" * 5000])
def test_a_cursor_that_is_not_one_of_ours_is_a_bad_request(
    enrolment_store: EnrolmentStore, cursor: str
) -> None:
    with pytest.raises(InvalidValueError, match="invalid next"):
        enrolment_store.learner_page(new_learner(), 10, cursor)


def test_a_cursor_moves_only_within_the_asker_s_own_enrolments(
    enrolment_store: EnrolmentStore,
) -> None:
    """A cursor names where a page ended, never whose: another learner's cursor, or a
    course page's, starts the asker's own listing there and shows nothing of anyone else's."""
    mine, theirs = new_learner(), new_learner()
    for course in ("a", "b", "c"):
        enrol(enrolment_store, theirs, course)
    enrol(enrolment_store, mine, "c")
    their_cursor = enrolment_store.learner_page(theirs, 1, None).next
    course_cursor = enrolment_store.course_page("c", 1, None).next
    for cursor in (their_cursor, course_cursor):
        page = enrolment_store.learner_page(mine, 10, cursor)
        assert {e.learner for e in page.items} <= {mine}


def test_a_broken_enrolment_record_opens_nothing(enrolment_store: EnrolmentStore) -> None:
    learner = new_learner()
    key = enrolment_key(learner, "aws-101")
    enrolment_store.dynamodb.put_item(
        TableName=enrolment_store.table,
        Item=key
        | {"learner": {"S": learner}, "courseId": {"S": "aws-101"}, "notAfter": {"S": "soon"}},
    )
    with pytest.raises(BrokenRecordError):
        enrolment_store.enrolment(learner, "aws-101")
    page = enrolment_store.learner_page(learner, 10, None)
    assert (page.items, len(page.broken)) == ([], 1)


def test_a_batch_applies_its_good_items_and_reports_each(enrolment_store: EnrolmentStore) -> None:
    first, second, gone = new_learner(), new_learner(), new_learner()
    enrol(enrolment_store, gone, "aws-101")
    puts = [
        Enrolment(first, "aws-101", Window(), None, CHANGE),
        Enrolment(second, "aws-999", Window(), None, CHANGE),
        Enrolment(first, "aws-101", Window(), "again", CHANGE),
    ]
    deletes = [(gone, "aws-101"), (second, "aws-101")]
    outcomes = enrolment_store.apply(puts, deletes, {"aws-101", "aws-201"})
    assert [(o.op, o.status) for o in outcomes] == [
        ("put", 200),
        ("put", 404),
        ("put", 400),
        ("delete", 204),
        ("delete", 204),
    ]
    assert enrolment_store.enrolment(first, "aws-101") is not None
    assert enrolment_store.enrolment(gone, "aws-101") is None
    assert enrolment_store.enrolment(second, "aws-999") is None


def test_a_batch_larger_than_one_dynamodb_call_is_written_whole(
    enrolment_store: EnrolmentStore,
) -> None:
    learners = [new_learner() for _ in range(60)]
    puts = [Enrolment(learner, "aws-101", Window(), None, CHANGE) for learner in learners]
    assert {o.status for o in enrolment_store.apply(puts, [], {"aws-101"})} == {200}
    items, _ = all_pages(lambda n, c: enrolment_store.course_page("aws-101", n, c), 100)
    assert len(items) == 60
