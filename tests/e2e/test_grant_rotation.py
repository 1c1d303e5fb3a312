"""A key rotation while a grant is in use, over `make local` and real HTTP: the grant URLs the
API answered (the MP4 and a segment of the HLS lecture) keep playing through the rotation, their
key kept for longer than they live; once the previous key is retired they answer 401 with no
bytes. `bin/content --local grant-key` is run as an operator runs it. On a stack of this
module's own: its keys change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.cognito import sign_in
from shared.grant_keys import key_states
from shared.grant_store import KeyStatus
from shared.key_value_store import KeyValueStore
from tests.support.grant_keys import grant_of_url
from tests.support.http_client import http
from tests.support.local_stack import local_client, started_local_stack, user
from tools.content import run
from tools.stack import LOCAL_CREDENTIALS, keyvaluestore_client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with started_local_stack(tmp_path_factory.mktemp("rotation-stack")) as info:
        yield info


@pytest.fixture(scope="module")
def grant_urls(stack: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A learner's URL of the MP4 and of the HLS lecture's media playlist, each with the
    sha256 its bytes must have: signed before any rotation."""
    cognito = local_client(stack, "cognito-idp")
    token = sign_in(cognito, stack["client_id"], user(stack, in_group=False, enrolled=True))
    answer = http(
        f"{stack['api_url']}/courses/{stack['course_id']}/content",
        headers={"Authorization": str(token["IdToken"])},
    )
    assert answer.status == 200
    items = {item["contentId"]: item["url"] for item in json.loads(answer.body)["items"]}
    urls = {}
    for published in stack["content"]:
        url = items[published["contentId"]]
        if "files" in published:  # the HLS set: one of its files, by its place in the set
            relative, digest = sorted(published["files"].items())[0]
            urls["hls"] = (f"{url.rsplit('/', 1)[0]}/{relative}", digest)
        else:
            urls["mp4"] = (url, published["sha256"])
    assert set(urls) == {"mp4", "hls"}
    return urls


def bin_content(stack: dict[str, Any], *command: str) -> int:
    state = Path(stack["edge_config_path"]).parent / "stack.json"
    return run(["--local", "--local-state", str(state), "grant-key", *command])


def store(stack: dict[str, Any]) -> KeyValueStore:
    client = keyvaluestore_client(boto3.Session(**LOCAL_CREDENTIALS), stack["keyvaluestore_url"])
    return KeyValueStore(client, stack["grant_store_arn"])


def plays(url: str, digest: str) -> bool:
    answer = http(url)  # no header, no cookie
    return answer.status == 200 and hashlib.sha256(answer.body).hexdigest() == digest


def test_a_rotation_keeps_grants_in_use_playing_and_retiring_their_key_refuses_them(
    stack: dict[str, Any], grant_urls: dict[str, tuple[str, str]]
) -> None:
    grant = grant_of_url(grant_urls["mp4"][0])
    assert all(plays(url, digest) for url, digest in grant_urls.values())

    assert bin_content(stack, "rotate") == 0

    keys = key_states(store(stack))
    old = keys[grant.kid]
    [current] = [state for state in keys.values() if state.status is KeyStatus.CURRENT]
    assert current.kid != grant.kid
    assert old.status is KeyStatus.PREVIOUS
    assert old.not_after is not None
    assert old.not_after > grant.expires_at  # kept for longer than the grant lives
    assert all(plays(url, digest) for url, digest in grant_urls.values())

    assert bin_content(stack, "retire") == 0

    assert key_states(store(stack))[grant.kid].status is KeyStatus.RETIRED
    for url, _ in grant_urls.values():
        answer = http(url)
        assert (answer.status, answer.body) == (401, b"")
