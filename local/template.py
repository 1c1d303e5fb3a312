"""Read resource definitions from template.yaml, so local resources match deployed ones."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "template.yaml"


class _TemplateLoader(yaml.SafeLoader):  # type: ignore[misc] # PyYAML ships no types
    """YAML as CloudFormation reads it: a short-form intrinsic (``!Ref X``, ``!Sub ...``) is
    the long form (``{"Ref": "X"}``, ``{"Fn::Sub": ...}``), ``!GetAtt A.B`` is
    ``{"Fn::GetAtt": ["A", "B"]}``."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


@functools.cache
def _template() -> dict[str, Any]:
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    template: dict[str, Any] = yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - SafeLoader
    return template


def source_template() -> dict[str, Any]:
    """template.yaml as written (intrinsic functions left as they are)."""
    return _template()


def resource_properties(logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = _template()["Resources"][logical_id]["Properties"]
    return properties


Value = str | list[str]


def evaluate(value: Any, parameters: dict[str, Value]) -> Any:
    """``value`` with the intrinsic functions the template's CORS, OAuth and naming settings use
    (Ref of a parameter, Fn::Join, Fn::Select, Fn::Split, Fn::Sub) worked out the way
    CloudFormation works them out. ``parameters`` override the template's defaults (a
    CommaDelimitedList is a list) and give pseudo parameters (``AWS::StackId``) their values."""
    if isinstance(value, list):
        return [evaluate(item, parameters) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return _parameter(value["Ref"], parameters)
    if set(value) == {"Fn::Join"}:
        separator, items = value["Fn::Join"]
        return str(separator).join(str(item) for item in evaluate(items, parameters))
    if set(value) == {"Fn::Select"}:
        index, items = value["Fn::Select"]
        return evaluate(items, parameters)[int(evaluate(index, parameters))]
    if set(value) == {"Fn::Split"}:
        separator, text = value["Fn::Split"]
        return str(evaluate(text, parameters)).split(str(separator))
    if set(value) == {"Fn::Sub"}:
        spec = value["Fn::Sub"]
        text, names = (spec, {}) if isinstance(spec, str) else spec
        variables = {name: evaluate(v, parameters) for name, v in names.items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(variables[name] if name in variables else _parameter(name, parameters))

        return re.sub(r"\$\{([A-Za-z0-9:]+)\}", substitute, str(text))
    return {key: evaluate(item, parameters) for key, item in value.items()}


def _parameter(name: str, parameters: dict[str, Value]) -> Value:
    if name in parameters:
        return parameters[name]
    declared = _template()["Parameters"][name]
    default: str = str(declared["Default"])
    return default.split(",") if declared["Type"] == "CommaDelimitedList" else default


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
