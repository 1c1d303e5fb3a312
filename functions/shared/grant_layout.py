"""Content grants: the layout that the API (which signs them) and the edge (which verifies
them) must agree on, written once.

A grant is a compact RS256 JWS that says "``sub`` may read every object under ``prefix``
until ``exp``". It travels in the URL's path, before the object key::

    https://<cdn>/g/<grant>/courses/<course id>/<content id>/<token>.mp4

so that the relative URLs of a playlist inherit it. Its claims: ``iss`` (the stack's grant
issuer, never a user pool), ``token_use`` :data:`TOKEN_USE`, ``sub`` (the learner, and nothing
else about them), ``prefix`` (``courses/<course id>/`` or a narrower folder, ending in ``/``),
``iat`` and ``exp``; its header names the grant key by ``kid``.

This module is imported on the edge's cold path: no imports at all.
"""

from __future__ import annotations

#: The first path segment of a URL that carries a grant.
PATH_SEGMENT = "g"
#: ``token_use`` of a grant: Cognito's tokens say ``id`` or ``access``, so neither kind can
#: pass for the other even if the claim were the only check.
TOKEN_USE = "content-grant"  # noqa: S105 - a claim value, not a secret
#: The longest a grant may last (``exp - iat``): the API's setting is bounded by it, and the
#: edge refuses a grant that claims more.
MAX_LIFETIME_SECONDS = 24 * 3600
