"""Integration fixtures: a real moto server speaking the AWS wire protocol on loopback."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local.cognito import CognitoPool, create_cognito_pool
from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from local.resources import create_enrolment_table
from shared.enrolments.store import EnrolmentStore
from tests.support.key_value_store import reach_stand_ins
from tests.support.moto_stack import Stack, create_course, deploy_content_stack
from tests.support.revocations import GrantStore, new_grant_store
from tools.stack import StackResources, use_fake_credentials

REGION = "us-east-1"


@pytest.fixture(scope="session", autouse=True)
def _fake_aws_credentials() -> Iterator[None]:
    """moto accepts any credentials; real ones must never be picked up by accident."""
    saved = dict(os.environ)
    use_fake_credentials(REGION, "testing")
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def session() -> boto3.Session:
    return boto3.Session(region_name=REGION)


@pytest.fixture(scope="session")
def cognito_pool(moto_url: str, session: boto3.Session) -> CognitoPool:
    return create_cognito_pool(session.client("cognito-idp", endpoint_url=moto_url), moto_url)


@pytest.fixture
def aws(session: boto3.Session, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Clients on the moto server; the CLI finds it through AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    return {
        name: session.client(name, endpoint_url=moto_url)
        for name in ("s3", "dynamodb", "cloudformation", "cloudfront", "cognito-idp")
    }


@pytest.fixture
def deployed(
    aws: dict[str, Any],
    grant_store: GrantStore,
    key_value_stores: LocalKeyValueStores,
    moto_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Stack]:
    """The stack, with ``grant_store`` as its grant store, which the CLI reaches as it would
    AWS's (moto has no KeyValueStore)."""
    reach_stand_ins(monkeypatch, moto_url, key_value_stores.url)
    deployed = deploy_content_stack(aws, {"GrantStoreArn": grant_store.arn})
    yield deployed
    aws["cloudformation"].delete_stack(StackName=deployed.name)


@pytest.fixture
def stack(deployed: Stack) -> StackResources:
    return deployed.resources


@pytest.fixture
def aws_101(aws: dict[str, Any], deployed: Stack) -> str:
    """The deployed stack with the course aws-101 created."""
    create_course(aws, deployed, "aws-101")
    return "aws-101"


@pytest.fixture
def enrolment_store(session: boto3.Session, moto_url: str) -> EnrolmentStore:
    """A fresh enrolment table in moto, shaped as template.yaml's EnrolmentTable."""
    dynamodb = session.client("dynamodb", endpoint_url=moto_url)
    name = create_enrolment_table(dynamodb, f"enrolments-{uuid.uuid4().hex[:8]}")
    return EnrolmentStore(dynamodb, name, sleep=lambda _: None)


@pytest.fixture(scope="session")
def key_value_stores() -> Iterator[LocalKeyValueStores]:
    """The local KeyValueStore endpoint (``local.keyvaluestore``), for the session."""
    endpoint = LocalKeyValueStores()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def store(key_value_stores: LocalKeyValueStores) -> KeyValueStoreData:
    """An empty KeyValueStore of the test's own, on the session's endpoint."""
    return key_value_stores.create(f"grants-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def grant_store(key_value_stores: LocalKeyValueStores) -> GrantStore:
    """A grant store of the test's own, holding a current grant key."""
    return new_grant_store(key_value_stores)
