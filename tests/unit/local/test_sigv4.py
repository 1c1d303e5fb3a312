"""The local API's stand-in for API Gateway's IAM authorization, checked with requests that
botocore's own SigV4 signer signed (the signer AWS's SDK for Python uses)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from local.sigv4 import (
    INVALID_TOKEN,
    MISMATCH,
    MISSING,
    Principal,
    SignatureRefused,
    SignedRequest,
    SigV4Verifier,
)

ADMIN = Principal(
    "AKIALOCALADMIN000001",
    "local-secret-0123456789abcdefghijklmnopqrstuv",
    "arn:aws:iam::123456789012:user/local-admin",
)
URL = "http://127.0.0.1:8443/enrolments/aws-101/3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21"


def verifier(clock: float | None = None) -> SigV4Verifier:
    return SigV4Verifier(
        "us-east-1", {ADMIN.access_key_id: ADMIN}, clock=lambda: clock or time.time()
    )


def signed(
    method: str = "PUT",
    url: str = URL,
    body: bytes = b'{"reference":"order-42"}',
    *,
    secret: str = ADMIN.secret_access_key,
    key_id: str = ADMIN.access_key_id,
    region: str = "us-east-1",
    service: str = "execute-api",
    token: str | None = None,
) -> SignedRequest:
    """``url`` signed by botocore, as the local API would receive it."""
    request = AWSRequest(
        method=method, url=url, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials(key_id, secret, token), service, region).add_auth(request)
    parts = urlsplit(url)
    headers = [("Host", parts.netloc), *request.headers.items()]
    return SignedRequest(method, parts.path, parts.query, headers, body)


def refusal(request: SignedRequest, clock: float | None = None) -> str:
    with pytest.raises(SignatureRefused) as refused:
        verifier(clock).verify(request)
    return str(refused.value)


def test_a_request_botocore_signed_with_the_admin_credentials_passes() -> None:
    assert verifier().verify(signed()) == ADMIN


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "GET",
            "http://127.0.0.1:8443/enrolments?learner=3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21&limit=10",
            b"",
        ),
        ("GET", "http://127.0.0.1:8443/enrolments?next=eyJhZnRlciI6ImEifQ&courseId=aws-101", b""),
        ("DELETE", URL, b""),
        ("POST", "http://127.0.0.1:8443/enrolments", b'{"put": [], "delete": []}'),
        ("GET", "http://127.0.0.1:8443/a%20b/./c/../enrolments/", b""),
    ],
)
def test_every_method_path_and_query_shape_verifies(method: str, url: str, body: bytes) -> None:
    assert verifier().verify(signed(method, url, body)) == ADMIN


def test_a_request_signed_with_another_secret_is_refused() -> None:
    assert refusal(signed(secret="not-the-secret")) == MISMATCH


def test_a_request_signed_with_an_unknown_key_is_refused() -> None:
    assert refusal(signed(key_id="AKIAOTHER00000000001")) == INVALID_TOKEN


def test_temporary_credentials_the_stack_never_issued_are_refused() -> None:
    assert refusal(signed(token="session-token")) == INVALID_TOKEN


def test_a_request_without_a_signature_is_refused() -> None:
    unsigned = SignedRequest("GET", "/enrolments", "", [("Host", "127.0.0.1:8443")], b"")
    assert refusal(unsigned) == MISSING


def test_a_learner_s_token_is_no_signature() -> None:
    request = SignedRequest(
        "GET", "/enrolments", "", [("Host", "h"), ("Authorization", "Bearer eyJraWQiOi.x.y")], b""
    )
    assert "Credential" in refusal(request)


@pytest.mark.parametrize(("region", "service"), [("eu-west-1", "execute-api"), ("us-east-1", "s3")])
def test_a_signature_for_another_region_or_service_is_refused(region: str, service: str) -> None:
    assert "scoped" in refusal(signed(region=region, service=service))


@pytest.mark.parametrize("skew", [-301, 301, 3600])
def test_a_signature_more_than_five_minutes_off_the_clock_is_refused(skew: int) -> None:
    assert "expired" in refusal(signed(), clock=time.time() + skew)


def test_a_signature_within_five_minutes_passes() -> None:
    assert verifier(time.time() + 240).verify(signed()) == ADMIN


def test_a_changed_body_breaks_the_signature() -> None:
    request = signed()
    tampered = SignedRequest(
        request.method, request.path, request.query, request.headers, b'{"reference":"order-43"}'
    )
    assert refusal(tampered) == MISMATCH


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/enrolments/aws-201/3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21", ""),
        ("/enrolments/aws-101/3f2a8c1e-0b1d-4c2e-9f3a-7d6e5c4b3a21", "limit=1"),
    ],
)
def test_a_changed_path_or_query_breaks_the_signature(path: str, query: str) -> None:
    request = signed()
    moved = SignedRequest(request.method, path, query, request.headers, request.body)
    assert refusal(moved) == MISMATCH


def test_a_changed_signed_header_breaks_the_signature() -> None:
    request = signed()
    headers = [(k, "other.example" if k == "Host" else v) for k, v in request.headers]
    assert refusal(SignedRequest("PUT", request.path, "", headers, request.body)) == MISMATCH


def test_a_signature_that_leaves_host_unsigned_is_refused() -> None:
    request = signed()
    headers = [
        (
            k,
            v.replace(
                "SignedHeaders=content-type;host;x-amz-date",
                "SignedHeaders=content-type;x-amz-date",
            ),
        )
        for k, v in request.headers
    ]
    assert "must be signed" in refusal(
        SignedRequest("PUT", request.path, "", headers, request.body)
    )
