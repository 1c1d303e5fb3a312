"""Turn a CloudFormation-shaped property tree into the CloudFront API's shape.

The two differ in two mechanical ways: CloudFormation hands custom resources every scalar as a
string (``"true"``, ``"600"``), and the API's lists are ``{Quantity, Items}`` structures where
CloudFormation's have only ``Items`` (``AWS::CloudFront::ResponseHeadersPolicy``) or are plain
lists (``AWS::CloudFront::Function``'s ``KeyValueStoreAssociations``); either form is taken.
Both are resolved by walking botocore's own service model, so there is no hand-written schema
to drift from the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import ListShape, Shape, StructureShape

from shared.custom_resource.protocol import CustomResourceError

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def _scalar(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if value in _TRUE or value in _FALSE:
                return value in _TRUE
            raise ValueError(value)
        if kind in ("integer", "long"):
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind in ("double", "float"):
            return float(value)
    except (TypeError, ValueError) as exc:
        raise CustomResourceError(f"{path} must be a {kind}, got {value!r}") from exc
    if kind == "string":
        if not isinstance(value, str):
            raise CustomResourceError(f"{path} must be a string, got {value!r}")
        return value
    raise CustomResourceError(f"{path}: unsupported type {kind}")


def _counted_list(shape: StructureShape) -> bool:
    """A ``{Quantity, Items}`` structure: the API's form of a list."""
    return "Quantity" in shape.members and "Items" in shape.members


def to_api(shape: Shape, value: Any, path: str = "") -> Any:
    """Convert ``value`` (CloudFormation form) to the API form of ``shape``."""
    if isinstance(shape, StructureShape):
        if isinstance(value, list) and _counted_list(shape):
            value = {"Items": value}
        if not isinstance(value, Mapping):
            raise CustomResourceError(f"{path or shape.name} must be an object")
        unknown = sorted(set(value) - set(shape.members))
        if unknown:
            raise CustomResourceError(f"{path or shape.name}: unknown properties {unknown}")
        result = {
            name: to_api(shape.members[name], item, f"{path}.{name}" if path else name)
            for name, item in value.items()
        }
        if _counted_list(shape):
            result["Quantity"] = len(result.get("Items", []))
        return result
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise CustomResourceError(f"{path} must be a list")
        return [to_api(shape.member, item, f"{path}[{i}]") for i, item in enumerate(value)]
    return _scalar(shape, value, path)
