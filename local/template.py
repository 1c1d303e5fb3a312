"""Read resource definitions from template.yaml, so local resources match deployed ones."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from samcli.yamlhelper import yaml_parse

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "template.yaml"


@functools.cache
def _template() -> dict[str, Any]:
    template: dict[str, Any] = yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return template


def source_template() -> dict[str, Any]:
    """template.yaml as written (intrinsic functions left as they are)."""
    return _template()


def resource_properties(logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = _template()["Resources"][logical_id]["Properties"]
    return properties


def deployed_value(value: Any) -> Any:
    """A property's value as deployed with the parameters' defaults: ``!Ref Parameter`` reads
    that parameter's ``Default``; another intrinsic function is a ValueError (it has no value
    here)."""
    intrinsic = isinstance(value, dict) and len(value) == 1
    if intrinsic and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")):
        name = value.get("Ref")
        parameter = _template().get("Parameters", {}).get(name) if isinstance(name, str) else None
        if parameter is None or "Default" not in parameter:
            raise ValueError(f"template.yaml: {value!r} has no value without a deployment")
        return parameter["Default"]
    return value
