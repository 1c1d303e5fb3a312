"""The CloudFront custom resource's functions, against a stand-in for the CloudFront Functions
API (tests/support/cloudfront_functions.py: moto has no UpdateFunction or PublishFunction): the
packaged index.js is published to LIVE byte for byte, only under the hash the template names,
and a Create or Update stopped at any write converges when it runs again."""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cloudfront_resources import function_code
from cloudfront_resources.resources import apply
from shared.custom_resource.protocol import CustomResourceError, Outcome, Request
from testkit.custom_resource import cfn_event
from tests.support.cloudfront_functions import CloudFrontFunctionsStandIn, cloudfront_functions
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tests.support.template import source_template

INDEX_JS = function_code.PACKAGED.read_bytes()
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/3f0c7e52-example"
FUNCTION_WRITES = frozenset({"create_function", "update_function", "publish_function"})


def properties(name: str, comment: str = "grant check", code: bytes = INDEX_JS) -> dict[str, Any]:
    return {
        "Name": name,
        "CodeSha256": hashlib.sha256(code).hexdigest(),
        "FunctionConfig": {
            "Comment": comment,
            "Runtime": "cloudfront-js-2.0",
            "KeyValueStoreAssociations": [{"KeyValueStoreARN": STORE_ARN}],
        },
    }


def request(request_type: str, props: dict[str, Any], **kw: Any) -> Request:
    event = cfn_event(
        request_type, props, "https://unused.example/", logical_id="GrantCheckFunction", **kw
    )
    return Request.from_event(event)


@pytest.fixture(scope="module")
def server() -> Iterator[CloudFrontFunctionsStandIn]:
    with cloudfront_functions() as stand_in:
        yield stand_in


@pytest.fixture
def stand_in(server: CloudFrontFunctionsStandIn) -> CloudFrontFunctionsStandIn:
    server.reset()
    return server


@pytest.fixture
def cloudfront(stand_in: CloudFrontFunctionsStandIn) -> Any:
    return boto3.client("cloudfront", endpoint_url=stand_in.url, region_name="us-east-1")


@pytest.fixture
def name() -> str:
    return f"grant-check-{uuid.uuid4()}"


def assert_published(
    stand_in: CloudFrontFunctionsStandIn, outcome: Outcome, name: str, comment: str, code: bytes
) -> None:
    """One function of that name; LIVE runs ``code`` with ``comment`` and the store."""
    assert list(stand_in.functions) == [name]
    assert outcome.physical_resource_id == name
    assert outcome.data == {"FunctionARN": stand_in.functions[name].arn}
    assert stand_in.live_code(name) == code
    config = stand_in.live_config(name)
    assert config.findtext("Comment") == comment
    assert config.findtext("Runtime") == "cloudfront-js-2.0"
    arns = [e.text for e in config.iter("KeyValueStoreARN")]
    assert arns == [STORE_ARN]


def package_an_edited_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: bytes = INDEX_JS + b"\n// edited\n"
) -> bytes:
    """From now on the package carries index.js edited: what the next build packages."""
    packaged = tmp_path / "grant_check" / "index.js"
    packaged.parent.mkdir()
    packaged.write_bytes(code)
    monkeypatch.setattr(function_code, "PACKAGED", packaged)
    return code


# --- create ----------------------------------------------------------------------------------


