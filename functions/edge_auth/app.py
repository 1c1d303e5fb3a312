"""Lambda@Edge viewer-request handler: only signed-in Cognito users reach the private content.

CloudFront calls ``handler`` before it serves a single byte. Configuration is read once, when
Lambda loads this module (``config.json`` beside the code, or ``$EDGE_AUTH_CONFIG``); the
decision itself lives in ``gate.py``.
"""

from __future__ import annotations

from typing import Any

from .config import config_path
from .gate import decide, start

_GATE = start(config_path())


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Lambda@Edge entry point."""
    return decide(_GATE, event)
