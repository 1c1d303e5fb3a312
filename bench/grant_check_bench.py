"""Benchmark of the grant check (``make bench``): the CloudFront Function
``functions/grant_check/index.js``, time per decision in Node, printed next to the Lambda@Edge
handler's per-request figures measured in the same run (``edge_bench.handler_times``: the
default behavior's token path). The Lambda@Edge function no longer checks grants: its grant
path's figures, from before the move, are in docs/benchmarks.md.

The function runs in the runtime 2.0 stand-in (``local/cloudfront_function_runtime.mjs``)
and is timed there, around the handler alone, with the KeyValueStore in memory: the numbers
are the function's own JavaScript work in V8, not CloudFront's engine, nor its KeyValueStore
reads at an edge location. CloudFront reports the real cost as compute utilization (a share of
the function's time budget) when a function is tested in its console.

Decisions measured: an allowed grant (key read, HMAC-SHA256, two revocation lookups, URI
rewritten), a revoked one, one whose mac does not verify, and a malformed URI (refused before
any read). The target: an allowed decision well under CloudFront's 1 ms compute budget; exit
status 1 if it is not, or if the file reaches 10 KB.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys

from edge_bench import handler_times

from local.cloudfront_function import GRANT_CHECK, FunctionRuntime, decision, function_event
from shared.grant_store import revocation_name
from testkit import grant_cases
from testkit.tokens import LEARNER_SUB, SigningKey, cognito_claims

ROUNDS = 7
CALLS = 20_000
SIZE_LIMIT = 10_240
BUDGET_US = 1000.0


def store_with_revocations(count: int) -> dict[str, str | None]:
    """The corpus's keys and ``count`` other learners' revocations (a store in use)."""
    store: dict[str, str | None] = {**grant_cases.base_store()}
    for i in range(count):
        store[revocation_name(f"learner-{i:05d}", "aws-101")] = str(grant_cases.NOW - i)
    return store


def function_times() -> dict[str, float]:
    good = grant_cases.grant()
    store = store_with_revocations(10_000)
    revoked = {**store, revocation_name(LEARNER_SUB): str(grant_cases.NOW)}
    decisions = {
        "allowed grant (key, HMAC, 2 revocation lookups)": (
            grant_cases.url(good),
            store,
            200,
        ),
        "refused: revoked for every course": (grant_cases.url(good), revoked, 403),
        "refused: mac does not verify": (grant_cases.url(good[:-1] + "A"), store, 401),
        "refused: malformed URI (no store read)": (grant_cases.OBJECT, store, 401),
    }
    times = {}
    with FunctionRuntime() as runtime:
        for name, (uri, kvs, status) in decisions.items():
            result, rounds = runtime.time_per_call(
                function_event(uri), now=grant_cases.NOW, store=kvs, calls=CALLS, rounds=ROUNDS
            )
            assert decision(result)[0] == status, (name, result)
            times[name] = statistics.median(rounds) / 1000
    return times


def node_version() -> str:
    return subprocess.run(
        ["node", "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> None:
    print(
        f"# grant check benchmark — index.js in Node {node_version()} (runtime 2.0 stand-in), "
        f"{platform.machine()}"
    )
    print(f"# {os.cpu_count()} CPUs, medians of {ROUNDS} rounds of {CALLS} calls\n")
    function = function_times()
    print("CloudFront Function, time per decision in Node (KeyValueStore in memory):")
    for name, value in function.items():
        print(f"  {name:<50} {value:>8.2f} µs")
    key = SigningKey.test_only()
    edge = handler_times(key, key.sign(cognito_claims()))
    print("next to it, the Lambda@Edge handler in this run (Python, default behavior):")
    for name in (
        "handler, cached token, browser request",
        "handler, first-seen token (RS256 verify)",
    ):
        print(f"  {name:<50} {edge[name]:>8.2f} µs")
    size = len(GRANT_CHECK.read_bytes())
    print(f"\n{'index.js, as deployed':<52} {size:>8} bytes (limit {SIZE_LIMIT:,})")
    allowed = function["allowed grant (key, HMAC, 2 revocation lookups)"]
    print(f"{'allowed decision against the 1 ms budget':<52} {allowed / BUDGET_US:>8.1%}")
    sys.stdout.flush()
    sys.exit(0 if allowed < BUDGET_US and size < SIZE_LIMIT else 1)


if __name__ == "__main__":
    main()
