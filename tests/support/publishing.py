"""Helpers for publishing tests against moto: clients that fail on cue, and the two
invariants every interruption must keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from shared.catalog.model import ContentItem
from shared.catalog.store import from_attributes
from tools.publishing.writes import JOURNAL_PREFIX, Journal

#: The calls that change something: every boundary between two of them is a place a publish
#: can stop.
WRITES = frozenset(
    {
        "put_item",
        "delete_item",
        "transact_write_items",
        "put_object",
        "create_multipart_upload",
        "upload_part",
        "complete_multipart_upload",
        "abort_multipart_upload",
        "delete_object",
        "delete_objects",
        "create_invalidation",
    }
)


class ProcessDied(BaseException):
    """What the process "sees" when it is killed: nothing after this may run."""


def throttled() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "Injected"
    )


@dataclass
class Fault:
    """Stop at the ``at``-th write (1-based), ``before`` it reaches AWS or after it took
    effect (the answer lost). ``fatal``: every call after that fails too, as if the
    process had died, so no recovery can run in it. ``calls`` names the writes (publishing's
    by default)."""

    at: int | None = None
    after: bool = False
    error: BaseException | None = None
    fatal: bool = False
    writes: list[str] = field(default_factory=list)
    fired: bool = False
    calls: frozenset[str] = WRITES

    def call(self, name: str, method: Any, kwargs: dict[str, Any]) -> Any:
        if self.fired and self.fatal:
            raise ProcessDied(f"{name} after the process died")
        if name not in self.calls:
            return method(**kwargs)
        self.writes.append(name)
        strike = not self.fired and len(self.writes) == self.at
        if strike and not self.after:
            self.fired = True
            raise self._error()
        answer = method(**kwargs)
        if strike:
            self.fired = True
            raise self._error()
        return answer

    def _error(self) -> BaseException:
        return self.error if self.error is not None else KeyboardInterrupt()


class Faulty:
    """A real boto3 client whose calls go through ``fault``."""

    def __init__(self, client: Any, fault: Fault) -> None:
        self._client = client
        self._fault = fault

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in ("exceptions", "meta"):
            return attribute
        return lambda **kwargs: self._fault.call(name, attribute, kwargs)


@dataclass(frozen=True)
class Snapshot:
    """The catalog table and the bucket's current objects, read straight from moto."""

    items: dict[str, ContentItem]
    journals: dict[str, Journal]
    current: dict[str, str]  # key -> current version ID
    versions: dict[str, list[str]]  # key -> every version ID

    @classmethod
    def take(cls, dynamodb: Any, s3: Any, table: str, bucket: str) -> Snapshot:
        records = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            records += [from_attributes(raw) for raw in page["Items"]]
        items = {
            r["contentId"]: ContentItem.from_dynamo(r)
            for r in records
            if not str(r["contentId"]).startswith("_")
        }
        journals = {
            r["contentId"]: Journal.from_dynamo(r)
            for r in records
            if str(r["contentId"]).startswith(JOURNAL_PREFIX)
        }
        current: dict[str, str] = {}
        versions: dict[str, list[str]] = {}
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for version in page.get("Versions", []):
                versions.setdefault(version["Key"], []).append(version["VersionId"])
                if version["IsLatest"]:
                    current[version["Key"]] = version["VersionId"]
            for marker in page.get("DeleteMarkers", []):
                if marker["IsLatest"]:
                    current.pop(marker["Key"], None)
        return cls(items, journals, current, versions)

    def objects_of(self, item: ContentItem) -> set[str]:
        """The current keys an item names: its object's, or every one under a set's root."""
        if item.root is None:
            return {item.key.value} & self.current.keys()
        return {key for key in self.current if key.startswith(item.root)}

    def problems(self) -> list[str]:
        """Where the two invariants break: an item whose object is not the current version
        of its key (for a set, also: not all of its files current); a current object that
        neither an item nor a journal names (for a set, by its root)."""
        found = []
        for item in self.items.values():
            current = self.current.get(item.key.value)
            if current is None or (item.version is not None and current != item.version):
                found.append(f"{item.content_id} points at nothing current: {item.key.value}")
            if item.files is not None and len(self.objects_of(item)) != item.files:
                found.append(f"{item.content_id} lacks files under {item.root}")
        named: set[str] = set()
        for item in self.items.values():
            named |= self.objects_of(item)
        for journal in self.journals.values():
            for named_item in (journal.target, journal.retire):
                if named_item is not None:
                    named |= self.objects_of(named_item)
        found += [
            f"{key} is reachable but not in the catalog" for key in self.current.keys() - named
        ]
        return found
