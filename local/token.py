"""Print a demo user's Cognito ID token from the running local stack (for curl).

Usage: python -m local.token [--state PATH] <username> <password>

``--state`` names the stack.json of a stack started with ``--state-dir`` (default:
.local/stack.json, where `make local` writes it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import boto3

from tools.stack import LOCAL_CREDENTIALS, LOCAL_STATE

from .cognito import DemoUser, sign_in


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local.token", description=__doc__)
    parser.add_argument("--state", type=Path, default=LOCAL_STATE, help="the stack's stack.json")
    parser.add_argument("username")
    parser.add_argument("password")
    args = parser.parse_args()
    if not args.state.exists():
        sys.exit("error: the local stack is not running (start it with `make local`)")
    info = json.loads(args.state.read_text())
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=info["aws_endpoint_url"],
        region_name=info["region"],
        **LOCAL_CREDENTIALS,
    )
    try:
        result = sign_in(
            cognito, info["client_id"], DemoUser(args.username, args.password, in_group=False)
        )
    except cognito.exceptions.NotAuthorizedException:
        sys.exit("error: wrong username or password")
    print(result["IdToken"])


if __name__ == "__main__":
    main()
