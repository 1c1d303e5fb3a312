"""``POST /me/revoke``: a signed-in learner (the Cognito authorizer's claims) refuses every grant
they were issued up to now, for every course, in a grant store in the local KeyValueStore; no
one else's; with CORS for the app (a sign-out on the page calls it with fetch). A store that
cannot be written is a 503 with CORS, a request without claims a 401 that writes nothing."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
from typing import Any

import pytest

from content_delivery.api import build_app
from content_delivery.errors import SettingsError
from content_delivery.grants import GrantSigner
from content_delivery.settings import GrantSettings, Settings
from local.keyvaluestore import LocalKeyValueStores
from local.lambda_context import LocalLambdaContext
from local.samples import SAMPLE_ITEMS
from shared.access import AccessRule
from shared.grant_secret import secret_string
from shared.grant_token import generate_key
from shared.key_value_store import KeyValueStore
from testkit.events import APP_ORIGIN
from tests.support.catalog import InMemoryCatalog
from tests.support.content_api import CDN, unread_enrolments
from tests.support.enrolments import new_learner
from tests.support.key_value_store import reach_stand_ins
from tests.support.revocations import GrantStore, unreachable_grant_store
from tests.support.sample_events import LoadEvent

NOW = 1_900_000_000
LIFETIME = 4 * 3600
#: What GRANT_STORE_ARN names; the app writes to the store it is given.
STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/grants"


def settings(store_arn: str = STORE_ARN) -> Settings:
    return Settings(
        catalog_table="catalog",
        content_base_url=CDN,
        app_origins=(APP_ORIGIN,),
        access=AccessRule.create({"students"}),
        enrolment_table="enrolments",
        grants=GrantSettings("grant-key", LIFETIME, store_arn),
    )


def signer() -> GrantSigner:
    key = secret_string(generate_key())
    return GrantSigner(LIFETIME, lambda: key)


def revoke_event(load_event: LoadEvent, sub: str | None, method: str = "POST") -> dict[str, Any]:
    """``POST /me/revoke`` from the app, as API Gateway passes it after the authorizer (no
    claims when ``sub`` is None)."""
    event = copy.deepcopy(load_event("api_me_revoke"))  # events/, as `sam local invoke` takes
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["claims"]["sub"] = sub
    return event


def resolve(grants: KeyValueStore, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    app = build_app(
        settings(),
        InMemoryCatalog(SAMPLE_ITEMS),
        unread_enrolments(),
        signer(),
        clock=lambda: NOW,
        grant_store=grants,
    )
    answer = app.resolve(event, LocalLambdaContext())  # type: ignore[arg-type]
    headers = {k: v[0] for k, v in answer.get("multiValueHeaders", {}).items()}
    headers |= answer.get("headers") or {}
    return answer["statusCode"], headers, json.loads(answer["body"]) if answer["body"] else None


def test_a_learner_revokes_every_grant_they_were_issued_up_to_now(
    load_event: LoadEvent, grant_store: GrantStore
) -> None:
    learner, other = new_learner(), new_learner()

    status, headers, body = resolve(grant_store.kvs, revoke_event(load_event, learner))

    assert (status, body) == (200, {"courses": "all", "grantsIssuedUpTo": "2030-03-17T17:46:40Z"})
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert headers["Vary"] == "Origin"
    for course in ("aws-101", "aws-201"):
        assert grant_store.decision(learner, course, NOW) == "revoked"
        assert grant_store.decision(learner, course, NOW + 1) == "allowed"
        assert grant_store.decision(other, course, NOW) == "allowed"


def test_a_revocation_without_claims_is_a_401_and_writes_nothing(
    load_event: LoadEvent, grant_store: GrantStore
) -> None:
    status, headers, body = resolve(grant_store.kvs, revoke_event(load_event, None))
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert grant_store.revocations() == {}


def test_a_revocation_the_store_cannot_take_is_a_503_with_cors(load_event: LoadEvent) -> None:
    status, headers, body = resolve(
        unreachable_grant_store(), revoke_event(load_event, new_learner())
    )
    assert (status, body) == (503, {"message": "your grants could not be revoked now: try again"})
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_a_preflight_of_the_revocation_is_answered_for_the_app_and_writes_nothing(
    load_event: LoadEvent, grant_store: GrantStore
) -> None:
    event = revoke_event(load_event, None, method="OPTIONS")
    event["headers"]["Access-Control-Request-Method"] = "POST"
    event["headers"]["Access-Control-Request-Headers"] = "authorization"

    status, headers, _ = resolve(grant_store.kvs, event)

    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert grant_store.revocations() == {}


def test_grants_need_a_grant_store_as_they_need_a_signer(grant_store: GrantStore) -> None:
    with pytest.raises(SettingsError, match="signer and store"):
        build_app(settings(), InMemoryCatalog(SAMPLE_ITEMS), unread_enrolments(), signer())
    without = dataclasses.replace(settings(), grants=None)
    with pytest.raises(SettingsError, match="signer and store"):
        build_app(
            without,
            InMemoryCatalog(SAMPLE_ITEMS),
            unread_enrolments(),
            grant_store=grant_store.kvs,
        )


def test_without_grants_there_is_nothing_to_revoke(load_event: LoadEvent) -> None:
    app = build_app(
        dataclasses.replace(settings(), grants=None),
        InMemoryCatalog(SAMPLE_ITEMS),
        unread_enrolments(),
    )
    answer = app.resolve(revoke_event(load_event, new_learner()), LocalLambdaContext())  # type: ignore[arg-type]
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"courses": "none"})


def test_the_deployed_handler_revokes_through_boto3_s_own_client(
    monkeypatch: pytest.MonkeyPatch,
    moto_url: str,
    key_value_stores: LocalKeyValueStores,
    grant_store: GrantStore,
    load_event: LoadEvent,
) -> None:
    """content_delivery.app imported fresh with the environment template.yaml gives it."""
    reach_stand_ins(monkeypatch, moto_url, key_value_stores.url)
    environment = {
        "CATALOG_TABLE": "catalog",
        "ENROLMENT_TABLE": "enrolments",
        "CONTENT_BASE_URL": CDN,
        "APP_ORIGINS": APP_ORIGIN,
        "ALL_ACCESS_GROUPS": "students",
        "GRANT_SECRET_ID": "grant-key",
        "GRANT_LIFETIME_SECONDS": str(LIFETIME),
        "GRANT_STORE_ARN": grant_store.arn,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    import content_delivery.app as module

    module = importlib.reload(module)
    learner = new_learner()

    answer = module.handler(revoke_event(load_event, learner), LocalLambdaContext())

    assert answer["statusCode"] == 200
    assert grant_store.revoked_at(learner) is not None
