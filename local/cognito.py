"""A Cognito user pool in moto shaped like the one template.yaml declares, with demo users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .template import Value, evaluate, resource_properties, source_template

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

#: The template's default content group (parameter ContentGroupName): all-access.
CONTENT_GROUP: str = source_template()["Parameters"]["ContentGroupName"]["Default"]


@dataclass(frozen=True)
class DemoUser:
    """``in_group``: in the all-access content group; ``courses``: enrolled in these only
    (in the enrolment store, by the local stack)."""

    username: str
    password: str
    in_group: bool
    courses: tuple[str, ...] = ()


@dataclass(frozen=True)
class CognitoPool:
    pool_id: str
    client_id: str
    issuer: str
    jwks_url: str
    group: str
    users: tuple[DemoUser, ...]

    def member(self) -> DemoUser:
        return next(user for user in self.users if user.in_group)

    def outsider(self) -> DemoUser:
        """A user in no group at all."""
        return next(user for user in self.users if not user.in_group and not user.courses)

    def learner(self) -> DemoUser:
        """A user enrolled in some courses, not all-access."""
        return next(user for user in self.users if not user.in_group and user.courses)


DEMO_USERS = (
    DemoUser("student@example.com", "Student-Passw0rd!", in_group=True),
    DemoUser("learner@example.com", "Learner-Passw0rd!", in_group=False, courses=("aws-101",)),
    DemoUser("visitor@example.com", "Visitor-Passw0rd!", in_group=False),
)


def create_cognito_pool(
    cognito: CognitoIdentityProviderClient,
    endpoint_url: str,
    *,
    app_origins: list[str] | None = None,
    name: str = "private-content-local",
    group: str = CONTENT_GROUP,
    users: tuple[DemoUser, ...] = DEMO_USERS,
) -> CognitoPool:
    """Create the pool, its web client and content group, and users with permanent passwords
    (their enrolments are the enrolment store's: ``local.stack`` writes them).

    Sign-in attributes, password policy, token lifetimes (the parameters' defaults), flows and
    the OAuth settings come from template.yaml's UserPool and UserPoolClient, the callback and
    sign-out URLs derived from ``app_origins`` (default: the parameter's default) as the
    template derives them from AppOrigins.
    The client also allows USER_PASSWORD_AUTH so that ``python -m local.token`` and the tests
    get tokens without an SRP library (the demo page signs in through managed login); the
    deployed client allows SRP only (and OAuth).
    """
    pool_template = resource_properties("UserPool")
    given: dict[str, Value] = {} if app_origins is None else {"AppOrigins": app_origins}
    client_template = evaluate(
        {k: v for k, v in resource_properties("UserPoolClient").items() if k != "UserPoolId"},
        given,
    )
    pool = cognito.create_user_pool(
        PoolName=name,
        UsernameAttributes=pool_template["UsernameAttributes"],
        AutoVerifiedAttributes=pool_template["AutoVerifiedAttributes"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Policies={"PasswordPolicy": pool_template["Policies"]["PasswordPolicy"]},
    )["UserPool"]
    pool_id = pool["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_template["ClientName"],
        GenerateSecret=client_template["GenerateSecret"],
        ExplicitAuthFlows=[*client_template["ExplicitAuthFlows"], "ALLOW_USER_PASSWORD_AUTH"],
        EnableTokenRevocation=client_template["EnableTokenRevocation"],
        AccessTokenValidity=int(client_template["AccessTokenValidity"]),
        IdTokenValidity=int(client_template["IdTokenValidity"]),
        RefreshTokenValidity=int(client_template["RefreshTokenValidity"]),
        TokenValidityUnits=client_template["TokenValidityUnits"],
        AllowedOAuthFlowsUserPoolClient=client_template["AllowedOAuthFlowsUserPoolClient"],
        AllowedOAuthFlows=client_template["AllowedOAuthFlows"],
        AllowedOAuthScopes=client_template["AllowedOAuthScopes"],
        SupportedIdentityProviders=client_template["SupportedIdentityProviders"],
        CallbackURLs=client_template["CallbackURLs"],
        LogoutURLs=client_template["LogoutURLs"],
        RefreshTokenRotation={
            "Feature": client_template["RefreshTokenRotation"]["Feature"],
            "RetryGracePeriodSeconds": int(
                client_template["RefreshTokenRotation"]["RetryGracePeriodSeconds"]
            ),
        },
        ReadAttributes=["email"],
    )["UserPoolClient"]
    cognito.create_group(GroupName=group, UserPoolId=pool_id)
    for user in users:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            UserAttributes=[
                {"Name": "email", "Value": user.username},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
        )
        if user.in_group:
            cognito.admin_add_user_to_group(
                UserPoolId=pool_id, Username=user.username, GroupName=group
            )
    region = pool_id.split("_", 1)[0]
    return CognitoPool(
        pool_id=pool_id,
        client_id=client["ClientId"],
        issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
        jwks_url=f"{endpoint_url}/{pool_id}/.well-known/jwks.json",
        group=group,
        users=users,
    )


def sub_of(cognito: CognitoIdentityProviderClient, pool_id: str, user: DemoUser) -> str:
    """The user's Cognito ``sub``."""
    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username=user.username)
    return next(a["Value"] for a in attributes["UserAttributes"] if a["Name"] == "sub")


def sign_in(
    cognito: CognitoIdentityProviderClient, client_id: str, user: DemoUser
) -> dict[str, Any]:
    """USER_PASSWORD_AUTH sign-in; returns Cognito's AuthenticationResult (IdToken, ...)."""
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    return dict(result["AuthenticationResult"])
