"""The whole product on one machine: moto standing in for S3, Cognito and DynamoDB, the stack's
resources created in it as template.yaml defines them, and local CloudFront, API and demo page.

``LocalStack.start()`` returns when everything answers and ``.local/stack.json`` describes it.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from moto.server import ThreadedMotoServer

from content_delivery.api import build_app
from content_delivery.grants import grant_signer
from content_delivery.settings import GrantSettings, Settings
from edge_auth import gate as edge
from edge_config.render import TrustedPool, config_bytes, issuer_of, pool_jwks, render_edge_config
from enrolment_api.api import build_app as build_enrolment_app
from shared.access import AccessRule
from shared.catalog.store import CatalogStore
from shared.enrolments.model import Enrolment
from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore
from tools.demo_site import DemoSite
from tools.enrolment import Enrolling, LearnerDirectory
from tools.http import BackgroundServer
from tools.publishing.bucket import ContentBucket
from tools.publishing.draft import Draft
from tools.publishing.invalidation import NoCache
from tools.publishing.publisher import Publisher
from tools.publishing.writes import CatalogWriter
from tools.stack import use_fake_credentials

from .api import GatewayResponseHeaders, LocalApi
from .authorizer import CognitoAuthorizer
from .cloudfront import LocalCloudFront, ResponseHeadersPolicy, S3Origin, ViewerFunction
from .cloudfront_function import FunctionRuntime
from .cognito import CognitoPool, create_cognito_pool
from .grant_key import GRANT_LIFETIME_SECONDS, GRANT_STORE_NAME, create_grant_key
from .keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from .managed_login.directory import Directory
from .managed_login.server import ManagedLogin
from .managed_login.tokens import LoginSigningKey, TokenLifetimes, TokenMinter
from .resources import create_catalog_table, create_content_bucket, create_enrolment_table
from .samples import COURSES, OTHER_COURSE, OTHER_SAMPLES, SAMPLE_COURSE, SAMPLES
from .sigv4 import Principal, SigV4Verifier
from .template import resource_properties, source_template

REGION = "us-east-1"
#: The template's default token cookie (parameter TokenCookieName).
COOKIE_NAME: str = source_template()["Parameters"]["TokenCookieName"]["Default"]
BUCKET = "private-content-local"
TABLE = "private-content-local-catalog"
ENROLMENT_TABLE = "private-content-local-enrolments"
#: Who the admin credentials are (the local API's IAM caller, recorded as ``changedBy``).
ADMIN_ARN = "arn:aws:iam::123456789012:user/local-admin"


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
    #: Enrolments and course records; users' ``courses`` are their enrolments.
    enrolment_table: str = ENROLMENT_TABLE
    #: Throw-away credentials (``access_key_id``, ``secret_access_key``) that the local API
    #: accepts on the enrolment routes, made at each start.
    admin_credentials: dict[str, str] = field(default_factory=dict)
    #: A second course (``other_content`` its items), for the 403 a learner of the first gets.
    other_course_id: str = OTHER_COURSE
    other_content: list[dict[str, Any]] = field(default_factory=list)
    startup_seconds: float = 0.0
    edge_config_path: str = ""
    #: The secret holding the current grant key (generated at start), for tests that mint
    #: grants the API would not (expired ones) and for `bin/content --local grant-key`.
    grant_secret_id: str = ""
    #: The grant KeyValueStore and the local stand-in serving it (``local.keyvaluestore``),
    #: for `bin/content --local` (grant-key, and the revocations of unenroll, import, revoke)
    #: and tests.
    grant_store_arn: str = ""
    keyvaluestore_url: str = ""
    #: Lifetimes of the stand-in's tokens: ``id``, ``access`` and ``refresh``, in seconds.
    token_seconds: dict[str, int] = field(default_factory=dict)


class Servers(NamedTuple):
    """The four loopback endpoints, bound before anything else exists."""

    cloudfront: BackgroundServer
    api: BackgroundServer
    demo: BackgroundServer
    auth: BackgroundServer


@dataclass(frozen=True)
class LocalAws:
    """moto's endpoint, and clients of it (fake credentials, the stack's region)."""

    endpoint: str
    session: boto3.Session = field(default_factory=lambda: boto3.Session(region_name=REGION))

    def client(self, name: str) -> Any:
        return self.session.client(name, endpoint_url=self.endpoint)  # type: ignore[call-overload]


def new_admin() -> Principal:
    """Throw-away admin credentials for this run only, shaped like an IAM user's."""
    alphabet = string.ascii_uppercase + string.digits
    key_id = "AKIA" + "".join(secrets.choice(alphabet) for _ in range(16))
    return Principal(key_id, secrets.token_urlsafe(30), ADMIN_ARN)


