"""The Content Delivery API's routes: catalog lookups answered with CloudFront URLs.

``build_app`` wires the routes to a catalog and settings; errors map to answers in one place,
the exception handlers at the bottom. API Gateway has already verified the caller's ID token;
the routes only log who asked (the ``sub`` claim), never the token.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.metrics import MetricUnit

from .catalog import Catalog
from .errors import ContentNotFoundError, InvalidIdError
from .model import ContentItem, validate_id
from .observability import logger, metrics, tracer
from .settings import Settings
from .urls import content_url

JSON = "application/json"


def _message(status: int, message: str) -> Response[Any]:
    return Response(status_code=status, content_type=JSON, body={"message": message})


def describe(item: ContentItem, settings: Settings) -> dict[str, Any]:
    """The JSON a frontend gets for one item: never an S3 URL, always a CloudFront one."""
    answer: dict[str, Any] = {
        "contentId": item.content_id,
        "courseId": item.course_id,
        "title": item.title,
        "type": item.type,
        "url": content_url(settings.content_base_url, item.key),
        "contentType": item.content_type,
        "position": item.position,
    }
    if item.size is not None:
        answer["size"] = item.size
    return answer


def build_app(settings: Settings, catalog: Catalog) -> APIGatewayRestResolver:
    """The API's routes over ``catalog``; every answer carries CORS for the app origin."""
    cors = CORSConfig(
        allow_origin=settings.app_origin,
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    app = APIGatewayRestResolver(cors=cors)

    def caller() -> str:
        claims = app.current_event.request_context.authorizer.claims or {}
        return str(claims.get("sub", "unknown"))

    @app.get("/content/<content_id>")
    @tracer.capture_method
    def get_content(content_id: str) -> dict[str, Any]:
        validate_id(content_id, "content ID")
        item = catalog.get(content_id)
        if item is None:
            raise ContentNotFoundError("content not found")
        logger.info("content served", extra={"sub": caller(), "content_id": content_id})
        metrics.add_metric(name="ContentServed", unit=MetricUnit.Count, value=1)
        return describe(item, settings)

    @app.get("/courses/<course_id>/content")
    @tracer.capture_method
    def list_course(course_id: str) -> dict[str, Any]:
        validate_id(course_id, "course ID")
        items = catalog.list_course(course_id)
        if not items:
            raise ContentNotFoundError("course not found")
        logger.info("course listed", extra={"sub": caller(), "course_id": course_id})
        metrics.add_metric(name="CourseListed", unit=MetricUnit.Count, value=1)
        return {"courseId": course_id, "items": [describe(item, settings) for item in items]}

    @app.exception_handler(InvalidIdError)
    def invalid_id(exc: InvalidIdError) -> Response[Any]:
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
