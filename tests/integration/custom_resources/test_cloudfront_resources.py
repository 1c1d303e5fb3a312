"""The CloudFront custom resource: origin access controls against moto's CloudFront API, and
response headers policies (which moto does not implement) against a local endpoint speaking
CloudFront's REST-XML, so that botocore's real serialization and validation run; every kind's
Delete while its object is still in use. (Key value stores and functions have files of their
own.)"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cloudfront_resources.resources import apply
from shared.custom_resource.protocol import CustomResourceError, Request
from testkit.custom_resource import cfn_event
from tests.support.http import Answer, ScriptedServer, scripted_server

OAC = {
    "OriginAccessControlConfig": {
        "Name": "content",
        "Description": "signs requests",
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }
}
RHP = {
    "ResponseHeadersPolicyConfig": {
        "Name": "content",
        "CorsConfig": {
            "AccessControlAllowCredentials": "false",
            "AccessControlAllowHeaders": {"Items": ["authorization", "range"]},
            "AccessControlAllowMethods": {"Items": ["GET", "HEAD", "OPTIONS"]},
            "AccessControlAllowOrigins": {"Items": ["https://learn.example.com"]},
            "AccessControlMaxAgeSec": "600",
            "OriginOverride": "true",
        },
        "SecurityHeadersConfig": {"ContentTypeOptions": {"Override": "true"}},
    }
}


def request(request_type: str, properties: dict[str, Any], **kw: Any) -> Request:
    return Request.from_event(cfn_event(request_type, properties, "https://unused.example/", **kw))


@pytest.fixture
def cloudfront(session: boto3.Session, moto_url: str) -> Any:
    return session.client("cloudfront", endpoint_url=moto_url)


def test_an_oac_is_created_with_the_template_s_settings(cloudfront: Any) -> None:
    outcome = apply(cloudfront, request("Create", OAC))
    assert outcome.data == {"Id": outcome.physical_resource_id}
    config = cloudfront.get_origin_access_control(Id=outcome.physical_resource_id)[
        "OriginAccessControl"
    ]["OriginAccessControlConfig"]
    assert config["SigningBehavior"] == "always"
    assert config["SigningProtocol"] == "sigv4"
    assert config["OriginAccessControlOriginType"] == "s3"


def test_the_service_timeout_cloudformation_passes_on_is_not_refused(cloudfront: Any) -> None:
    outcome = apply(cloudfront, request("Create", {**OAC, "ServiceTimeout": "300"}))
    assert cloudfront.get_origin_access_control(Id=outcome.physical_resource_id)


def test_an_oac_is_updated_in_place(cloudfront: Any) -> None:
    created = apply(cloudfront, request("Create", OAC))
    changed = {
        "OriginAccessControlConfig": {**OAC["OriginAccessControlConfig"], "Description": "new"}
    }
    updated = apply(
        cloudfront,
        request("Update", changed, physical_id=created.physical_resource_id, old_properties=OAC),
    )
    assert updated.physical_resource_id == created.physical_resource_id
    config = cloudfront.get_origin_access_control(Id=created.physical_resource_id)[
        "OriginAccessControl"
    ]["OriginAccessControlConfig"]
    assert config["Description"] == "new"


def test_an_oac_is_deleted_and_deleting_it_again_succeeds(cloudfront: Any) -> None:
    created = apply(cloudfront, request("Create", OAC))
    for _ in range(2):
        apply(cloudfront, request("Delete", OAC, physical_id=created.physical_resource_id))
    with pytest.raises(ClientError, match="NoSuchOriginAccessControl"):
        cloudfront.get_origin_access_control(Id=created.physical_resource_id)


def test_updating_an_unknown_oac_fails_with_cloudfront_s_reason(cloudfront: Any) -> None:
    with pytest.raises(CustomResourceError, match="NoSuchOriginAccessControl"):
        apply(cloudfront, request("Update", OAC, physical_id="E0000000000000", old_properties=OAC))


# --- response headers policies, over CloudFront's REST-XML ------------------------------------

NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
BASE = "/2020-05-31/response-headers-policy"


def policy_xml(policy_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?><ResponseHeadersPolicy xmlns="{NS}"><Id>{policy_id}</Id>'
        "<LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>"
        "<ResponseHeadersPolicyConfig><Name>content</Name></ResponseHeadersPolicyConfig>"
        "</ResponseHeadersPolicy>"
    ).encode()


def policy_list_xml(*pairs: str) -> bytes:
    """A ListResponseHeadersPolicies answer holding one (id, name) policy, or none."""
    items = ""
    if pairs:
        policy_id, name = pairs
        items = (
            "<Items><ResponseHeadersPolicySummary><Type>custom</Type><ResponseHeadersPolicy>"
            f"<Id>{policy_id}</Id><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>"
            f"<ResponseHeadersPolicyConfig><Name>{name}</Name></ResponseHeadersPolicyConfig>"
            "</ResponseHeadersPolicy></ResponseHeadersPolicySummary></Items>"
        )
    quantity = 1 if pairs else 0
    return (
        f'<?xml version="1.0"?><ResponseHeadersPolicyList xmlns="{NS}"><MaxItems>100</MaxItems>'
        f"<Quantity>{quantity}</Quantity>{items}</ResponseHeadersPolicyList>"
    ).encode()


def error_xml(code: str) -> bytes:
    return (
        f'<?xml version="1.0"?><ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{code}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    ).encode()


@pytest.fixture
def endpoint() -> Iterator[ScriptedServer]:
    with scripted_server() as server:
        xml, etag = "text/xml", {"ETag": "E2QWRUHEXAMPLE"}
        policy = policy_xml("RHP1")
        server.routes[f"GET {BASE}"] = Answer(200, policy_list_xml(), xml)
        server.routes[f"POST {BASE}"] = Answer(201, policy, xml, headers=etag)
        server.routes[f"GET {BASE}/RHP1"] = Answer(200, policy, xml, headers=etag)
        server.routes[f"PUT {BASE}/RHP1"] = Answer(200, policy, xml, headers=etag)
        server.routes[f"DELETE {BASE}/RHP1"] = Answer(status=204, content_type="text/xml")
        yield server


@pytest.fixture
def xml_cloudfront(endpoint: ScriptedServer) -> Any:
    return boto3.client("cloudfront", endpoint_url=endpoint.url, region_name="us-east-1")


def sent(endpoint: ScriptedServer, method: str) -> Any:
    return next(r for r in endpoint.requests if r.method == method)


def test_a_policy_is_created_in_the_api_s_shape(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    outcome = apply(xml_cloudfront, request("Create", RHP))
    assert outcome.physical_resource_id == "RHP1"
    body = sent(endpoint, "POST").body.decode()
    methods = re.search(r"<AccessControlAllowMethods>(.*?)</AccessControlAllowMethods>", body)
    assert methods is not None
    assert "<Quantity>3</Quantity>" in methods.group(1)
    assert "<OriginOverride>true</OriginOverride>" in body
    assert "<AccessControlMaxAgeSec>600</AccessControlMaxAgeSec>" in body


def test_a_policy_update_sends_the_current_etag(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    apply(xml_cloudfront, request("Update", RHP, physical_id="RHP1", old_properties=RHP))
    put = sent(endpoint, "PUT")
    assert put.path == f"{BASE}/RHP1"
    assert put.headers["If-Match"] == "E2QWRUHEXAMPLE"


def test_a_policy_delete_sends_the_current_etag(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    apply(xml_cloudfront, request("Delete", RHP, physical_id="RHP1"))
    assert sent(endpoint, "DELETE").headers["If-Match"] == "E2QWRUHEXAMPLE"


def test_deleting_a_policy_that_is_already_gone_succeeds(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    endpoint.routes[f"GET {BASE}/RHP1"] = Answer(
        status=404, body=error_xml("NoSuchResponseHeadersPolicy"), content_type="text/xml"
    )
    assert (
        apply(xml_cloudfront, request("Delete", RHP, physical_id="RHP1")).physical_resource_id
        == "RHP1"
    )


def in_use(code: str) -> Answer:
    return Answer(status=409, body=error_xml(code), content_type="text/xml")


OAC_BASE = "/2020-05-31/origin-access-control"
KVS_BASE = "/2020-05-31/key-value-store"
FUNCTION_BASE = "/2020-05-31/function"
KVS = {"Name": "RHP1", "Comment": "grants"}
FUNCTION = {
    "Name": "RHP1",
    "CodeSha256": "0" * 64,  # Delete reads no code
    "FunctionConfig": {"Comment": "grant check", "Runtime": "cloudfront-js-2.0"},
}
#: Each kind: its properties, its path, and the 409 CloudFront answers while a distribution
#: (the one CloudFormation has just deleted) still holds it, or, for a key value store, the
#: function CloudFormation has just deleted.
IN_USE: dict[str, tuple[dict[str, Any], str, str]] = {
    "oac": (OAC, OAC_BASE, "OriginAccessControlInUse"),
    "policy": (RHP, BASE, "ResponseHeadersPolicyInUse"),
    "key value store": (KVS, KVS_BASE, "CannotDeleteEntityWhileInUse"),
    "function": (FUNCTION, FUNCTION_BASE, "FunctionInUse"),
}


def oac_xml(oac_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?><OriginAccessControl xmlns="{NS}"><Id>{oac_id}</Id>'
        "<OriginAccessControlConfig><Name>content</Name><SigningProtocol>sigv4</SigningProtocol>"
        "<SigningBehavior>always</SigningBehavior>"
        "<OriginAccessControlOriginType>s3</OriginAccessControlOriginType>"
        "</OriginAccessControlConfig></OriginAccessControl>"
    ).encode()


def kvs_xml(name: str) -> bytes:
    return (
        f'<?xml version="1.0"?><KeyValueStore xmlns="{NS}"><Name>{name}</Name><Id>1</Id>'
        f"<Comment>grants</Comment><ARN>arn:aws:cloudfront::123456789012:key-value-store/1</ARN>"
        "<LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime></KeyValueStore>"
    ).encode()


def function_xml(name: str) -> bytes:
    return (
        f'<?xml version="1.0"?><FunctionSummary xmlns="{NS}"><Name>{name}</Name>'
        "<FunctionConfig><Comment>c</Comment><Runtime>cloudfront-js-2.0</Runtime></FunctionConfig>"
        f"<FunctionMetadata><FunctionARN>arn:aws:cloudfront::123456789012:function/{name}"
        "</FunctionARN><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>"
        "</FunctionMetadata></FunctionSummary>"
    ).encode()


@pytest.fixture
def held(endpoint: ScriptedServer) -> ScriptedServer:
    """The stand-in also serves origin access control, key value store and function RHP1 (the
    ID or name every kind uses here)."""
    etag = {"ETag": "E2QWRUHEXAMPLE"}
    endpoint.routes[f"GET {OAC_BASE}/RHP1"] = Answer(200, oac_xml("RHP1"), "text/xml", headers=etag)
    endpoint.routes[f"GET {KVS_BASE}/RHP1"] = Answer(200, kvs_xml("RHP1"), "text/xml", headers=etag)
    endpoint.routes[f"GET {FUNCTION_BASE}/RHP1/describe"] = Answer(
        200, function_xml("RHP1"), "text/xml", headers=etag
    )
    for base in (OAC_BASE, KVS_BASE, FUNCTION_BASE):
        endpoint.routes[f"DELETE {base}/RHP1"] = Answer(status=204, content_type="text/xml")
    return endpoint


def deletes(endpoint: ScriptedServer) -> list[Any]:
    return [r for r in endpoint.requests if r.method == "DELETE"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", IN_USE)
def test_an_object_in_use_for_the_first_attempts_is_deleted_on_a_later_one(
    held: ScriptedServer, xml_cloudfront: Any, kind: str
) -> None:
    properties, base, code = IN_USE[kind]
    done = Answer(status=204, content_type="text/xml")
    held.routes[f"DELETE {base}/RHP1"] = [in_use(code), in_use(code), done]
    delete = dataclasses.replace(
        request("Delete", properties, physical_id="RHP1"), deadline=time.monotonic() + 60
    )
    assert apply(xml_cloudfront, delete).physical_resource_id == "RHP1"
    assert [r.path for r in deletes(held)] == [f"{base}/RHP1"] * 3
    # Each attempt reads the current ETag before it deletes, and sends it.
    assert [r.method for r in held.requests] == ["GET", "DELETE"] * 3
    assert {r.headers["If-Match"] for r in deletes(held)} == {"E2QWRUHEXAMPLE"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", IN_USE)
def test_an_object_still_in_use_at_the_deadline_fails_the_delete_with_cloudfront_s_reason(
    held: ScriptedServer, xml_cloudfront: Any, kind: str
) -> None:
    properties, base, code = IN_USE[kind]
    held.routes[f"DELETE {base}/RHP1"] = in_use(code)
    deadline = time.monotonic() + 4
    delete = dataclasses.replace(
        request("Delete", properties, physical_id="RHP1"), deadline=deadline
    )
    with pytest.raises(CustomResourceError) as failed:
        apply(xml_cloudfront, delete)
    assert re.fullmatch(
        rf"CloudFront said {code}: {code} \(after {len(deletes(held))} attempts in \d+ s\)",
        str(failed.value),
    )
    assert len(deletes(held)) >= 2
    assert all(r.at < deadline for r in held.requests)


def test_a_refusal_other_than_in_use_fails_the_delete_at_once(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    endpoint.routes[f"DELETE {BASE}/RHP1"] = Answer(
        status=412, body=error_xml("PreconditionFailed"), content_type="text/xml"
    )
    delete = dataclasses.replace(
        request("Delete", RHP, physical_id="RHP1"), deadline=time.monotonic() + 60
    )
    with pytest.raises(CustomResourceError, match=r"^CloudFront said PreconditionFailed"):
        apply(xml_cloudfront, delete)
    assert len(deletes(endpoint)) == 1


def test_switching_kind_on_update_creates_a_new_object(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    outcome = apply(xml_cloudfront, request("Update", RHP, physical_id="E-OAC", old_properties=OAC))
    assert outcome.physical_resource_id == "RHP1"
    assert sent(endpoint, "POST")


def test_creating_again_adopts_the_oac_of_the_same_name(cloudfront: Any) -> None:
    """A retried Create, or one that finished after a timeout, must not fail on the name."""
    named = {"OriginAccessControlConfig": {**OAC["OriginAccessControlConfig"], "Name": "retry-me"}}
    first = apply(cloudfront, request("Create", named))
    changed = {
        "OriginAccessControlConfig": {**named["OriginAccessControlConfig"], "Description": "v2"}
    }
    second = apply(cloudfront, request("Create", changed))
    assert second.physical_resource_id == first.physical_resource_id
    config = cloudfront.get_origin_access_control(Id=first.physical_resource_id)[
        "OriginAccessControl"
    ]["OriginAccessControlConfig"]
    assert config["Description"] == "v2"


def test_creating_again_adopts_the_policy_of_the_same_name(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    endpoint.routes[f"GET {BASE}"] = Answer(200, policy_list_xml("RHP1", "content"), "text/xml")
    outcome = apply(xml_cloudfront, request("Create", RHP))
    assert outcome.physical_resource_id == "RHP1"
    assert [r.method for r in endpoint.requests] == ["GET", "GET", "PUT"]  # list, ETag, update
