"""The grant key custom resource against moto's Secrets Manager: the private key goes into the
stack's secret and nowhere else; Update never rotates; Delete removes the secret at once; a
Create stopped at any step (before or after each write, by an AWS error or a dying process)
converges when it runs again."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from grant_key.resource import TAG_N, apply, recorded_jwk, secret_name
from shared.custom_resource.handler import logger
from shared.custom_resource.protocol import (
    CustomResourceError,
    Outcome,
    Request,
    response_body,
    run,
)
from shared.grant_secret import parse_secret, public_jwk
from shared.trust.keyset import parse_jwks
from testkit.custom_resource import cfn_event
from tests.support.http import Answer, scripted_server
from tests.support.killing import killed_after_its_write
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled
from tests.support.template import source_template

ISSUER = "urn:private-content:grant-test:grants"
SECRETS_MANAGER_WRITES = frozenset(
    {"create_secret", "put_secret_value", "tag_resource", "delete_secret"}
)
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
PEM = re.compile(r"-----BEGIN|PRIVATE KEY|MII[A-Za-z0-9+/]{20}")


@pytest.fixture
def secrets(session: boto3.Session, moto_url: str) -> Any:
    return session.client("secretsmanager", endpoint_url=moto_url)


@pytest.fixture
def stack_id() -> str:
    """A stack of its own per test: real stack IDs end in a UUID."""
    return f"arn:aws:cloudformation:us-east-1:123456789012:stack/grant-test/{uuid.uuid4()}"


@pytest.fixture
def make_request(stack_id: str) -> Callable[..., Request]:
    def make(request_type: str, issuer: str = ISSUER, **kw: Any) -> Request:
        event = cfn_event(
            request_type,
            {"Issuer": issuer},
            "https://unused.example/",
            logical_id="GrantKey",
            stack_id=stack_id,
            **kw,
        )
        return Request.from_event(event)

    return make


def current_key_jwk(secrets: Any, arn: str) -> dict[str, Any]:
    """The public JWK of the private key the Content Delivery function would read."""
    value = secrets.get_secret_value(SecretId=arn)["SecretString"]
    return public_jwk(parse_secret(value))


def secrets_named(secrets: Any, name: str) -> list[dict[str, Any]]:
    listed = secrets.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
    return [s for s in listed if s["Name"] == name]


def assert_converged(secrets: Any, outcome: Outcome, stack_id: str) -> None:
    """One secret for the stack; the key it holds is the one the answer publishes, and the
    public key recorded in its tags (what Update answers) is that one too."""
    [only] = secrets_named(secrets, secret_name(stack_id))
    assert outcome.physical_resource_id == only["ARN"] == outcome.data["SecretArn"]
    published = json.loads(outcome.data["PublicJwk"])
    assert current_key_jwk(secrets, only["ARN"]) == published
    assert recorded_jwk(secrets.describe_secret(SecretId=only["ARN"])) == published
    assert outcome.data["Kid"] == published["kid"]


# --- create ----------------------------------------------------------------------------------


def test_create_keeps_the_private_key_in_the_stack_s_secret_and_answers_its_public_key(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    outcome = apply(secrets, make_request("Create"))
    assert set(outcome.data) == {"SecretArn", "Kid", "PublicJwk", "Issuer"}
    assert outcome.data["Issuer"] == ISSUER
    assert_converged(secrets, outcome, stack_id)


def test_the_answer_is_a_public_key_the_edge_config_accepts(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    outcome = apply(secrets, make_request("Create"))
    keys = parse_jwks({"keys": [json.loads(outcome.data["PublicJwk"])]})
    assert list(keys) == [outcome.data["Kid"]]


def test_the_answer_carries_no_private_key_material(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    outcome = apply(secrets, make_request("Create"))
    jwk = json.loads(outcome.data["PublicJwk"])
    assert not PRIVATE_MEMBERS & set(jwk)
    assert set(jwk) == {"kty", "alg", "use", "kid", "n", "e"}
    for value in [outcome.physical_resource_id, *outcome.data.values()]:
        assert not PEM.search(value), value


def test_neither_the_response_nor_the_logs_hold_the_private_key(
    secrets: Any,
    make_request: Callable[..., Request],
    capfd: pytest.CaptureFixture[str],
    stack_id: str,
) -> None:
    """Through the protocol layer, as Lambda runs it: what reaches CloudFormation's response
    URL and what the function logs."""
    with scripted_server() as listener:
        listener.routes["/response"] = Answer(status=200)
        event = cfn_event(
            "Create",
            {"Issuer": ISSUER},
            f"{listener.url}/response",
            logical_id="GrantKey",
            stack_id=stack_id,
        )
        status = run(event, lambda r: apply(secrets, r), 60.0, logger)
        [response] = listener.requests
    assert status == "SUCCESS"
    private_pem = secrets.get_secret_value(SecretId=secret_name(stack_id))["SecretString"]
    key_body = json.loads(private_pem)["private_key"].splitlines()[1]
    body = response.body.decode()
    logged = capfd.readouterr()
    for text in (body, logged.out, logged.err):
        assert not PEM.search(text)
        assert key_body not in text
    answer = json.loads(body)
    assert not PRIVATE_MEMBERS & set(json.loads(answer["Data"]["PublicJwk"]))


def test_a_secret_of_that_name_the_stack_did_not_make_is_left_alone_and_create_fails(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    planted = secrets.create_secret(
        Name=secret_name(stack_id), SecretString='{"kid": "x", "private_key": "mine"}'
    )
    with pytest.raises(CustomResourceError, match="not this stack's live grant key"):
        apply(secrets, make_request("Create"))
    value = secrets.get_secret_value(SecretId=planted["ARN"])["SecretString"]
    assert value == '{"kid": "x", "private_key": "mine"}'


def test_every_attribute_the_template_reads_is_one_create_answers(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    outcome = apply(secrets, make_request("Create"))
    targets = [
        value["Fn::GetAtt"]
        for value in _values(source_template())
        if isinstance(value, dict) and "Fn::GetAtt" in value
    ]
    pairs = [t.split(".", 1) if isinstance(t, str) else t for t in targets]
    read = {attribute for name, attribute in pairs if name == "GrantKey"}
    assert read
    assert read <= set(outcome.data)


def _values(node: Any) -> list[Any]:
    found = [node]
    if isinstance(node, dict):
        for child in node.values():
            found += _values(child)
    elif isinstance(node, list):
        for child in node:
            found += _values(child)
    return found


# --- update ----------------------------------------------------------------------------------


def test_an_update_with_the_same_properties_keeps_the_key(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    created = apply(secrets, make_request("Create"))
    versions = secrets.describe_secret(SecretId=created.physical_resource_id)["VersionIdsToStages"]
    updated = apply(
        secrets,
        make_request(
            "Update",
            physical_id=created.physical_resource_id,
            old_properties={"Issuer": ISSUER},
        ),
    )
    assert updated == created
    after = secrets.describe_secret(SecretId=created.physical_resource_id)["VersionIdsToStages"]
    assert after == versions
    assert_converged(secrets, updated, stack_id)


def test_a_new_issuer_is_answered_with_the_same_key(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    created = apply(secrets, make_request("Create"))
    updated = apply(
        secrets,
        make_request(
            "Update",
            "urn:private-content:renamed:grants",
            physical_id=created.physical_resource_id,
            old_properties={"Issuer": ISSUER},
        ),
    )
    assert updated.data["Issuer"] == "urn:private-content:renamed:grants"
    assert updated.data["PublicJwk"] == created.data["PublicJwk"]
    assert updated.physical_resource_id == created.physical_resource_id


def test_an_update_refuses_a_public_key_record_that_was_altered(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    """A tag changed by hand must not put another key into the edge config."""
    created = apply(secrets, make_request("Create"))
    arn = created.physical_resource_id
    chunk = recorded_jwk(secrets.describe_secret(SecretId=arn))["n"][:200]
    altered = chunk[:-1] + ("A" if chunk[-1] != "A" else "B")
    secrets.tag_resource(SecretId=arn, Tags=[{"Key": f"{TAG_N}0", "Value": altered}])
    with pytest.raises(CustomResourceError, match="no consistent public grant key"):
        apply(secrets, make_request("Update", physical_id=arn, old_properties={"Issuer": ISSUER}))


def test_an_unknown_property_fails_before_any_call(make_request: Callable[..., Request]) -> None:
    request = make_request("Create")
    request = Request.from_event(
        cfn_event(
            "Create",
            {"Issuer": ISSUER, "KeySize": "1024"},
            "https://unused.example/",
            logical_id="GrantKey",
            stack_id=request.stack_id,
        )
    )
    with pytest.raises(CustomResourceError, match="unknown properties: KeySize"):
        apply(None, request)  # type: ignore[arg-type]


def test_the_service_timeout_cloudformation_passes_on_is_not_refused(
    secrets: Any, stack_id: str
) -> None:
    event = cfn_event(
        "Create",
        {"Issuer": ISSUER, "ServiceTimeout": "300"},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    outcome = apply(secrets, Request.from_event(event))
    assert_converged(secrets, outcome, stack_id)


# --- delete ----------------------------------------------------------------------------------


def test_delete_removes_the_secret_at_once_and_again_succeeds(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    created = apply(secrets, make_request("Create"))
    for _ in range(2):
        apply(secrets, make_request("Delete", physical_id=created.physical_resource_id))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        secrets.describe_secret(SecretId=created.physical_resource_id)
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_a_create_after_a_delete_makes_a_new_key(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    """No recovery window holds the name: the resource can come back in the same stack."""
    first = apply(secrets, make_request("Create"))
    apply(secrets, make_request("Delete", physical_id=first.physical_resource_id))
    second = apply(secrets, make_request("Create"))
    assert second.data["Kid"] != first.data["Kid"]
    assert_converged(secrets, second, stack_id)


def test_delete_of_a_create_that_never_answered_removes_its_secret(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    apply(secrets, make_request("Create"))
    apply(secrets, make_request("Delete", physical_id="GrantKey"))
    assert secrets_named(secrets, secret_name(stack_id)) == []


def test_delete_leaves_a_secret_the_stack_did_not_make(
    secrets: Any, make_request: Callable[..., Request], stack_id: str
) -> None:
    other = secrets.create_secret(Name=secret_name(stack_id), SecretString="{}")
    apply(secrets, make_request("Delete", physical_id=other["ARN"]))
    assert secrets.describe_secret(SecretId=other["ARN"])["ARN"] == other["ARN"]


# --- interrupted creates -----------------------------------------------------------------------

STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}
#: The writes of a first Create, and of a Create that finds its earlier attempt's secret.
FIRST = ("create_secret",)
RETRIED = ("create_secret", "put_secret_value", "tag_resource")


def interrupted_cases() -> list[Any]:
    found = []
    for scenario, writes in (("first", FIRST), ("retried", RETRIED)):
        for at, write in enumerate(writes, start=1):
            for after in (False, True):
                if scenario == "retried" and at == 1 and after:
                    continue  # that CreateSecret fails (the secret exists): no "after" to it
                for stop in STOPS:
                    label = f"{scenario}|{'after' if after else 'before'} {at}:{write}|{stop}"
                    found.append(pytest.param(scenario, at, after, stop, id=label))
    return found


def faulty(secrets: Any, fault: Fault) -> Any:
    return Faulty(secrets, fault)


def test_the_matrix_covers_every_write_of_each_create(
    secrets: Any, make_request: Callable[..., Request]
) -> None:
    first = Fault(calls=SECRETS_MANAGER_WRITES)
    apply(faulty(secrets, first), make_request("Create"))
    retried = Fault(calls=SECRETS_MANAGER_WRITES)
    apply(faulty(secrets, retried), make_request("Create"))
    assert (tuple(first.writes), tuple(retried.writes)) == (FIRST, RETRIED)


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "at", "after", "stop"), interrupted_cases())
def test_a_create_stopped_at_any_step_converges_when_it_runs_again(
    secrets: Any,
    make_request: Callable[..., Request],
    stack_id: str,
    scenario: str,
    at: int,
    after: bool,
    stop: str,
) -> None:
    if scenario == "retried":  # an earlier attempt made the secret, then died
        apply(secrets, make_request("Create"))
    error, fatal = STOPS[stop]()
    fault = Fault(at=at, after=after, error=error, fatal=fatal, calls=SECRETS_MANAGER_WRITES)

    with pytest.raises((CustomResourceError, ProcessDied)):
        apply(faulty(secrets, fault), make_request("Create"))

    assert len(secrets_named(secrets, secret_name(stack_id))) <= 1
    outcome = apply(secrets, make_request("Create"))  # the retry (Lambda's, or the next run)
    assert_converged(secrets, outcome, stack_id)
    again = apply(
        secrets,
        make_request("Update", physical_id=outcome.physical_resource_id, old_properties={}),
    )
    assert again.data == outcome.data


@pytest.mark.slow
@pytest.mark.parametrize("after", [False, True])
def test_a_create_stopped_then_rolled_back_leaves_no_secret(
    secrets: Any, make_request: Callable[..., Request], stack_id: str, after: bool
) -> None:
    """CloudFormation gives up on a Create that never answered and deletes the resource."""
    fault = Fault(
        at=1, after=after, error=ProcessDied("killed"), fatal=True, calls=SECRETS_MANAGER_WRITES
    )
    with pytest.raises(ProcessDied):
        apply(faulty(secrets, fault), make_request("Create"))
    apply(secrets, make_request("Delete", physical_id="GrantKey"))
    assert secrets_named(secrets, secret_name(stack_id)) == []


@pytest.mark.slow
@pytest.mark.parametrize("write", ["create_secret", "put_secret_value"])
def test_a_create_killed_after_a_write_converges_when_lambda_retries_it(
    secrets: Any,
    make_request: Callable[..., Request],
    stack_id: str,
    moto_url: str,
    write: str,
) -> None:
    """A real process, SIGKILLed once the write took effect (as a Lambda timeout ends one)."""
    if write == "put_secret_value":  # the retry of an attempt that had made the secret
        apply(secrets, make_request("Create"))
    line = killed_after_its_write("testkit.killable_grant_key", moto_url, write, stack_id, ISSUER)
    assert line == f"{write} done\n"

    outcome = apply(secrets, make_request("Create"))
    assert_converged(secrets, outcome, stack_id)


#: "The total size of the response body can't exceed 4096 bytes." (CloudFormation User Guide,
#: "Custom resource response objects").
RESPONSE_LIMIT = 4096


def test_the_answer_fits_cloudformation_s_response_limit_for_the_longest_stack_name(
    secrets: Any,
) -> None:
    stack_id = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{'s' * 128}/{uuid.uuid4()}"
    event = cfn_event(
        "Create",
        {"Issuer": f"urn:private-content:{'s' * 128}:grants"},
        "https://unused.example/",
        logical_id="GrantKey",
        stack_id=stack_id,
    )
    request = Request.from_event(event)
    outcome = apply(secrets, request)
    size = len(response_body(request, "SUCCESS", outcome, "OK"))
    print(f"response body: {size} bytes")
    assert size < RESPONSE_LIMIT
