"""Every URL the API answers carries one g1 grant per answer, for the caller (by ``sub`` only)
and the answer's course, signed with the current grant key; the edge's check accepts exactly
that (``testkit.grant_reference``, held to ``index.js`` by the shared corpus)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from content_delivery.api import build_app
from content_delivery.errors import GrantKeyError, SettingsError
from content_delivery.grants import GrantSigner, parse_grant_key
from content_delivery.settings import GrantSettings, Settings
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS, SAMPLES
from shared.catalog.model import HLS_PLAYLIST
from shared.grant_store import KeyRecord, KeyStatus, key_name, key_value
from shared.grant_token import HmacKey, generate_key, parse, verifies
from testkit.grant_reference import check
from tests.support.catalog import InMemoryCatalog
from tests.support.content_api import CDN, unread_enrolments
from tests.support.grant_keys import grant_secret
from tests.support.revocations import unreachable_grant_store
from tests.support.sample_events import LoadEvent

NOW = 1_900_000_000.0
LIFETIME = 4 * 3600
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/grants"


@pytest.fixture(scope="module")
def grant_key() -> HmacKey:
    return generate_key()


@pytest.fixture
def grant_settings(settings: Settings) -> Settings:
    grants = GrantSettings("stack-grant-key", LIFETIME, STORE_ARN)
    return Settings(**{**settings.__dict__, "grants": grants})


Secret = list[str]


@pytest.fixture
def secret(grant_key: HmacKey) -> Secret:
    """The secret's current value (a list, so a test can rotate it)."""
    return [grant_secret(grant_key)]


@pytest.fixture
def call(grant_settings: Settings, secret: Secret) -> Callable[[dict[str, Any]], Any]:
    signer = GrantSigner(LIFETIME, lambda: secret[0])

    def invoke(event: dict[str, Any]) -> Any:
        app = build_app(
            grant_settings,
            InMemoryCatalog(SAMPLE_ITEMS),
            unread_enrolments(),
            signer,
            clock=lambda: NOW,
            grant_store=unreachable_grant_store(),  # POST /me/revoke: test_revoke_me.py
        )
        answer = app.resolve(event, LocalLambdaContext())  # type: ignore[arg-type]
        return answer["statusCode"], json.loads(answer["body"])

    return invoke


def store_with(key: HmacKey) -> dict[str, str | None]:
    """A grant store holding ``key`` as the current key."""
    return {key_name(key.kid): key_value(KeyRecord(key.secret, KeyStatus.CURRENT))}


def grant_of(url: str) -> str:
    assert url.startswith(f"{CDN}/g/")
    return url[len(f"{CDN}/g/") :].split("/", 1)[0]


def test_an_item_s_url_carries_a_grant_before_its_object_key(
    call: Any, load_event: LoadEvent
) -> None:
    status, body = call(load_event("api_get_content_found"))
    assert status == 200
    grant = grant_of(body["url"])
    assert body["url"] == f"{CDN}/g/{grant}/courses/aws-101/aws-101-intro/sample.mp4"


@pytest.mark.parametrize(
    ("until", "expires"),
    [
        (None, int(NOW) + LIFETIME),
        (int(NOW) + 60, int(NOW) + 60),
        (int(NOW) + LIFETIME + 1, int(NOW) + LIFETIME),
    ],
)
def test_a_grant_ends_at_the_earlier_of_its_lifetime_and_the_enrolment_s_end(
    secret: Secret, until: int | None, expires: int
) -> None:
    signer = GrantSigner(LIFETIME, lambda: secret[0])
    grant = parse(signer.mint("learner", "aws-101", NOW, until))
    assert grant is not None
    assert grant.expires_at == expires


def test_a_listing_carries_one_grant_for_the_whole_course(call: Any, load_event: LoadEvent) -> None:
    status, body = call(load_event("api_list_course_content"))
    assert status == 200
    grants = {grant_of(item["url"]) for item in body["items"]}
    assert len(body["items"]) > 1
    assert len(grants) == 1
    grant = parse(grants.pop())
    assert grant is not None
    assert grant.course == "aws-101"


