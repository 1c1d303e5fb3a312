"""Benchmark of the edge authorizer, everything side by side in one run (``make bench``).

* the WHOLE handler (``gate.decide``: event parsing, decision, answer) per request, for a
  cached token in a browser's real request (16 headers, ``testkit.events``), for
  the two-header sample event, and for a first-seen token (full RS256 verification);
* PyJWT + cryptography decoding the same token (signature, exp, iss, aud) plus the same group
  check, measured in the same run: the target is the cached browser request >= 20x faster;
* cold import of the handler module from the ``sam build`` package (no ``.pyc``: compiled from
  source, as on Lambda) in a fresh interpreter, against a bare
  ``python -c "import json, hashlib, logging"``;
* the size of the zipped edge package ``sam build`` produces.

Numbers are medians of repeated runs on this machine; docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt

from edge_auth import gate as edge
from testkit import lambda_runtime
from testkit.build import ensure_built, zipped
from testkit.events import browser_headers, viewer_request
from testkit.tokens import (
    TEST_CLIENT_ID,
    TEST_CONFIG_PATH,
    TEST_GROUP,
    TEST_ISSUER,
    SigningKey,
    cognito_claims,
)

ROUNDS = 7
CACHED_CALLS = 5_000
FIRST_SEEN_CALLS = 200
URI = "/courses/aws-101/intro.mp4"


def per_call_us(fn: Callable[[], object], calls: int) -> float:
    """Median over ROUNDS of the mean time of one call, in microseconds."""
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def fresh_events(event: dict[str, Any], count: int) -> Iterator[dict[str, Any]]:
    """``count`` copies of ``event`` as CloudFront hands them over: each its own request and
    headers dict (the handler removes ``authorization`` from it), header values shared."""
    cf = event["Records"][0]["cf"]
    request = cf["request"]
    copies = [
        {"Records": [{"cf": {**cf, "request": {**request, "headers": dict(request["headers"])}}}]}
        for _ in range(count)
    ]
    return iter(copies)


def handler_times(key: SigningKey, token: str) -> dict[str, float]:
    gate = edge.start(str(TEST_CONFIG_PATH))
    browser = viewer_request(URI, browser_headers(token))
    sample = viewer_request(URI, {"Authorization": f"Bearer {token}"})
    assert "status" not in edge.decide(gate, next(fresh_events(browser, 1))), "not allowed"
    browser_events = fresh_events(browser, CACHED_CALLS * ROUNDS)
    sample_events = fresh_events(sample, CACHED_CALLS * ROUNDS)
    first_seen = iter(
        viewer_request(URI, {"Authorization": f"Bearer {t}"})
        for t in [
            key.sign({**cognito_claims(), "jti": f"jti-{i}"})
            for i in range(FIRST_SEEN_CALLS * ROUNDS)
        ]
    )
    return {
        "handler, cached token, browser request": per_call_us(
            lambda: edge.decide(gate, next(browser_events)), CACHED_CALLS
        ),
        "handler, cached token, 2-header sample": per_call_us(
            lambda: edge.decide(gate, next(sample_events)), CACHED_CALLS
        ),
        "handler, first-seen token (RS256 verify)": per_call_us(
            lambda: edge.decide(gate, next(first_seen)), FIRST_SEEN_CALLS
        ),
    }


def pyjwt_time(key: SigningKey, token: str) -> float:
    public_key = jwt.PyJWK(key.public_jwk()).key

    def pyjwt_decision() -> None:
        claims = jwt.decode(
            token, key=public_key, algorithms=["RS256"], audience=TEST_CLIENT_ID, issuer=TEST_ISSUER
        )
        assert TEST_GROUP in claims["cognito:groups"]

    return per_call_us(pyjwt_decision, 1_000)


def cold_start_ms(code: str, env: dict[str, str]) -> float:
    """Median wall time of a fresh interpreter laid out as Lambda lays out ``env``'s package."""
    samples = []
    for _ in range(25):
        start = time.perf_counter()
        subprocess.run(lambda_runtime.command(code), env=env, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def import_times(package: Path) -> dict[str, float]:
    # Lambda packages ship without .pyc for the function's own modules: compile every time
    # (the interpreter runs with -B).
    assert not list(package.rglob("*.pyc")), "the built package must carry no bytecode"
    env = lambda_runtime.environment(
        package, {**os.environ, "EDGE_AUTH_CONFIG": str(TEST_CONFIG_PATH)}, sdk=False
    )
    return {
        "bare: import json, hashlib, logging": cold_start_ms("import json, hashlib, logging", env),
        "edge_auth.app (config + JWKS parsed)": cold_start_ms("import edge_auth.app", env),
        "edge_auth.app + eager Powertools": cold_start_ms(
            "import edge_auth.app; from aws_lambda_powertools import Logger, Metrics", env
        ),
    }


def main() -> None:
    key = SigningKey.test_only()
    token = key.sign(cognito_claims())
    print(f"# edge authorizer benchmark — Python {platform.python_version()}, {platform.machine()}")
    print(f"# {os.cpu_count()} CPUs, medians of {ROUNDS} rounds\n")
    handler = handler_times(key, token)
    pyjwt = pyjwt_time(key, token)
    for name, value in {**handler, "PyJWT + cryptography, same token": pyjwt}.items():
        print(f"{name:<45} {value:>10.2f} µs")
    speedup = pyjwt / handler["handler, cached token, browser request"]
    sample = pyjwt / handler["handler, cached token, 2-header sample"]
    print(f"{'speed-up, browser request over PyJWT':<45} {speedup:>10.1f} x   (target >= 20 x)")
    print(f"{'speed-up, 2-header sample over PyJWT':<45} {sample:>10.1f} x\n")

    build = ensure_built() / "EdgeAuthFunction"
    imports = import_times(build)
    for name, value in imports.items():
        print(f"{name:<45} {value:>10.1f} ms")
    bare = imports["bare: import json, hashlib, logging"]
    ratio = imports["edge_auth.app (config + JWKS parsed)"] / bare
    eager = imports["edge_auth.app + eager Powertools"] / bare
    print(f"{'cold import ratio (edge / bare)':<45} {ratio:>10.2f} x   (target < 2.5 x)")
    print(f"{'with eager Powertools (not shipped)':<45} {eager:>10.2f} x\n")

    package = len(zipped(build))
    print(f"{'edge package, zipped (sam build)':<45} {package / 1024:>10.1f} KB  (budget 300 KB)")
    sys.stdout.flush()
    ok = speedup >= 20 and ratio < 2.5 and package < 300 * 1024
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
