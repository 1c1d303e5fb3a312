"""Write the signed sample events in ``events/`` and the test-only edge config that trusts them.

Run with ``make events``. Output is deterministic (fixed times, fixed key), so a diff after a
run means the event shape or the key changed. The "valid" tokens expire in 2100 and are signed
by the committed TEST-ONLY key (see tests/keys/README.md), which no deployment ever trusts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.tokens import (
    ROOT,
    TEST_CONFIG_PATH,
    TEST_COOKIE,
    SigningKey,
    cognito_claims,
    edge_config,
)

EVENTS = ROOT / "events"
ISSUED_AT = 1_767_225_600  # 2026-01-01T00:00:00Z
FAR_FUTURE_LIFETIME = 4_102_444_800 - ISSUED_AT  # valid until 2100-01-01
APP_ORIGIN = "https://learn.example.com"


def viewer_request(
    uri: str, headers: dict[str, str], method: str = "GET", request_id: str = "sample"
) -> dict[str, Any]:
    """A viewer-request event in the shape CloudFront sends to Lambda@Edge."""
    all_headers = {"Host": "d111111abcdef8.cloudfront.net", "User-Agent": "curl/8.5.0", **headers}
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "d111111abcdef8.cloudfront.net",
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "viewer-request",
                        "requestId": f"{request_id}-4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc==",
                    },
                    "request": {
                        "clientIp": "203.0.113.178",
                        "headers": {
                            name.lower(): [{"key": name, "value": value}]
                            for name, value in all_headers.items()
                        },
                        "method": method,
                        "querystring": "",
                        "uri": uri,
                    },
                }
            }
        ]
    }


def sample_events(key: SigningKey) -> dict[str, dict[str, Any]]:
    """Scenario name -> event. Names say what the edge must answer."""
    video = "/courses/aws-101/intro.mp4"
    valid = key.sign(cognito_claims(now=ISSUED_AT, lifetime=FAR_FUTURE_LIFETIME))
    expired = key.sign(cognito_claims(now=ISSUED_AT))
    outsider = key.sign(
        cognito_claims(now=ISSUED_AT, lifetime=FAR_FUTURE_LIFETIME, groups=["teachers"])
    )
    return {
        "edge_valid_token": viewer_request(video, {"Authorization": f"Bearer {valid}"}),
        "edge_valid_cookie": viewer_request(
            video, {"Cookie": f"theme=dark; {TEST_COOKIE}={valid}", "Range": "bytes=0-1023"}
        ),
        "edge_no_token": viewer_request(video, {}),
        "edge_expired_token": viewer_request(video, {"Authorization": f"Bearer {expired}"}),
        "edge_wrong_group": viewer_request(video, {"Authorization": f"Bearer {outsider}"}),
        "edge_preflight": viewer_request(
            video,
            {
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization,range",
            },
            method="OPTIONS",
        ),
    }


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    key = SigningKey.test_only()
    EVENTS.mkdir(exist_ok=True)
    for name, event in sample_events(key).items():
        _write(EVENTS / f"{name}.json", event)
    _write(TEST_CONFIG_PATH, edge_config(key, cors_allowed_origins=[APP_ORIGIN]))
    print(f"wrote {len(sample_events(key))} events to {EVENTS} and {TEST_CONFIG_PATH}")


if __name__ == "__main__":
    main()
