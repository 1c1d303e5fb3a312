"""The Content Delivery function's Powertools logger, tracer and metrics (one of each)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

#: The same CloudWatch namespace as the edge function's metrics.
METRICS_NAMESPACE = "PrivateContent"

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)
