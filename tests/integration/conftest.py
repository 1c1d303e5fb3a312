"""Integration fixtures: a real moto server speaking the AWS wire protocol on loopback."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any, NamedTuple

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local.cognito import CognitoPool, create_cognito_pool
from local.resources import create_enrolment_table
from local.template import resource_properties
from shared.catalog.model import Course
from shared.enrolments.store import EnrolmentStore
from tools.publishing.writes import CatalogWriter
from tools.stack import StackResources, resolve, use_fake_credentials

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


class Stack(NamedTuple):
    """A stack deployed in moto with the outputs `bin/content` reads."""

    name: str
    resources: StackResources


@pytest.fixture
def deployed(aws: dict[str, Any]) -> Iterator[Stack]:
    name = f"content-{uuid.uuid4().hex[:8]}"
    distribution = aws["cloudfront"].create_distribution(
        DistributionConfig={
            "CallerReference": name,
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "content",
                        "DomainName": "b.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "content",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]
    pool_id = aws["cognito-idp"].create_user_pool(PoolName=name, UsernameAttributes=["email"])[
        "UserPool"
    ]["Id"]
    shape = ("BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes")
    tables = {
        name: {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {k: resource_properties(name)[k] for k in shape},
        }
        for name in ("CatalogTable", "EnrolmentTable")
    }
    template = {
        "Resources": {"ContentBucket": {"Type": "AWS::S3::Bucket"}, **tables},
        "Outputs": {
            "ContentBucketName": {"Value": {"Ref": "ContentBucket"}},
            "CatalogTableName": {"Value": {"Ref": "CatalogTable"}},
            "EnrolmentTableName": {"Value": {"Ref": "EnrolmentTable"}},
            "DistributionId": {"Value": distribution["Id"]},
            "ContentBaseUrl": {"Value": f"https://{distribution['DomainName']}"},
            "UserPoolId": {"Value": pool_id},
            "CourseGroupPrefix": {"Value": "course-"},
        },
    }
    aws["cloudformation"].create_stack(StackName=name, TemplateBody=json.dumps(template))
    resources = resolve(aws["cloudformation"], name)
    # moto's CloudFormation ignores VersioningConfiguration; the template enables it.
    aws["s3"].put_bucket_versioning(
        Bucket=resources.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    yield Stack(name, resources)
    aws["cloudformation"].delete_stack(StackName=name)


@pytest.fixture
def stack(deployed: Stack) -> StackResources:
    return deployed.resources


def create_course(aws: dict[str, Any], stack: Stack, course_id: str) -> None:
    """The course, as `bin/content course put` creates it (publishing needs it first)."""
    catalog = CatalogWriter(aws["dynamodb"], stack.resources.table)
    catalog.put_course(Course.check(course_id, f"Course {course_id}"))


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
