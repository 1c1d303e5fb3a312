"""The Lambda context object that local invocations pass: the attributes Powertools reads.

The local API, the benchmarks and the tests all hand the Content Delivery handler this one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LocalLambdaContext:
    function_name: str = "local-content-delivery"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:local-content-delivery"
    )
    aws_request_id: str = "5b6a9a8e-0000-4000-8000-000000000000"
    remaining_millis: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis
