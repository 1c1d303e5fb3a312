"""The grant key's schedule (``grant_key.schedule``) against moto's Secrets Manager and the local
KeyValueStore endpoint: the scheduled rotation, the hourly clean-up, and what they log."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from grant_key.schedule import CLEAN_UP, ROTATE, ScheduleError, ScheduleSettings, act, handler
from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from local.lambda_context import LocalLambdaContext
from shared.grant_keys import KEY_PROPAGATION_SECONDS, VERIFY_FOR_SECONDS, first_key
from shared.grant_store import KeyRecord, KeyStatus
from shared.grant_token import HmacKey
from shared.key_value_store import KeyValueStore
from tests.support.fakes import FakeClock
from tests.support.grant_key_life import current_kids, key_records, secret_key, writes_to
from tests.support.key_value_store import reach_stand_ins

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

NOW = 1_767_225_600


@pytest.fixture
def secrets(session: boto3.Session, moto_url: str) -> Any:
    return session.client("secretsmanager", endpoint_url=moto_url)


@pytest.fixture
def settings(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData, secrets: Any
) -> ScheduleSettings:
    """A deployed stack's: its secret and store, holding the first key."""
    arn: str = secrets.create_secret(
        Name=f"grant-key-{uuid.uuid4().hex[:12]}", SecretString="placeholder"
    )["ARN"]
    first_key(KeyValueStore(client, store.arn), writes_to(secrets, arn))
    return ScheduleSettings(arn, store.arn)


def test_the_scheduled_rotation_waits_for_cloudfront_then_names_the_new_key(
    settings: ScheduleSettings,
    secrets: Any,
    client: CloudFrontKeyValueStoreClient,
    store: KeyValueStoreData,
) -> None:
    old = secret_key(secrets, settings.secret_id)
    pauses: list[float] = []
    outcome = act(ROTATE, settings, secrets, client, clock=FakeClock(NOW), pause=pauses.append)
    new = secret_key(secrets, settings.secret_id)
    assert pauses == [KEY_PROPAGATION_SECONDS]
    assert current_kids(store.entries()) == {new.kid}
    assert key_records(store.entries())[old.kid] == KeyRecord(
        old.secret, KeyStatus.PREVIOUS, NOW + VERIFY_FOR_SECONDS
    )
    assert sorted(outcome["keys"]) == sorted(
        [
            f"{new.kid}: absent -> current",
            f"{old.kid}: current -> previous until 2026-01-02T00:06:00Z",
        ]
    )


def test_the_hourly_clean_up_runs_as_lambda_invokes_it_and_logs_what_it_changed(
    settings: ScheduleSettings,
    secrets: Any,
    client: CloudFrontKeyValueStoreClient,
    key_value_stores: LocalKeyValueStores,
    store: KeyValueStoreData,
    moto_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The handler itself: its settings from the environment, its own clients."""
    old = secret_key(secrets, settings.secret_id)
    act(
        ROTATE,
        settings,
        secrets,
        client,
        clock=FakeClock(NOW - VERIFY_FOR_SECONDS),
        pause=lambda _: None,
    )
    new = secret_key(secrets, settings.secret_id)
    reach_stand_ins(monkeypatch, moto_url, key_value_stores.url)
    monkeypatch.setenv("GRANT_SECRET_ID", settings.secret_id)
    monkeypatch.setenv("GRANT_STORE_ARN", settings.store_arn)

    outcome = handler({"action": CLEAN_UP}, LocalLambdaContext())

    assert outcome == {
        "action": CLEAN_UP,
        "keys": [f"{old.kid}: previous until 2026-01-01T00:00:00Z -> absent"],
        "revocations_deleted": 0,
    }
    assert set(key_records(store.entries())) == {new.kid}
    [logged] = [r.__dict__ for r in caplog.records if r.__dict__.get("action") == CLEAN_UP]
    assert logged["keys"] == outcome["keys"]
    for key in (old, new):
        assert key.secret not in str(logged)


def test_an_event_of_another_shape_fails_before_any_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRANT_SECRET_ID", raising=False)
    with pytest.raises(ScheduleError, match="the event is not"):
        handler({"action": "retire"}, LocalLambdaContext())


def test_what_the_rotation_logs_names_keys_and_never_a_secret(
    settings: ScheduleSettings, secrets: Any, client: CloudFrontKeyValueStoreClient
) -> None:
    keys: list[HmacKey] = [secret_key(secrets, settings.secret_id)]
    outcome = act(ROTATE, settings, secrets, client, clock=FakeClock(NOW), pause=lambda _: None)
    keys.append(secret_key(secrets, settings.secret_id))
    for key in keys:
        assert key.secret not in str(outcome)
