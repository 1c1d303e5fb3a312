"""Publish a numbered version of the edge function whose package carries its config.json.

Input is the version SAM published (``AutoPublishAlias``); that version's code has no
``config.json``. Its code is downloaded, the config is added, ``$LATEST`` is updated with the
result and a new version is published from exactly that code (``CodeSha256`` pins it), which
is what the CloudFront distribution's viewer-request trigger then references. A new version
starts ``Pending`` and CloudFront refuses to associate it until it is ``Active``, so the ARN
is returned only once Lambda reports it ``Active``.
"""

from __future__ import annotations

import base64
import hashlib
import math
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import WaiterError

from shared.custom_resource.protocol import LAMBDA_MAX_TIMEOUT_SECONDS, CustomResourceError

from .package import with_config

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_lambda import LambdaClient

#: The edge package is under 1 MB; anything far larger is not it.
MAX_CODE_BYTES = 10 * 1_048_576

#: Seconds between GetFunctionConfiguration polls while a new version is Pending (the
#: ``published_version_active`` waiter's own default).
ACTIVE_POLL_SECONDS = 5.0
#: Seconds of the deadline not spent sleeping between polls: the polls' own round trips.
WAIT_SPARE_SECONDS = 1.0

CodeFetcher = Callable[[str], bytes]


def fetch_code(location: str, timeout: float = 30.0) -> bytes:
    """Download a function's code from the pre-signed URL ``GetFunction`` returns."""
    if not location.startswith("https://"):
        raise CustomResourceError("the function's code location is not an https URL")
    try:
        with urllib.request.urlopen(location, timeout=timeout) as response:  # noqa: S310
            code: bytes = response.read(MAX_CODE_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise CustomResourceError(f"cannot download the edge function's code: {exc}") from exc
    if len(code) > MAX_CODE_BYTES:
        raise CustomResourceError("the edge function's code is larger than 10 MB")
    return code


def code_sha256(package: bytes) -> str:
    """The ``CodeSha256`` Lambda reports for a package: base64 of its SHA-256."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode("ascii")


def publish_with_config(
    lambda_client: LambdaClient,
    version_arn: str,
    config_json: bytes,
    *,
    description: str,
    fetch: CodeFetcher = fetch_code,
    deadline: float = math.inf,
    poll_seconds: float = ACTIVE_POLL_SECONDS,
) -> str:
    """Publish ``version_arn``'s code plus ``config_json``; return the new version's ARN once
    it is Active, waiting at most until ``deadline`` (``time.monotonic()``)."""
    function = lambda_client.get_function(FunctionName=version_arn)
    configuration = function["Configuration"]
    if configuration.get("Version") in (None, "$LATEST"):
        raise CustomResourceError(
            f"{version_arn} is not a numbered version; pass the function's .Version reference"
        )
    package = with_config(fetch(function["Code"]["Location"]), config_json)
    name = configuration["FunctionName"]
    expected_sha = code_sha256(package)

    updated = lambda_client.update_function_code(FunctionName=name, ZipFile=package)
    if updated["CodeSha256"] != expected_sha:
        raise CustomResourceError("Lambda stored different code than was uploaded")
    lambda_client.get_waiter("function_updated_v2").wait(
        FunctionName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 40}
    )
    published = lambda_client.publish_version(
        FunctionName=name, CodeSha256=expected_sha, Description=description[:256]
    )
    if published["CodeSha256"] != expected_sha:
        raise CustomResourceError("the published version does not carry the uploaded code")
    wait_until_active(
        lambda_client, published["FunctionArn"], deadline=deadline, poll_seconds=poll_seconds
    )
    return published["FunctionArn"]


def wait_until_active(
    lambda_client: LambdaClient, version_arn: str, *, deadline: float, poll_seconds: float
) -> None:
    """Poll the version with the ``published_version_active`` waiter until it is Active.

    The waiter stops on ``Failed`` or after its attempts, which are as many as fit before
    ``deadline`` with one poll interval and ``WAIT_SPARE_SECONDS`` left for the calls
    themselves; either way the error names the state Lambda last reported and its reason.
    """
    left = min(deadline - time.monotonic(), LAMBDA_MAX_TIMEOUT_SECONDS)
    usable = left - poll_seconds - WAIT_SPARE_SECONDS
    attempts = max(1, math.floor(usable / poll_seconds))
    started = time.monotonic()
    try:
        lambda_client.get_waiter("published_version_active").wait(
            FunctionName=version_arn,
            # botocore sleeps any number of seconds; the stubs type Delay as int.
            WaiterConfig={"Delay": poll_seconds, "MaxAttempts": attempts},  # type: ignore[typeddict-item]
        )
    except WaiterError as exc:
        last = exc.last_response or {}
        state = last.get("State", "unknown")
        reason = last.get("StateReason") or last.get("Error", {}).get("Message") or "none given"
        code = last.get("StateReasonCode")
        raise CustomResourceError(
            f"{version_arn} is not Active after {time.monotonic() - started:.0f} s: state "
            f"{state}{f' ({code})' if code else ''}, reason: {reason}"
        ) from exc
