"""The Content Delivery handler run as Lambda runs it with X-Ray tracing active, for the test of
what its traces and logs hold: ``python -m tests.support.traced_content_delivery ANSWERS``
invokes the handler with each API Gateway event of the JSON list on stdin and writes each
answer as one JSON line to the file ANSWERS. The function's own log and metric lines go to
stdout, as in Lambda.

The environment says what Lambda's would: LAMBDA_TASK_ROOT (Powertools and the X-Ray SDK
trace only in Lambda), _X_AMZN_TRACE_ID (a sampled trace) and AWS_XRAY_DAEMON_ADDRESS, with
the function's settings from template.yaml's names.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from content_delivery.app import handler
from local.lambda_context import LocalLambdaContext


def main() -> None:
    events = json.load(sys.stdin)
    with Path(sys.argv[1]).open("w", encoding="utf-8") as answers:
        for event in events:
            answers.write(json.dumps(handler(event, LocalLambdaContext())) + "\n")


if __name__ == "__main__":
    main()
