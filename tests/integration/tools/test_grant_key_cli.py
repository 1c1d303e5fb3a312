"""`bin/content [--local] grant-key rotate | retire` against moto's Secrets Manager and the local
KeyValueStore endpoint: what each changes, what it prints (kids, statuses, notAfter; never a
secret), and its exit status."""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from shared.grant_keys import first_key, rotate_key
from shared.grant_store import KeyStatus
from shared.key_value_store import KeyValueStore
from testkit.grant_reference import check
from tests.support.grant_key_life import (
    current_kids,
    grant_of,
    key_records,
    secret_key,
    writes_to,
)
from tests.support.key_value_store import reach_stand_ins
from tests.support.moto_stack import deploy_content_stack
from tools.content import run
from tools.grant_key_commands import LOCAL_PROPAGATION_SECONDS


@pytest.fixture
def secrets(session: boto3.Session, moto_url: str) -> Any:
    return session.client("secretsmanager", endpoint_url=moto_url)


@pytest.fixture
def secret_id(
    key_value_stores: LocalKeyValueStores,
    store: KeyValueStoreData,
    secrets: Any,
    session: boto3.Session,
) -> str:
    """The stack's grant key secret, its first key made as a deploy or `make local` makes it."""
    arn: str = secrets.create_secret(
        Name=f"grant-key-{uuid.uuid4().hex[:12]}", SecretString="placeholder"
    )["ARN"]
    first_key(KeyValueStore(key_value_stores.client(session), store.arn), writes_to(secrets, arn))
    return arn


def local_state(tmp_path: Path, moto_url: str, **grant_store: str) -> Path:
    """A running `make local`'s stack.json (moto answers), with the grant store's fields."""
    state = tmp_path / "stack.json"
    stack = {
        "bucket": "b",
        "table": "t",
        "cloudfront_url": "http://127.0.0.1:1",
        "aws_endpoint_url": moto_url,
        "region": "us-east-1",
        **grant_store,
    }
    state.write_text(json.dumps(stack))
    return state


@pytest.fixture
def state(
    tmp_path: Path,
    moto_url: str,
    key_value_stores: LocalKeyValueStores,
    store: KeyValueStoreData,
    secret_id: str,
) -> Path:
    return local_state(
        tmp_path,
        moto_url,
        grant_store_arn=store.arn,
        grant_secret_id=secret_id,
        keyvaluestore_url=key_value_stores.url,
    )


def utc(seconds: int | None) -> str:
    assert seconds is not None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def local(state: Path, *args: str) -> tuple[int, str, str]:
    return cli("--local", "--local-state", str(state), "grant-key", *args)


def test_rotate_makes_a_new_current_key_and_says_what_changed(
    state: Path, store: KeyValueStoreData, secrets: Any, secret_id: str
) -> None:
    old = secret_key(secrets, secret_id)
    code, out, err = local(state, "rotate")
    new = secret_key(secrets, secret_id)
    assert code == 0, err
    assert current_kids(store.entries()) == {new.kid}
    record = key_records(store.entries())[old.kid]
    assert record is not None
    assert record.status is KeyStatus.PREVIOUS
    assert record.not_after is not None
    lines = out.splitlines()
    assert lines[0] == f"rotated: {new.kid} is the current key; the API signs with it within 60 s"
    assert sorted(lines[1:]) == sorted(
        [
            f"  {new.kid}: absent -> current",
            f"  {old.kid}: current -> previous until {utc(record.not_after)}",
        ]
    )
    assert err == (
        f"note: the new key goes into the grant store, then {LOCAL_PROPAGATION_SECONDS:g} s "
        "for CloudFront to bring it to every edge location, then into the secret\n"
    )
    for key in (old, new):
        assert key.secret not in out + err


