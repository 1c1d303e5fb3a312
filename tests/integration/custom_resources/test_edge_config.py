"""The deploy-time edge config resource against a moto server: a real Cognito pool and JWKS,
a real Lambda function created from the built edge package, real versions.

moto cannot serve the pre-signed ``Code.Location`` GetFunction returns, so the code fetch is
the one substitution here: it returns the package the test created the function from.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from edge_config.app import apply
from edge_config.package import with_config
from edge_config.publisher import code_sha256, fetch_code
from edge_config.render import config_bytes
from local.cognito import CognitoPool, sign_in
from shared.custom_resource.protocol import (
    DEADLINE_MARGIN_SECONDS,
    CustomResourceError,
    Request,
    run,
)
from shared.trust.jwks_fetch import fetch_jwks
from testkit.build import ensure_built, run_edge_package, zipped
from testkit.custom_resource import cfn_event
from testkit.events import viewer_request
from tests.support.http import Answer, ScriptedServer, scripted_server
from tests.support.pending_lambda import PendingLambda, pending_lambda

APP_ORIGIN = "https://learn.example.com"


@pytest.fixture(scope="module")
def edge_package() -> bytes:
    return zipped(ensure_built() / "EdgeAuthFunction")


@pytest.fixture
def edge_function(
    session: boto3.Session, moto_url: str, edge_package: bytes
) -> Iterator[dict[str, Any]]:
    iam = session.client("iam", endpoint_url=moto_url)
    lam = session.client("lambda", endpoint_url=moto_url)
    name = f"edge-auth-{os.urandom(4).hex()}"
    role = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="edge_auth.app.handler",
        Code={"ZipFile": edge_package},
        MemorySize=128,
        Timeout=5,
    )
    version = lam.publish_version(FunctionName=name)
    yield {
        "name": name,
        "version_arn": version["FunctionArn"],
        "client": lam,
        "cognito": session.client("cognito-idp", endpoint_url=moto_url),
    }
    lam.delete_function(FunctionName=name)


def pool_properties(pool: CognitoPool, **overrides: Any) -> dict[str, Any]:
    return {
        "UserPoolId": pool.pool_id,
        "JwksUrl": pool.jwks_url,
        "ClientIds": [pool.client_id],
        "TokenUse": ["id", "access"],
        "RequiredGroups": [pool.group],
        **overrides,
    }


def properties(pool: CognitoPool, version_arn: str, **overrides: Any) -> dict[str, Any]:
    return {
        "FunctionVersionArn": version_arn,
        "Pools": [pool_properties(pool)],
        "CookieName": "content_token",
        "CorsAllowedOrigins": [APP_ORIGIN],
        "LogLevel": "INFO",
        **overrides,
    }


def request(request_type: str, props: dict[str, Any], **kw: Any) -> Request:
    return Request.from_event(cfn_event(request_type, props, "https://unused.example/", **kw))


def publish(edge_function: dict[str, Any], edge_package: bytes, req: Request) -> Any:
    return apply(
        req,
        lambda_client=edge_function["client"],
        cognito_client=edge_function["cognito"],
        fetch=lambda location: edge_package,
    )


def expected_config(pool: CognitoPool, **overrides: Any) -> dict[str, Any]:
    entry = {
        "issuer": pool.issuer,
        "client_ids": [pool.client_id],
        "token_use": ["id", "access"],
        "required_groups": [pool.group],
        "jwks": fetch_jwks(pool.jwks_url, timeout=5),
        "jwks_url": pool.jwks_url,
    }
    entry.update({k: v for k, v in overrides.items() if k in entry})
    config = {
        "pools": [entry],
        "cookie_name": "content_token",
        "cors_allowed_origins": [APP_ORIGIN],
        "log_level": "INFO",
    }
    config.update({k: v for k, v in overrides.items() if k in config})
    return config


def test_create_publishes_a_new_version_carrying_the_rendered_config(
    cognito_pool: CognitoPool, edge_function: dict[str, Any], edge_package: bytes
) -> None:
    outcome = publish(
        edge_function,
        edge_package,
        request("Create", properties(cognito_pool, edge_function["version_arn"])),
    )
    assert outcome.physical_resource_id.endswith(":2")
    assert outcome.data["FunctionVersionArn"] == outcome.physical_resource_id
    published = edge_function["client"].get_function(
        FunctionName=edge_function["name"], Qualifier="2"
    )
    expected_package = with_config(edge_package, config_bytes(expected_config(cognito_pool)))
    assert published["Configuration"]["CodeSha256"] == code_sha256(expected_package)


def test_the_published_package_admits_the_pool_s_members_and_no_one_else(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    session: boto3.Session,
    moto_url: str,
    tmp_path: Path,
) -> None:
    """The whole chain: Cognito token -> package with baked config (no EDGE_AUTH_CONFIG)."""
    publish(
        edge_function,
        edge_package,
        request("Create", properties(cognito_pool, edge_function["version_arn"])),
    )
    package = with_config(edge_package, config_bytes(expected_config(cognito_pool)))
    zipfile.ZipFile(io.BytesIO(package)).extractall(tmp_path)
    cognito = session.client("cognito-idp", endpoint_url=moto_url)
    tokens = {
        "member": sign_in(cognito, cognito_pool.client_id, cognito_pool.member())["IdToken"],
        "outsider": sign_in(cognito, cognito_pool.client_id, cognito_pool.outsider())["IdToken"],
    }
    events = [viewer_request("/v.mp4", {"Authorization": f"Bearer {t}"}) for t in tokens.values()]
    answers = run_edge_package(tmp_path, events, config=None).answers
    assert [answer.get("status") for answer in answers] == [None, "403"]


def test_an_update_publishes_again_with_the_new_settings(
    cognito_pool: CognitoPool, edge_function: dict[str, Any], edge_package: bytes
) -> None:
    first = properties(cognito_pool, edge_function["version_arn"])
    publish(edge_function, edge_package, request("Create", first))
    changed = properties(
        cognito_pool,
        edge_function["version_arn"],
        Pools=[pool_properties(cognito_pool, RequiredGroups=["teachers"])],
    )
    outcome = publish(
        edge_function,
        edge_package,
        request("Update", changed, physical_id="x:2", old_properties=first),
    )
    assert outcome.physical_resource_id.endswith(":3")
    published = edge_function["client"].get_function(
        FunctionName=edge_function["name"], Qualifier="3"
    )
    package = with_config(
        edge_package, config_bytes(expected_config(cognito_pool, required_groups=["teachers"]))
    )
    assert published["Configuration"]["CodeSha256"] == code_sha256(package)


def test_delete_does_nothing(
    cognito_pool: CognitoPool, edge_function: dict[str, Any], edge_package: bytes
) -> None:
    outcome = publish(
        edge_function,
        edge_package,
        request(
            "Delete", properties(cognito_pool, edge_function["version_arn"]), physical_id="arn:v:2"
        ),
    )
    assert outcome.physical_resource_id == "arn:v:2"
    versions = edge_function["client"].list_versions_by_function(
        FunctionName=edge_function["name"]
    )["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"UserPoolId": "us-east-1_NoSuchPool"}, "cannot describe user pool us-east-1_NoSuchPool"),
        ({"JwksUrl": "http://127.0.0.1:9/jwks.json"}, "cannot fetch JWKS"),
        ({"ClientIds": []}, "client_ids must not be empty"),
        ({"TokenUse": ["refresh"]}, "token_use may only hold"),
    ],
)
def test_bad_inputs_fail_the_resource_with_a_readable_reason(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    overrides: dict[str, Any],
    reason: str,
) -> None:
    create = request(
        "Create",
        properties(
            cognito_pool,
            edge_function["version_arn"],
            Pools=[pool_properties(cognito_pool, **overrides)],
        ),
    )
    # A JWKS that does not come is tried again until the request's deadline.
    create = dataclasses.replace(create, deadline=time.monotonic() + 3)
    with pytest.raises(CustomResourceError, match=reason):
        publish(edge_function, edge_package, create)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"FunctionVersionArn": ""}, "FunctionVersionArn is required"),
        ({"Pools": []}, "Pools must be a non-empty list"),
        ({"Pools": "us-east-1_x"}, "Pools must be a non-empty list"),
    ],
)
def test_bad_resource_properties_fail_with_a_readable_reason(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    overrides: dict[str, Any],
    reason: str,
) -> None:
    with pytest.raises(CustomResourceError, match=reason):
        publish(
            edge_function,
            edge_package,
            request("Create", properties(cognito_pool, edge_function["version_arn"], **overrides)),
        )


def test_a_pool_with_the_updated_issuer_is_trusted_under_that_issuer(
    edge_function: dict[str, Any], edge_package: bytes, moto_url: str
) -> None:
    """The issuer is the one DescribeUserPool reports, not one built from the pool ID."""
    cognito = edge_function["cognito"]
    pool_id = cognito.create_user_pool(
        PoolName="updated-issuer", IssuerConfiguration={"Type": "UPDATED"}
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    jwks_url = f"{moto_url}/{pool_id}/.well-known/jwks.json"
    pool = {"UserPoolId": pool_id, "JwksUrl": jwks_url, "ClientIds": [client_id]}
    props = {"FunctionVersionArn": edge_function["version_arn"], "Pools": [pool]}
    props["Pools"][0].update({"TokenUse": ["id"], "RequiredGroups": []})
    outcome = publish(edge_function, edge_package, request("Create", props))

    issuer = f"https://issuer-cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    expected = {
        "pools": [
            {
                "issuer": issuer,
                "client_ids": [client_id],
                "token_use": ["id"],
                "required_groups": [],
                "jwks": fetch_jwks(jwks_url, timeout=5),
                "jwks_url": jwks_url,
            }
        ]
    }
    published = edge_function["client"].get_function(FunctionName=outcome.physical_resource_id)
    assert published["Configuration"]["CodeSha256"] == code_sha256(
        with_config(edge_package, config_bytes(expected))
    )


def test_an_unqualified_function_arn_is_refused(
    cognito_pool: CognitoPool, edge_function: dict[str, Any], edge_package: bytes
) -> None:
    unqualified = edge_function["version_arn"].rsplit(":", 1)[0]
    with pytest.raises(CustomResourceError, match="not a numbered version"):
        publish(
            edge_function, edge_package, request("Create", properties(cognito_pool, unqualified))
        )


def test_cloudformation_hears_success_and_the_version_arn(
    cognito_pool: CognitoPool, edge_function: dict[str, Any], edge_package: bytes
) -> None:
    with scripted_server() as listener:
        listener.routes["/response"] = Answer()
        event = cfn_event(
            "Create",
            properties(cognito_pool, edge_function["version_arn"]),
            f"{listener.url}/response",
        )
        handler = functools.partial(
            apply,
            lambda_client=edge_function["client"],
            cognito_client=edge_function["cognito"],
            fetch=lambda _: edge_package,
        )
        assert run(event, handler, 60, _NullLogger()) == "SUCCESS"
        body = json.loads(listener.requests[0].body)
    assert body["Data"]["FunctionVersionArn"].endswith(":2")


def test_cloudformation_hears_why_a_create_failed(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    listener_url: ScriptedServer,
) -> None:
    event = cfn_event(
        "Create",
        properties(cognito_pool, edge_function["version_arn"], Pools=[{"UserPoolId": "nope"}]),
        f"{listener_url.url}/response",
    )
    handler = functools.partial(
        apply,
        lambda_client=edge_function["client"],
        cognito_client=edge_function["cognito"],
        fetch=lambda _: edge_package,
    )
    assert run(event, handler, 60, _NullLogger()) == "FAILED"
    body = json.loads(listener_url.requests[0].body)
    assert body["Status"] == "FAILED"
    assert "cannot describe user pool nope" in body["Reason"]


@pytest.mark.slow
def test_a_jwks_that_never_comes_fails_the_create_by_its_deadline_with_the_fetch_s_reason(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    listener_url: ScriptedServer,
) -> None:
    with scripted_server() as jwks:
        jwks.routes["/jwks.json"] = Answer(503)
        pool = pool_properties(cognito_pool, JwksUrl=f"{jwks.url}/jwks.json")
        event = cfn_event(
            "Create",
            properties(cognito_pool, edge_function["version_arn"], Pools=[pool]),
            f"{listener_url.url}/response",
        )
        handler = functools.partial(
            apply,
            lambda_client=edge_function["client"],
            cognito_client=edge_function["cognito"],
            fetch=lambda _: edge_package,
        )
        # 4 s for the handler: the fetch must stop by the request's deadline, not its own minute.
        assert run(event, handler, DEADLINE_MARGIN_SECONDS + 4, _NullLogger()) == "FAILED"
    reason = json.loads(listener_url.requests[0].body)["Reason"]
    assert re.fullmatch(
        rf"cannot fetch JWKS from {jwks.url}/jwks.json: HTTP 503 \(after \d+ attempts in \d+ s\)",
        reason,
    )
    assert len(jwks.requests) >= 2


def test_the_version_is_reported_only_once_lambda_says_it_is_active(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    slow_lambda: PendingLambda,
    session: boto3.Session,
) -> None:
    """CloudFront refuses to associate a Pending version."""
    slow_lambda.pending["2"] = 4
    outcome = apply(
        request("Create", properties(cognito_pool, edge_function["version_arn"])),
        lambda_client=session.client("lambda", endpoint_url=slow_lambda.url),
        cognito_client=edge_function["cognito"],
        fetch=lambda _: edge_package,
        poll_seconds=0.05,
    )
    assert outcome.data["FunctionVersionArn"].endswith(":2")
    assert slow_lambda.pending["2"] == 0  # every Pending answer was read before answering
    assert slow_lambda.reported == ["2"] * 4


@pytest.mark.slow
def test_a_version_that_never_becomes_active_fails_readably_before_the_deadline(
    cognito_pool: CognitoPool,
    edge_function: dict[str, Any],
    edge_package: bytes,
    slow_lambda: PendingLambda,
    session: boto3.Session,
    listener_url: ScriptedServer,
) -> None:
    slow_lambda.pending["2"] = 1_000_000
    event = cfn_event(
        "Create",
        properties(cognito_pool, edge_function["version_arn"]),
        f"{listener_url.url}/response",
    )
    handler = functools.partial(
        apply,
        lambda_client=session.client("lambda", endpoint_url=slow_lambda.url),
        cognito_client=edge_function["cognito"],
        fetch=lambda _: edge_package,
        poll_seconds=0.5,
    )
    # run keeps its margin to answer, so the handler has 7 s for all its steps.
    assert run(event, handler, DEADLINE_MARGIN_SECONDS + 7, _NullLogger()) == "FAILED"
    reason = json.loads(listener_url.requests[0].body)["Reason"]
    assert "timed out" not in reason  # the publisher's own answer, not the protocol's
    assert ":2 is not Active" in reason
    assert "state Pending (Creating), reason: The function is being created." in reason
    assert len(slow_lambda.reported) > 2  # it kept polling, it did not give up at once


def test_code_is_only_fetched_over_https() -> None:
    with pytest.raises(CustomResourceError, match="https"):
        fetch_code("http://awslambda-us-east-1-tasks.s3.amazonaws.com/snapshot")


class _NullLogger:
    def info(self, msg: str, *, extra: Any) -> None:
        return


@pytest.fixture
def slow_lambda(moto_url: str) -> Iterator[PendingLambda]:
    with pending_lambda(moto_url) as proxy:
        yield proxy


@pytest.fixture
def listener_url() -> Iterator[ScriptedServer]:
    with scripted_server() as server:
        server.routes["/response"] = Answer()
        yield server
