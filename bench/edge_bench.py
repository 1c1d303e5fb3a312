"""Benchmark of the edge authorizer, everything side by side in one run (``make bench``).

* handler time per request: a first-seen token (full RS256 verification) and a cached token;
* the authorization decision alone for the same cached token, against PyJWT + cryptography
  decoding it (signature, exp, iss, aud) plus the same group check;
* cold import of the handler module in a fresh interpreter, against a bare
  ``python -c "import json, hashlib, logging"``, and what eager Powertools would cost;
* the size of the zipped edge package ``sam build`` produces.

Numbers are medians of repeated runs on this machine; the README quotes them.
"""

from __future__ import annotations

import copy
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]
os.environ["EDGE_AUTH_CONFIG"] = str(ROOT / "tests" / "keys" / "test-only-edge-config.json")

import jwt  # noqa: E402

from edge_auth import gate as edge  # noqa: E402
from tests.support.build import ensure_built, zipped  # noqa: E402
from tests.support.make_events import viewer_request  # noqa: E402
from tests.support.tokens import (  # noqa: E402
    TEST_CLIENT_ID,
    TEST_CONFIG_PATH,
    TEST_GROUP,
    TEST_ISSUER,
    SigningKey,
    cognito_claims,
)

ROUNDS = 7


def per_call_us(fn: Callable[[], object], calls: int) -> float:
    """Median over ROUNDS of the mean time of one call, in microseconds."""
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def events_for(tokens: list[str]) -> list[dict[str, Any]]:
    return [
        viewer_request("/courses/aws-101/intro.mp4", {"Authorization": f"Bearer {t}"})
        for t in tokens
    ]


def handler_times(key: SigningKey) -> dict[str, float]:
    gate = edge.start(str(TEST_CONFIG_PATH))
    n = 300
    fresh = events_for(
        [key.sign({**cognito_claims(), "jti": f"jti-{i}"}) for i in range(n * ROUNDS)]
    )
    first_seen = iter(fresh)
    cached_token = key.sign(cognito_claims())
    cached = events_for([cached_token])[0]
    edge.decide(gate, copy.deepcopy(cached))  # warm the cache
    cached_events = [copy.deepcopy(cached) for _ in range(20_000 * ROUNDS)]
    cached_iter = iter(cached_events)
    return {
        "handler, first-seen token": per_call_us(lambda: edge.decide(gate, next(first_seen)), n),
        "handler, cached token": per_call_us(lambda: edge.decide(gate, next(cached_iter)), 20_000),
    }


def decision_times(key: SigningKey) -> dict[str, float]:
    gate = edge.start(str(TEST_CONFIG_PATH))
    assert gate.authorizer is not None
    authorizer = gate.authorizer
    token = key.sign(cognito_claims())
    authorizer.authorize(token)
    public_key = jwt.PyJWK(key.public_jwk()).key

    def pyjwt_decision() -> None:
        claims = jwt.decode(
            token, key=public_key, algorithms=["RS256"], audience=TEST_CLIENT_ID, issuer=TEST_ISSUER
        )
        assert TEST_GROUP in claims["cognito:groups"]

    fresh_tokens = iter(
        [key.sign({**cognito_claims(), "jti": f"d-{i}"}) for i in range(300 * ROUNDS)]
    )
    return {
        "decision, cached token (edge)": per_call_us(lambda: authorizer.authorize(token), 50_000),
        "decision, first-seen token (edge rs256)": per_call_us(
            lambda: authorizer.authorize(next(fresh_tokens)), 300
        ),
        "decision, PyJWT + cryptography": per_call_us(pyjwt_decision, 2_000),
    }


def cold_start_ms(code: str, env: dict[str, str]) -> float:
    samples = []
    for _ in range(25):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def import_times() -> dict[str, float]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "functions"),
        "EDGE_AUTH_CONFIG": str(TEST_CONFIG_PATH),
        # Lambda packages ship without .pyc for the function's own modules: compile every time.
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return {
        "bare: import json, hashlib, logging": cold_start_ms("import json, hashlib, logging", env),
        "edge_auth.app (config + JWKS parsed)": cold_start_ms("import edge_auth.app", env),
        "edge_auth.app + eager Powertools": cold_start_ms(
            "import edge_auth.app; from aws_lambda_powertools import Logger, Metrics", env
        ),
    }


def main() -> None:
    key = SigningKey.test_only()
    print(f"# edge authorizer benchmark — Python {platform.python_version()}, {platform.machine()}")
    print(f"# {os.cpu_count()} CPUs, medians of {ROUNDS} rounds\n")
    handler = handler_times(key)
    decision = decision_times(key)
    for name, value in {**handler, **decision}.items():
        print(f"{name:<45} {value:>10.1f} µs")
    speedup = decision["decision, PyJWT + cryptography"] / decision["decision, cached token (edge)"]
    print(f"{'cached decision speed-up over PyJWT':<45} {speedup:>10.0f} x   (target >= 20 x)\n")

    imports = import_times()
    for name, value in imports.items():
        print(f"{name:<45} {value:>10.1f} ms")
    bare = imports["bare: import json, hashlib, logging"]
    ratio = imports["edge_auth.app (config + JWKS parsed)"] / bare
    eager = imports["edge_auth.app + eager Powertools"] / bare
    print(f"{'cold import ratio (edge / bare)':<45} {ratio:>10.2f} x   (target < 2.5 x)")
    print(f"{'with eager Powertools (not shipped)':<45} {eager:>10.2f} x\n")

    package = len(zipped(ensure_built() / "EdgeAuthFunction"))
    print(f"{'edge package, zipped (sam build)':<45} {package / 1024:>10.1f} KB  (limit 1024 KB)")
    sys.stdout.flush()
    ok = speedup >= 20 and ratio < 2.5 and package < 300 * 1024
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
