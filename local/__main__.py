"""`make local`: run the product on this machine, no AWS account, until Ctrl-C."""

from __future__ import annotations

import time

STARTED = time.monotonic()  # before the heavy imports: the start-up time includes them

import argparse  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from tools.stack import LOCAL_STATE, ROOT  # noqa: E402

from .managed_login.tokens import TokenLifetimes  # noqa: E402
from .stack import LocalStack, Ports, StackInfo  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (loopback)")
    for name in ("moto", "cloudfront", "api", "demo", "auth"):
        parser.add_argument(f"--{name}-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--state-dir", type=Path, default=ROOT / ".local", help="where stack.json goes"
    )
    dev = parser.add_argument_group(
        "development only",
        "token lifetimes of the managed-login stand-in (default: template.yaml's UserPoolClient)",
    )
    for kind, meaning in (
        ("id", "ID tokens expire N seconds after they are issued (short: see the page refresh)"),
        ("access", "access tokens expire N seconds after they are issued"),
        ("refresh", "a sign-in's refresh tokens, rotated or not, expire N seconds after it"),
    ):
        dev.add_argument(f"--{kind}-token-seconds", type=int, metavar="N", help=meaning)
    return parser.parse_args()


def _role(user: dict[str, Any], info: StackInfo) -> str:
    if user["in_group"]:
        return "in the content group -> every course"
    if user["courses"]:
        enrolled = ", ".join(user["courses"])
        return f"enrolled in {enrolled} -> that course only ({info.other_course_id}: 403)"
    return "in no group -> 403, no courses listed"


def describe(info: StackInfo) -> str:
    member = next(u for u in info.users if u["in_group"])
    video = info.content[0]["key"]
    state = Path(info.edge_config_path).parent / "stack.json"
    # The token command reads the default stack.json; a stack elsewhere is named.
    default = state.resolve() == LOCAL_STATE.resolve()
    where = "" if default else f"--state {shlex.quote(str(state))} "
    lines = [
        f"Local stack ready in {info.startup_seconds:.1f} s. Ctrl-C stops it.",
        "",
        f"  Demo page        {info.callback_url}",
        f"  Managed login    {info.auth_url}   (stand-in: /oauth2/authorize, /oauth2/token, "
        "/oauth2/revoke, /logout)",
        f"  CloudFront       {info.cloudfront_url}   (grant function on /g/*, edge function on the "
        "rest, then the private bucket)",
        f"  Content API      {info.api_url}   (Cognito authorizer)",
        f"  Enrolment API    {info.api_url}/enrolments   (SigV4 with stack.json's "
        "admin_credentials)",
        f"  AWS (moto)       {info.aws_endpoint_url}   (S3, Cognito, DynamoDB)",
        f"  Token lifetimes  ID {info.token_seconds['id']} s, access "
        f"{info.token_seconds['access']} s, refresh {info.token_seconds['refresh']} s",
        "",
        "  Demo users (sign in on the demo page):",
        *[f"    {u['username']:<24} {u['password']:<20} {_role(u, info)}" for u in info.users],
        "",
        "  Try it with curl:",
        f"    curl -i {info.cloudfront_url}/{video}                     # 401, no token",
        f"    TOKEN=$(.venv/bin/python -m local.token {where}{member['username']} "
        f"'{member['password']}')",
        f'    curl -i -H "Authorization: Bearer $TOKEN" {info.cloudfront_url}/{video}   # 200',
        f'    curl -i -H "Authorization: $TOKEN" {info.api_url}/courses/{info.course_id}/content',
        f'    curl -H "Authorization: $TOKEN" {info.api_url}/courses   # the courses they may read',
        "",
        f"  Everything above is in {state}.",
    ]
    return "\n".join(lines)


def main() -> None:
    args = _arguments()
    try:
        lifetimes = TokenLifetimes.from_template().overridden(
            id_seconds=args.id_token_seconds,
            access_seconds=args.access_token_seconds,
            refresh_seconds=args.refresh_token_seconds,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    stack = LocalStack(
        Ports(
            args.host,
            args.moto_port,
            args.cloudfront_port,
            args.api_port,
            args.demo_port,
            args.auth_port,
        ),
        args.state_dir,
        lifetimes,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        print(describe(stack.start(STARTED)), flush=True)
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("\nLocal stack stopped.", file=sys.stderr)


if __name__ == "__main__":
    main()
