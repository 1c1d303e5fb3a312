"""The grant key resource's pure parts: the secret's name, and the public key kept in tags."""

from __future__ import annotations

import re

import pytest

from grant_key.resource import NAME_INFIX, TAG_N, public_tags, recorded_jwk, secret_name
from shared.custom_resource.protocol import CustomResourceError
from shared.grant_secret import generate, public_jwk

STACK_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:stack/private-content/"
    "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
)
#: What Secrets Manager allows in tag keys and values.
TAG_ALPHABET = re.compile(r"[\w .:/=+\-@]*")


def test_the_secret_is_named_for_the_stack_and_its_uuid() -> None:
    assert secret_name(STACK_ID) == (
        f"private-content{NAME_INFIX}1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
    )


def test_a_new_stack_of_a_deleted_stack_s_name_gets_a_secret_of_its_own() -> None:
    again = STACK_ID.replace("1a2b3c4d-5e6f", "9f8e7d6c-5b4a")
    assert secret_name(again) != secret_name(STACK_ID)


@pytest.mark.parametrize(
    "stack_id",
    ["", "private-content", "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1a2b"],
)
def test_a_stack_id_that_is_not_one_fails_readably(stack_id: str) -> None:
    with pytest.raises(CustomResourceError, match="not a CloudFormation stack ID"):
        secret_name(stack_id)


def test_the_public_key_fits_secrets_manager_s_tags_and_reads_back() -> None:
    key = generate()
    tags = public_tags(key)
    for tag in tags:
        assert len(tag["Key"]) <= 128
        assert len(tag["Value"]) <= 256
        assert TAG_ALPHABET.fullmatch(tag["Key"])
        assert TAG_ALPHABET.fullmatch(tag["Value"])
    assert recorded_jwk({"Tags": tags}) == public_jwk(key)


def test_a_public_key_record_with_a_chunk_missing_is_refused() -> None:
    tags = [t for t in public_tags(generate()) if t["Key"] != f"{TAG_N}1"]
    with pytest.raises(CustomResourceError, match="no consistent public grant key"):
        recorded_jwk({"ARN": "arn:x", "Tags": tags})


def test_a_secret_without_a_public_key_record_is_refused() -> None:
    with pytest.raises(CustomResourceError, match="no consistent public grant key"):
        recorded_jwk({"ARN": "arn:x", "Tags": []})
