"""Print a demo user's Cognito ID token from the running local stack (for curl).

Usage: python -m local.token <username> <password>
"""

from __future__ import annotations

import json
import sys

import boto3

from tools.stack import LOCAL_CREDENTIALS, LOCAL_STATE

from .cognito import DemoUser, sign_in

STATE = LOCAL_STATE


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if not STATE.exists():
        sys.exit("error: the local stack is not running (start it with `make local`)")
    info = json.loads(STATE.read_text())
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=info["aws_endpoint_url"],
        region_name=info["region"],
        **LOCAL_CREDENTIALS,
    )
    try:
        result = sign_in(
            cognito, info["client_id"], DemoUser(sys.argv[1], sys.argv[2], in_group=False)
        )
    except cognito.exceptions.NotAuthorizedException:
        sys.exit("error: wrong username or password")
    print(result["IdToken"])


if __name__ == "__main__":
    main()
