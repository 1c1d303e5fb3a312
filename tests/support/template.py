"""template.yaml as written and as CloudFormation will see it after the SAM transform."""

from __future__ import annotations

import copy
import functools
import os
from typing import Any

from samtranslator.translator.transform import transform

from local.template import source_template


class _NoManagedPolicies:
    """The template uses inline policies only; the translator never needs AWS's list."""

    def load(self) -> dict[str, str]:
        return {}


@functools.cache
def _transformed() -> dict[str, Any]:
    template = copy.deepcopy(source_template())
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            # What `sam package` does: local code becomes an S3 object.
            resource["Properties"]["CodeUri"] = f"s3://artifacts/{name}.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    result: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return result


def transformed_template() -> dict[str, Any]:
    """The CloudFormation template the SAM transform produces (a fresh copy)."""
    return copy.deepcopy(_transformed())


__all__ = ["resources_of_type", "source_template", "transformed_template"]


def resources_of_type(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_name}
