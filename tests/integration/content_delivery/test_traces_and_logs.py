"""What the Content Delivery function records, read where a principal with read-only access
would read it: its X-Ray trace documents (sent to a fake daemon on loopback), its log lines and
its metric lines. None may hold a learner's grant or ``sub``: a grant opens its objects to
whoever holds it, and the ``sub`` names the learner.

The handler runs in a process of its own, with Lambda's environment (tracing is on only in
Lambda), against moto's DynamoDB and Secrets Manager.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.resources import create_catalog_table
from local.samples import SAMPLE_ITEMS
from shared.enrolments.store import EnrolmentStore
from shared.grant_token import parse
from tests.support.enrolments import enrol
from tests.support.grant_keys import grant_secret
from tests.support.xray import fake_xray_daemon
from tools.publishing.writes import to_attributes
from tools.stack import ROOT

#: A sampled trace, as Lambda sets it for each invocation of a function with tracing active.
TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
#: The requests: two that answer grants, one that lists, one refused after the learner's
#: enrolment was read (its error is traced).
SCENARIOS = (
    "api_get_content_found",
    "api_list_course_content",
    "api_list_courses",
    "api_get_content_forbidden",
)


@pytest.fixture
def catalog_table(session: boto3.Session, moto_url: str) -> Iterator[str]:
    dynamodb = session.client("dynamodb", endpoint_url=moto_url)
    name = create_catalog_table(dynamodb, f"catalog-{uuid.uuid4().hex[:8]}")
    for item in SAMPLE_ITEMS:
        dynamodb.put_item(TableName=name, Item=to_attributes(item.to_dynamo()))
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def grant_secret_arn(session: boto3.Session, moto_url: str) -> Iterator[str]:
    secrets = session.client("secretsmanager", endpoint_url=moto_url)
    arn = secrets.create_secret(
        Name=f"grant-key-{uuid.uuid4().hex[:8]}",
        SecretString=grant_secret(),
    )["ARN"]
    yield arn
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def lambda_environment(
    moto_url: str, table: str, enrolments: str, secret_arn: str, daemon: str
) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        # What Lambda sets for a function with Tracing: Active.
        "AWS_LAMBDA_FUNCTION_NAME": "ContentDeliveryFunction",
        "LAMBDA_TASK_ROOT": str(ROOT / "functions"),
        "_X_AMZN_TRACE_ID": TRACE_ID,
        "AWS_XRAY_DAEMON_ADDRESS": daemon,
        # The function's settings (template.yaml's names).
        "CATALOG_TABLE": table,
        "CONTENT_BASE_URL": "https://d111111abcdef8.cloudfront.net",
        "APP_ORIGINS": "https://learn.example.com",
        "ALL_ACCESS_GROUPS": "students",
        "ENROLMENT_TABLE": enrolments,
        "GRANT_SECRET_ID": secret_arn,
        "GRANT_LIFETIME_SECONDS": "3600",
        "GRANT_STORE_ARN": "arn:aws:cloudfront::123456789012:key-value-store/grants",
        "POWERTOOLS_SERVICE_NAME": "content-delivery",
        "POWERTOOLS_METRICS_NAMESPACE": "PrivateContent",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
    }


def as_learner(event: dict[str, Any], sub: str) -> dict[str, Any]:
    claims = event["requestContext"]["authorizer"]["claims"]
    claims["sub"] = claims["cognito:username"] = sub
    return event


def grants_in(answer: dict[str, Any]) -> list[str]:
    body = json.loads(answer["body"])
    urls = [body["url"]] if "url" in body else [item["url"] for item in body.get("items", [])]
    return [url.split("/g/", 1)[1].split("/", 1)[0] for url in urls]


def test_no_trace_log_or_metric_holds_a_grant_or_the_learner_s_sub(
    catalog_table: str,
    enrolment_store: EnrolmentStore,
    grant_secret_arn: str,
    moto_url: str,
    load_event: Callable[[str], dict[str, Any]],
    tmp_path: Path,
) -> None:
    sub = str(uuid.uuid4())
    enrol(enrolment_store, sub, "aws-201")  # not the refused item's course: read, then 403
    events = [as_learner(load_event(name), sub) for name in SCENARIOS]
    answers_path = tmp_path / "answers.jsonl"
    with fake_xray_daemon() as daemon:
        run = subprocess.run(
            [sys.executable, "-m", "tests.support.traced_content_delivery", str(answers_path)],
            input=json.dumps(events),
            env=lambda_environment(
                moto_url, catalog_table, enrolment_store.table, grant_secret_arn, daemon.address
            ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    answers = [json.loads(line) for line in answers_path.read_text().splitlines()]
    assert [answer["statusCode"] for answer in answers] == [200, 200, 200, 403]
    grants = [grant for answer in answers for grant in grants_in(answer)]
    assert len(grants) == 1 + len(json.loads(answers[1]["body"])["items"])

    # The traces were received: the handler's, each route's, the AWS calls', and the refusal's
    # error, whose message the X-Ray SDK records whatever the tracer is told.
    documents = daemon.documents()
    # Powertools names a subsegment "## " and the function's qualified name.
    traced = {d["name"].rsplit(".", 1)[-1]: d for d in documents if d["name"].startswith("## ")}
    assert {"## handler", "get_content", "list_course", "list_courses"} <= set(traced)
    assert {"dynamodb", "secretsmanager"} <= {document["name"] for document in documents}
    assert any("cause" in d for d in documents if d["name"].endswith(".get_content"))  # 403

    # Neither a grant (nor its own parts: its ID and MAC; the kid, course and times are
    # no secret) nor the sub.
    parsed = [parse(grant) for grant in grants]
    secrets = {sub, *grants, *(part for g in parsed if g for part in (g.grant_id, g.mac))}
    assert all(parsed)
    for where, text in (("traces", daemon.text()), ("logs and metrics", run.stdout)):
        leaked = sorted(secret for secret in secrets if secret in text)
        assert leaked == [], f"{where} hold {leaked}"
    assert "content served" in run.stdout  # the log was read, at its most detailed level
