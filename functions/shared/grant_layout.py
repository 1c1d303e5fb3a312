"""Content grants: the layout that the API (which signs them) and the grant check (which
verifies them) must agree on, written once.

A grant (format ``g1``, ``shared.grant_token``) says "``sub`` may read the objects of one
course until its expiry". It travels in the URL's path, before the object key::

    https://<cdn>/g/<grant>/courses/<course id>/<content id>/<token>.mp4

so that the relative URLs of a playlist inherit it. CloudFront sends every ``/g/*`` request
to the CloudFront Function ``functions/grant_check/index.js``, which checks the grant and
rewrites the URI to the object's, ``/courses/...``; the Lambda@Edge function of the default
behavior reads no grant (it only keeps one out of its log).

This module is imported on the Lambda@Edge function's cold path: no imports at all.
"""

from __future__ import annotations

#: The first path segment of a URL that carries a grant.
PATH_SEGMENT = "g"
#: The longest a grant may last (``exp - iat``): the API's setting is bounded by it, and the
#: grant check refuses a grant that claims more.
MAX_LIFETIME_SECONDS = 24 * 3600
