"""The local stack reads template.yaml as CloudFormation does, without the SAM CLI."""

from __future__ import annotations

from samcli.yamlhelper import yaml_parse

from local.template import TEMPLATE_PATH, source_template


def test_the_template_reads_as_the_sam_cli_reads_it() -> None:
    assert source_template() == yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))


def test_short_form_intrinsics_become_their_long_form() -> None:
    resources = source_template()["Resources"]
    distribution = resources["Distribution"]["Properties"]["DistributionConfig"]
    origin = distribution["Origins"][0]
    assert set(origin["DomainName"]) == {"Fn::GetAtt"}
    assert origin["DomainName"]["Fn::GetAtt"][1] == "RegionalDomainName"
