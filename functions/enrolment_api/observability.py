"""The Enrolment API function's Powertools logger, tracer and metrics (one of each)."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
# POWERTOOLS_METRICS_NAMESPACE comes from template.yaml; without one, Powertools would fail
# every request when it flushes, so a missing variable falls back instead.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "PrivateContent")
