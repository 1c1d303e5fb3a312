"""The CloudFront custom resource's key value stores, against moto's CloudFront API (and a
scripted endpoint speaking CloudFront's REST-XML for the store's states moto never shows): the
attributes the template reads, a retried Create that adopts its store, and a Create stopped at
any write that converges when it runs again."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cloudfront_resources.resources import apply
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request
from testkit.custom_resource import cfn_event
from tests.support.http import Answer, ScriptedServer, scripted_server
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tests.support.template import source_template

STORE_WRITES = frozenset(
    {"create_key_value_store", "update_key_value_store", "delete_key_value_store"}
)


def request(request_type: str, properties: dict[str, Any], **kw: Any) -> Request:
    event = cfn_event(
        request_type, properties, "https://unused.example/", logical_id="GrantStore", **kw
    )
    return Request.from_event(event)


def store(name: str, comment: str = "grants") -> dict[str, Any]:
    return {"Name": name, "Comment": comment}


@pytest.fixture
def cloudfront(session: boto3.Session, moto_url: str) -> Any:
    return session.client("cloudfront", endpoint_url=moto_url)


@pytest.fixture
def name() -> str:
    return f"grants-{uuid.uuid4()}"


def stores_named(cloudfront: Any, name: str) -> list[dict[str, Any]]:
    listed = cloudfront.list_key_value_stores()["KeyValueStoreList"].get("Items", [])
    return [s for s in listed if s["Name"] == name]


def assert_converged(cloudfront: Any, outcome: Outcome, name: str, comment: str) -> None:
    """One store of that name, with that comment; the answer names it as the template reads it."""
    [only] = stores_named(cloudfront, name)
    assert outcome == Outcome(name, {"Arn": only["ARN"], "Id": only["Id"]})
    assert only["Comment"] == comment


# --- create, update, delete ------------------------------------------------------------------


def test_a_store_is_created_and_answers_its_arn_and_id(cloudfront: Any, name: str) -> None:
    outcome = apply(cloudfront, request("Create", store(name)))
    assert_converged(cloudfront, outcome, name, "grants")
    assert outcome.data["Arn"].endswith(f":key-value-store/{outcome.data['Id']}")


def test_every_attribute_the_template_reads_is_one_create_answers(
    cloudfront: Any, name: str
) -> None:
    outcome = apply(cloudfront, request("Create", store(name)))
    template = source_template()
    read = {
        attribute
        for _, attribute in (
            value["Fn::GetAtt"] for value in _values(template) if _get_att_of(value, "GrantStore")
        )
    }
    assert "Arn" in read
    assert read <= set(outcome.data)


def _get_att_of(value: Any, resource: str) -> bool:
    return isinstance(value, dict) and value.get("Fn::GetAtt", [None])[0] == resource


def _values(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _values(child)


def test_creating_again_adopts_the_store_of_the_same_name(cloudfront: Any, name: str) -> None:
    """A retried Create, or one that finished after a timeout, must not fail on the name."""
    first = apply(cloudfront, request("Create", store(name, "first")))
    second = apply(cloudfront, request("Create", store(name, "second")))
    assert second == first
    assert_converged(cloudfront, second, name, "second")


def test_an_update_changes_the_comment_in_place(cloudfront: Any, name: str) -> None:
    created = apply(cloudfront, request("Create", store(name)))
    updated = apply(
        cloudfront,
        request("Update", store(name, "new"), physical_id=name, old_properties=store(name)),
    )
    assert updated == created
    assert_converged(cloudfront, updated, name, "new")


def test_a_new_name_on_update_makes_a_new_store_and_leaves_the_old_for_cloudformation(
    cloudfront: Any, name: str
) -> None:
    created = apply(cloudfront, request("Create", store(name)))
    renamed = f"{name[:50]}-2"
    updated = apply(
        cloudfront, request("Update", store(renamed), physical_id=name, old_properties=store(name))
    )
    assert updated.physical_resource_id == renamed
    assert updated.data["Arn"] != created.data["Arn"]
    assert len(stores_named(cloudfront, name)) == 1


def test_updating_a_store_that_is_gone_fails_and_makes_no_empty_one(
    cloudfront: Any, name: str
) -> None:
    with pytest.raises(CustomResourceError, match="is gone"):
        apply(
            cloudfront,
            request("Update", store(name), physical_id=name, old_properties=store(name)),
        )
    assert stores_named(cloudfront, name) == []


def test_a_store_is_deleted_and_deleting_it_again_succeeds(cloudfront: Any, name: str) -> None:
    apply(cloudfront, request("Create", store(name)))
    for _ in range(2):
        outcome = apply(cloudfront, request("Delete", store(name), physical_id=name))
        assert outcome.physical_resource_id == name
    with pytest.raises(ClientError, match="EntityNotFound"):
        cloudfront.describe_key_value_store(Name=name)


def test_delete_of_a_create_that_never_answered_removes_its_store(
    cloudfront: Any, name: str
) -> None:
    apply(cloudfront, request("Create", store(name)))
    apply(cloudfront, request("Delete", store(name), physical_id="GrantStore"))
    assert stores_named(cloudfront, name) == []


# --- a store that is not ready yet -----------------------------------------------------------

NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
BASE = "/2020-05-31/key-value-store"
ARN = "arn:aws:cloudfront::123456789012:key-value-store/5a1e0b7c-example"


def store_xml(status: str) -> bytes:
    return (
        f'<?xml version="1.0"?><KeyValueStore xmlns="{NS}"><Name>kvs</Name>'
        f"<Id>5a1e0b7c-example</Id><Comment>grants</Comment><ARN>{ARN}</ARN>"
        f"<Status>{status}</Status><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>"
        "</KeyValueStore>"
    ).encode()


def described(status: str) -> Answer:
    return Answer(200, store_xml(status), "text/xml", headers={"ETag": "ETVEXAMPLE"})


@pytest.fixture
def endpoint() -> Iterator[ScriptedServer]:
    """A store ``kvs`` being created: the first DescribeKeyValueStore finds none."""
    with scripted_server() as server:
        missing = Answer(
            404,
            (
                f'<?xml version="1.0"?><ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type>'
                "<Code>EntityNotFound</Code><Message>none</Message></Error></ErrorResponse>"
            ).encode(),
            "text/xml",
        )
        server.routes[f"POST {BASE}"] = Answer(
            201, store_xml("PROVISIONING"), "text/xml", headers={"ETag": "ETVEXAMPLE"}
        )
        server.routes[f"GET {BASE}/kvs"] = [missing, described("PROVISIONING"), described("READY")]
        yield server


@pytest.fixture
def xml_cloudfront(endpoint: ScriptedServer) -> Any:
    return boto3.client("cloudfront", endpoint_url=endpoint.url, region_name="us-east-1")


def with_deadline(req: Request, seconds: float) -> Request:
    return dataclasses.replace(req, deadline=time.monotonic() + seconds)


def test_a_new_store_is_answered_once_cloudfront_reports_it_ready(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    outcome = apply(xml_cloudfront, with_deadline(request("Create", store("kvs")), 60))
    assert outcome == Outcome("kvs", {"Arn": ARN, "Id": "5a1e0b7c-example"})
    assert [r.method for r in endpoint.requests] == ["GET", "POST", "GET", "GET"]


def test_a_store_still_provisioning_at_the_deadline_fails_the_create(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    endpoint.routes[f"GET {BASE}/kvs"] = described("PROVISIONING")
    with pytest.raises(CustomResourceError, match=r"kvs is still PROVISIONING \(after \d"):
        apply(xml_cloudfront, with_deadline(request("Create", store("kvs")), 0.5))


def test_a_store_whose_creation_failed_fails_the_create_at_once(
    endpoint: ScriptedServer, xml_cloudfront: Any
) -> None:
    endpoint.routes[f"GET {BASE}/kvs"] = described("IMPORT_FAILED")
    with pytest.raises(CustomResourceError, match="kvs is IMPORT_FAILED, not READY"):
        apply(xml_cloudfront, with_deadline(request("Create", store("kvs")), 60))
    # Found (the name is taken), read once for its status: no wait, no write.
    assert [r.method for r in endpoint.requests] == ["GET", "GET"]


# --- interrupted creates ---------------------------------------------------------------------


def faulty(client: Any, fault: Fault) -> Any:
    """``client`` with its writes going through ``fault``."""
    return Faulty(client, fault)


STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}
#: The write of a first Create, and of a Create that finds its earlier attempt's store with
#: another comment.
WRITES = {"first": ("create_key_value_store",), "retried": ("update_key_value_store",)}


def test_the_matrix_covers_every_write_of_each_create(cloudfront: Any) -> None:
    for scenario, writes in WRITES.items():
        name = f"grants-{uuid.uuid4()}"
        if scenario == "retried":
            apply(cloudfront, request("Create", store(name, "earlier")))
        fault = Fault(calls=STORE_WRITES)
        apply(faulty(cloudfront, fault), request("Create", store(name)))
        assert tuple(fault.writes) == writes, scenario


@pytest.mark.parametrize("stop", STOPS)
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("scenario", WRITES)
def test_a_create_stopped_at_its_write_converges_when_it_runs_again(
    cloudfront: Any, name: str, scenario: str, after: bool, stop: str
) -> None:
    if scenario == "retried":
        apply(cloudfront, request("Create", store(name, "earlier")))
    error, fatal = STOPS[stop]()
    fault = Fault(at=1, after=after, error=error, fatal=fatal, calls=STORE_WRITES)

    with pytest.raises((CustomResourceError, ProcessDied)):
        apply(faulty(cloudfront, fault), request("Create", store(name)))

    assert len(stores_named(cloudfront, name)) <= 1
    outcome = apply(cloudfront, request("Create", store(name)))
    assert_converged(cloudfront, outcome, name, "grants")


def test_a_create_stopped_then_rolled_back_leaves_no_store(cloudfront: Any, name: str) -> None:
    """CloudFormation gives up on a Create that never answered and deletes the resource."""
    fault = Fault(at=1, after=True, error=ProcessDied("killed"), fatal=True, calls=STORE_WRITES)
    with pytest.raises(ProcessDied):
        apply(faulty(cloudfront, fault), request("Create", store(name)))
    apply(cloudfront, request("Delete", store(name), physical_id="GrantStore"))
    assert stores_named(cloudfront, name) == []
