"""What can be wrong with the edge's trust settings: its configuration and its key sets.

None of these is a deny by itself; the edge turns them into one (``edge_auth.gate``), and the
deploy-time custom resource into a failed deployment with the message as its reason.
"""

from __future__ import annotations


class ConfigError(Exception):
    """The edge configuration is missing or invalid, so no token can be trusted."""


class JwksFetchError(Exception):
    """The JWKS could not be fetched or parsed. Not a deny by itself: see ``edge_auth.jwks``."""


class JwksUrlRefusedError(JwksFetchError):
    """The URL is not one a JWKS is fetched from (not https, nor http to loopback): asking
    again cannot help."""


class InvalidJwksError(Exception):
    """A JWKS document breaks a key rule (see ``keyset``). Not a deny by itself either."""
