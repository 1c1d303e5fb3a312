"""Patterns that several places check the same kind of value with, each written once.

template.yaml's parameters check some of the same values before a deploy starts;
tests/unit/template/test_parameter_patterns.py holds its AllowedPatterns to these.
"""

from __future__ import annotations

import re

#: A web origin, scheme://host[:port] with no path: CORS and the sign-in callbacks.
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
#: A plain name (a grant issuer, a Powertools service or metrics namespace): no spaces, no
#: characters a log line or an ARN would have to escape.
NAME = re.compile(r"[A-Za-z0-9_.:/-]{1,255}")
#: A CloudFront KeyValueStore's ARN (the grant store's): the only ARN a grant writer is given.
KEY_VALUE_STORE_ARN = re.compile(
    r"arn:aws[a-z-]*:cloudfront::[0-9]{12}:key-value-store/[A-Za-z0-9_-]{1,128}"
)
#: RFC 6265 cookie-name is an RFC 7230 token.
COOKIE_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")
#: Cognito's issuer host for each ``IssuerConfiguration.Type`` (absent means ORIGINAL).
ISSUER_HOSTS = {"ORIGINAL": "cognito-idp", "UPDATED": "issuer-cognito-idp"}
#: A user pool's issuer in either of Cognito's formats; a pool ID starts with its (primary)
#: region, and the issuer must agree.
ISSUER = re.compile(
    r"https://(?:issuer-)?cognito-idp\.(?P<region>[a-z]{2,4}(?:-[a-z]+)+-[0-9])\.amazonaws\.com/"
    r"(?P<pool_id>(?P=region)_[A-Za-z0-9]+)"
)
