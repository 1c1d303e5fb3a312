"""Learners made for one test in the local stack's user pool: their sub and tokens, and the
learner-facing API called with their ID token."""

from __future__ import annotations

import json
import uuid
from typing import Any

from local.cognito import DemoUser, sign_in
from tests.support.http_client import http


class Learner:
    """A user of the stack's pool made for one test: their sub and tokens."""

    def __init__(self, stack: dict[str, Any], cognito: Any) -> None:
        self.username = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
        self.password = password = "Enrolled-Passw0rd!"
        pool = stack["user_pool_id"]
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=self.username,
            UserAttributes=[{"Name": "email", "Value": self.username}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=self.username, Password=password, Permanent=True
        )
        user = cognito.admin_get_user(UserPoolId=pool, Username=self.username)
        self.sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        tokens = sign_in(cognito, stack["client_id"], DemoUser(self.username, password, False))
        self.id_token, self.access_token = tokens["IdToken"], tokens["AccessToken"]

    def demo_user(self) -> DemoUser:
        """The learner as the demo page's sign-in takes them."""
        return DemoUser(self.username, self.password, False)

    def api(self, stack: dict[str, Any], path: str) -> tuple[int, Any]:
        answer = http(f"{stack['api_url']}{path}", headers={"Authorization": self.id_token})
        return answer.status, json.loads(answer.body)
