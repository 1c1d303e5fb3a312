"""The Content Delivery API's routes: catalog lookups answered with CloudFront URLs.

API Gateway's Cognito authorizer verifies the caller's ID token, but the routes do not rely on
it being there: a request without the authorizer's claims (a route left without the
authorizer, a test invoke) is refused with 401 before the catalog is read. Every answer
follows ``entitlements``: the all-access group reads every course, anyone else a course while
their enrolment in it is valid (read fresh on every call); a course the caller may not read is
a 403, and ``GET /courses`` lists only the courses the caller may read, page by page. A broken
catalog item is never turned into a URL: logged, counted and left out.

What the function records is readable by anyone who may read its logs or traces, so it holds
no token, no grant and no ``sub``: the log lines name the item or course and carry the API
request ID (the correlation ID); the traces record no answer (``capture_response=False``: the
answers' URLs carry grants, and a grant names its learner by ``sub``) and errors whose messages
name no caller (the X-Ray SDK records every exception's message in its subsegment).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit

from shared.catalog.model import ContentItem, validate_id
from shared.catalog.store import Catalog
from shared.enrolments.store import page_limit

from .answers import report_broken
from .entitlements import Caller, Entitlements, token_groups
from .errors import ContentNotFoundError, UnauthenticatedError
from .grants import GrantSigner, granted_url
from .observability import logger, metrics, tracer
from .settings import Settings


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


class ContentRoutes:
    """The learner-facing routes over one catalog; ``router`` holds them for the app.

    With ``signer`` (the app requires it when ``settings.grants`` is set), each answer carries
    one grant for the caller and the answer's course, in every item's URL.
    """

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        entitlements: Entitlements,
        signer: GrantSigner | None,
        clock: Callable[[], float],
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.entitlements = entitlements
        self.signer = signer
        self.clock = clock
        self.router = APIGatewayRouter()  # type: ignore[no-untyped-call]
        self.router.get("/content/<content_id>")(self.get_content)
        self.router.get("/courses/<course_id>/content")(self.list_course)
        self.router.get("/courses")(self.list_courses)

    def caller(self) -> Caller:
        """The signed-in user, from the authorizer's claims; no ``sub`` is a 401."""
        claims = self.router.current_event.request_context.authorizer.claims
        sub = claims.get("sub") if isinstance(claims, dict) else None
        if not isinstance(claims, dict) or not isinstance(sub, str) or not sub:
            raise UnauthenticatedError("the request carries no authorizer claims")
        return Caller(sub, token_groups(claims))

    def grant_for(self, who: Caller, course_id: str, now: float, until: int | None) -> str | None:
        """One grant per answer, naming the learner by ``sub`` only (see docs/grants.md), and
        ending at ``until`` if that comes before the grant lifetime does."""
        if self.signer is None:
            return None
        return self.signer.mint(who.sub, course_id, now, until)

    @tracer.capture_method(capture_response=False)
    def get_content(self, content_id: str) -> dict[str, Any]:
        who, now = self.caller(), self.clock()
        validate_id(content_id, "content ID")
        item = self.catalog.get(content_id)
        if item is None:
            raise ContentNotFoundError("content not found")
        until = self.entitlements.until(who, item.course_id, now)
        logger.info("content served", extra={"content_id": content_id})
        metrics.add_metric(name="ContentServed", unit=MetricUnit.Count, value=1)
        return describe(item, self.settings, self.grant_for(who, item.course_id, now, until))

    @tracer.capture_method(capture_response=False)
    def list_course(self, course_id: str) -> dict[str, Any]:
        who, now = self.caller(), self.clock()
        validate_id(course_id, "course ID")
        # Before the catalog says whether the course exists.
        until = self.entitlements.until(who, course_id, now)
        listing = self.catalog.list_course(course_id)
        report_broken(listing.broken)
        if not listing.items:
            raise ContentNotFoundError("course not found")
        logger.info("course listed", extra={"course_id": course_id})
        metrics.add_metric(name="CourseListed", unit=MetricUnit.Count, value=1)
        grant = self.grant_for(who, course_id, now, until)
        items = [describe(item, self.settings, grant) for item in listing.items]
        return {"courseId": course_id, "items": items}

    @tracer.capture_method(capture_response=False)
    def list_courses(self) -> dict[str, Any]:
        who, now = self.caller(), self.clock()
        query = self.router.current_event
        limit = page_limit(query.get_query_string_value("limit"))
        cursor = query.get_query_string_value("next")
        answer = self.entitlements.courses(who, limit, cursor, now)
        logger.info("courses listed", extra={"courses": len(answer["courses"])})
        return answer