def test_retire_cuts_the_previous_key_s_grants_and_keeps_the_current_key_s(
    state: Path, store: KeyValueStoreData, secrets: Any, secret_id: str
) -> None:
    old = secret_key(secrets, secret_id)
    assert local(state, "rotate")[0] == 0
    new = secret_key(secrets, secret_id)
    demoted = key_records(store.entries())[old.kid]
    assert demoted is not None
    assert demoted.not_after is not None
    now = time.time()
    leaked, fresh = grant_of(old, now), grant_of(new, now)

    code, out, err = local(state, "retire")

    assert (code, err) == (0, "")
    assert out == (
        "retired 1 key(s): every grant signed with them is refused now\n"
        f"  {old.kid}: previous until {utc(demoted.not_after)} -> retired\n"
    )
    assert check(leaked.uri, int(now), store.entries()).reason == "retired_key"
    assert check(fresh.uri, int(now), store.entries()).status == 200


def test_retire_with_no_previous_key_says_so_and_changes_nothing(
    state: Path, store: KeyValueStoreData
) -> None:
    before = store.entries()
    assert local(state, "retire") == (
        0,
        "no previous key to retire (if the current key leaked: rotate, then retire)\n",
        "",
    )
    assert store.entries() == before


def test_a_local_stack_without_a_grant_store_is_one_line_and_exit_1(
    tmp_path: Path, moto_url: str, store: KeyValueStoreData
) -> None:
    state = local_state(tmp_path, moto_url, grant_store_arn=store.arn, grant_secret_id="s")
    code, out, err = local(state, "rotate")
    assert (code, out) == (1, "")
    assert err == (
        "error: the stack has no grant store (outputs GrantStoreArn and GrantSecretArn); "
        "deploy this version, or restart `make local`\n"
    )


def test_a_store_that_cannot_be_written_is_one_line_and_exit_1(
    tmp_path: Path,
    moto_url: str,
    key_value_stores: LocalKeyValueStores,
    secret_id: str,
    secrets: Any,
) -> None:
    gone = "arn:aws:cloudfront::123456789012:key-value-store/no-such-store"
    state = local_state(
        tmp_path,
        moto_url,
        grant_store_arn=gone,
        grant_secret_id=secret_id,
        keyvaluestore_url=key_value_stores.url,
    )
    before = secret_key(secrets, secret_id)
    code, out, err = local(state, "rotate")
    assert (code, out) == (1, "")
    assert err.startswith("note: ")
    [line] = err.splitlines()[1:]
    assert line.startswith("error: CloudFront KeyValueStore said ResourceNotFoundException")
    assert line.endswith("; run the same command again to finish")
    assert secret_key(secrets, secret_id) == before


def test_a_deployed_stack_s_store_and_secret_come_from_its_outputs(
    aws: dict[str, Any],
    key_value_stores: LocalKeyValueStores,
    store: KeyValueStoreData,
    secrets: Any,
    secret_id: str,
    moto_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the clients boto3 makes with no endpoint given, as against a real stack (the
    environment brings them to moto and the store stand-in). A rotation first, made here:
    the CLI's would wait a minute for CloudFront."""
    old = secret_key(secrets, secret_id)
    kvs = KeyValueStore(key_value_stores.client(), store.arn)
    rotate_key(kvs, writes_to(secrets, secret_id), pause=lambda _: None)
    stack = deploy_content_stack(aws, {"GrantStoreArn": store.arn, "GrantSecretArn": secret_id})
    reach_stand_ins(monkeypatch, moto_url, key_value_stores.url)

    code, out, err = cli("--stack", stack.name, "--region", "us-east-1", "grant-key", "retire")

    assert (code, err) == (0, "")
    assert out.startswith("retired 1 key(s)")
    record = key_records(store.entries())[old.kid]
    assert record is not None
    assert record.status is KeyStatus.RETIRED


def test_a_deployed_stack_of_an_earlier_version_is_one_line_and_exit_1(
    aws: dict[str, Any],
) -> None:
    stack = deploy_content_stack(aws)
    code, out, err = cli("--stack", stack.name, "--region", "us-east-1", "grant-key", "retire")
    assert (code, out) == (1, "")
    assert err.startswith("error: the stack has no grant store")
