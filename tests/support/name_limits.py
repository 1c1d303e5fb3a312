"""The length limits of a CloudFormation template's string properties, from the resource
schemas cfn-lint ships (CloudFormation's registry schemas) and, where a schema gives none,
from AWS's documentation.

A custom resource that stands in for a native type (``cloudfront_resources`` creates an
origin access control, a response headers policy, a key value store or a function from the
same properties the native type takes) is held to that type's limits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # type: ignore[import-untyped]

from cloudfront_resources.resources import kind_of

REGION = "us-east-1"

#: Limits the schemas leave out, by (resource type, property path with list indexes dropped).
DOCUMENTED_LIMITS: Mapping[tuple[str, str], int] = {
    # CloudFront API Reference, DistributionConfig: "The comment cannot be longer than 128
    # characters."
    ("AWS::CloudFront::Distribution", "DistributionConfig.Comment"): 128,
    # CloudFront API Reference, OriginAccessControlConfig: "A name to identify the origin access
    # control. You can specify up to 64 characters."
    ("AWS::CloudFront::OriginAccessControl", "OriginAccessControlConfig.Name"): 64,
    # The API Reference gives no length for a response headers policy's name; the CDK, whose
    # generated names CloudFront accepts, makes them at most 128 characters
    # (aws-cdk-lib/aws-cloudfront/lib/response-headers-policy.ts, uniqueResourceName).
    ("AWS::CloudFront::ResponseHeadersPolicy", "ResponseHeadersPolicyConfig.Name"): 128,
}


@dataclass(frozen=True)
class LimitedString:
    """One string property of one resource and the most characters it may hold."""

    resource: str  # logical ID
    type_name: str  # the type whose limits apply
    path: str  # e.g. "DistributionConfig.Comment", "Tags[0].Value"
    max_length: int
    value: Any  # as the template has it, intrinsic functions and all

    @property
    def id(self) -> str:
        return f"{self.resource}.{self.path}"


def limited_strings(template: Mapping[str, Any]) -> Iterator[LimitedString]:
    """Every string property of ``template``'s resources that has a length limit."""
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        type_name = standing_for(resource)
        schema = _schema(type_name)
        if schema is None:
            continue
        limits: dict[str, tuple[int, Any]] = {}
        for path, max_length, value in _walk(properties, schema, schema, ""):
            known = limits.get(path)
            limits[path] = (max_length if known is None else min(known[0], max_length), value)
        for path, (max_length, value) in limits.items():
            yield LimitedString(logical_id, type_name, path, max_length, value)


def standing_for(resource: Mapping[str, Any]) -> str:
    """The type whose limits apply to ``resource``: its own, or the native type a custom
    resource makes with the same properties (the CloudFront object ``cloudfront_resources``
    creates; the log group ``log_retention`` creates or adopts, LogGroupName and
    RetentionInDays)."""
    type_name = str(resource["Type"])
    properties = resource.get("Properties", {})
    if type_name != "AWS::CloudFormation::CustomResource":
        return type_name
    token = properties.get("ServiceToken", {}).get("Fn::GetAtt", [None])[0]
    if token == "CloudFrontResourcesFunction":
        own = {k: v for k, v in properties.items() if k not in ("ServiceToken", "ServiceTimeout")}
        return f"AWS::CloudFront::{kind_of(own).native}"
    if token == "LogRetentionFunction":
        return "AWS::Logs::LogGroup"
    return type_name


def schema_limit(type_name: str, path: str) -> int:
    """The maxLength the schema of ``type_name`` gives the property at ``path`` (dotted, no list
    indexes; ``[]`` steps into a list's items)."""
    schema = _schema(type_name)
    if schema is None:
        raise LookupError(f"no schema for {type_name}")
    node: Any = schema
    for part in path.split("."):
        node = _deref(node, schema)
        node = node["items"] if part == "[]" else node["properties"][part]
    limit: int = _deref(node, schema)["maxLength"]
    return limit


@functools.cache
def _schema(type_name: str) -> dict[str, Any] | None:
    try:
        schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
            REGION, type_name
        ).schema
    except Exception:  # noqa: BLE001 - cfn-lint raises its own types for an unknown type
        return None
    return schema


def _deref(node: Any, root: Mapping[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = root
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and _is_function(next(iter(value)))


def _is_function(key: str) -> bool:
    return key == "Ref" or key.startswith("Fn::")


def _walk(
    value: Any, node: Any, root: Mapping[str, Any], path: str
) -> Iterator[tuple[str, int, Any]]:
    node = _deref(node, root)
    if not isinstance(node, dict):
        return
    plain_path = _without_indexes(path)
    limit = node.get("maxLength")
    if limit is None:
        for (type_name, documented), length in DOCUMENTED_LIMITS.items():
            if _schema(type_name) is root and documented == plain_path:
                limit = length
    if limit is not None and (isinstance(value, str) or _is_intrinsic(value)):
        yield path, int(limit), value
        return
    for part in ("allOf", "anyOf", "oneOf"):
        for alternative in node.get(part, []):
            yield from _walk(value, alternative, root, path)
    if isinstance(value, dict) and not _is_intrinsic(value):
        for key, item in value.items():
            if key in node.get("properties", {}):
                yield from _walk(item, node["properties"][key], root, _join(path, key))
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            yield from _walk(item, node["items"], root, f"{path}[{index}]")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _without_indexes(path: str) -> str:
    parts = []
    for part in path.split("."):
        parts.append(part.split("[", 1)[0])
    return ".".join(parts)
