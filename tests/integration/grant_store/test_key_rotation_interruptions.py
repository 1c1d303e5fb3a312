"""A rotation stopped at any write (before it reached the store or the secret, or after it took
effect with the answer lost; by an AWS error or a dying process) and run again converges: the
secret's key is the only current key, and no grant the API signed before, during or within its
key cache after the rotation is refused before it expires, at the stop or after the re-run."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from shared.grant_keys import GrantKeyError, first_key, rotate_key
from shared.grant_secret import MAX_KEY_CACHE_SECONDS
from shared.grant_store import KeyStatus
from shared.key_value_store import KeyValueStore, KeyValueStoreError
from tests.support.fakes import FakeClock
from tests.support.grant_key_life import (
    SecretHistory,
    current_kids,
    grants_the_api_may_sign,
    key_records,
    refused_before_expiry,
    secret_key,
    writes_to,
)
from tests.support.publishing import Fault, Faulty, ProcessDied, throttled

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

NOW = 1_767_225_600
DEPLOYED = NOW - 3600
#: The re-run's time: a retry a few seconds later, or the next scheduled run the next day.
RERUNS = {"retry": NOW + 5, "next day": NOW + 86400}
#: A rotation's writes, in order: the new key into the store, into the secret, the demotion.
WRITES = ("update_keys", "put_secret_value", "update_keys")
CALLS = frozenset(WRITES)
STOPS: dict[str, Callable[[], tuple[BaseException, bool]]] = {
    "aws error": lambda: (throttled(), False),
    "process dies": lambda: (ProcessDied("killed"), True),
}


class Rotating:
    """One stack's grant store and secret, a clock, and the rotation over them."""

    def __init__(self, client: Any, store: KeyValueStoreData, secrets: SecretHistory) -> None:
        self.client = client
        self.store = store
        self.secrets = secrets
        self.secret_id: str = secrets._client.create_secret(
            Name=f"grant-key-{uuid.uuid4().hex[:12]}", SecretString="placeholder"
        )["ARN"]
        first_key(KeyValueStore(client, store.arn), writes_to(secrets, self.secret_id))

    def rotate(self, fault: Fault | None = None) -> None:
        client: Any = self.client
        secrets: Any = self.secrets
        if fault is not None:
            client, secrets = Faulty(client, fault), Faulty(secrets, fault)
        rotate_key(
            KeyValueStore(client, self.store.arn),
            writes_to(secrets, self.secret_id),
            clock=self.secrets.clock,
            pause=lambda _: None,
        )

    def assert_no_grant_is_refused(self) -> None:
        now = self.secrets.clock()
        grants = grants_the_api_may_sign(self.secrets.written, now)
        assert refused_before_expiry(grants, self.store.entries()) == []

    def assert_converged(self) -> None:
        """The secret's key alone is current; every other key the store accepts is previous
        (for as long as its grants need: ``assert_no_grant_is_refused``)."""
        entries = self.store.entries()
        assert current_kids(entries) == {secret_key(self.secrets, self.secret_id).kid}
        for kid, record in key_records(entries).items():
            assert record is not None
            if kid not in current_kids(entries):
                assert record.status in (KeyStatus.PREVIOUS, KeyStatus.RETIRED)
        self.assert_no_grant_is_refused()


@pytest.fixture
def rotating(
    client: CloudFrontKeyValueStoreClient,
    key_value_stores: LocalKeyValueStores,
    session: boto3.Session,
    moto_url: str,
) -> Rotating:
    secrets = SecretHistory(
        session.client("secretsmanager", endpoint_url=moto_url), FakeClock(DEPLOYED)
    )
    return Rotating(client, key_value_stores.create(f"grants-{uuid.uuid4().hex[:12]}"), secrets)


def test_the_matrix_covers_every_write_of_a_rotation(rotating: Rotating) -> None:
    fault = Fault(calls=CALLS)
    rotating.secrets.clock = FakeClock(NOW)
    rotating.rotate(fault)
    assert tuple(fault.writes) == WRITES


def stopped_cases() -> list[Any]:
    return [
        pytest.param(
            at,
            after,
            stop,
            rerun,
            id=f"{'after' if after else 'before'} {at}:{write}|{stop}|{rerun}",
        )
        for at, write in enumerate(WRITES, start=1)
        for after in (False, True)
        for stop in STOPS
        for rerun in RERUNS
    ]


@pytest.mark.parametrize(("at", "after", "stop", "rerun"), stopped_cases())
def test_a_rotation_stopped_at_any_write_converges_when_it_runs_again(
    rotating: Rotating, at: int, after: bool, stop: str, rerun: str
) -> None:
    error, fatal = STOPS[stop]()
    fault = Fault(at=at, after=after, error=error, fatal=fatal, calls=CALLS)
    rotating.secrets.clock = FakeClock(NOW)

    with pytest.raises((KeyValueStoreError, GrantKeyError, ProcessDied)):
        rotating.rotate(fault)
    # Stopped: the API signs with whatever the secret names, and the edge still accepts it.
    rotating.assert_no_grant_is_refused()

    rotating.secrets.clock = FakeClock(RERUNS[rerun])
    rotating.rotate()
    rotating.assert_converged()


def test_a_rotation_run_twice_in_a_row_keeps_every_grant_of_both_old_keys(
    rotating: Rotating,
) -> None:
    """The second run demotes a key the API signed with for seconds at most: kept as long."""
    rotating.secrets.clock = FakeClock(NOW)
    rotating.rotate()
    rotating.secrets.clock = FakeClock(NOW + MAX_KEY_CACHE_SECONDS // 2)
    rotating.rotate()
    rotating.assert_converged()
