"""The Content Delivery function's Powertools logger, tracer and metrics (one of each).

The function runs with X-Ray tracing active, and the tracer records every traced function's
return value unless told not to: each of its ``capture_*`` decorators (``app``, ``api``) says
``capture_response=False`` (see ``api``'s docstring for what the records may hold).
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
# POWERTOOLS_METRICS_NAMESPACE comes from template.yaml; without one, Powertools would fail
# every request when it flushes, so a missing variable falls back instead.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "PrivateContent")
