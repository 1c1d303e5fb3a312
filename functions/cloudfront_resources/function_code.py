"""The CloudFront Function's code: ``functions/grant_check/index.js``, its one home.

CloudFront runs that file byte for byte as written (no build step). ``functions/Makefile``
copies it into this function's package at the same place relative to this package
(``grant_check/index.js`` beside ``cloudfront_resources/``), so the source tree and the package
read it from the same path.

The template passes the file's SHA-256 as ``CodeSha256``. A changed file is then a changed
property, so CloudFormation sends the Update that publishes it (a unit test holds the template's
hash to the file's). And the hash is checked here before anything is written: a package whose
file is not the one the template names (a template and an artifact from different builds)
fails the deploy rather than publishing code nobody reviewed under that template.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from shared.custom_resource.protocol import CustomResourceError

#: Where the package (and the source tree) holds the code.
PACKAGED = Path(__file__).resolve().parent.parent / "grant_check" / "index.js"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def checked(code_sha256: str) -> bytes:
    """The packaged code, if its SHA-256 (lower-case hex) is ``code_sha256``."""
    if not _SHA256.fullmatch(code_sha256):
        raise CustomResourceError("CodeSha256 must be a SHA-256 in 64 lower-case hex digits")
    try:
        code = PACKAGED.read_bytes()
    except OSError as exc:
        raise CustomResourceError(f"the package holds no grant_check/index.js ({exc})") from exc
    actual = hashlib.sha256(code).hexdigest()
    if actual != code_sha256:
        raise CustomResourceError(
            f"refused: the packaged grant_check/index.js has SHA-256 {actual}, the template's "
            f"CodeSha256 is {code_sha256}; deploy a template and a package of the same build"
        )
    return code
