"""Viewer requests as the edge tests vary them, and the status of what the edge answered."""

from __future__ import annotations

import copy
from typing import Any

from tests.support.sample_events import Event, LoadEvent


def with_header(event: Event, name: str, value: str) -> Event:
    """A copy of ``event`` whose request carries ``name: value`` (replacing any such header)."""
    event = copy.deepcopy(event)
    event["Records"][0]["cf"]["request"]["headers"][name.lower()] = [{"key": name, "value": value}]
    return event


def token_event(load_event: LoadEvent, token: str, scheme: str = "Bearer") -> Event:
    """The token-less sample request, sending ``token`` in its Authorization header."""
    return with_header(load_event("edge_no_token"), "Authorization", f"{scheme} {token}")


def status(answer: dict[str, Any]) -> int | None:
    """The generated status, or None when the answer is the (allowed) request."""
    return int(answer["status"]) if "status" in answer else None
