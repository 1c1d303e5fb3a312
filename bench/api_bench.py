"""Benchmark of the Content Delivery API answering a course listing (``make bench``, after the
edge numbers).

* ``GET /courses/{courseId}/content`` for a course of ``ITEMS`` items, through the Powertools
  resolver ``content_delivery.api.build_app`` returns, the way the Lambda handler calls it (an
  API Gateway proxy event after the Cognito authorizer), over a real ``CatalogStore`` on moto's
  DynamoDB (in process, ``moto.mock_aws``) and a real grant signer reading a freshly generated
  RSA key from moto's Secrets Manager through Powertools' ``SecretsProvider``, as
  ``local.stack`` wires them: one grant per answer, in every item's URL;
* the same request with DynamoDB's answer replayed (the query answer moto gave, recorded once,
  handed to the same ``CatalogStore``): the function's own work, without the round trip that
  moto's Python (tens of ms here) stands in for and real DynamoDB answers in a few ms;
* the grant signing alone (``GrantSigner.mint``: the cached key, RS256 with ``cryptography``).

Median and 99th percentile of single requests; docs/benchmarks.md quotes them next to the edge's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from moto import mock_aws

from content_delivery.api import build_app
from content_delivery.grants import GrantSigner, course_prefix, grant_signer
from content_delivery.observability import logger, metrics
from content_delivery.settings import GrantSettings, Settings
from local.api import ROUTES
from local.events import api_proxy_event, authorizer_claims
from local.grant_key import GRANT_ISSUER, GRANT_LIFETIME_SECONDS, create_grant_key
from local.lambda_context import LocalLambdaContext
from local.resources import create_catalog_table, create_content_bucket
from shared.access import AccessRule
from shared.catalog.model import Course
from shared.catalog.store import CatalogStore
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.invalidation import NoCache
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter
from tools.stack import use_fake_credentials

ITEMS = 20
WARM_UP = 20
#: moto's query costs tens of ms each: fewer requests through it.
MOTO_REQUESTS = 300
REQUESTS = 2_000
COURSE = "bench-101"
GROUP = "students"
PREFIX = "course-"
BUCKET, TABLE = "bench-content", "bench-catalog"
ORIGIN = "http://localhost:8000"
RESOURCE = "/courses/{courseId}/content"


def timings_us(fn: Callable[[], object], calls: int) -> dict[str, float]:
    """Median and 99th percentile of ``calls`` single calls, in microseconds."""
    for _ in range(WARM_UP):
        fn()
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e3)
    samples.sort()
    return {"median": statistics.median(samples), "p99": samples[int(len(samples) * 0.99) - 1]}


def publish_course(session: boto3.Session, directory: Path) -> None:
    """The course and ``ITEMS`` items, created with `bin/content`'s own code."""
    catalog = CatalogWriter(session.client("dynamodb"), TABLE)
    catalog.put_course(Course.check(COURSE, "The benchmark's course"))
    publisher = Publisher(catalog, ContentBucket(session.client("s3"), BUCKET), NoCache())
    for n in range(1, ITEMS + 1):
        path = directory / f"lecture-{n:02d}.pdf"
        path.write_bytes(b"%PDF-1.4 lecture " + str(n).encode())
        title = f"Lecture {n}: the part of the course it is"
        publisher.add(Draft.check(COURSE, f"{COURSE}-lecture-{n:02d}", title, path, position=n))


class RecordedDynamoDB:
    """Answers every query with the answer the real client gave to the first one (the store
    asks nothing else for a listing)."""

    def __init__(self, dynamodb: Any) -> None:
        self._dynamodb = dynamodb
        self._page: dict[str, Any] | None = None

    def query(self, **query: Any) -> dict[str, Any]:
        if self._page is None:
            self._page = dict(self._dynamodb.query(**query))
            if "LastEvaluatedKey" in self._page:
                raise SystemExit("the course needs one query page for the replay")
        return self._page


def listing_event() -> dict[str, Any]:
    path = f"/courses/{COURSE}/content"
    assert ROUTES[("GET", RESOURCE)].fullmatch(path), "the template's route moved"
    now = int(time.time())
    claims = {
        "sub": "0f9c3c1e-5b5d-4a2e-9d7a-3f1e2b4c5d6e",
        "cognito:groups": [f"{PREFIX}{COURSE}"],
        "email": "learner@example.com",
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
    }
    return api_proxy_event(
        method="GET",
        resource=RESOURCE,
        path=path,
        path_parameters={"courseId": COURSE},
        headers={"Host": "abc123.execute-api.us-east-1.amazonaws.com", "Origin": ORIGIN},
        claims=authorizer_claims(claims),
    )


def measure() -> dict[str, dict[str, float]]:
    # Powertools' logger keeps the stream it was made with, and metrics print their EMF line:
    # both (formatted as in Lambda) go to /dev/null instead of between the numbers.
    with (
        open(os.devnull, "w") as devnull,
        contextlib.redirect_stdout(devnull),
        mock_aws(),
        tempfile.TemporaryDirectory() as scratch,
    ):
        handler = logger.registered_handler
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(devnull)
        session = boto3.Session(region_name="us-east-1")
        create_catalog_table(session.client("dynamodb"), TABLE)
        create_content_bucket(session.client("s3"), BUCKET, app_origin=ORIGIN)
        publish_course(session, Path(scratch))
        grant_key = create_grant_key(session.client("secretsmanager"))
        settings = Settings(
            catalog_table=TABLE,
            content_base_url="https://d111111abcdef8.cloudfront.net",
            app_origins=(ORIGIN,),
            access=AccessRule.create([GROUP], PREFIX),
            grants=GrantSettings(grant_key.secret_arn, GRANT_ISSUER, GRANT_LIFETIME_SECONDS),
        )
        signer = grant_signer(
            settings.grants, SecretsProvider(boto3_client=session.client("secretsmanager"))
        )
        assert isinstance(signer, GrantSigner)
        dynamodb = session.client("dynamodb")
        on_moto = build_app(settings, CatalogStore(dynamodb, TABLE), signer)
        replayed = build_app(
            settings,
            CatalogStore(RecordedDynamoDB(dynamodb), TABLE),  # type: ignore[arg-type]
            signer,
        )
        event, context = listing_event(), LocalLambdaContext(function_name="bench-content-delivery")

        def listing(app: Any) -> Callable[[], None]:
            def request() -> None:
                answer = app.resolve(event, context)
                metrics.flush_metrics()  # what the handler's log_metrics does per request
                if answer["statusCode"] != 200 or answer["body"].count("/g/") != ITEMS:
                    raise SystemExit(f"the listing failed: {answer}")

            return request

        def signing() -> None:
            signer.mint("0f9c3c1e-5b5d-4a2e-9d7a-3f1e2b4c5d6e", course_prefix(COURSE), time.time())

        return {
            f"listing of {ITEMS} items, catalog on moto": timings_us(
                listing(on_moto), MOTO_REQUESTS
            ),
            f"listing of {ITEMS} items, DynamoDB answer replayed": timings_us(
                listing(replayed), REQUESTS
            ),
            "grant signing alone (RS256, 2048-bit key)": timings_us(signing, REQUESTS),
        }


def main() -> None:
    use_fake_credentials("us-east-1", "bench")  # moto's; real ones must never be used here
    print("\n# Content Delivery API benchmark: single requests, µs")
    print(f"{'':<50} {'median':>9} {'p99':>9}")
    for name, value in measure().items():
        print(f"{name:<50} {value['median']:>9.0f} {value['p99']:>9.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
