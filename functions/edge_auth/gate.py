"""The gate: one viewer-request event in, the request (allow) or a generated 401/403 (deny) out.

``start`` builds a Gate from the configuration file once (Lambda's init phase); ``decide`` makes
each decision in one straight line: parse the event once, then one ``try`` whose named outcomes
are *preflight*, *allowed* and *denied*. Any unexpected error is a deny too, because this is an
access-control boundary.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from shared.trust.config import EdgeConfig
from shared.trust.errors import ConfigError

from . import viewer
from .authorizer import Authorizer
from .config import load_config
from .errors import DeniedError, InternalError, MalformedEventError, UnconfiguredError
from .observability import Telemetry


class Gate(NamedTuple):
    """Everything a decision needs; ``config`` and ``authorizer`` are None when config is bad."""

    config: EdgeConfig | None
    authorizer: Authorizer | None
    telemetry: Telemetry


def start(path: str) -> Gate:
    """Load the configuration once; on failure log it once and fail closed from then on.

    Nothing may escape: an exception during Lambda's init phase makes CloudFront answer 5xx.
    """
    try:
        config = load_config(path)
        authorizer = Authorizer.from_config(config)
    except Exception as exc:  # noqa: BLE001 - an init failure would make CloudFront answer 5xx
        telemetry = Telemetry()
        message = str(exc) if isinstance(exc, ConfigError) else f"{type(exc).__name__} at start-up"
        telemetry.config_error(message)
        return Gate(None, None, telemetry)
    return Gate(
        config, authorizer, Telemetry(config.service, config.metrics_namespace, config.log_level)
    )


def decide(gate: Gate, event: object) -> dict[str, Any]:
    """Turn one viewer-request event into the request (allow) or a generated response (deny).

    Should answering a deny fail in turn (logging, CORS, metrics), the answer is still a 401,
    without those extras: this function never raises.
    """
    try:
        return _decide(gate, event)
    except Exception:  # noqa: BLE001 - the last line of defence against a 5xx
        return viewer.deny(InternalError("the deny path failed"))


def _decide(gate: Gate, event: object) -> dict[str, Any]:
    config, authorizer, telemetry = gate
    request = viewer.parse(event)
    try:
        if request.problem is not None:
            raise MalformedEventError(request.problem)
        if config is None or authorizer is None:
            raise UnconfiguredError("configuration is invalid")
        if request.is_preflight:
            outcome = "Preflight"
        else:
            authorizer.authorize(viewer.bearer_token(request, config.cookie_name))
            outcome = "Allowed"
        answer = viewer.allow(request)
    except DeniedError as exc:
        telemetry.denied(exc, request.log_context())
        answer = viewer.deny(exc, _cors(config, request))
    except Exception as exc:  # noqa: BLE001 - fail closed on bugs, never a 5xx
        telemetry.unexpected(exc, request.log_context())
        answer = viewer.deny(InternalError("unexpected error"), _cors(config, request))
    else:
        telemetry.count(outcome)
    telemetry.maybe_flush()
    return answer


def _cors(config: EdgeConfig | None, request: viewer.ViewerRequest) -> viewer.Headers:
    return viewer.cors_headers(request, config.cors_allowed_origins if config else frozenset())
