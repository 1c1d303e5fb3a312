"""Edge gates built as ``gate.start`` builds them, with a clock, a JWKS source and a metrics
interval the test controls."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from edge_auth.authorizer import Authorizer
from edge_auth.gate import Gate
from edge_auth.observability import Telemetry
from shared.trust.config import parse_config
from tests.support.fakes import FakeFetcher

#: The ``make_gate`` fixture: ``gate_from_config``.
GateFactory = Callable[..., Gate]

_services = itertools.count()


def gate_from_config(
    config: dict[str, Any],
    *,
    clock: Callable[[], float] | None = None,
    fetcher: FakeFetcher | None = None,
    flush_interval: float = 60.0,
    monotonic: Callable[[], float] | None = None,
    refresh_clock: Callable[[], float] | None = None,
) -> Gate:
    """A Gate for ``config``. Each gate logs under its own service name: Powertools loggers
    are process-wide per service, and a fresh one writes to this test's captured stdout."""
    settings = parse_config({**config, "service": f"edge-auth-test-{next(_services)}"})
    authorizer = Authorizer.from_config(
        settings,
        fetcher=fetcher or FakeFetcher(),
        clock=clock or time.time,
        monotonic=refresh_clock or time.monotonic,
    )
    telemetry = Telemetry(
        settings.service,
        settings.metrics_namespace,
        settings.log_level,
        flush_interval=flush_interval,
        clock=monotonic or time.monotonic,
    )
    return Gate(settings, authorizer, telemetry)
