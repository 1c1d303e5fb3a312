"""Write the sample events in ``events/`` and the test-only edge config that trusts them.

Run with ``make events``. Output is deterministic (fixed times, fixed key), so a diff after a
run means the event shape or the key changed. The "valid" tokens expire in 2100 and are signed
by the committed TEST-ONLY key (see tests/keys/README.md), which no deployment ever trusts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local.events import api_proxy_event, authorizer_claims, viewer_request_event
from testkit.tokens import (
    TEST_CONFIG_PATH,
    TEST_COOKIE,
    TEST_ISSUER,
    SigningKey,
    cognito_claims,
    edge_config,
)
from tools.stack import ROOT

EVENTS = ROOT / "events"
ISSUED_AT = 1_767_225_600  # 2026-01-01T00:00:00Z
FAR_FUTURE_LIFETIME = 4_102_444_800 - ISSUED_AT  # valid until 2100-01-01
APP_ORIGIN = "https://learn.example.com"


def viewer_request(
    uri: str, headers: dict[str, str], method: str = "GET", request_id: str = "sample"
) -> dict[str, Any]:
    """A viewer-request event in the shape CloudFront sends to Lambda@Edge."""
    all_headers = {"Host": "d111111abcdef8.cloudfront.net", "User-Agent": "curl/8.5.0", **headers}
    return viewer_request_event(
        method=method,
        uri=uri,
        headers=all_headers.items(),
        request_id=f"{request_id}-4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc==",
    )


def browser_headers(token: str) -> dict[str, str]:
    """What Chrome sends with a range request for a video in the app's page: 15 headers
    besides ``Host``, the token both in ``Authorization`` and in the token cookie."""
    return {
        "User-Agent": (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36"
        ),
        "Accept": "*/*",
        "Accept-Encoding": "identity;q=1, *;q=0",
        "Accept-Language": "en-GB,en-US;q=0.9,en;q=0.8",
        "Range": "bytes=1048576-",
        "Referer": f"{APP_ORIGIN}/courses/aws-101",
        "Origin": APP_ORIGIN,
        "Sec-Fetch-Dest": "video",
        "Sec-Fetch-Mode": "cors",
        "Sec-Fetch-Site": "cross-site",
        "Sec-Ch-Ua": '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
        "Sec-Ch-Ua-Mobile": "?0",
        "Sec-Ch-Ua-Platform": '"Windows"',
        "Cookie": f"theme=dark; _ga=GA1.1.1186512347.1767225600; {TEST_COOKIE}={token}",
        "Authorization": f"Bearer {token}",
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
        "edge_browser_request": viewer_request(video, browser_headers(valid)),
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


def api_request(
    resource: str,
    path: str,
    path_parameters: dict[str, str],
    request_id: str,
    groups: tuple[str, ...] = ("students",),
    method: str = "GET",
) -> dict[str, Any]:
    """An API Gateway REST proxy event after the Cognito authorizer accepted an ID token."""
    headers = {
        "Accept": "application/json",
        "Authorization": "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl",
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "Origin": APP_ORIGIN,
        "User-Agent": "Mozilla/5.0",
    }
    claims = authorizer_claims(
        {
            "sub": "7d8ca528-4931-4254-9273-ea5ee853f271",
            "aud": "testonlyappclient",
            "email": "student@example.com",
            "cognito:groups": list(groups),
            "cognito:username": "7d8ca528-4931-4254-9273-ea5ee853f271",
            "token_use": "id",
            "iss": TEST_ISSUER,
            "exp": 4_102_448_400,
            "iat": ISSUED_AT,
        }
    )
    return api_proxy_event(
        method=method,
        resource=resource,
        path=path,
        path_parameters=path_parameters,
        headers=headers,
        claims=claims,
        request_id=f"{request_id}-3f0c8d1a-7b61-11e6-9a41-93e8deadbeef",
        request_time_epoch_ms=ISSUED_AT * 1000,
    )


def api_events() -> dict[str, dict[str, Any]]:
    content, course = "/content/{contentId}", "/courses/{courseId}/content"
    return {
        "api_get_content_found": api_request(
            content, "/content/aws-101-intro", {"contentId": "aws-101-intro"}, "found"
        ),
        "api_get_content_not_found": api_request(
            content, "/content/no-such-item", {"contentId": "no-such-item"}, "missing"
        ),
        "api_get_content_malformed_id": api_request(
            content, "/content/intro$video", {"contentId": "intro$video"}, "malformed"
        ),
        "api_list_course_content": api_request(
            course, "/courses/aws-101/content", {"courseId": "aws-101"}, "course"
        ),
        "api_list_courses": api_request("/courses", "/courses", {}, "courses"),
        # The caller revokes every content URL they were given (the demo page's sign-out).
        "api_me_revoke": api_request("/me/revoke", "/me/revoke", {}, "revoke", method="POST"),
        # A learner enrolled in another course only (API Gateway joins the groups with commas).
        "api_get_content_forbidden": api_request(
            content,
            "/content/aws-101-intro",
            {"contentId": "aws-101-intro"},
            "forbidden",
            groups=("course-aws-201", "course-aws-301"),
        ),
    }


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    key = SigningKey.test_only()
    EVENTS.mkdir(exist_ok=True)
    events = {**sample_events(key), **api_events()}
    for name, event in events.items():
        _write(EVENTS / f"{name}.json", event)
    _write(TEST_CONFIG_PATH, edge_config(key, cors_allowed_origins=[APP_ORIGIN]))
    print(f"wrote {len(events)} events to {EVENTS} and {TEST_CONFIG_PATH}")


if __name__ == "__main__":
    main()
