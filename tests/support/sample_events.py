"""The sample events in ``events/`` (written by ``make events``), read by scenario name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from testkit.events import EVENTS

Event = dict[str, Any]
#: The ``load_event`` fixture: a fresh copy of a sample event by scenario name.
LoadEvent = Callable[[str], Event]

#: The viewer-request samples the edge lets through, and those it denies with their status.
ALLOWED = ["edge_valid_token", "edge_valid_cookie", "edge_browser_request", "edge_preflight"]
DENIED = {"edge_no_token": 401, "edge_expired_token": 401, "edge_wrong_group": 403}


def sample_event(name: str) -> Event:
    """A fresh copy of the sample event ``events/<name>.json``."""
    event: Event = json.loads((EVENTS / f"{name}.json").read_text())
    return event
