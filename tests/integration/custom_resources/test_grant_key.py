"""The grant key custom resource against moto's Secrets Manager and the local KeyValueStore
endpoint: the first key goes into the grant store, current, then into the stack's secret, and
nowhere else; Update never rotates; Delete removes the secret at once; a Create stopped at any
step (before or after each write, by an AWS error or a dying process) converges when it runs
again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from grant_key.resource import apply, secret_name
from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from shared.custom_resource.handler import logger
from shared.custom_resource.protocol import (
    CustomResourceError,
    Outcome,
    Request,
    response_body,
    run,
)
from shared.grant_store import KeyStatus
from testkit.custom_resource import cfn_event
from tests.support.grant_key_life import current_kids, key_records, secret_key
from tests.support.http import Answer, scripted_server
from tests.support.killing import killed_after_its_write
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tests.support.template import source_template

WRITES = frozenset(
    {"create_secret", "put_secret_value", "tag_resource", "delete_secret", "update_keys"}
)


@pytest.fixture(scope="module")
def kvs(key_value_stores: LocalKeyValueStores, session: boto3.Session) -> Any:
    return key_value_stores.client(session)


@pytest.fixture
def secrets(session: boto3.Session, moto_url: str) -> Any:
    return session.client("secretsmanager", endpoint_url=moto_url)


@pytest.fixture
def stack_id() -> str:
    """A stack of its own per test: real stack IDs end in a UUID."""
    return f"arn:aws:cloudformation:us-east-1:123456789012:stack/grant-test/{uuid.uuid4()}"


@pytest.fixture
def make_request(stack_id: str, store: KeyValueStoreData) -> Callable[..., Request]:
    def make(request_type: str, store_arn: str | None = None, **kw: Any) -> Request:
        event = cfn_event(
            request_type,
            {"StoreArn": store_arn or store.arn},
            "https://unused.example/",
            logical_id="GrantKey",
            stack_id=stack_id,
            **kw,
        )
        return Request.from_event(event)

    return make


def secrets_named(secrets: Any, name: str) -> list[dict[str, Any]]:
    listed = secrets.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
    return [s for s in listed if s["Name"] == name]


def assert_converged(
    secrets: Any, store: KeyValueStoreData, outcome: Outcome, stack_id: str
) -> None:
    """One secret for the stack, answered as the physical ID and SecretArn; its key is the
    one current key of the store, and any other key there (an earlier attempt's) is retired."""
    [only] = secrets_named(secrets, secret_name(stack_id))
    assert outcome == Outcome(only["ARN"], {"SecretArn": only["ARN"]})
    key = secret_key(secrets, only["ARN"])
    records = key_records(store.entries())
    assert current_kids(store.entries()) == {key.kid}
    assert records[key.kid] is not None
    assert records[key.kid].secret == key.secret  # type: ignore[union-attr]
    for kid, record in records.items():
        assert record is not None
        assert kid == key.kid or record.status is KeyStatus.RETIRED


def values(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from values(child)


# --- create ----------------------------------------------------------------------------------


def test_create_puts_the_first_key_in_the_store_and_the_stack_s_secret_and_answers_its_arn(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    make_request: Callable[..., Request],
    stack_id: str,
) -> None:
    outcome = apply(secrets, kvs, make_request("Create"))
    assert set(outcome.data) == {"SecretArn"}
    assert_converged(secrets, store, outcome, stack_id)
    assert len(store.entries()) == 1


def test_neither_the_response_nor_the_logs_hold_the_key(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    stack_id: str,
) -> None:
    """Through the protocol layer, as Lambda runs it: what reaches CloudFormation's response
    URL and what the function logs."""
    with scripted_server() as listener:
        listener.routes["/response"] = Answer(status=200)
        event = cfn_event(
            "Create",
            {"StoreArn": store.arn},
            f"{listener.url}/response",
            logical_id="GrantKey",
            stack_id=stack_id,
        )
        status = run(event, lambda r: apply(secrets, kvs, r), 60.0, logger)
        [response] = listener.requests
    assert status == "SUCCESS"
    key = secret_key(secrets, secret_name(stack_id))
    logged = capfd.readouterr()
    records = [str(record.__dict__) for record in caplog.records]
    assert records
    for text in (response.body.decode(), logged.out, logged.err, *records):
        assert key.secret not in text


def test_a_secret_of_that_name_the_stack_did_not_make_is_left_alone_and_create_fails(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    planted = secrets.create_secret(Name=secret_name(stack_id), SecretString="mine")
    with pytest.raises(CustomResourceError, match="not this stack's live grant key"):
        apply(secrets, kvs, make_request("Create"))
    assert secrets.get_secret_value(SecretId=planted["ARN"])["SecretString"] == "mine"


def test_a_store_that_cannot_be_written_fails_the_create_readably_before_any_secret(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    gone = "arn:aws:cloudfront::123456789012:key-value-store/no-such-store"
    with pytest.raises(CustomResourceError, match=f"cannot write the grant key into {gone}"):
        apply(secrets, kvs, make_request("Create", gone))
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_every_attribute_the_template_reads_is_one_create_answers(
    secrets: Any, kvs: Any, make_request: Callable[..., Request]
) -> None:
    outcome = apply(secrets, kvs, make_request("Create"))
    targets = [
        value["Fn::GetAtt"]
        for value in values(source_template())
        if isinstance(value, dict) and "Fn::GetAtt" in value
    ]
    pairs = [t.split(".", 1) if isinstance(t, str) else t for t in targets]
    read = {attribute for name, attribute in pairs if name == "GrantKey"}
    assert read == {"SecretArn"}
    assert read <= set(outcome.data)


# --- update ----------------------------------------------------------------------------------


def test_an_update_with_the_same_store_keeps_the_key(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    make_request: Callable[..., Request],
    stack_id: str,
) -> None:
    created = apply(secrets, kvs, make_request("Create"))
    arn = created.physical_resource_id
    versions = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
    entries = store.entries()
    updated = apply(
        secrets,
        kvs,
        make_request("Update", physical_id=arn, old_properties={"StoreArn": store.arn}),
    )
    assert updated == created
    assert secrets.describe_secret(SecretId=arn)["VersionIdsToStages"] == versions
    assert store.entries() == entries


def test_a_new_store_gets_a_first_key_the_same_secret_names(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    key_value_stores: LocalKeyValueStores,
    make_request: Callable[..., Request],
    stack_id: str,
) -> None:
    """A replaced store (or a stack of the RS256 era, whose GrantKey had an Issuer and no
    store): its grants verify only with a key it holds, so it gets one, as on a Create."""
    created = apply(secrets, kvs, make_request("Create"))
    replacement = key_value_stores.create(f"grants-{uuid.uuid4().hex[:12]}")
    for old in ({"StoreArn": store.arn}, {"Issuer": "urn:private-content:grant-test:grants"}):
        updated = apply(
            secrets,
            kvs,
            make_request(
                "Update",
                replacement.arn,
                physical_id=created.physical_resource_id,
                old_properties=old,
            ),
        )
        assert updated == created
        assert_converged(secrets, replacement, updated, stack_id)


def test_an_update_of_a_secret_that_is_gone_fails(
    secrets: Any, kvs: Any, make_request: Callable[..., Request]
) -> None:
    created = apply(secrets, kvs, make_request("Create"))
    arn = created.physical_resource_id
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    with pytest.raises(CustomResourceError, match="gone or not this stack's"):
        apply(secrets, kvs, make_request("Update", physical_id=arn, old_properties={}))


def test_the_service_timeout_cloudformation_passes_on_is_not_refused(
    secrets: Any, kvs: Any, store: KeyValueStoreData, stack_id: str
) -> None:
    event = cfn_event(
        "Create",
        {"StoreArn": store.arn, "ServiceTimeout": "300"},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    outcome = apply(secrets, kvs, Request.from_event(event))
    assert_converged(secrets, store, outcome, stack_id)


# --- delete ----------------------------------------------------------------------------------


def test_delete_removes_the_secret_at_once_and_again_succeeds(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    created = apply(secrets, kvs, make_request("Create"))
    for _ in range(2):
        apply(secrets, kvs, make_request("Delete", physical_id=created.physical_resource_id))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        secrets.describe_secret(SecretId=created.physical_resource_id)
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_delete_reads_no_property_so_nothing_can_block_it(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    created = apply(secrets, kvs, make_request("Create"))
    event = cfn_event(
        "Delete",
        {"Issuer": "from an older template"},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
        physical_id=created.physical_resource_id,
    )
    apply(secrets, None, Request.from_event(event))  # type: ignore[arg-type]
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_a_create_after_a_delete_makes_a_new_key(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    make_request: Callable[..., Request],
    stack_id: str,
) -> None:
    """No recovery window holds the name: the resource can come back in the same stack."""
    first = apply(secrets, kvs, make_request("Create"))
    old = secret_key(secrets, first.physical_resource_id)
    apply(secrets, kvs, make_request("Delete", physical_id=first.physical_resource_id))
    second = apply(secrets, kvs, make_request("Create"))
    assert secret_key(secrets, second.physical_resource_id) != old
    assert_converged(secrets, store, second, stack_id)


def test_delete_of_a_create_that_never_answered_removes_its_secret(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    apply(secrets, kvs, make_request("Create"))
    apply(secrets, kvs, make_request("Delete", physical_id="GrantKey"))
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_delete_leaves_a_secret_the_stack_did_not_make(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    other = secrets.create_secret(Name=secret_name(stack_id), SecretString="{}")
    apply(secrets, kvs, make_request("Delete", physical_id=other["ARN"]))
    assert secrets.describe_secret(SecretId=other["ARN"])["ARN"] == other["ARN"]


# --- interrupted creates -----------------------------------------------------------------------

STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}
#: The writes of a first Create: the key into the store, then the secret; and of a Create
#: that finds its earlier attempt's secret and key: the key, the secret (which exists), its
#: new value, the earlier key retired.
FIRST = ("update_keys", "create_secret")
RETRIED = ("update_keys", "create_secret", "put_secret_value", "update_keys")


def faulty(client: Any, fault: Fault) -> Any:
    return Faulty(client, fault)


def interrupted_cases() -> list[Any]:
    found = []
    for scenario, writes in (("first", FIRST), ("retried", RETRIED)):
        for at, write in enumerate(writes, start=1):
            for after in (False, True):
                if scenario == "retried" and at == 2 and after:
                    continue  # that CreateSecret fails (the secret exists): no "after" to it
                for stop in STOPS:
                    label = f"{scenario}|{'after' if after else 'before'} {at}:{write}|{stop}"
                    found.append(pytest.param(scenario, at, after, stop, id=label))
    return found


def test_the_matrix_covers_every_write_of_each_create(
    secrets: Any, kvs: Any, make_request: Callable[..., Request]
) -> None:
    first = Fault(calls=WRITES)
    apply(faulty(secrets, first), faulty(kvs, first), make_request("Create"))
    retried = Fault(calls=WRITES)
    apply(faulty(secrets, retried), faulty(kvs, retried), make_request("Create"))
    assert (tuple(first.writes), tuple(retried.writes)) == (FIRST, RETRIED)


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "at", "after", "stop"), interrupted_cases())
def test_a_create_stopped_at_any_step_converges_when_it_runs_again(
    secrets: Any,
    kvs: Any,
    store: KeyValueStoreData,
    make_request: Callable[..., Request],
    stack_id: str,
    scenario: str,
    at: int,
    after: bool,
    stop: str,
) -> None:
    if scenario == "retried":  # an earlier attempt made the key and the secret, then died
        apply(secrets, kvs, make_request("Create"))
    error, fatal = STOPS[stop]()
    fault = Fault(at=at, after=after, error=error, fatal=fatal, calls=WRITES)

    with pytest.raises((CustomResourceError, ProcessDied)):
        apply(faulty(secrets, fault), faulty(kvs, fault), make_request("Create"))

    assert len(secrets_named(secrets, secret_name(stack_id))) <= 1
    outcome = apply(secrets, kvs, make_request("Create"))  # the retry (Lambda's, or the next run)
    assert_converged(secrets, store, outcome, stack_id)
    again = apply(
        secrets,
        kvs,
        make_request(
            "Update",
            physical_id=outcome.physical_resource_id,
            old_properties={"StoreArn": store.arn},
        ),
    )
    assert again == outcome
    assert_converged(secrets, store, again, stack_id)


@pytest.mark.slow
@pytest.mark.parametrize("after", [False, True])
def test_a_create_stopped_then_rolled_back_leaves_no_secret(
    secrets: Any, kvs: Any, make_request: Callable[..., Request], stack_id: str, after: bool
) -> None:
    """CloudFormation gives up on a Create that never answered and deletes the resource."""
    fault = Fault(at=2, after=after, error=ProcessDied("killed"), fatal=True, calls=WRITES)
    with pytest.raises(ProcessDied):
        apply(faulty(secrets, fault), faulty(kvs, fault), make_request("Create"))
    apply(secrets, kvs, make_request("Delete", physical_id="GrantKey"))
    assert secrets_named(secrets, secret_name(stack_id)) == []


@pytest.mark.slow
@pytest.mark.parametrize("write", ["update_keys", "create_secret", "put_secret_value"])
def test_a_create_killed_after_a_write_converges_when_lambda_retries_it(
    secrets: Any,
    kvs: Any,
    key_value_stores: LocalKeyValueStores,
    store: KeyValueStoreData,
    make_request: Callable[..., Request],
    stack_id: str,
    moto_url: str,
    write: str,
) -> None:
    """A real process, SIGKILLed once the write took effect (as a Lambda timeout ends one)."""
    if write == "put_secret_value":  # the retry of an attempt that had made the secret
        apply(secrets, kvs, make_request("Create"))
    line = killed_after_its_write(
        "testkit.killable_grant_key", moto_url, write, stack_id, store.arn, key_value_stores.url
    )
    assert line == f"{write} done\n"

    outcome = apply(secrets, kvs, make_request("Create"))
    assert_converged(secrets, store, outcome, stack_id)


#: "The total size of the response body can't exceed 4096 bytes." (CloudFormation User Guide,
#: "Custom resource response objects").
RESPONSE_LIMIT = 4096


def test_the_answer_fits_cloudformation_s_response_limit_for_the_longest_stack_name(
    secrets: Any, kvs: Any, store: KeyValueStoreData
) -> None:
    stack_id = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{'s' * 128}/{uuid.uuid4()}"
    event = cfn_event(
        "Create",
        {"StoreArn": store.arn},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    request = Request.from_event(event)
    outcome = apply(secrets, kvs, request)
    size = len(response_body(request, "SUCCESS", outcome, "OK"))
    print(f"response body: {size} bytes")
    assert size < RESPONSE_LIMIT