def test_create_publishes_the_packaged_index_js_byte_for_byte_to_live(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    outcome = apply(cloudfront, request("Create", properties(name)))
    assert_published(stand_in, outcome, name, "grant check", INDEX_JS)


def test_create_creates_the_function_then_publishes_it(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    apply(cloudfront, request("Create", properties(name)))
    writes = [(r.method, r.path.rsplit("/", 1)[-1]) for r in stand_in.requests if r.method != "GET"]
    assert writes == [("POST", "function"), ("POST", "publish")]


def test_a_hash_that_is_not_the_packaged_file_s_is_refused_before_any_call(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    refused = {**properties(name), "CodeSha256": hashlib.sha256(b"other code").hexdigest()}
    with pytest.raises(CustomResourceError, match=r"^refused: ") as failed:
        apply(cloudfront, request("Create", refused))
    assert hashlib.sha256(INDEX_JS).hexdigest() in str(failed.value)
    assert stand_in.requests == []


def test_a_hash_not_written_as_64_lower_case_hex_digits_is_refused_before_any_call(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    upper = {**properties(name), "CodeSha256": hashlib.sha256(INDEX_JS).hexdigest().upper()}
    with pytest.raises(CustomResourceError, match="64 lower-case hex digits"):
        apply(cloudfront, request("Create", upper))
    assert stand_in.requests == []


def test_an_update_with_a_hash_that_is_not_the_packaged_file_s_changes_nothing(
    stand_in: CloudFrontFunctionsStandIn,
    cloudfront: Any,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new package under a template that still names the old file: different builds."""
    created = apply(cloudfront, request("Create", properties(name)))
    package_an_edited_file(tmp_path, monkeypatch)
    stale = properties(name, comment="v2", code=INDEX_JS)
    with pytest.raises(CustomResourceError, match=r"^refused: "):
        apply(
            cloudfront,
            request("Update", stale, physical_id=name, old_properties=properties(name)),
        )
    assert_published(stand_in, created, name, "grant check", INDEX_JS)


def test_a_package_without_the_code_fails_the_create(
    cloudfront: Any, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(function_code, "PACKAGED", tmp_path / "grant_check" / "index.js")
    with pytest.raises(CustomResourceError, match=r"no grant_check/index\.js"):
        apply(cloudfront, request("Create", properties(name)))


def test_cloudfront_s_refusal_of_a_file_over_10_kb_fails_the_create_with_its_reason(
    stand_in: CloudFrontFunctionsStandIn,
    cloudfront: Any,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    too_big = package_an_edited_file(tmp_path, monkeypatch, b"//" + b"x" * 10 * 1024)
    with pytest.raises(CustomResourceError, match="CloudFront said FunctionSizeLimitExceeded"):
        apply(cloudfront, request("Create", properties(name, code=too_big)))
    assert stand_in.functions == {}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("Runtime", "cloudfront-js-1.0"),  # stores need runtime 2.0
        ("KeyValueStoreAssociations", [{"KeyValueStoreARN": STORE_ARN}] * 2),  # one at most
    ],
)
def test_cloudfront_s_refusal_of_a_config_fails_the_create_with_its_reason(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str, setting: str, value: Any
) -> None:
    refused = properties(name)
    refused["FunctionConfig"][setting] = value
    with pytest.raises(CustomResourceError, match="CloudFront said InvalidArgument"):
        apply(cloudfront, request("Create", refused))
    assert stand_in.functions == {}


def test_creating_again_adopts_the_function_of_the_same_name(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    """A retried Create, or one that finished after a timeout, must not fail on the name."""
    apply(cloudfront, request("Create", properties(name, comment="first")))
    outcome = apply(cloudfront, request("Create", properties(name, comment="second")))
    assert_published(stand_in, outcome, name, "second", INDEX_JS)


# --- update ----------------------------------------------------------------------------------


def test_an_update_publishes_the_edited_file_and_the_new_config(
    stand_in: CloudFrontFunctionsStandIn,
    cloudfront: Any,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = apply(cloudfront, request("Create", properties(name)))
    edited = package_an_edited_file(tmp_path, monkeypatch)
    new = properties(name, comment="v2", code=edited)
    updated = apply(
        cloudfront, request("Update", new, physical_id=name, old_properties=properties(name))
    )
    assert updated == created
    assert_published(stand_in, updated, name, "v2", edited)


def test_updating_a_function_that_is_gone_fails_and_creates_nothing(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    props = properties(name)
    with pytest.raises(CustomResourceError, match="is gone"):
        apply(cloudfront, request("Update", props, physical_id=name, old_properties=props))
    assert stand_in.functions == {}


def test_a_new_name_on_update_makes_a_new_function_and_leaves_the_old_for_cloudformation(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    apply(cloudfront, request("Create", properties(name)))
    renamed = f"{name}-2"
    outcome = apply(
        cloudfront,
        request("Update", properties(renamed), physical_id=name, old_properties=properties(name)),
    )
    assert outcome.physical_resource_id == renamed
    assert set(stand_in.functions) == {name, renamed}
    assert stand_in.live_code(renamed) == INDEX_JS


# --- delete ----------------------------------------------------------------------------------


def test_a_function_is_deleted_and_deleting_it_again_succeeds(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    apply(cloudfront, request("Create", properties(name)))
    for _ in range(2):
        outcome = apply(cloudfront, request("Delete", properties(name), physical_id=name))
        assert outcome.physical_resource_id == name
    assert stand_in.functions == {}


def test_delete_of_a_create_that_never_answered_removes_its_function(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    apply(cloudfront, request("Create", properties(name)))
    apply(cloudfront, request("Delete", properties(name), physical_id="GrantCheckFunction"))
    assert stand_in.functions == {}


# --- interrupted creates and updates ---------------------------------------------------------


def faulty(client: Any, fault: Fault) -> Any:
    """``client`` with its writes going through ``fault``."""
    return Faulty(client, fault)


STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}
#: The writes of a first Create, of a Create that finds its earlier attempt's function, and of
#: an Update.
WRITES = {
    "first create": ("create_function", "publish_function"),
    "retried create": ("update_function", "publish_function"),
    "update": ("update_function", "publish_function"),
}


def run_scenario(cloudfront: Any, scenario: str, name: str) -> Request:
    """What ran before (if anything), and the request that will be stopped and run again."""
    if scenario == "first create":
        return request("Create", properties(name, comment="v2"))
    apply(cloudfront, request("Create", properties(name, comment="v1")))
    if scenario == "retried create":
        return request("Create", properties(name, comment="v2"))
    old = properties(name, comment="v1")
    return request("Update", properties(name, comment="v2"), physical_id=name, old_properties=old)


def test_the_matrix_covers_every_write_of_each_scenario(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any
) -> None:
    for scenario, writes in WRITES.items():
        name = f"grant-check-{uuid.uuid4()}"
        again = run_scenario(cloudfront, scenario, name)
        fault = Fault(calls=FUNCTION_WRITES)
        apply(faulty(cloudfront, fault), again)
        assert tuple(fault.writes) == writes, scenario


@pytest.mark.parametrize("stop", STOPS)
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
@pytest.mark.parametrize("at", [1, 2])
@pytest.mark.parametrize("scenario", WRITES)
def test_a_create_or_update_stopped_at_any_write_converges_when_it_runs_again(
    stand_in: CloudFrontFunctionsStandIn,
    cloudfront: Any,
    name: str,
    scenario: str,
    at: int,
    after: bool,
    stop: str,
) -> None:
    again = run_scenario(cloudfront, scenario, name)
    error, fatal = STOPS[stop]()
    fault = Fault(at=at, after=after, error=error, fatal=fatal, calls=FUNCTION_WRITES)

    with pytest.raises((CustomResourceError, ProcessDied)):
        apply(faulty(cloudfront, fault), again)

    assert set(stand_in.functions) <= {name}
    outcome = apply(cloudfront, again)  # the retry (Lambda's, or CloudFormation's next run)
    assert_published(stand_in, outcome, name, "v2", INDEX_JS)


def test_a_create_stopped_then_rolled_back_leaves_no_function(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    """CloudFormation gives up on a Create that never answered and deletes the resource."""
    fault = Fault(at=1, after=True, error=ProcessDied("killed"), fatal=True, calls=FUNCTION_WRITES)
    with pytest.raises(ProcessDied):
        apply(faulty(cloudfront, fault), request("Create", properties(name)))
    apply(cloudfront, request("Delete", properties(name), physical_id="GrantCheckFunction"))
    assert stand_in.functions == {}


# --- the template's resource -----------------------------------------------------------------


def test_the_template_s_grant_check_function_is_created_as_cloudformation_sends_it(
    stand_in: CloudFrontFunctionsStandIn, cloudfront: Any, name: str
) -> None:
    props = copy.deepcopy(source_template()["Resources"]["GrantCheckFunction"]["Properties"])
    props.pop("ServiceToken")
    props.pop("ServiceTimeout")
    props["Name"] = name  # what CloudFormation makes of the !Join
    props["FunctionConfig"]["KeyValueStoreAssociations"] = [{"KeyValueStoreARN": STORE_ARN}]
    outcome = apply(cloudfront, request("Create", props))
    assert_published(stand_in, outcome, name, props["FunctionConfig"]["Comment"], INDEX_JS)
