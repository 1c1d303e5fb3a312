"""The Enrolment API: its routes (``routes``) and error answers (``answers``) in one Powertools
resolver. A backend calls it, never a browser: no CORS."""

from __future__ import annotations

import time
from collections.abc import Callable

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from shared.enrolments.store import EnrolmentStore
from shared.key_value_store import KeyValueStore

from .answers import error_answers
from .routes import Courses, EnrolmentRoutes


def build_app(
    store: EnrolmentStore,
    courses: Courses,
    grants: KeyValueStore,
    clock: Callable[[], float] = time.time,
) -> APIGatewayRestResolver:
    """The routes over ``store``; ``courses`` says which courses exist (the catalog);
    ``grants`` is the grant store, where unenrolments revoke the learner's grants."""
    app = APIGatewayRestResolver()
    app.include_router(EnrolmentRoutes(store, courses, grants, clock).router)
    app.include_router(error_answers())
    return app