def test_a_grant_names_the_caller_by_sub_only_for_the_configured_lifetime(
    call: Any, load_event: LoadEvent, grant_key: HmacKey
) -> None:
    event = load_event("api_get_content_found")
    caller = event["requestContext"]["authorizer"]["claims"]
    grant = parse(grant_of(call(event)[1]["url"]))
    assert grant is not None
    assert (grant.kid, grant.sub, grant.course) == (grant_key.kid, caller["sub"], "aws-101")
    assert (grant.issued_at, grant.expires_at) == (int(NOW), int(NOW) + LIFETIME)
    assert verifies(grant, grant_key.secret)


def test_the_api_s_url_opens_its_object_at_the_edge_rewritten_to_the_plain_key(
    call: Any, load_event: LoadEvent, grant_key: HmacKey
) -> None:
    url = call(load_event("api_get_content_found"))[1]["url"]
    decision = check(url[len(CDN) :], int(NOW), store_with(grant_key))
    assert (decision.status, decision.uri) == (200, "/courses/aws-101/aws-101-intro/sample.mp4")


def test_the_hls_item_s_grant_opens_every_file_of_its_set_at_the_edge(
    call: Any, load_event: LoadEvent, grant_key: HmacKey
) -> None:
    """A player resolves each segment against the playlist's URL: one grant covers the set."""
    items = call(load_event("api_list_course_content"))[1]["items"]
    lecture = next(item for item in items if item["contentType"] == HLS_PLAYLIST)
    sample = next(s for s in SAMPLES if s.content_id == lecture["contentId"])
    assert sample.rendition is not None
    folder = lecture["url"].rsplit("/", 1)[0]
    for file in sample.rendition.files:
        decision = check(f"{folder}/{file.relative}"[len(CDN) :], int(NOW), store_with(grant_key))
        assert decision.uri == f"/courses/aws-101/aws-101-lecture-1/sample/{file.relative}"


def test_a_grant_opens_nothing_at_the_edge_once_its_key_is_not_in_the_store(
    call: Any, load_event: LoadEvent
) -> None:
    url = call(load_event("api_get_content_found"))[1]["url"]
    assert check(url[len(CDN) :], int(NOW), store_with(generate_key())).status == 401


def test_after_a_rotation_grants_are_signed_with_the_new_key(
    call: Any, load_event: LoadEvent, secret: Secret
) -> None:
    rotated = generate_key()
    secret[0] = grant_secret(rotated)
    grant = parse(grant_of(call(load_event("api_get_content_found"))[1]["url"]))
    assert grant is not None
    assert grant.kid == rotated.kid
    assert verifies(grant, rotated.secret)


def test_an_unusable_grant_key_answers_500_and_no_url(
    call: Any, load_event: LoadEvent, secret: Secret
) -> None:
    secret[0] = "not json"
    status, body = call(load_event("api_get_content_found"))
    assert status == 500
    assert "url" not in body


@pytest.mark.parametrize(
    "secret",
    [
        "{}",
        '{"kid": "k"}',
        '{"kid": "k", "private_key": "-----BEGIN PRIVATE KEY-----"}',
        '{"kid": 3, "secret": "x"}',
        "[]",
    ],
)
def test_a_grant_secret_that_is_no_grant_key_is_refused(secret: str) -> None:
    with pytest.raises(GrantKeyError):
        parse_grant_key(secret)


def test_a_grant_key_error_never_shows_the_secret() -> None:
    broken = json.dumps({"kid": "k1", "secret": "s" * 42 + "!"})
    with pytest.raises(GrantKeyError) as raised:
        parse_grant_key(broken)
    assert "s" * 42 not in str(raised.value)
    assert raised.value.__cause__ is None


def test_grants_on_without_a_signer_is_a_settings_error(grant_settings: Settings) -> None:
    with pytest.raises(SettingsError):
        build_app(grant_settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments())


def test_without_grant_settings_urls_carry_no_grant(
    settings: Settings, load_event: LoadEvent
) -> None:
    answer = build_app(settings, InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments()).resolve(
        copy.deepcopy(load_event("api_get_content_found")),
        LocalLambdaContext(),  # type: ignore[arg-type]
    )
    assert "/g/" not in json.loads(answer["body"])["url"]


def test_the_grant_is_one_urlsafe_path_segment(call: Any, load_event: LoadEvent) -> None:
    grant = grant_of(call(load_event("api_get_content_found"))[1]["url"])
    assert parse(grant) is not None
    assert all(c.isalnum() or c in "._-" for c in grant)
