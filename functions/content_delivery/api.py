"""The Content Delivery API: its routes (``routes``) and error answers (``answers``) in one
Powertools resolver, with CORS for the app origins on every answer, preflights included."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from shared.catalog.store import Catalog
from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore

from .answers import VARY, error_answers
from .entitlements import Entitlements
from .errors import SettingsError
from .grants import GrantSigner
from .routes import ContentRoutes
from .settings import Settings


def _vary_on_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Routes' and preflights' answers; the exception handlers' come from ``answers.message``."""
    response = next_middleware(app)
    response.headers.update(VARY)
    return response


def build_app(
    settings: Settings,
    catalog: Catalog,
    enrolments: EnrolmentStore,
    signer: GrantSigner | None = None,
    clock: Callable[[], float] = time.time,
    *,
    grant_store: KeyValueStore | None = None,
) -> APIGatewayRestResolver:
    """The API over ``catalog`` and ``enrolments``; with ``signer`` and ``grant_store`` (both
    required when ``settings.grants`` is set), each answer carries one grant for the caller and
    the answer's course, and ``POST /me/revoke`` revokes the caller's grants in that store."""
    grants = settings.grants is not None
    if (signer is not None) != grants or (grant_store is not None) != grants:
        raise SettingsError("grants are on exactly when a grant signer and store are given")
    first, *others = settings.app_origins
    cors = CORSConfig(
        allow_origin=first,
        extra_origins=others,
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    app = APIGatewayRestResolver(cors=cors)
    app.use(middlewares=[_vary_on_origin])
    entitlements = Entitlements(settings.access, enrolments, catalog)
    routes = ContentRoutes(settings, catalog, entitlements, signer, clock, grant_store)
    app.include_router(routes.router)
    app.include_router(error_answers())
    return app