class LocalStack:
    def __init__(
        self, ports: Ports, state_dir: Path, lifetimes: TokenLifetimes | None = None
    ) -> None:
        self.ports = ports
        self.state_dir = state_dir
        self.lifetimes = lifetimes or TokenLifetimes.from_template()
        self._moto: ThreadedMotoServer | None = None
        self._servers: list[BackgroundServer] = []
        self._stores: LocalKeyValueStores | None = None
        self._function: FunctionRuntime | None = None

    def start(self, started: float | None = None) -> StackInfo:
        """Start everything; ``started`` (a ``time.monotonic()`` reading) times the start-up."""
        started = time.monotonic() if started is None else started
        aws = self._start_moto()
        # Bind the four endpoints first: their URLs are part of the configuration.
        servers = self._bind_servers()
        pool = create_cognito_pool(
            aws.client("cognito-idp"), aws.endpoint, app_origins=[servers.demo.url]
        )
        # The pool's keys: moto's (its own tokens) and the managed-login stand-in's, made now.
        login_key = LoginSigningKey()
        jwks = pool_jwks(pool.issuer, pool.jwks_url)
        jwks = {"keys": [*jwks["keys"], login_key.public_jwk]}
        published = self._create_data(aws, pool, servers.demo.url)
        grant_store = self._start_grant_store()
        grants = GrantSettings(
            create_grant_key(aws.client("secretsmanager"), self._grant_writer(grant_store)),
            GRANT_LIFETIME_SECONDS,
            grant_store.arn,
        )
        edge_config_path = self._write_edge_config(
            pool,
            jwks,
            f"{servers.auth.url}/.well-known/jwks.json",  # serves that set, for the edge's refresh
            servers.demo.url,
            aws.client("cognito-idp"),
        )
        self._serve_cloudfront(servers, aws, edge_config_path, grant_store)
        admin = new_admin()
        self._serve_api(servers, aws, pool, jwks, grants, admin, self._grant_writer(grant_store))
        self._serve_login(servers, aws, pool, login_key, jwks)
        self._serve_demo(servers, pool)
        info = self._stack_info(servers, aws, pool, grants, edge_config_path, published)
        info.admin_credentials = {
            "access_key_id": admin.access_key_id,
            "secret_access_key": admin.secret_access_key,
        }
        info.startup_seconds = round(time.monotonic() - started, 2)
        self._write_state(info)
        return info

    def _start_moto(self) -> LocalAws:
        """moto in server mode on loopback, reached with fake credentials only."""
        use_fake_credentials(REGION)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
        self._moto = ThreadedMotoServer(
            ip_address=self.ports.host, port=self.ports.moto, verbose=False
        )
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        return LocalAws(f"http://{moto_host}:{moto_port}")

    def _create_data(
        self, aws: LocalAws, pool: CognitoPool, app_origin: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The catalog, content bucket and enrolment table: both sample courses created and
        published, and the demo learners enrolled, all through `bin/content`'s own code (the
        learners by email, looked up as `enroll` does)."""
        create_catalog_table(aws.client("dynamodb"), TABLE)
        create_content_bucket(aws.client("s3"), BUCKET, app_origin=app_origin)
        create_enrolment_table(aws.client("dynamodb"), ENROLMENT_TABLE)
        enrolling = Enrolling(
            EnrolmentStore(aws.client("dynamodb"), ENROLMENT_TABLE),
            CatalogWriter(aws.client("dynamodb"), TABLE),
            LearnerDirectory(aws.client("cognito-idp"), pool.pool_id),
            identity=lambda: "make local",
        )
        for course in COURSES:
            enrolling.catalog.put_course(course)
        courses = enrolling.catalog.course_ids()
        for user in pool.users:
            for course_id in user.courses:
                learner = enrolling.learner(user.username)
                enrolment = Enrolment(learner, course_id, change=enrolling.change())
                enrolling.store.put(enrolment, courses)
        return (
            self._publish_samples(aws.client, SAMPLES),
            self._publish_samples(aws.client, OTHER_SAMPLES),
        )

    def _start_grant_store(self) -> KeyValueStoreData:
        """The KeyValueStore stand-in, holding the grant store (empty until the first key)."""
        self._stores = LocalKeyValueStores(self.ports.host)
        return self._stores.create(GRANT_STORE_NAME)

    def _grant_writer(self, store: KeyValueStoreData) -> KeyValueStore:
        """``store`` written as the functions write it: boto3's client, SigV4A-signed."""
        assert self._stores is not None  # noqa: S101 - started first
        return KeyValueStore(self._stores.client(), store.arn)

    def _serve_cloudfront(
        self, servers: Servers, aws: LocalAws, edge_config_path: Path, store: KeyValueStoreData
    ) -> None:
        self._function = FunctionRuntime()  # functions/grant_check/index.js, in Node
        servers.cloudfront.serve(
            LocalCloudFront(
                edge.start(str(edge_config_path)),  # what Lambda@Edge does at init
                S3Origin(aws.client("s3"), BUCKET),
                ResponseHeadersPolicy.from_template([servers.demo.url]),
                ViewerFunction(self._function, store.entries),
            )
        )

    def _serve_api(
        self,
        servers: Servers,
        aws: LocalAws,
        pool: CognitoPool,
        jwks: dict[str, Any],
        grants: GrantSettings,
        admin: Principal,
        grant_store: KeyValueStore,
    ) -> None:
        """The Content Delivery and Enrolment functions' routes, configured as template.yaml
        configures them, behind API Gateway's two kinds of authorization; both revoke grants
        in ``grant_store``."""
        settings = Settings(
            catalog_table=TABLE,
            content_base_url=servers.cloudfront.url,
            app_origins=(servers.demo.url,),
            access=AccessRule.create([pool.group]),
            enrolment_table=ENROLMENT_TABLE,
            grants=grants,
        )
        signer = grant_signer(
            settings.grants, SecretsProvider(boto3_client=aws.client("secretsmanager"))
        )
        enrolments = EnrolmentStore(aws.client("dynamodb"), ENROLMENT_TABLE)
        catalog = CatalogStore(aws.client("dynamodb"), TABLE)
        servers.api.serve(
            LocalApi(
                {
                    "ContentDeliveryFunction": build_app(
                        settings, catalog, enrolments, signer, grant_store=grant_store
                    ),
                    "EnrolmentFunction": build_enrolment_app(enrolments, catalog, grant_store),
                },
                CognitoAuthorizer(pool.issuer, jwks),
                SigV4Verifier(REGION, {admin.access_key_id: admin}),
                GatewayResponseHeaders.from_template(),
            )
        )

    def _serve_demo(self, servers: Servers, pool: CognitoPool) -> None:
        scope = resource_properties("UserPoolClient")["AllowedOAuthScopes"]
        servers.demo.serve(
            DemoSite(
                {
                    "apiUrl": servers.api.url,
                    "authUrl": servers.auth.url,
                    "clientId": pool.client_id,
                    "contentUrl": servers.cloudfront.url,
                    "scope": " ".join(scope),
                }
            )
        )

    def _bind_servers(self) -> Servers:
        ports = self.ports
        servers = Servers(
            *(
                BackgroundServer(ports.host, port)
                for port in (ports.cloudfront, ports.api, ports.demo, ports.auth)
            )
        )
        self._servers = list(servers)
        return servers

    def _serve_login(
        self,
        servers: Servers,
        aws: LocalAws,
        pool: CognitoPool,
        login_key: LoginSigningKey,
        jwks: dict[str, Any],
    ) -> None:
        """The managed-login stand-in, signing with its own key of the pool's key set."""
        servers.auth.serve(
            ManagedLogin(
                Directory(aws.client("cognito-idp"), pool.pool_id),
                TokenMinter(pool.issuer, login_key, self.lifetimes),
                jwks,
            )
        )

    def _stack_info(
        self,
        servers: Servers,
        aws: LocalAws,
        pool: CognitoPool,
        grants: GrantSettings,
        edge_config_path: Path,
        published: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    ) -> StackInfo:
        """What stack.json says; ``published``: the two sample courses' items."""
        return StackInfo(
            cloudfront_url=servers.cloudfront.url,
            api_url=servers.api.url,
            demo_url=servers.demo.url,
            auth_url=servers.auth.url,
            callback_url=app_url(servers.demo.url),
            aws_endpoint_url=aws.endpoint,
            region=REGION,
            user_pool_id=pool.pool_id,
            client_id=pool.client_id,
            cookie_name=COOKIE_NAME,
            bucket=BUCKET,
            table=TABLE,
            course_id=SAMPLE_COURSE,
            users=[asdict(user) for user in pool.users],
            content=published[0],
            other_content=published[1],
            edge_config_path=str(edge_config_path),
            grant_secret_id=grants.secret_id,
            grant_store_arn=grants.store_arn,
            keyvaluestore_url=self._stores.url if self._stores is not None else "",
            token_seconds={
                "id": self.lifetimes.id_seconds,
                "access": self.lifetimes.access_seconds,
                "refresh": self.lifetimes.refresh_seconds,
            },
        )

    def _publish_samples(
        self, client: Callable[[str], Any], samples: tuple[Draft, ...]
    ) -> list[dict[str, Any]]:
        """Publish each sample with `bin/content add`'s own code."""
        publisher = Publisher(
            CatalogWriter(client("dynamodb"), TABLE), ContentBucket(client("s3"), BUCKET), NoCache()
        )
        published = []
        for sample in samples:
            item = publisher.add(sample).item
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
        )
        config = render_edge_config(
            pools=[trusted],
            cookie_name=COOKIE_NAME,
            cors_allowed_origins=[app_origin],
            service="edge-auth-local",
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
        if self._function is not None:
            self._function.close()
        if self._stores is not None:
            self._stores.stop()
        if self._moto is not None:
            self._moto.stop()
