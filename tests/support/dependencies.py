"""The order CloudFormation creates a template's resources in: what each one waits for."""

from __future__ import annotations

import re
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def waits_for(template: dict[str, Any], name: str) -> set[str]:
    """Every resource ``name`` is created after: what it names in ``DependsOn``, ``Ref``,
    ``Fn::GetAtt`` or ``Fn::Sub`` (in either branch of an ``Fn::If``), and what those wait for."""
    resources: dict[str, Any] = template["Resources"]
    found: set[str] = set()
    pending = [name]
    while pending:
        current = resources[pending.pop()]
        depends = current.get("DependsOn", [])
        direct = set([depends] if isinstance(depends, str) else depends)
        direct |= _named(current.get("Properties", {}))
        for other in (direct & set(resources)) - found:
            found.add(other)
            pending.append(other)
    return found


def _named(value: Any) -> set[str]:
    if isinstance(value, list):
        return set().union(*(_named(item) for item in value))
    if not isinstance(value, dict):
        return set()
    if set(value) == {"Ref"}:
        return {str(value["Ref"])}
    if set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        return {str(target[0] if isinstance(target, list) else target.split(".", 1)[0])}
    if set(value) == {"Fn::Sub"}:
        spec = value["Fn::Sub"]
        text, variables = (spec, {}) if isinstance(spec, str) else spec
        return set(_SUB_VARIABLE.findall(text)) - set(variables) | _named(variables)
    return set().union(*(_named(item) for item in value.values()))
