from __future__ import annotations

import pytest

from local.template import deployed_value, source_template


def test_a_plain_value_is_itself():
    assert deployed_value({"AccessToken": "minutes"}) == {"AccessToken": "minutes"}


def test_a_ref_to_a_parameter_is_its_default():
    name, parameter = next(
        (n, p) for n, p in source_template()["Parameters"].items() if "Default" in p
    )
    assert deployed_value({"Ref": name}) == parameter["Default"]


@pytest.mark.parametrize("value", [{"Ref": "NoSuchParameter"}, {"Fn::Sub": "${AWS::Region}"}])
def test_a_value_known_only_at_deployment_is_an_error(value):
    with pytest.raises(ValueError, match="no value without a deployment"):
        deployed_value(value)
