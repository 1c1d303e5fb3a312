"""The schedule handler's checks before any call: the event's action and its settings."""

from __future__ import annotations

import pytest

from grant_key.schedule import CLEAN_UP, ROTATE, ScheduleError, ScheduleSettings, action_of

STORE_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.mark.parametrize("action", [ROTATE, CLEAN_UP])
def test_the_two_scheduled_actions_are_read_from_the_event(action: str) -> None:
    assert action_of({"action": action}) == action


@pytest.mark.parametrize(
    "event",
    [None, [], {}, {"action": "retire"}, {"action": ["rotate"]}, {"detail": {"action": "rotate"}}],
)
def test_any_other_event_is_refused(event: object) -> None:
    """Retiring is a person's decision (a leaked key): no event can ask for it."""
    with pytest.raises(ScheduleError, match="the event is not"):
        action_of(event)


def test_the_settings_name_the_secret_and_the_store() -> None:
    settings = ScheduleSettings.from_env({"GRANT_SECRET_ID": "s", "GRANT_STORE_ARN": STORE_ARN})
    assert settings == ScheduleSettings("s", STORE_ARN)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GRANT_STORE_ARN": STORE_ARN}, "GRANT_SECRET_ID is not set"),
        ({"GRANT_SECRET_ID": "s"}, "GRANT_STORE_ARN is not a KeyValueStore ARN"),
        (
            {"GRANT_SECRET_ID": "s", "GRANT_STORE_ARN": "arn:aws:s3:::b"},
            "GRANT_STORE_ARN is not a KeyValueStore ARN",
        ),
    ],
)
def test_missing_or_malformed_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        ScheduleSettings.from_env(env)
