"""A user pool's JWKS fetched at deploy time, from a loopback server standing in for a pool
created seconds ago: tried again while it fails, never past the request's deadline."""

from __future__ import annotations

import json
import re
import time

import pytest

from edge_config.render import pool_jwks
from shared.trust.errors import JwksFetchError
from testkit.tokens import TEST_ISSUER, SigningKey
from tests.support.http import Answer, scripted_server


@pytest.mark.slow
def test_a_jwks_whose_first_attempts_fail_is_fetched_on_a_later_one(test_key: SigningKey) -> None:
    served = Answer(200, json.dumps(test_key.jwks()).encode())
    with scripted_server() as server:
        # The connection dropped, then an error answer, then the keys.
        server.routes["/jwks.json"] = [Answer(drop=True), Answer(503), served]
        jwks = pool_jwks(TEST_ISSUER, f"{server.url}/jwks.json", deadline=time.monotonic() + 60)
    assert jwks == test_key.jwks()
    assert [request.path for request in server.requests] == ["/jwks.json"] * 3


@pytest.mark.slow
def test_a_jwks_that_never_comes_fails_by_the_deadline_saying_what_the_last_try_met() -> None:
    with scripted_server() as server:
        server.routes["/jwks.json"] = Answer(503)
        deadline = time.monotonic() + 4
        with pytest.raises(JwksFetchError) as failed:
            pool_jwks(TEST_ISSUER, f"{server.url}/jwks.json", deadline=deadline)
    assert re.fullmatch(
        rf"cannot fetch JWKS from {server.url}/jwks.json: HTTP 503 "
        rf"\(after {len(server.requests)} attempts in \d+ s\)",
        str(failed.value),
    )
    assert len(server.requests) >= 2  # tried again, and not once the next pause ended too late
    assert all(request.at < deadline for request in server.requests)


def test_a_url_the_fetch_refuses_is_not_tried_again() -> None:
    with pytest.raises(JwksFetchError, match="refusing to fetch JWKS") as failed:
        pool_jwks(TEST_ISSUER, "ftp://127.0.0.1/jwks.json", deadline=time.monotonic() + 60)
    assert "attempts" not in str(failed.value)
