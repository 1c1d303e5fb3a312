"""The Content Delivery API's routes: catalog lookups answered with CloudFront URLs.

``build_app`` wires the routes to a catalog and settings; errors map to answers in one place,
the exception handlers at the bottom. API Gateway's Cognito authorizer verifies the caller's
ID token, but the function does not rely on it being there: a request without the
authorizer's claims (a route left without the authorizer, a test invoke) is refused with 401
before the catalog is read. Every answer follows the access rule the edge applies
(``shared.access``, from the token's ``cognito:groups``): a course the caller may not read
is a 403, and ``GET /courses`` lists only the courses the caller may read. A broken catalog
item is never turned into a URL: logged, counted and left out.

What the function records is readable by anyone who may read its logs or traces, so it holds
no token, no grant and no ``sub``: the log lines name the item or course and carry the API
request ID (the correlation ID); the traces record no answer (``capture_response=False``: the
answers' URLs carry grants, and a grant names its learner by ``sub``) and errors whose messages
name no caller (the X-Ray SDK records every exception's message in its subsegment).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.metrics import MetricUnit

from shared.catalog.errors import CatalogItemError, InvalidValueError
from shared.catalog.model import ContentItem, validate_id
from shared.catalog.store import Catalog

from .errors import ContentNotFoundError, ForbiddenError, SettingsError, UnauthenticatedError
from .grants import GrantSigner, course_prefix, granted_url
from .observability import logger, metrics, tracer
from .settings import Settings

JSON = "application/json"

#: Every answer's CORS headers depend on the request's Origin: a cache (the browser's) must not
#: reuse one origin's answer for another.
VARY = {"Vary": "Origin"}


def _message(status: int, message: str) -> Response[Any]:
    return Response(status_code=status, content_type=JSON, body={"message": message}, headers=VARY)


def _vary_on_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Routes' and preflights' answers; the exception handlers' come from ``_message``."""
    response = next_middleware(app)
    response.headers.update(VARY)
    return response


class Caller(NamedTuple):
    """Who asked: the ``sub`` claim and the groups of the token."""

    sub: str
    groups: frozenset[str]


def token_groups(claims: dict[str, Any]) -> frozenset[str]:
    """``cognito:groups`` as API Gateway's Cognito authorizer passes it: one string, the
    token's groups joined with commas. Anything else is no groups."""
    value = claims.get("cognito:groups")
    if not isinstance(value, str):
        return frozenset()
    return frozenset(group for group in value.split(",") if group)


def describe(item: ContentItem, settings: Settings, grant: str | None) -> dict[str, Any]:
    """The JSON a frontend gets for one item: never an S3 URL, always a CloudFront one, with
    the answer's grant in its path when grants are on."""
    base = settings.content_base_url
    answer: dict[str, Any] = {
        "contentId": item.content_id,
        "courseId": item.course_id,
        "title": item.title,
        "type": item.type,
        "url": item.key.url(base) if grant is None else granted_url(base, grant, item.key),
        "contentType": item.content_type,
        "position": item.position,
    }
    if item.size is not None:
        answer["size"] = item.size
    return answer


