"""A local stand-in for Cognito managed login (moto has no OAuth endpoints).

Laid out like a Cognito domain: ``/oauth2/authorize`` (the sign-in page), ``/oauth2/token``,
``/oauth2/revoke`` and ``/logout``, plus ``/.well-known/jwks.json`` (the pool's keys as the
local stack publishes them: moto's and this stand-in's). Users, passwords, groups and the app
client's registered URLs come from moto at every request, so changes there apply at once, as
in Cognito. It enforces what Cognito enforces: PKCE with S256 only, single-use five-minute
codes, exact redirect and sign-out URIs, ``state`` passed through, refresh-token rotation with
no grace period and reuse refused, and revocation. A development tool: never deployed.
"""
