"""Content URLs that carry their own permission, over `make local` and real HTTP: the API's URL
fetched with no header and no cookie returns the exact bytes (and 206 for a range); another
course's key, a changed grant, an expired grant are refused with no bytes."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from urllib.parse import quote

import pytest

from local.cognito import sign_in
from shared.grant_secret import parse_secret
from shared.grant_token import mint, parse
from tests.support.http_client import http
from tests.support.local_stack import local_client, user

pytestmark = pytest.mark.slow

GRANTED = "/g/"


@pytest.fixture(scope="session")
def learner_token(stack: dict[str, Any], cognito: Any) -> str:
    return str(
        sign_in(cognito, stack["client_id"], user(stack, in_group=False, enrolled=True))["IdToken"]
    )


@pytest.fixture(scope="session")
def listing(stack: dict[str, Any], learner_token: str) -> list[dict[str, Any]]:
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": learner_token},
    )
    assert answer.status == 200
    items: list[dict[str, Any]] = json.loads(answer.body)["items"]
    return items


def grant_in(url: str) -> str:
    return url.split(GRANTED, 1)[1].split("/", 1)[0]


def item_for(stack: dict[str, Any], listing: list[dict[str, Any]], index: int) -> dict[str, Any]:
    published = stack["content"][index]
    return next(item for item in listing if item["contentId"] == published["contentId"])


def test_the_api_s_url_alone_returns_the_exact_bytes(
    stack: dict[str, Any], listing: list[dict[str, Any]]
) -> None:
    for index, published in enumerate(stack["content"]):
        answer = http(item_for(stack, listing, index)["url"])  # no header, no cookie
        assert answer.status == 200
        assert hashlib.sha256(answer.body).hexdigest() == published["sha256"]


def test_the_api_s_url_answers_a_range_with_206_and_those_bytes(
    stack: dict[str, Any], listing: list[dict[str, Any]]
) -> None:
    url = item_for(stack, listing, 0)["url"]
    whole = http(url).body
    answer = http(url, headers={"Range": "bytes=100-199"})
    assert answer.status == 206
    assert answer.body == whole[100:200]


def test_one_grant_serves_the_whole_listing(listing: list[dict[str, Any]]) -> None:
    assert len({grant_in(item["url"]) for item in listing}) == 1
    assert len(listing) > 1


def test_the_grant_with_another_course_s_key_is_403_and_no_bytes(
    stack: dict[str, Any], listing: list[dict[str, Any]]
) -> None:
    grant = grant_in(listing[0]["url"])
    other_key = quote(stack["other_content"][0]["key"])
    answer = http(f"{stack['cloudfront_url']}{GRANTED}{grant}/{other_key}")
    assert answer.status == 403
    assert answer.body == b""


def test_a_changed_grant_is_401_and_no_bytes(listing: list[dict[str, Any]]) -> None:
    url = listing[0]["url"]
    grant = grant_in(url)
    changed = grant[:-2] + ("AA" if not grant.endswith("AA") else "BB")
    answer = http(url.replace(grant, changed))
    assert answer.status == 401
    assert answer.body == b""


def test_an_expired_grant_is_401_and_no_bytes(
    stack: dict[str, Any], listing: list[dict[str, Any]]
) -> None:
    """Signed with this run's own grant key (from moto's Secrets Manager): only ``exp`` is
    wrong."""
    secrets = local_client(stack, "secretsmanager")
    key = parse_secret(secrets.get_secret_value(SecretId=stack["grant_secret_id"])["SecretString"])
    url = listing[0]["url"]
    grant = parse(grant_in(url))
    assert grant is not None
    expired = mint(key, grant.sub, grant.course, time.time() - 7200, 7140)
    answer = http(url.replace(grant_in(url), expired))
    assert answer.status == 401
    assert answer.body == b""


def test_a_cognito_token_in_place_of_the_grant_is_401(
    listing: list[dict[str, Any]], learner_token: str
) -> None:
    url = listing[0]["url"]
    answer = http(url.replace(grant_in(url), learner_token))
    assert answer.status == 401


def test_the_token_header_opens_the_plain_url_for_the_all_access_group_only(
    stack: dict[str, Any], learner_token: str, member_token: str
) -> None:
    """A learner reads through grants: their token alone opens nothing at the edge."""
    url = f"{stack['cloudfront_url']}/{quote(stack['content'][0]['key'])}"
    answer = http(url, headers={"Authorization": f"Bearer {member_token}"})
    assert answer.status == 200
    assert hashlib.sha256(answer.body).hexdigest() == stack["content"][0]["sha256"]
    assert http(url, headers={"Authorization": f"Bearer {learner_token}"}).status == 403


@pytest.mark.parametrize(
    "escape",
    [
        "/../{other}",  # sent as written: urllib does not normalize the path
        "/%2e%2e/{other}",
        "/..%2f{other}",
        "%2f..%2f{other}",
        "/./{other}",
        "//{other}",
        "\\..\\{other}",
    ],
)
def test_a_path_escaping_the_grant_s_course_gets_no_bytes(
    stack: dict[str, Any], listing: list[dict[str, Any]], escape: str
) -> None:
    """From the grant's course folder towards the other course's object: 401 or 403, never
    its bytes, however the climb is spelled."""
    url = listing[0]["url"]
    course_root = url.split(f"/courses/{stack['course_id']}/", 1)[0]
    other = stack["other_content"][0]["key"].removeprefix("courses/")
    escaping = f"{course_root}/courses/{stack['course_id']}" + escape.format(other=other)
    answer = http(escaping)
    assert answer.status in (401, 403)
    assert answer.body == b""
