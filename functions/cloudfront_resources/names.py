"""CloudFront objects the API addresses by name (key value stores, functions): the name is the
physical ID.

A Name that changes on Update is a new object (CloudFormation then deletes the old one, by
its old name), as with the native types, whose Name "requires replacement".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.custom_resource import properties as props
from shared.custom_resource.protocol import Request


def name_of(properties: Mapping[str, Any]) -> str:
    return props.required_str(properties, "Name")


def replaced(request: Request) -> bool:
    """Whether an Update names another object than the one its physical ID is."""
    return name_of(request.properties) != request.physical_resource_id


def to_delete(request: Request) -> str:
    """The name a Delete removes: its physical ID, or, for a Create that never answered (whose
    Delete carries the logical ID, as ``grant_key`` relies on too), the name that Create was
    given, so that what it made before it stopped is not left behind."""
    physical = request.physical_resource_id or ""
    if physical in ("", request.logical_resource_id):
        return name_of(request.properties)
    return physical
