"""Fetch a JSON Web Key Set over HTTPS.

Imported only when a JWKS refresh actually happens (an unknown ``kid`` after key rotation), so
``urllib.request`` and ``ssl`` never weigh on a cold start that does not need them. The
deploy-time custom resource and the local tools use the same function.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .errors import JwksFetchError

#: A Cognito JWKS is well under 2 KB; anything much larger is not one.
MAX_JWKS_BYTES = 65_536


def fetch_jwks(url: str, timeout: float) -> dict[str, Any]:
    """GET ``url`` and return the decoded JSON object, or raise ``JwksFetchError``."""
    if not url.startswith(("https://", "http://")):
        raise JwksFetchError(f"refusing to fetch JWKS from a non-HTTP URL: {url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_JWKS_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise JwksFetchError(f"cannot fetch JWKS from {url}: {exc}") from exc
    if len(body) > MAX_JWKS_BYTES:
        raise JwksFetchError(f"JWKS at {url} is larger than {MAX_JWKS_BYTES} bytes")
    try:
        jwks = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise JwksFetchError(f"JWKS at {url} is not JSON") from exc
    if not isinstance(jwks, dict):
        raise JwksFetchError(f"JWKS at {url} is not a JSON object")
    return jwks
