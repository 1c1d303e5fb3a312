"""Representative values for CloudFormation intrinsics, so a template's IAM statements and
names can be read as the ARNs and names CloudFormation would put there, for a stack of any name.

Each resource type the template's policies refer to has one made-up but well-formed value per
attribute; a reference to anything else raises ``LookupError``, so a new kind of reference
fails the IAM tests until someone says what it stands for.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from grant_key.resource import secret_name

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "private-content"
STACK_UUID = "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"


def stack_id(stack_name: str, stack_uuid: str = STACK_UUID) -> str:
    """The ID CloudFormation gives a stack: its ARN, ending in its name and a UUID."""
    return f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/{stack_uuid}"


def pseudo_parameters(stack_name: str = STACK) -> dict[str, str]:
    """The pseudo parameters of a stack called ``stack_name`` in ``ACCOUNT`` and ``REGION``."""
    return {
        "AWS::Partition": "aws",
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": REGION,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack_id(stack_name),
        "AWS::URLSuffix": "amazonaws.com",
    }


PSEUDO_PARAMETERS = pseudo_parameters()

#: Attributes a custom resource answers with the value of its property of the same name: the
#: log retention resource's ``LogGroupName``.
ECHOED_ATTRIBUTES = frozenset({"LogGroupName"})
#: The grant KeyValueStore's ARN (``arn:${Partition}:cloudfront::${Account}:key-value-store/
#: ${Id}``, an ID CloudFront makes), which the GrantStore custom resource answers as ``Arn``.
GRANT_STORE_ARN = (
    f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Resolves ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select`` and
    ``Fn::Split`` in one template to representative strings, for the stack whose pseudo
    parameters are ``pseudo`` (``PSEUDO_PARAMETERS`` unless given). A name CloudFormation
    generates stands as ``<STACK>-<logical ID>-<suffix>`` whatever the stack's name:
    CloudFormation fits the names it generates to their type's limits itself."""

    def __init__(
        self, template: dict[str, Any], pseudo: Mapping[str, str] = PSEUDO_PARAMETERS
    ) -> None:
        self._resources: dict[str, Any] = template["Resources"]
        self._parameters: dict[str, Any] = template.get("Parameters", {})
        self._pseudo = dict(pseudo)

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic replaced; lists stay lists."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item) for key, item in value.items()}
        [(function, argument)] = value.items()
        if function == "Ref":
            return self.ref(argument)
        if function == "Fn::GetAtt":
            name, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self.get_att(name, attribute)
        if function == "Fn::Sub":
            return self._sub(argument)
        if function == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in self.resolve(items))
        if function == "Fn::Select":
            index, items = argument
            return self.resolve(items)[int(self.resolve(index))]
        if function == "Fn::Split":
            separator, text = argument
            return str(self.resolve(text)).split(separator)
        if function.startswith("Fn::"):
            raise LookupError(f"no representative value for {function}")
        return {function: self.resolve(argument)}

    def ref(self, name: str) -> str:
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self._parameters:
            return str(self._parameters[name].get("Default") or f"example-{name.lower()}")
        kind = self._type(name)
        if kind == "AWS::Lambda::Version":
            function = self.resolve(self._resources[name]["Properties"]["FunctionName"])
            return f"{self.function_arn(function)}:1"
        if kind == "AWS::CloudFront::Distribution":
            return "E1EXAMPLE2ABCD"
        if kind == "AWS::Cognito::UserPool":
            return f"{REGION}_Example12"
        if kind == "AWS::ApiGateway::RestApi":
            return "a1b2c3d4e5"
        return self._name(name)

    def get_att(self, name: str, attribute: str) -> str:
        kind = self._type(name)
        arns: dict[str, Callable[[str], str]] = {
            "AWS::S3::Bucket": lambda n: f"arn:aws:s3:::{n}",
            "AWS::Lambda::Function": self.function_arn,
            "AWS::DynamoDB::Table": lambda n: f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{n}",
            # The ARN CloudFormation reports for a log group ends in ":*".
            "AWS::Logs::LogGroup": lambda n: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{n}:*",
            "AWS::IAM::Role": lambda n: f"arn:aws:iam::{ACCOUNT}:role/{n}",
            "AWS::Events::Rule": lambda n: f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{n}",
            "AWS::Cognito::UserPool": lambda _: (
                f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{self.ref(name)}"
            ),
            # A KeyValueStore's ARN ends in an ID CloudFront makes (a UUID).
            "AWS::CloudFront::KeyValueStore": lambda _: (
                f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/{STACK_UUID}"
            ),
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind](self._name(name))
        if kind == "AWS::CloudFormation::CustomResource" and attribute == "SecretArn":
            # The GrantKey resource's secret, named as its function names it (plus the six
            # characters Secrets Manager appends).
            secret = secret_name(self._pseudo["AWS::StackId"])
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{secret}-AbCdEf"
        if (name, attribute) == ("GrantStore", "Arn"):
            return GRANT_STORE_ARN
        properties = self._resources[name].get("Properties", {})
        if kind == "AWS::CloudFormation::CustomResource" and attribute in ECHOED_ATTRIBUTES:
            return str(self.resolve(properties[attribute]))
        if kind == "AWS::Lambda::Version" and attribute == "Version":
            return "1"
        if kind == "AWS::CloudFront::Distribution" and attribute == "DomainName":
            return "d111111abcdef8.cloudfront.net"
        raise LookupError(f"no representative value for {kind} {name}.{attribute}")

    def _type(self, name: str) -> str:
        if name not in self._resources:
            raise LookupError(f"{name} is neither a parameter nor a resource")
        kind: str = self._resources[name]["Type"]
        return kind

    def _name(self, name: str) -> str:
        """A resource's physical name: the one the template sets, else a generated one."""
        properties = self._resources[name].get("Properties", {})
        for key in ("FunctionName", "TableName", "BucketName", "LogGroupName", "RoleName"):
            if key in properties:
                return str(self.resolve(properties[key]))
        generated = f"{STACK}-{name}-AbCdEf012345"
        return generated.lower() if self._type(name) == "AWS::S3::Bucket" else generated

    def function_arn(self, function: str) -> str:
        """A function's ARN from its name or ARN (what ``FunctionName`` properties accept)."""
        if function.startswith("arn:"):
            return function
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument

        def replace(match: re.Match[str]) -> str:
            reference = match.group(1)
            if reference in variables:
                return str(self.resolve(variables[reference]))
            if "." in reference and not reference.startswith("AWS::"):
                resource, attribute = reference.split(".", 1)
                return self.get_att(resource, attribute)
            return self.ref(reference)

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


def branches(value: Any) -> Iterator[Any]:
    """Every value ``value`` can take once its ``Fn::If`` are decided, each either way (a
    branch that is ``AWS::NoValue`` leaves the key or item out)."""
    if isinstance(value, list):
        for items in itertools.product(*(list(branches(item)) for item in value)):
            yield [item for item in items if item is not _NO_VALUE]
        return
    if not isinstance(value, dict):
        yield value
        return
    if set(value) == {"Fn::If"}:
        _, when_true, when_false = value["Fn::If"]
        for branch in (when_true, when_false):
            yield from (_NO_VALUE if _is_no_value(b) else b for b in branches(branch))
        return
    keys = list(value)
    for items in itertools.product(*(list(branches(value[key])) for key in keys)):
        yield {key: item for key, item in zip(keys, items, strict=True) if item is not _NO_VALUE}


_NO_VALUE = object()


def _is_no_value(value: Any) -> bool:
    return isinstance(value, dict) and value == {"Ref": "AWS::NoValue"}
