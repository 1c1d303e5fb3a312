"""Benchmark of the Content Delivery API and of enrolment at scale (``make bench``, after the
edge numbers).

* ``GET /courses/{courseId}/content`` for a course of ``ITEMS`` items, asked by an enrolled
  learner, through the Powertools resolver ``content_delivery.api.build_app`` returns, the way
  the Lambda handler calls it (an API Gateway proxy event after the Cognito authorizer), over a
  real ``CatalogStore`` and ``EnrolmentStore`` on moto's DynamoDB (in process,
  ``moto.mock_aws``) and a real grant signer reading a freshly generated RSA key from moto's
  Secrets Manager through Powertools' ``SecretsProvider``, as ``local.stack`` wires them: the
  decision reads the learner's enrolment (strongly consistent) on every request;
* the same request with DynamoDB's answers replayed (what moto answered, recorded once per
  distinct request, handed to the same stores): the function's own work, without the round
  trips that moto's Python stands in for and real DynamoDB answers in a few ms;
* the grant signing alone (``GrantSigner.mint``: the cached key, a g1 grant's HMAC-SHA256);
* ``GET /courses`` for a learner with ``ENROLMENTS`` enrolments, page by page (``limit`` 50
  and 100, following ``next``), the function's own time per page (answers replayed) and the
  pages' count;
* ``bin/content import`` of ``IMPORTED`` enrolments against a local stack (``local.stack``,
  moto in server mode on loopback), wall time, and what DynamoDB's documented on-demand limits
  allow for the same load.

Median and 99th percentile of single requests; docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from moto import mock_aws

from content_delivery.api import build_app
from content_delivery.grants import GrantSigner, grant_signer
from content_delivery.observability import logger, metrics
from content_delivery.settings import GrantSettings, Settings
from local.api import ROUTES
from local.events import api_proxy_event, authorizer_claims
from local.grant_key import GRANT_LIFETIME_SECONDS, GRANT_SECRET_NAME
from local.lambda_context import LocalLambdaContext
from local.resources import create_catalog_table, create_content_bucket, create_enrolment_table
from local.stack import LocalStack, Ports
from shared.access import AccessRule
from shared.catalog.model import Course
from shared.catalog.store import CatalogStore
from shared.enrolments.model import Enrolment
from shared.enrolments.store import EnrolmentStore
from shared.grant_secret import secret_string
from shared.grant_token import generate_key
from shared.key_value_store import KeyValueStore
from tools.content import run
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.invalidation import NoCache
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter
from tools.stack import use_fake_credentials

ITEMS = 20
WARM_UP = 20
#: moto's calls cost tens of ms each: fewer requests through it.
MOTO_REQUESTS = 300
REQUESTS = 2_000
#: A learner's enrolments listed page by page, and how often the whole listing is repeated.
ENROLMENTS = 1_000
LISTING_ROUNDS = 20
IMPORTED = 10_000
COURSE = "bench-101"
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/bench-grants"
GROUP = "students"
LEARNER = "0f9c3c1e-5b5d-4a2e-9d7a-3f1e2b4c5d6e"
BUCKET, TABLE, ENROLMENT_TABLE = "bench-content", "bench-catalog", "bench-enrolments"
ORIGIN = "http://localhost:8000"
#: DynamoDB on-demand, as AWS documents it ("DynamoDB on-demand capacity mode", "Pre-warming a
#: table for on-demand capacity mode", "Service, account, and table quotas"): a new table
#: sustains 4,000 writes/s; each partition 1,000 WRU/s; a table 40,000 WRU/s by default; a
#: write of an item up to 1 KB is 1 WRU, and each write is made again in the byCourse index.
NEW_TABLE_WRITES_PER_SECOND = 4_000
PARTITION_WRITES_PER_SECOND = 1_000
#: Cognito's UserResourceUpdate category (AdminAddUserToGroup), per account, not adjustable.
COGNITO_GROUP_WRITES_PER_SECOND = 25


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


def enrol_learner(session: boto3.Session) -> None:
    """The learner in ``COURSE`` and in ``ENROLMENTS - 1`` more courses, all created as
    `bin/content course put` creates them."""
    catalog = CatalogWriter(session.client("dynamodb"), TABLE)
    courses = [COURSE, *(f"bench-{n:04d}" for n in range(ENROLMENTS - 1))]
    for course in courses[1:]:
        catalog.put_course(Course.check(course, f"Course {course}", "What it teaches."))
    store = EnrolmentStore(session.client("dynamodb"), ENROLMENT_TABLE)
    store.apply([Enrolment(LEARNER, course) for course in courses], [], catalog.course_ids())


class Replayed:
    """A DynamoDB client that answers each distinct request with what the real one answered
    to it the first time (the function asks nothing that changes)."""

    def __init__(self, dynamodb: Any) -> None:
        self._dynamodb = dynamodb
        self._answers: dict[str, Any] = {}

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        def answer(**request: Any) -> Any:
            key = operation + json.dumps(request, sort_keys=True)
            if key not in self._answers:
                self._answers[key] = getattr(self._dynamodb, operation)(**request)
            return self._answers[key]

        return answer


def api_event(resource: str, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    assert any(r.resource == resource and r.pattern.fullmatch(path) for r in ROUTES), resource
    now = int(time.time())
    claims = {
        "sub": LEARNER,
        "email": "learner@example.com",
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
    }
    parameters = {"courseId": COURSE} if "{courseId}" in resource else {}
    return api_proxy_event(
        method="GET",
        resource=resource,
        path=path,
        path_parameters=parameters,
        headers={"Host": "abc123.execute-api.us-east-1.amazonaws.com", "Origin": ORIGIN},
        claims=authorizer_claims(claims),
        query={k: [v] for k, v in (query or {}).items()},
    )


def resolve(app: Any, event: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = app.resolve(event, LocalLambdaContext(function_name="bench"))
    metrics.flush_metrics()  # what the handler's log_metrics does per request
    if answer["statusCode"] != 200:
        raise SystemExit(f"the request failed: {answer}")
    return answer


def page_times_us(app: Any, limit: int) -> tuple[dict[str, float], int]:
    """Each page of the learner's listing timed alone; the median and p99 over every page of
    ``LISTING_ROUNDS`` listings, and the pages one listing takes."""
    samples: list[float] = []
    pages = 0
    for _ in range(LISTING_ROUNDS):
        query, listed, pages = {"limit": str(limit)}, 0, 0
        while True:
            event = api_event("/courses", "/courses", query)
            start = time.perf_counter_ns()
            body = json.loads(resolve(app, event)["body"])
            samples.append((time.perf_counter_ns() - start) / 1e3)
            listed += len(body["courses"])
            pages += 1
            if "next" not in body:
                break
            query = {"limit": str(limit), "next": body["next"]}
        if listed != ENROLMENTS:
            raise SystemExit(f"the listing held {listed} courses, not {ENROLMENTS}")
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p99": samples[int(len(samples) * 0.99) - 1],
    }, pages


def measure_api() -> dict[str, dict[str, float]]:
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
        dynamodb = session.client("dynamodb")
        create_catalog_table(dynamodb, TABLE)
        create_enrolment_table(dynamodb, ENROLMENT_TABLE)
        create_content_bucket(session.client("s3"), BUCKET, app_origin=ORIGIN)
        publish_course(session, Path(scratch))
        enrol_learner(session)
        # The store the key would also be in is the edge's; nothing here reads it.
        secret_arn = session.client("secretsmanager").create_secret(
            Name=GRANT_SECRET_NAME, SecretString=secret_string(generate_key())
        )["ARN"]
        settings = Settings(
            catalog_table=TABLE,
            content_base_url="https://d111111abcdef8.cloudfront.net",
            app_origins=(ORIGIN,),
            access=AccessRule.create([GROUP]),
            enrolment_table=ENROLMENT_TABLE,
            grants=GrantSettings(secret_arn, GRANT_LIFETIME_SECONDS, STORE_ARN),
        )
        signer = grant_signer(
            settings.grants, SecretsProvider(boto3_client=session.client("secretsmanager"))
        )
        assert isinstance(signer, GrantSigner)
        replay = Replayed(dynamodb)
        # Where POST /me/revoke would write; nothing here calls it.
        grant_store = KeyValueStore(session.client("cloudfront-keyvaluestore"), STORE_ARN)
        on_moto = build_app(
            settings,
            CatalogStore(dynamodb, TABLE),
            EnrolmentStore(dynamodb, ENROLMENT_TABLE),
            signer,
            grant_store=grant_store,
        )
        replayed = build_app(
            settings,
            CatalogStore(replay, TABLE),  # type: ignore[arg-type]
            EnrolmentStore(replay, ENROLMENT_TABLE),  # type: ignore[arg-type]
            signer,
            grant_store=grant_store,
        )
        listing_event = api_event("/courses/{courseId}/content", f"/courses/{COURSE}/content")

        def listing(app: Any) -> Callable[[], None]:
            def request() -> None:
                if resolve(app, listing_event)["body"].count("/g/") != ITEMS:
                    raise SystemExit("the listing lost its grants")

            return request

        def signing() -> None:
            signer.mint(LEARNER, COURSE, time.time())

        results = {
            f"course listing of {ITEMS} items with the enrolment read, on moto": timings_us(
                listing(on_moto), MOTO_REQUESTS
            ),
            f"course listing of {ITEMS} items with the enrolment read, replayed": timings_us(
                listing(replayed), REQUESTS
            ),
            "grant signing alone (g1, HMAC-SHA256)": timings_us(signing, REQUESTS),
        }
        for limit in (50, 100):
            times, pages = page_times_us(replayed, limit)
            name = f"GET /courses, {ENROLMENTS} enrolments, limit {limit} ({pages} pages)"
            results[f"{name}, per page, replayed"] = times
        moto_times, pages = page_times_us(on_moto, 100)
        results[
            f"GET /courses, {ENROLMENTS} enrolments, limit 100 ({pages} pages), per page, on moto"
        ] = moto_times
        return results


def measure_import() -> dict[str, float]:
    """``bin/content --local import`` of ``IMPORTED`` enrolments into a fresh local stack."""
    with tempfile.TemporaryDirectory() as scratch:
        state = Path(scratch)
        stack = LocalStack(Ports(), state)
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            stack.start()
        try:
            lines = [json.dumps({"course": "bulk-101", "title": "Bulk"})]
            lines += [
                json.dumps({"enrol": {"course": "bulk-101", "learner": str(uuid.uuid4())}})
                for _ in range(IMPORTED)
            ]
            path = state / "import.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            out, err = io.StringIO(), io.StringIO()
            start = time.perf_counter()
            code = run(
                ["--local", "--local-state", str(state / "stack.json"), "import", str(path)],
                out,
                err,
            )
            seconds = time.perf_counter() - start
            if code != 0:
                raise SystemExit(f"the import failed: {err.getvalue()}")
        finally:
            stack.stop()
    return {"seconds": seconds}


def main() -> None:
    use_fake_credentials("us-east-1", "bench")  # moto's; real ones must never be used here
    # GET /courses counts no metric; Powertools warns at each flush of an empty set.
    warnings.filterwarnings("ignore", "No application metrics to publish")
    print("\n# Content Delivery API benchmark: single requests, µs")
    print(f"{'':<84} {'median':>9} {'p99':>9}")
    for name, value in measure_api().items():
        print(f"{name:<84} {value['median']:>9.0f} {value['p99']:>9.0f}")
    imported = measure_import()["seconds"]
    batches = IMPORTED // 25
    print(f"\n# bin/content --local import of {IMPORTED} enrolments (one course)")
    print(
        f"wall time against the local stack (moto server): {imported:.1f} s, "
        f"{batches} BatchWriteItem calls"
    )
    print(
        f"DynamoDB on-demand, documented: a new table sustains {NEW_TABLE_WRITES_PER_SECOND} "
        f"writes/s -> {IMPORTED / NEW_TABLE_WRITES_PER_SECOND:.1f} s of table writes; "
        f"one course's byCourse index partition takes {PARTITION_WRITES_PER_SECOND} WRU/s -> "
        f"at least {IMPORTED / PARTITION_WRITES_PER_SECOND:.0f} s for {IMPORTED} learners "
        "of one course until DynamoDB splits the partition"
    )
    print(
        f"the same through Cognito groups: {IMPORTED} AdminAddUserToGroup at "
        f"{COGNITO_GROUP_WRITES_PER_SECOND}/s = {IMPORTED / COGNITO_GROUP_WRITES_PER_SECOND:.0f} s"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
