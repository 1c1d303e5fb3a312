"""The edge's memo of parsed URIs stays small whatever viewers send: a 128 MB function must not
hand its memory to a stream of long, unauthenticated URIs."""

from __future__ import annotations

import copy
import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from edge_auth import gate as edge
from edge_auth.paths import MAX_SEEN_URI
from shared.b64 import b64url_encode
from testkit import grant_cases
from testkit.tokens import SigningKey, edge_config
from tests.support.edge_gates import GateFactory

#: What an attacker sent: as many distinct URIs as the memo holds entries (less one, so it is
#: never emptied for being full), each shaped like a grant URL: 8 KB, or the longest the memo
#: keeps.
REQUESTS = 4_095
#: What the process may take for them at any moment: the memo's own bound and some slack.
MAX_GROWTH_BYTES = 4 * 1_048_576


def forged_grant_uri(n: int, length: int) -> str:
    """``/g/<a grant's fields, padded>/courses/...``, ``length`` long, made by no key."""
    fields = grant_cases.grant().split(".")
    fields[2] = b64url_encode(json.dumps({"n": n, "pad": ""}).encode())
    room = length - len(grant_cases.url(".".join(fields)))
    fields[2] += "A" * room
    uri = grant_cases.url(".".join(fields))
    assert len(uri) == length
    return uri


@pytest.mark.slow
@pytest.mark.parametrize("length", [8_192, MAX_SEEN_URI])
def test_unauthenticated_requests_with_long_uris_leave_the_memory_within_a_few_mb(
    make_gate: GateFactory,
    test_key: SigningKey,
    load_event: Callable[[str], dict[str, Any]],
    length: int,
) -> None:
    gate = make_gate(edge_config(test_key, log_level="WARNING"))
    template = load_event("edge_no_token")
    denied = 0
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for n in range(REQUESTS):
            event = copy.deepcopy(template)
            event["Records"][0]["cf"]["request"]["uri"] = forged_grant_uri(n, length)
            denied += edge.decide(gate, event).get("status") == "401"
            del event
        gc.collect()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert denied == REQUESTS
    assert peak - before < MAX_GROWTH_BYTES, f"peaked {(peak - before) / 1_048_576:.1f} MB up"
