"""The product end to end on one machine, over real HTTP: only members of the content group
get the bytes; everyone else gets 401/403 and never a byte of the object."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from local.cognito import create_cognito_pool, sign_in
from local.samples import SAMPLES
from tests.support.http_client import HttpAnswer, http
from tests.support.local_stack import content_url
from tools.demo_site import VENDOR
from tools.stack import LOCAL_CREDENTIALS

pytestmark = pytest.mark.slow

STACK_KEYS = {
    "cloudfront_url",
    "api_url",
    "aws_endpoint_url",
    "region",
    "user_pool_id",
    "client_id",
    "cookie_name",
    "users",
    "content",
}


def test_stack_json_describes_everything_scripts_need(stack: dict[str, Any]) -> None:
    assert set(stack) >= STACK_KEYS
    assert {u["in_group"] for u in stack["users"]} == {True, False}
    assert all({"username", "password", "in_group"} <= set(u) for u in stack["users"])
    assert all({"contentId", "key", "sha256"} <= set(c) for c in stack["content"])


@pytest.mark.parametrize("index", [0, 1, 2], ids=["video", "quiz", "assignment"])
def test_a_group_member_gets_the_exact_bytes(
    stack: dict[str, Any], member_token: str, index: int
) -> None:
    answer = http(content_url(stack, index), headers={"Authorization": f"Bearer {member_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["content"][index]["sha256"]


def test_a_range_request_gets_206_and_just_those_bytes(
    stack: dict[str, Any], member_token: str
) -> None:
    whole = http(content_url(stack), headers={"Authorization": f"Bearer {member_token}"}).body
    answer = http(
        content_url(stack),
        headers={"Authorization": f"Bearer {member_token}", "Range": "bytes=100-1099"},
    )
    assert answer.status == 206
    assert answer.header("Content-Range") == f"bytes 100-1099/{len(whole)}"
    assert answer.body == whole[100:1100]


def test_the_token_cookie_works_for_elements_that_cannot_send_headers(
    stack: dict[str, Any], member_token: str
) -> None:
    answer = http(content_url(stack), headers={"Cookie": f"{stack['cookie_name']}={member_token}"})
    assert answer.status == 200


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


@pytest.fixture(scope="module")
def other_pool_token(stack: dict[str, Any], cognito: Any) -> str:
    other = create_cognito_pool(cognito, stack["aws_endpoint_url"], name="another-app")
    return str(sign_in(cognito, other.client_id, other.member())["IdToken"])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no token", 401),
        ("expired", 401),
        ("tampered", 401),
        ("outside the group", 403),
        ("another pool", 401),
    ],
)
def test_everyone_else_is_refused_and_never_gets_the_object(
    stack: dict[str, Any],
    member_token: str,
    outsider_token: str,
    expired_token: str,
    other_pool_token: str,
    case: str,
    expected: int,
) -> None:
    tokens = {
        "no token": None,
        "expired": expired_token,
        "tampered": tampered(member_token),
        "outside the group": outsider_token,
        "another pool": other_pool_token,
    }
    token = tokens[case]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = http(content_url(stack), headers=headers)
    assert answer.status == expected
    assert answer.header("Cache-Control") == "no-store"
    assert len(answer.body) < 64
    assert hashlib.sha256(answer.body).hexdigest() != stack["content"][0]["sha256"]


def test_the_bucket_itself_refuses_anonymous_reads(stack: dict[str, Any]) -> None:
    """The article's last step: the objects are not reachable without CloudFront.

    moto enforces object ACLs but not the public access block, so the block is read back too:
    the bucket is configured as template.yaml configures it (whose block the template tests
    check), and the objects themselves are private.
    """
    s3 = boto3.client(
        "s3",
        endpoint_url=stack["aws_endpoint_url"],
        region_name=stack["region"],
        **LOCAL_CREDENTIALS,
    )
    block = s3.get_public_access_block(Bucket=stack["bucket"])["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert len(block) == 4
    for item in stack["content"]:
        answer = http(f"{stack['aws_endpoint_url']}/{stack['bucket']}/{quote(item['key'])}")
        assert answer.status == 403


@pytest.mark.parametrize("form", ["{}", "Bearer {}", "bearer {}"])
def test_the_api_takes_the_id_token_raw_or_as_a_bearer_token(
    stack: dict[str, Any], member_token: str, form: str
) -> None:
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": form.format(member_token)},
    )
    assert answer.status == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic {}", "Bearer x{}"])
def test_the_api_refuses_an_authorization_header_without_the_token(
    stack: dict[str, Any], member_token: str, header: str
) -> None:
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": header.format(member_token)},
    )
    assert answer.status == 401


def test_the_api_hands_out_cloudfront_urls_only(stack: dict[str, Any], member_token: str) -> None:
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": member_token},
    )
    assert answer.status == 200
    urls = [item["url"] for item in json.loads(answer.body)["items"]]
    assert len(urls) == len(stack["content"])
    assert all(url.startswith(stack["cloudfront_url"] + "/") for url in urls)
    assert not any(stack["aws_endpoint_url"] in url or stack["bucket"] in url for url in urls)


def test_the_api_refuses_a_request_without_a_token(stack: dict[str, Any]) -> None:
    answer = http(
        f"{stack['api_url']}/content/{stack['content'][0]['contentId']}",
        headers={"Origin": stack["demo_url"]},
    )
    assert answer.status == 401
    # API Gateway's own answer: readable by the app (and by anyone: it holds no user data).
    assert answer.header("Access-Control-Allow-Origin") == "*"
    assert answer.header("Access-Control-Allow-Credentials") is None


def preflight(url: str, origin: str) -> HttpAnswer:
    """What a browser sends before a cross-origin GET with an Authorization header."""
    return http(
        url,
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )


def test_the_api_answers_a_preflight_without_a_token(stack: dict[str, Any]) -> None:
    answer = preflight(
        f"{stack['api_url']}/courses/{stack['course_id']}/content", stack["demo_url"]
    )
    assert answer.status == 204  # answered by the function, as deployed (no mock integration)
    assert answer.header("Access-Control-Allow-Origin") == stack["demo_url"]
    assert "Authorization" in (answer.header("Access-Control-Allow-Headers") or "")


def test_an_api_preflight_from_another_origin_gets_no_cors_grant(stack: dict[str, Any]) -> None:
    answer = preflight(f"{stack['api_url']}/courses", "https://evil.example")
    assert answer.header("Access-Control-Allow-Origin") is None


def test_a_preflight_from_the_app_origin_gets_cors_headers_not_401(stack: dict[str, Any]) -> None:
    answer = preflight(content_url(stack, 1), stack["demo_url"])
    assert answer.status == 200
    assert answer.header("Access-Control-Allow-Origin") == stack["demo_url"]
    assert "authorization" in (answer.header("Access-Control-Allow-Headers") or "").lower()


def test_a_preflight_from_another_origin_gets_no_cors_grant(stack: dict[str, Any]) -> None:
    answer = preflight(content_url(stack, 1), "https://evil.example")
    assert answer.header("Access-Control-Allow-Origin") is None


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=[s.content_id for s in SAMPLES])
def test_content_responses_carry_the_security_headers(
    stack: dict[str, Any], member_token: str, index: int
) -> None:
    """Every sample (video, quiz, PDF, HLS playlist) is served inline, never sniffed, and a
    document opened from it is sandboxed and may send no form."""
    answer = http(
        content_url(stack, index),
        headers={"Authorization": f"Bearer {member_token}", "Origin": stack["demo_url"]},
    )
    assert answer.status == 200
    assert answer.header("Content-Disposition") is None
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Content-Security-Policy") == (
        f"default-src 'none'; frame-ancestors {stack['demo_url']}; form-action 'none'; sandbox"
    )
    assert answer.header("Cache-Control") == "private, no-cache"
    assert answer.header("Strict-Transport-Security")
    assert answer.header("Access-Control-Allow-Origin") == stack["demo_url"]


def test_the_demo_site_serves_the_npm_player_at_its_fixed_path(stack: dict[str, Any]) -> None:
    answer = http(f"{stack['demo_url']}/vendor/hls.min.js")
    assert answer.status == 200
    assert answer.header("Content-Type") == "text/javascript"
    assert answer.body == VENDOR["vendor/hls.min.js"].read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/node_modules/hls.js/package.json",
        "/vendor/hls.js",
        "/vendor/../package.json",
        "/vendor/%2e%2e/package-lock.json",
        "/../Makefile",
    ],
)
def test_the_demo_site_serves_nothing_else_from_the_repository(
    stack: dict[str, Any], path: str
) -> None:
    assert http(stack["demo_url"] + path).status == 404
