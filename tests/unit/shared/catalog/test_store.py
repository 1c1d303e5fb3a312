"""CatalogStore's own logic (paging, the listing cap, parsing) over a hand-written fake client.
The same class runs against a real DynamoDB API in tests/integration/catalog/."""

from __future__ import annotations

from typing import Any

import pytest

from local.samples import SAMPLE_ITEMS
from shared.catalog.errors import CatalogItemError
from shared.catalog.model import ContentItem, ContentKey
from shared.catalog.store import COURSE_INDEX, MAX_COURSE_ITEMS, CatalogStore
from tools.publishing.writes import to_attributes


class PagedClient:
    """Answers like a DynamoDB client, ``page_size`` items per Query page."""

    def __init__(self, items: list[dict[str, Any]], page_size: int = 2) -> None:
        self.items = [to_attributes(item) for item in items]
        self.page_size = page_size
        self.queries: list[dict[str, Any]] = []

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        found = [i for i in self.items if i["contentId"] == kwargs["Key"]["contentId"]]
        return {"Item": found[0]} if found else {}

    def query(self, **kwargs: Any) -> dict[str, Any]:
        self.queries.append(kwargs)
        course = kwargs["ExpressionAttributeValues"][":course"]
        matching = sorted(
            (i for i in self.items if i.get("courseId") == course),
            key=lambda i: int(i["position"]["N"]),
        )
        start = kwargs.get("ExclusiveStartKey", {}).get("offset", 0)
        page: dict[str, Any] = {"Items": matching[start : start + self.page_size]}
        if start + self.page_size < len(matching):
            page["LastEvaluatedKey"] = {"offset": start + self.page_size}
        return page


def store(items: list[dict[str, Any]], page_size: int = 2) -> tuple[CatalogStore, PagedClient]:
    client = PagedClient(items, page_size)
    return CatalogStore(client, "catalog"), client  # type: ignore[arg-type]


def item(n: int, course: str = "c") -> dict[str, Any]:
    key = ContentKey(f"courses/{course}/k{n}.json")
    return ContentItem(f"i{n}", course, f"t{n}", "quiz", key, "application/json", n).to_dynamo()


def test_get_parses_the_stored_item() -> None:
    found, _ = store([SAMPLE_ITEMS[0].to_dynamo()])
    assert found.get("aws-101-intro") == SAMPLE_ITEMS[0]


def test_get_of_an_unknown_id_is_none() -> None:
    assert store([])[0].get("nope") is None


def test_a_course_listing_follows_every_page_through_the_index() -> None:
    listing, client = store([item(n) for n in range(5)], page_size=2)
    assert [i.content_id for i in listing.list_course("c").items] == ["i0", "i1", "i2", "i3", "i4"]
    assert len(client.queries) == 3
    assert {q["IndexName"] for q in client.queries} == {COURSE_INDEX}


def test_a_course_listing_stops_at_its_cap() -> None:
    listing, client = store([item(n) for n in range(MAX_COURSE_ITEMS + 40)], page_size=100)
    assert len(listing.list_course("c").items) == MAX_COURSE_ITEMS
    assert len(client.queries) == MAX_COURSE_ITEMS // 100


def test_an_off_model_item_is_left_out_of_a_listing_and_reported() -> None:
    bad = item(1) | {"key": "courses/../k1.json"}
    listing = store([item(0), bad, item(2)])[0].list_course("c")
    assert [i.content_id for i in listing.items] == ["i0", "i2"]
    assert len(listing.broken) == 1
    assert "'i1'" in str(listing.broken[0])


def test_get_of_an_off_model_item_is_an_error() -> None:
    with pytest.raises(CatalogItemError):
        store([item(1) | {"type": "podcast"}])[0].get("i1")
