"""The catalog in DynamoDB, write side (not in the function package): publishing journals and
the three switches (put-if-absent, replace, delete), each one transaction; and courses.

A publish first writes a journal, ``_publish#<content id>``: what the catalog will serve
(``target``, with the new object's key), what it serves now (``retire``, whose object goes
afterwards) and ``switched``. The switch changes the item and sets ``switched`` in the same
transaction, so whoever finds the journal later knows for certain which side of the switch
it is on: before, everything the publish uploaded is withdrawn; after, the old object is
deleted and invalidated. The journal goes last.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from shared.aws_errors import error_code
from shared.catalog.errors import CatalogError, CatalogItemError
from shared.catalog.model import KEY_ATTRIBUTE, ContentItem, Course
from shared.catalog.store import COURSES_RECORD, CatalogStore, record_key

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

JOURNAL_PREFIX = "_publish#"

_serialize = TypeSerializer().serialize


def to_attributes(values: dict[str, Any]) -> dict[str, Any]:
    """Plain Python values as a DynamoDB item (attribute-value form)."""
    return {name: _serialize(value) for name, value in values.items()}


class ConflictError(CatalogError):
    """The catalog changed under the publish (another operator, or a journal of another
    command): nothing was switched."""


@dataclass(frozen=True)
class Journal:
    """One publish in progress: ``target`` replaces ``retire`` (either may be absent)."""

    content_id: str
    token: str
    operation: str
    target: ContentItem | None
    retire: ContentItem | None
    switched: bool = False

    @property
    def record_id(self) -> str:
        return JOURNAL_PREFIX + self.content_id

    def to_dynamo(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "contentId": self.record_id,
            "token": self.token,
            "operation": self.operation,
            "switched": self.switched,
        }
        if self.target is not None:
            record["target"] = self.target.to_dynamo()
        if self.retire is not None:
            record["retire"] = self.retire.to_dynamo()
        return record

    @classmethod
    def from_dynamo(cls, record: dict[str, Any]) -> Journal:
        """Parse a journal; a damaged one is a ``CatalogItemError`` (fix it by hand)."""
        target, retire = record.get("target"), record.get("retire")
        try:
            return cls(
                content_id=str(record["contentId"]).removeprefix(JOURNAL_PREFIX),
                token=str(record["token"]),
                operation=str(record["operation"]),
                target=None if target is None else ContentItem.from_dynamo(target),
                retire=None if retire is None else ContentItem.from_dynamo(retire),
                switched=bool(record.get("switched")),
            )
        except (KeyError, CatalogItemError) as exc:
            raise CatalogItemError(
                f"publishing journal {record.get('contentId')!r} is damaged: {exc}"
            ) from exc


@contextmanager
def _conflict(code: str, message: str) -> Iterator[None]:
    """AWS's ``code`` (a condition that did not hold) as a ``ConflictError``."""
    try:
        yield
    except ClientError as exc:
        if error_code(exc) == code:
            raise ConflictError(message) from exc
        raise


class CatalogWriter(CatalogStore):
    """``CatalogStore`` plus the writes a publish makes."""

    def journal(self, content_id: str) -> Journal | None:
        record = self.record(JOURNAL_PREFIX + content_id, consistent=True)
        return None if record is None else Journal.from_dynamo(record)

    def begin(self, journal: Journal) -> None:
        """Write the journal; ``ConflictError`` if one is there already."""
        with _conflict(
            "ConditionalCheckFailedException",
            f"another publish of {journal.content_id!r} is under way",
        ):
            self.dynamodb.put_item(
                TableName=self.table,
                Item=to_attributes(journal.to_dynamo()),
                ConditionExpression="attribute_not_exists(contentId)",
            )

    def put_if_absent(self, item: ContentItem, journal: Journal) -> None:
        """Add ``item``, if no item has its ID, and mark the journal switched."""
        condition = {"ConditionExpression": "attribute_not_exists(contentId)"}
        self._switch(journal, {"Put": self._put(item) | condition}, item.course_id)

    def replace(self, item: ContentItem, journal: Journal) -> None:
        """Replace the item the journal retires (still at the same key) with ``item``."""
        self._switch(journal, {"Put": self._put(item) | self._still(journal)}, item.course_id)

    def delete(self, journal: Journal) -> None:
        """Delete the item the journal retires (still at the same key)."""
        key = record_key(journal.content_id)
        self._switch(
            journal, {"Delete": {"TableName": self.table, "Key": key} | self._still(journal)}
        )

    def put_course(self, course: Course) -> None:
        """Create the course, or replace its title and description, in one transaction: its
        record, and its name in the course list (what makes it exist)."""
        self.dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.table, "Item": to_attributes(course.to_dynamo())}},
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": record_key(COURSES_RECORD),
                        "UpdateExpression": "ADD #names :course",
                        "ExpressionAttributeNames": {"#names": "names"},
                        "ExpressionAttributeValues": {":course": {"SS": [course.course_id]}},
                    }
                },
            ]
        )

    def end(self, journal: Journal) -> None:
        """Delete the journal (only this publish's: the token must match)."""
        self.dynamodb.delete_item(
            TableName=self.table,
            Key=record_key(journal.record_id),
            ConditionExpression="attribute_not_exists(contentId) OR #token = :token",
            ExpressionAttributeNames={"#token": "token"},
            ExpressionAttributeValues={":token": {"S": journal.token}},
        )

    def _put(self, item: ContentItem) -> dict[str, Any]:
        return {"TableName": self.table, "Item": to_attributes(item.to_dynamo())}

    def _still(self, journal: Journal) -> dict[str, Any]:
        """The condition that the item is still the one the journal retires."""
        if journal.retire is None:
            raise ValueError("only a journal that retires an item can replace or delete it")
        return {
            "ConditionExpression": "#key = :retired",
            "ExpressionAttributeNames": {"#key": KEY_ATTRIBUTE},
            "ExpressionAttributeValues": {":retired": {"S": journal.retire.key.value}},
        }

    def _switch(
        self, journal: Journal, change: dict[str, Any], course_id: str | None = None
    ) -> None:
        items: list[TransactWriteItemTypeDef] = [
            change,  # type: ignore[list-item]
            {
                "Update": {
                    "TableName": self.table,
                    "Key": record_key(journal.record_id),
                    "UpdateExpression": "SET switched = :yes",
                    "ConditionExpression": "#token = :token",
                    "ExpressionAttributeNames": {"#token": "token"},
                    "ExpressionAttributeValues": {
                        ":yes": {"BOOL": True},
                        ":token": {"S": journal.token},
                    },
                }
            },
        ]
        if course_id is not None:
            # Courses are created explicitly: an item goes only into a course that exists.
            items.append(
                {
                    "ConditionCheck": {
                        "TableName": self.table,
                        "Key": record_key(COURSES_RECORD),
                        "ConditionExpression": "contains(#names, :course)",
                        "ExpressionAttributeNames": {"#names": "names"},
                        "ExpressionAttributeValues": {":course": {"S": course_id}},
                    }
                }
            )
        changed = (
            f"the catalog item {journal.content_id!r} or its course changed during the publish"
        )
        with _conflict("TransactionCanceledException", changed):
            self.dynamodb.transact_write_items(TransactItems=items)
