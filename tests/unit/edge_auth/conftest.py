"""Fixtures for the edge handler: gates with controllable clocks and JWKS answers."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest

from edge_auth.authorizer import Authorizer
from edge_auth.gate import Gate
from edge_auth.observability import Telemetry
from shared.trust.config import parse_config
from tests.support.fakes import FakeFetcher

_services = itertools.count()


GateFactory = Callable[..., Gate]


@pytest.fixture
def make_gate() -> GateFactory:
    """Build a Gate from a config dict, as ``gate.start`` would, with injectable parts.

    Each gate logs under its own service name: Powertools loggers are process-wide per
    service, and a fresh one writes to this test's captured stdout.
    """

    def make(
        config: dict[str, Any],
        *,
        clock: Callable[[], float] | None = None,
        fetcher: FakeFetcher | None = None,
        flush_interval: float = 60.0,
        monotonic: Callable[[], float] | None = None,
        refresh_clock: Callable[[], float] | None = None,
    ) -> Gate:
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

    return make