def build_app(
    settings: Settings,
    catalog: Catalog,
    signer: GrantSigner | None = None,
    clock: Callable[[], float] = time.time,
) -> APIGatewayRestResolver:
    """The API's routes over ``catalog``; every answer, CORS preflights included, carries
    CORS headers when the request's Origin is one of the app origins.

    With ``signer`` (required when ``settings.grants`` is set), each answer carries one grant
    for the caller and the answer's course, in every item's URL.
    """
    if (signer is None) != (settings.grants is None):
        raise SettingsError("grants are on exactly when a grant signer is given")
    first, *others = settings.app_origins
    cors = CORSConfig(
        allow_origin=first,
        extra_origins=others,
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    app = APIGatewayRestResolver(cors=cors)
    app.use(middlewares=[_vary_on_origin])

    def caller() -> Caller:
        """The signed-in user, from the authorizer's claims; no ``sub`` is a 401."""
        claims = app.current_event.request_context.authorizer.claims
        sub = claims.get("sub") if isinstance(claims, dict) else None
        if not isinstance(claims, dict) or not isinstance(sub, str) or not sub:
            raise UnauthenticatedError("the request carries no authorizer claims")
        return Caller(sub, token_groups(claims))

    def require_access(who: Caller, course_id: str) -> None:
        if not settings.access.allows(who.groups, course_id):
            raise ForbiddenError(f"the caller's groups do not grant course {course_id}")

    def grant_for(who: Caller, course_id: str) -> str | None:
        """One grant per answer, naming the learner by ``sub`` only (see the README)."""
        return None if signer is None else signer.mint(who.sub, course_prefix(course_id), clock())

    def report_broken(broken: list[CatalogItemError]) -> None:
        for exc in broken:
            logger.error("broken catalog item left out", extra={"detail": str(exc)})
        if broken:
            metrics.add_metric(name="BrokenCatalogItem", unit=MetricUnit.Count, value=len(broken))

    @app.get("/content/<content_id>")
    @tracer.capture_method(capture_response=False)
    def get_content(content_id: str) -> dict[str, Any]:
        who = caller()
        validate_id(content_id, "content ID")
        item = catalog.get(content_id)
        if item is None:
            raise ContentNotFoundError("content not found")
        require_access(who, item.course_id)
        logger.info("content served", extra={"content_id": content_id})
        metrics.add_metric(name="ContentServed", unit=MetricUnit.Count, value=1)
        return describe(item, settings, grant_for(who, item.course_id))

    @app.get("/courses/<course_id>/content")
    @tracer.capture_method(capture_response=False)
    def list_course(course_id: str) -> dict[str, Any]:
        who = caller()
        validate_id(course_id, "course ID")
        require_access(who, course_id)  # before the catalog says whether the course exists
        listing = catalog.list_course(course_id)
        report_broken(listing.broken)
        if not listing.items:
            raise ContentNotFoundError("course not found")
        logger.info("course listed", extra={"course_id": course_id})
        metrics.add_metric(name="CourseListed", unit=MetricUnit.Count, value=1)
        grant = grant_for(who, course_id)
        items = [describe(item, settings, grant) for item in listing.items]
        return {"courseId": course_id, "items": items}

    @app.get("/courses")
    @tracer.capture_method(capture_response=False)
    def list_courses() -> dict[str, Any]:
        who = caller()
        readable = settings.access.readable_courses(who.groups, catalog.course_ids())
        courses = catalog.list_courses(readable)
        logger.info("courses listed", extra={"courses": len(courses)})
        return {"courses": [{"courseId": c.course_id, "items": c.items} for c in courses]}

    @app.exception_handler(UnauthenticatedError)
    def unauthenticated(exc: UnauthenticatedError) -> Response[Any]:
        logger.warning("request refused", extra={"detail": str(exc)})
        metrics.add_metric(name="Unauthenticated", unit=MetricUnit.Count, value=1)
        return _message(401, "Unauthorized")

    @app.exception_handler(ForbiddenError)
    def forbidden(exc: ForbiddenError) -> Response[Any]:
        logger.warning("request refused", extra={"detail": str(exc)})
        metrics.add_metric(name="Forbidden", unit=MetricUnit.Count, value=1)
        return _message(403, "Forbidden")

    @app.exception_handler(CatalogItemError)
    def broken_item(exc: CatalogItemError) -> Response[Any]:
        report_broken([exc])
        return _message(404, "content not found")

    @app.exception_handler(InvalidValueError)
    def invalid_id(exc: InvalidValueError) -> Response[Any]:
        metrics.add_metric(name="InvalidId", unit=MetricUnit.Count, value=1)
        return _message(400, str(exc))

    @app.exception_handler(ContentNotFoundError)
    def not_found(exc: ContentNotFoundError) -> Response[Any]:
        metrics.add_metric(name="ContentNotFound", unit=MetricUnit.Count, value=1)
        return _message(404, str(exc))

    @app.not_found
    def no_route(exc: Exception) -> Response[Any]:
        return _message(404, "not found")

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response[Any]:
        logger.exception("unexpected error")
        return _message(500, "internal error")

    return app
