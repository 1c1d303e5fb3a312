"""Logs and metrics for the edge, priced for CDN traffic.

One home for the Powertools ``Logger`` and ``Metrics`` of the edge function. Two choices keep
the bill and the latency down, both measured (see README, "Benchmarks"):

* **Nothing per allowed request.** Allowed requests are counted in memory; the counts leave as a
  single CloudWatch EMF line per execution environment at most every ``flush_interval`` seconds.
  A deny is logged as one structured line with its reason code (never the token).
* **Powertools is imported on first use.** Importing it costs about twice the bare interpreter's
  start-up, and a cold start that only allows cached tokens never needs it. The first deny, the
  first metrics flush or a configuration error pays for it once per environment.

Counts of the last interval of an environment that CloudFront recycles are lost; deny log lines
are not, so an investigation never depends on the counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import DeniedError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from aws_lambda_powertools import Logger, Metrics

#: Seconds between two EMF lines of one execution environment.
FLUSH_INTERVAL_SECONDS = 60.0


class Telemetry:
    """Counts outcomes, logs denies, flushes metrics; Powertools objects built lazily."""

    def __init__(
        self,
        service: str = "edge-auth",
        namespace: str = "PrivateContent",
        log_level: str = "INFO",
        *,
        flush_interval: float = FLUSH_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service = service
        self._namespace = namespace
        self._log_level = log_level
        self._flush_interval = flush_interval
        self._clock = clock
        self._last_flush = clock()
        self._counts: dict[str, int] = {}
        self._logger: Logger | None = None
        self._metrics: Metrics | None = None

    @property
    def logger(self) -> Logger:
        if self._logger is None:
            from aws_lambda_powertools import Logger

            self._logger = Logger(service=self._service, level=self._log_level)
        return self._logger

    @property
    def metrics(self) -> Metrics:
        if self._metrics is None:
            from aws_lambda_powertools import Metrics

            self._metrics = Metrics(namespace=self._namespace, service=self._service)
        return self._metrics

    def count(self, outcome: str) -> None:
        self._counts[outcome] = self._counts.get(outcome, 0) + 1

    def maybe_flush(self) -> None:
        """Emit the counts as one EMF line if ``flush_interval`` has passed since the last."""
        if self._counts and self._clock() - self._last_flush >= self._flush_interval:
            self.flush()

    def flush(self) -> None:
        """Emit every pending count now, as one EMF line."""
        self._last_flush = self._clock()
        if not self._counts:
            return
        metrics = self.metrics
        for name, value in self._counts.items():
            metrics.add_metric(name=name, unit="Count", value=value)
        self._counts.clear()
        metrics.flush_metrics()

    def _count_denied(self, reason: str) -> None:
        self.count("Denied")
        self.count(f"Denied.{reason}")

    def denied(self, error: DeniedError, context: dict[str, Any]) -> None:
        """Count a deny and log it with its reason code, its operator detail if any, and the
        request's identifiers."""
        self._count_denied(error.reason)
        extra = {"reason": error.reason, "status": error.status, **context}
        if error.detail:
            extra["detail"] = error.detail
        self.logger.info("request denied", extra=extra)

    def unexpected(self, exc: BaseException, context: dict[str, Any]) -> None:
        """Count and log a bug as an ``internal_error`` deny, without the exception's message:
        messages can quote the viewer's input, and this log must never hold a token."""
        import traceback  # only bugs need it

        self._count_denied("internal_error")
        frames = [
            f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)
        ]
        self.logger.error(
            "unexpected error, request denied",
            extra={"error_type": type(exc).__name__, "frames": frames, **context},
        )

    def config_error(self, message: str) -> None:
        """Logged once at start-up; every request is then denied with reason ``config_error``."""
        self.logger.error(
            "edge configuration is invalid, denying every request", extra={"detail": message}
        )
