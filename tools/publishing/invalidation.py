"""Dropping CloudFront's cached copies of what a publish retired (not in the function package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from shared.catalog.model import ContentItem

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront import CloudFrontClient


def cached_paths(item: ContentItem) -> list[str]:
    """The URL paths CloudFront may hold copies of: the object's, or a set's root with ``*``."""
    if item.root is None:
        return [item.key.path]
    return ["/" + quote(item.root, safe="/") + "*"]


class Invalidator(Protocol):
    def invalidate(self, paths: list[str], reference: str) -> str | None:
        """Drop cached copies of ``paths`` (URL paths); a note for the operator, if any."""


class CloudFrontInvalidation:
    def __init__(self, cloudfront: CloudFrontClient, distribution_id: str) -> None:
        self.cloudfront = cloudfront
        self.distribution_id = distribution_id

    def invalidate(self, paths: list[str], reference: str) -> str | None:
        """One invalidation per publish: the same ``reference`` (the journal's token) on a
        re-run is the same invalidation to CloudFront, not a second one."""
        paths = sorted(paths)
        self.cloudfront.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": reference,
            },
        )
        return None


class NoCache:
    """Where nothing is cached (the local stack): nothing to invalidate."""

    def invalidate(self, paths: list[str], reference: str) -> str | None:
        return "the local CloudFront caches nothing; invalidation skipped"
