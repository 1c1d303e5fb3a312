"""The whole product on one machine: moto standing in for S3, Cognito and DynamoDB, the stack's
resources created in it as template.yaml defines them, and local CloudFront, API and demo page.

``LocalStack.start()`` returns when everything answers and ``.local/stack.json`` describes it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from moto.server import ThreadedMotoServer

from content_delivery.api import build_app
from content_delivery.grants import grant_signer
from content_delivery.settings import GrantSettings, Settings
from edge_auth import gate as edge
from edge_config.render import TrustedPool, config_bytes, issuer_of, pool_jwks, render_edge_config
from shared.access import AccessRule
from shared.catalog.store import CatalogStore
from tools.demo_site import DemoSite
from tools.enrolment import Enrolments, course_rule
from tools.http import BackgroundServer
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.invalidation import NoCache
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter
from tools.stack import use_fake_credentials

from .api import GatewayResponseHeaders, LocalApi
from .authorizer import CognitoAuthorizer
from .cloudfront import LocalCloudFront, ResponseHeadersPolicy, S3Origin
from .cognito import COURSE_GROUP_PREFIX, CognitoPool, create_cognito_pool
from .grant_key import GRANT_ISSUER, GRANT_LIFETIME_SECONDS, LocalGrantKey, create_grant_key
from .managed_login.directory import Directory
from .managed_login.server import ManagedLogin
from .managed_login.tokens import LoginSigningKey, TokenLifetimes, TokenMinter
from .resources import create_catalog_table, create_content_bucket
from .samples import COURSES, OTHER_COURSE, OTHER_SAMPLES, SAMPLE_COURSE, SAMPLES
from .template import resource_properties, source_template

REGION = "us-east-1"
#: The template's default token cookie (parameter TokenCookieName).
COOKIE_NAME: str = source_template()["Parameters"]["TokenCookieName"]["Default"]
BUCKET = "private-content-local"
TABLE = "private-content-local-catalog"


@dataclass(frozen=True)
class Ports:
    host: str = "127.0.0.1"
    moto: int = 0
    cloudfront: int = 0
    api: int = 0
    demo: int = 0
    auth: int = 0


def app_url(demo_url: str) -> str:
    """The demo page's URL: the web client's one callback and sign-out URL."""
    return f"{demo_url}/"


@dataclass
class StackInfo:
    """What ``.local/stack.json`` holds, for people and scripts driving the local stack."""

    cloudfront_url: str
    api_url: str
    demo_url: str
    #: The managed-login stand-in, laid out like a Cognito domain (/oauth2/authorize, ...).
    auth_url: str
    #: The demo page's URL, registered as the client's callback and sign-out URL.
    callback_url: str
    aws_endpoint_url: str
    region: str
    user_pool_id: str
    client_id: str
    cookie_name: str
    bucket: str
    table: str
    course_id: str
    users: list[dict[str, Any]]
    content: list[dict[str, Any]]
    #: Course groups are this prefix + the course ID; users' ``courses`` are their enrolments.
    course_group_prefix: str = COURSE_GROUP_PREFIX
    #: A second course (``other_content`` its items), for the 403 a learner of the first gets.
    other_course_id: str = OTHER_COURSE
    other_content: list[dict[str, Any]] = field(default_factory=list)
    startup_seconds: float = 0.0
    edge_config_path: str = ""
    #: The secret holding this run's grant key (generated at start), for tests that mint
    #: grants the API would not (expired ones).
    grant_secret_id: str = ""
    #: Lifetimes of the stand-in's tokens: ``id``, ``access`` and ``refresh``, in seconds.
    token_seconds: dict[str, int] = field(default_factory=dict)


#: The player the page loads, from the npm package (package.json pins it; `make local` runs
#: `npm ci`). Served at a fixed path: an allow-list, not a view of node_modules.


class LocalStack:
    def __init__(
        self, ports: Ports, state_dir: Path, lifetimes: TokenLifetimes | None = None
    ) -> None:
        self.ports = ports
        self.state_dir = state_dir
        self.lifetimes = lifetimes or TokenLifetimes.from_template()
        self._moto: ThreadedMotoServer | None = None
        self._servers: list[BackgroundServer] = []

    def start(self, started: float | None = None) -> StackInfo:
        """Start everything; ``started`` (a ``time.monotonic()`` reading) times the start-up."""
        started = time.monotonic() if started is None else started
        use_fake_credentials(REGION)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
        self._moto = ThreadedMotoServer(
            ip_address=self.ports.host, port=self.ports.moto, verbose=False
        )
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        endpoint = f"http://{moto_host}:{moto_port}"
        session = boto3.Session(region_name=REGION)

        def client(name: str) -> Any:
            return session.client(name, endpoint_url=endpoint)  # type: ignore[call-overload]

        # Bind the four endpoints first: their URLs are part of the configuration.
        cloudfront, api, demo, auth = (
            BackgroundServer(self.ports.host, port)
            for port in (self.ports.cloudfront, self.ports.api, self.ports.demo, self.ports.auth)
        )
        self._servers = [cloudfront, api, demo, auth]

        pool = create_cognito_pool(client("cognito-idp"), endpoint, app_origins=[demo.url])
        # The pool's keys: moto's (its own tokens) and the managed-login stand-in's, made now.
        login_key = LoginSigningKey()
        jwks = pool_jwks(pool.issuer, pool.jwks_url)
        jwks = {"keys": [*jwks["keys"], login_key.public_jwk]}
        jwks_url = f"{auth.url}/.well-known/jwks.json"  # serves that set, for the edge's refresh
        create_catalog_table(client("dynamodb"), TABLE)
        create_content_bucket(client("s3"), BUCKET, app_origin=demo.url)
        enrolments = Enrolments(
            client("cognito-idp"), pool.pool_id, course_rule(COURSE_GROUP_PREFIX)
        )
        writer = CatalogWriter(client("dynamodb"), TABLE)
        for course in COURSES:
            writer.put_course(course)
        content = self._publish_samples(client, SAMPLES, enrolments)
        other_content = self._publish_samples(client, OTHER_SAMPLES, enrolments)

        grant_key = create_grant_key(client("secretsmanager"))
        edge_config_path = self._write_edge_config(
            pool, jwks, jwks_url, demo.url, client("cognito-idp"), grant_key
        )
        cloudfront.serve(
            LocalCloudFront(
                edge.start(str(edge_config_path)),  # what Lambda@Edge does at init
                S3Origin(client("s3"), BUCKET),
                ResponseHeadersPolicy.from_template([demo.url]),
            )
        )
        settings = Settings(
            catalog_table=TABLE,
            content_base_url=cloudfront.url,
            app_origins=(demo.url,),
            access=AccessRule.create([pool.group], COURSE_GROUP_PREFIX),
            grants=GrantSettings(grant_key.secret_arn, GRANT_ISSUER, GRANT_LIFETIME_SECONDS),
        )
        signer = grant_signer(
            settings.grants, SecretsProvider(boto3_client=client("secretsmanager"))
        )
        api.serve(
            LocalApi(
                build_app(settings, CatalogStore(client("dynamodb"), TABLE), signer),
                CognitoAuthorizer(pool.issuer, jwks),
                GatewayResponseHeaders.from_template(),
            )
        )
        auth.serve(
            ManagedLogin(
                Directory(client("cognito-idp"), pool.pool_id),
                TokenMinter(pool.issuer, login_key, self.lifetimes),
                jwks,
            )
        )
        demo.serve(
            DemoSite(
                {
                    "apiUrl": api.url,
                    "authUrl": auth.url,
                    "clientId": pool.client_id,
                    "contentUrl": cloudfront.url,
                    "scope": " ".join(resource_properties("UserPoolClient")["AllowedOAuthScopes"]),
                }
            )
        )
        info = StackInfo(
            cloudfront_url=cloudfront.url,
            api_url=api.url,
            demo_url=demo.url,
            auth_url=auth.url,
            callback_url=app_url(demo.url),
            aws_endpoint_url=endpoint,
            region=REGION,
            user_pool_id=pool.pool_id,
            client_id=pool.client_id,
            cookie_name=COOKIE_NAME,
            bucket=BUCKET,
            table=TABLE,
            course_id=SAMPLE_COURSE,
            users=[asdict(user) for user in pool.users],
            content=content,
            other_content=other_content,
            startup_seconds=round(time.monotonic() - started, 2),
            edge_config_path=str(edge_config_path),
            grant_secret_id=grant_key.secret_arn,
            token_seconds={
                "id": self.lifetimes.id_seconds,
                "access": self.lifetimes.access_seconds,
                "refresh": self.lifetimes.refresh_seconds,
            },
        )
        self._write_state(info)
        return info

    def _publish_samples(
        self, client: Any, samples: tuple[Draft, ...], enrolments: Enrolments
    ) -> list[dict[str, Any]]:
        """Publish each sample with `bin/content add`'s own code (course group included)."""
        publisher = Publisher(
            CatalogWriter(client("dynamodb"), TABLE), ContentBucket(client("s3"), BUCKET), NoCache()
        )
        published = []
        for sample in samples:
            item = publisher.add(sample).item
            enrolments.ensure_course_group(item.course_id)
            record: dict[str, Any] = {"contentId": item.content_id, "key": item.key.value}
            if sample.rendition is None:
                record["sha256"] = sample.sha256
            else:  # the entry playlist's digest, and each file's by its place in the set
                record["sha256"] = sample.rendition.entry.sha256
                record["files"] = {f.relative: f.sha256 for f in sample.rendition.files}
            published.append(record)
        return published

    def _write_edge_config(
        self,
        pool: CognitoPool,
        jwks: dict[str, Any],
        jwks_url: str,
        app_origin: str,
        cognito: Any,
        grant_key: LocalGrantKey,
    ) -> Path:
        """config.json rendered by the code the deploy-time custom resource runs, the issuer
        read from the pool as moto describes it."""
        trusted = TrustedPool(
            issuer=issuer_of(cognito.describe_user_pool(UserPoolId=pool.pool_id)["UserPool"]),
            client_ids=[pool.client_id],
            token_use=["id", "access"],
            required_groups=[pool.group],
            jwks=jwks,
            jwks_url=jwks_url,
            course_group_prefix=COURSE_GROUP_PREFIX,
        )
        config = render_edge_config(
            pools=[trusted],
            cookie_name=COOKIE_NAME,
            cors_allowed_origins=[app_origin],
            service="edge-auth-local",
            grants=grant_key.edge_grants(),
        )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self.state_dir / "edge-config.json"
        path.write_bytes(config_bytes(config))
        return path

    def _write_state(self, info: StackInfo) -> None:
        """Written last and atomically: its presence means the stack is ready."""
        target = self.state_dir / "stack.json"
        partial = target.with_suffix(".json.partial")
        partial.write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
        partial.replace(target)

    def stop(self) -> None:
        (self.state_dir / "stack.json").unlink(missing_ok=True)
        for server in self._servers:
            server.stop()
        if self._moto is not None:
            self._moto.stop()
