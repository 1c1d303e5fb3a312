"""The pool as moto holds it: app clients (their registered URLs and scopes) and users
(password check, attributes, groups). Read at every request, so changes apply at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .tokens import UserProfile

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@dataclass(frozen=True)
class AppClient:
    client_id: str
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    scopes: tuple[str, ...]
    code_flow: bool
    has_secret: bool

    def is_callback(self, url: str | None) -> bool:
        """Exactly one of the registered callback URLs: no prefix, case or slash leeway."""
        return url is not None and url in self.callback_urls

    def is_logout_url(self, url: str | None) -> bool:
        return url is not None and url in self.logout_urls

    def origins(self) -> set[str]:
        """The web origins of the callback URLs (CORS for the token and revoke endpoints)."""
        return {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, self.callback_urls)}


class SignInFailedError(Exception):
    """Wrong user name or password (one answer for both, like PreventUserExistenceErrors)."""


class PasswordChangeRequiredError(Exception):
    """The user still has a temporary password."""


class Directory:
    def __init__(self, cognito: CognitoIdentityProviderClient, pool_id: str) -> None:
        self._cognito = cognito
        self.pool_id = pool_id

    def client(self, client_id: str | None) -> AppClient | None:
        """The pool's app client ``client_id``, or None when there is none."""
        if not client_id:
            return None
        try:
            found = self._cognito.describe_user_pool_client(
                UserPoolId=self.pool_id, ClientId=client_id
            )["UserPoolClient"]
        except self._cognito.exceptions.ResourceNotFoundException:
            return None
        return AppClient(
            client_id=found["ClientId"],
            callback_urls=tuple(found.get("CallbackURLs", [])),
            logout_urls=tuple(found.get("LogoutURLs", [])),
            scopes=tuple(found.get("AllowedOAuthScopes", [])),
            code_flow=bool(found.get("AllowedOAuthFlowsUserPoolClient"))
            and "code" in found.get("AllowedOAuthFlows", []),
            has_secret=bool(found.get("ClientSecret")),
        )

    def clients(self) -> Iterator[AppClient]:
        listed = self._cognito.list_user_pool_clients(UserPoolId=self.pool_id, MaxResults=60)
        for summary in listed["UserPoolClients"]:
            client = self.client(summary["ClientId"])
            if client is not None:
                yield client

    def authenticate(self, client_id: str, username: str, password: str) -> str:
        """The user's user name once moto accepts the password."""
        errors = self._cognito.exceptions
        try:
            answer = self._cognito.admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except (errors.NotAuthorizedException, errors.UserNotFoundException) as exc:
            raise SignInFailedError from exc
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            raise PasswordChangeRequiredError
        profile = self.profile(username) if "AuthenticationResult" in answer else None
        if profile is None:
            raise SignInFailedError
        return profile.username

    def profile(self, username: str) -> UserProfile | None:
        """The enabled user's attributes and groups now, or None (deleted or disabled)."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self.pool_id, Username=username)
        except self._cognito.exceptions.UserNotFoundException:
            return None
        if not user.get("Enabled", True):
            return None
        attributes = {a["Name"]: a.get("Value", "") for a in user.get("UserAttributes", [])}
        paginator = self._cognito.get_paginator("admin_list_groups_for_user")
        pages = paginator.paginate(UserPoolId=self.pool_id, Username=username)
        groups = [group for page in pages for group in page["Groups"]]
        return UserProfile(
            username=user["Username"],
            sub=attributes["sub"],
            email=attributes.get("email"),
            email_verified=attributes.get("email_verified") == "true",
            groups=tuple(group["GroupName"] for group in groups),
        )
