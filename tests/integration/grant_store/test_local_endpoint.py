"""The local KeyValueStore speaks the cloudfront-keyvaluestore API to boto3's own client,
SigV4A-signed: reads, ETag-conditioned writes, all-or-nothing batches, CloudFront's limits."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError

from local.keyvaluestore import KeyValueStoreData, LocalKeyValueStores
from shared.aws_errors import error_code

if TYPE_CHECKING:
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient
    from mypy_boto3_cloudfront_keyvaluestore.type_defs import PutKeyRequestListItemTypeDef


def etag(client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData) -> str:
    return client.describe_key_value_store(KvsARN=store.arn)["ETag"]


def code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error_code(error.value)


def test_a_new_store_is_empty_and_ready(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    described = client.describe_key_value_store(KvsARN=store.arn)
    assert (described["ItemCount"], described["TotalSizeInBytes"]) == (0, 0)
    assert described["KvsARN"] == store.arn
    assert described["Status"] == "READY"
    assert described["ETag"]


def test_a_put_key_reads_back_and_changes_the_etag(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    before = etag(client, store)
    put = client.put_key(KvsARN=store.arn, Key="r:sub/1 x:aws-101", Value="17", IfMatch=before)
    assert put["ETag"] != before
    assert (put["ItemCount"], put["TotalSizeInBytes"]) == (1, len("r:sub/1 x:aws-101") + 2)
    got = client.get_key(KvsARN=store.arn, Key="r:sub/1 x:aws-101")
    assert got["Value"] == "17"
    assert store.entries() == {"r:sub/1 x:aws-101": "17"}


def test_a_write_with_a_stale_etag_is_a_conflict_and_changes_nothing(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    stale = etag(client, store)
    client.put_key(KvsARN=store.arn, Key="a", Value="1", IfMatch=stale)
    writes: list[Callable[[], object]] = [
        lambda: client.put_key(KvsARN=store.arn, Key="b", Value="2", IfMatch=stale),
        lambda: client.delete_key(KvsARN=store.arn, Key="a", IfMatch=stale),
        lambda: client.update_keys(
            KvsARN=store.arn, IfMatch=stale, Puts=[{"Key": "b", "Value": "2"}]
        ),
    ]
    for write in writes:
        with pytest.raises(ClientError) as refused:
            write()
        assert code(refused) == "ConflictException"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert store.entries() == {"a": "1"}


def test_update_keys_puts_and_deletes_all_or_nothing(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    client.update_keys(
        KvsARN=store.arn,
        IfMatch=etag(client, store),
        Puts=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
    )
    with pytest.raises(ClientError) as refused:
        client.update_keys(
            KvsARN=store.arn,
            IfMatch=etag(client, store),
            Puts=[{"Key": "c", "Value": "3"}],
            Deletes=[{"Key": "a"}, {"Key": "missing"}],
        )
    assert code(refused) == "ResourceNotFoundException"
    assert store.entries() == {"a": "1", "b": "2"}
    client.update_keys(
        KvsARN=store.arn,
        IfMatch=etag(client, store),
        Puts=[{"Key": "c", "Value": "3"}],
        Deletes=[{"Key": "a"}],
    )
    assert store.entries() == {"b": "2", "c": "3"}


def test_a_missing_key_is_not_found(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    with pytest.raises(ClientError) as missing:
        client.get_key(KvsARN=store.arn, Key="k:nobody")
    assert code(missing) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as deleted:
        client.delete_key(KvsARN=store.arn, Key="k:nobody", IfMatch=etag(client, store))
    assert code(deleted) == "ResourceNotFoundException"


def test_list_keys_pages_through_every_key_in_order(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    puts: list[PutKeyRequestListItemTypeDef] = [
        {"Key": f"r:{i:03d}", "Value": str(i)} for i in range(120)
    ]
    client.update_keys(KvsARN=store.arn, IfMatch=etag(client, store), Puts=puts)
    pages = list(
        client.get_paginator("list_keys").paginate(
            KvsARN=store.arn, PaginationConfig={"PageSize": 50}
        )
    )
    assert [len(page["Items"]) for page in pages] == [50, 50, 20]
    assert [item["Key"] for page in pages for item in page["Items"]] == [p["Key"] for p in puts]


@pytest.mark.parametrize(
    ("key", "value", "refusal"),
    [
        ("k" * 513, "v", "ValidationException"),
        ("k", "v" * 1025, "ValidationException"),
    ],
)
def test_cloudfront_s_key_and_value_limits_hold(
    client: CloudFrontKeyValueStoreClient,
    store: KeyValueStoreData,
    key: str,
    value: str,
    refusal: str,
) -> None:
    with pytest.raises(ClientError) as refused:
        client.update_keys(
            KvsARN=store.arn, IfMatch=etag(client, store), Puts=[{"Key": key, "Value": value}]
        )
    assert code(refused) == refusal
    client.update_keys(
        KvsARN=store.arn,
        IfMatch=etag(client, store),
        Puts=[{"Key": "k" * 512, "Value": "v" * 1024}],
    )


def test_the_store_holds_at_most_5_mb(
    client: CloudFrontKeyValueStoreClient, store: KeyValueStoreData
) -> None:
    entry = 512 + 1024
    count = 5 * 1024 * 1024 // entry
    puts: list[PutKeyRequestListItemTypeDef] = [
        {"Key": f"{i:0512d}", "Value": "v" * 1024} for i in range(count)
    ]
    client.update_keys(KvsARN=store.arn, IfMatch=etag(client, store), Puts=puts)
    with pytest.raises(ClientError) as refused:
        client.put_key(
            KvsARN=store.arn, Key="one-more", Value="v" * 1024, IfMatch=etag(client, store)
        )
    assert code(refused) == "ServiceQuotaExceededException"
    assert len(store.entries()) == count


def test_another_store_s_arn_is_not_found(client: CloudFrontKeyValueStoreClient) -> None:
    other = "arn:aws:cloudfront::123456789012:key-value-store/other"
    with pytest.raises(ClientError) as missing:
        client.describe_key_value_store(KvsARN=other)
    assert code(missing) == "ResourceNotFoundException"


def test_a_request_not_signed_with_sigv4a_is_refused(
    key_value_stores: LocalKeyValueStores, store: KeyValueStoreData
) -> None:
    url = f"{key_value_stores.url}/key-value-stores/{quote(store.arn, safe='')}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)  # noqa: S310 - loopback
    assert refused.value.code == 403
    assert refused.value.headers["x-amzn-ErrorType"] == "AccessDeniedException"
