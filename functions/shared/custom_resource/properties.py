"""Reading custom resource properties. CloudFormation passes every scalar as a string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .protocol import CustomResourceError


def required_str(properties: Mapping[str, Any], name: str) -> str:
    value = properties.get(name)
    if not isinstance(value, str) or not value:
        raise CustomResourceError(f"property {name} is required and must be a non-empty string")
    return value


def optional_str(properties: Mapping[str, Any], name: str) -> str | None:
    value = properties.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise CustomResourceError(f"property {name} must be a string")
    return value


def string_list(properties: Mapping[str, Any], name: str) -> list[str]:
    """A list of strings; empty strings (an empty CommaDelimitedList parameter) are dropped."""
    value = properties.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CustomResourceError(f"property {name} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def object_list(properties: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    """A non-empty list of objects (each read with the functions above)."""
    value = properties.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise CustomResourceError(f"property {name} must be a non-empty list of objects")
    return value
