"""A local CloudFront KeyValueStore: the ``cloudfront-keyvaluestore`` API on loopback, close
enough to the real one that boto3's own client, signing with SigV4A, reads and writes it
unchanged (``client``).

What it speaks (botocore's service model, 2022-07-26, REST-JSON): DescribeKeyValueStore
``GET /key-value-stores/{arn}``, GetKey ``GET .../keys/{key}``, ListKeys ``GET .../keys``
(``MaxResults`` 1-50, ``NextToken``), PutKey ``PUT .../keys/{key}`` and DeleteKey
``DELETE .../keys/{key}`` with ``If-Match``, UpdateKeys ``POST .../keys`` (``Puts``,
``Deletes``, all or nothing) with ``If-Match``. Every write needs the store's current ETag
(else 409 ConflictException) and changes it; errors carry ``x-amzn-ErrorType`` and
``{"Message"}``. CloudFront's documented limits: keys of 1-512 characters, values of at most
1,024, 5 MB in all (402 ServiceQuotaExceededException). A request must be SigV4A-signed (its
``Authorization`` is ``AWS4-ECDSA-P256-SHA256`` with ``X-Amz-Region-Set``): the signature is
not verified, its algorithm is, so that a client that could not sign for the real service
fails here too. One endpoint serves any number of stores, by ARN.

Two choices where AWS documents nothing: deleting a key that is not there is 404
ResourceNotFoundException (DeleteKey and UpdateKeys alike), the stricter answer the writers
must cope with; an ETag is opaque (``KV`` and a counter).

The endpoint rules put the account in the host name (``<account>.<endpoint>``), which no
loopback name resolves, so ``client`` reaches the stand-in as an HTTP proxy: boto3 builds and
signs the request exactly as for AWS, and the stand-in reads the path from it.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3

from tools.http import BackgroundServer, QuietHandler
from tools.stack import keyvaluestore_client

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_cloudfront_keyvaluestore import CloudFrontKeyValueStoreClient

ACCOUNT = "123456789012"
ARN_PREFIX = f"arn:aws:cloudfront::{ACCOUNT}:key-value-store/"
MAX_KEY_LENGTH = 512
MAX_VALUE_LENGTH = 1024
MAX_TOTAL_BYTES = 5 * 1024 * 1024
MAX_RESULTS = 50
SIGV4A = "AWS4-ECDSA-P256-SHA256 "


class KvsError(Exception):
    """An answer in the service's error shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _not_found(message: str) -> KvsError:
    return KvsError(404, "ResourceNotFoundException", message)


def _invalid(message: str) -> KvsError:
    return KvsError(400, "ValidationException", message)


class KeyValueStoreData:
    """One store's entries and ETag; every method is atomic (one lock)."""

    def __init__(self, arn: str) -> None:
        self.arn = arn
        self._items: dict[str, str] = {}
        self._version = 1
        self._created = self._modified = time.time()
        self._lock = threading.Lock()

    @property
    def etag(self) -> str:
        return f"KV{self._version:012d}"

    def _size(self, items: dict[str, str]) -> int:
        return sum(len(k.encode()) + len(v.encode()) for k, v in items.items())

    def _summary(self) -> dict[str, Any]:
        return {"ItemCount": len(self._items), "TotalSizeInBytes": self._size(self._items)}

    def entries(self) -> dict[str, str]:
        """A copy of every entry: what a function reads at an edge location."""
        with self._lock:
            return dict(self._items)

    def describe(self) -> tuple[dict[str, Any], str]:
        with self._lock:
            body = {
                **self._summary(),
                "KvsARN": self.arn,
                "Created": self._created,
                "LastModified": self._modified,
                "Status": "READY",
            }
            return body, self.etag

    def get(self, key: str) -> dict[str, Any]:
        with self._lock:
            if key not in self._items:
                raise _not_found(f"Key {key} not found")
            return {"Key": key, "Value": self._items[key], **self._summary()}

    def page(self, max_results: int, token: str | None) -> dict[str, Any]:
        with self._lock:
            keys = sorted(self._items)
            start = 0
            if token is not None:
                if not token.isdigit() or int(token) > len(keys):
                    raise _invalid("NextToken is not valid")
                start = int(token)
            page = keys[start : start + max_results]
            body: dict[str, Any] = {"Items": [{"Key": k, "Value": self._items[k]} for k in page]}
            if start + max_results < len(keys):
                body["NextToken"] = str(start + max_results)
            return body

    def update(
        self, if_match: str | None, puts: dict[str, str], deletes: list[str]
    ) -> tuple[dict[str, Any], str]:
        """Puts and deletes, all or nothing, if ``if_match`` is the current ETag."""
        for key in [*puts, *deletes]:
            if not 1 <= len(key) <= MAX_KEY_LENGTH:
                raise _invalid(f"a key is 1 to {MAX_KEY_LENGTH} characters")
        for value in puts.values():
            if len(value) > MAX_VALUE_LENGTH:
                raise _invalid(f"a value is at most {MAX_VALUE_LENGTH} characters")
        if set(puts) & set(deletes) or len(set(deletes)) != len(deletes):
            raise _invalid("a key appears twice in one update")
        with self._lock:
            if if_match is None:
                raise _invalid("If-Match is required")
            if if_match != self.etag:
                raise KvsError(409, "ConflictException", "the ETag does not match")
            missing = [key for key in deletes if key not in self._items]
            if missing:
                raise _not_found(f"Key {missing[0]} not found")
            items = {**self._items, **puts}
            for key in deletes:
                del items[key]
            if self._size(items) > MAX_TOTAL_BYTES:
                raise KvsError(402, "ServiceQuotaExceededException", "the store would exceed 5 MB")
            if puts or deletes:
                self._items = items
                self._version += 1
                self._modified = time.time()
            return self._summary(), self.etag


class KeyValueStoreService:
    """Serves the stores in ``stores`` (by ARN) over HTTP, as their endpoint (or proxy)
    would."""

    def __init__(self, stores: dict[str, KeyValueStoreData]) -> None:
        self.stores = stores

    def handle(self, request: QuietHandler) -> None:
        try:
            status, headers, body = self._answer(request)
        except KvsError as error:
            status, headers = error.status, [("x-amzn-ErrorType", error.code)]
            body = {"Message": str(error)}
        payload = json.dumps(body).encode()
        request.send_body(status, [("Content-Type", "application/json"), *headers], payload)

    def _answer(self, request: QuietHandler) -> tuple[int, list[tuple[str, str]], Any]:
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith(SIGV4A) or "X-Amz-Region-Set" not in request.headers:
            raise KvsError(403, "AccessDeniedException", "the request is not signed with SigV4A")
        url = urlsplit(request.path)  # absolute when it came as to a proxy
        parts = url.path.split("/")
        data = self.stores.get(unquote(parts[2])) if len(parts) > 2 else None
        if parts[1:2] != ["key-value-stores"] or data is None:
            raise _not_found("no such key value store")
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b"{}"
        try:
            sent = json.loads(raw)
        except ValueError:
            raise _invalid("the body is not JSON") from None
        if_match = request.headers.get("If-Match")
        method, rest = request.command, parts[3:]
        if method == "GET" and not rest:
            body, etag = data.describe()
            return 200, [("ETag", etag)], body
        if rest[:1] != ["keys"] or len(rest) > 2:
            raise _invalid("no such operation")
        if len(rest) == 1:
            if method == "GET":
                query = parse_qs(url.query)
                max_results = int(query.get("MaxResults", ["10"])[0])
                if not 1 <= max_results <= MAX_RESULTS:
                    raise _invalid(f"MaxResults is 1 to {MAX_RESULTS}")
                return 200, [], data.page(max_results, query.get("NextToken", [None])[0])
            if method == "POST":
                puts = {item["Key"]: item["Value"] for item in sent.get("Puts", [])}
                deletes = [item["Key"] for item in sent.get("Deletes", [])]
                if len(puts) != len(sent.get("Puts", [])):
                    raise _invalid("a key appears twice in one update")
                summary, etag = data.update(if_match, puts, deletes)
                return 200, [("ETag", etag)], summary
            raise _invalid("no such operation")
        key = unquote(rest[1])
        if method == "GET":
            return 200, [], data.get(key)
        if method == "PUT":
            summary, etag = data.update(if_match, {key: sent.get("Value", "")}, [])
            return 200, [("ETag", etag)], summary
        if method == "DELETE":
            summary, etag = data.update(if_match, {}, [key])
            return 200, [("ETag", etag)], summary
        raise _invalid("no such operation")


class LocalKeyValueStores:
    """The KeyValueStore endpoint, served on loopback (port 0: any free one) until ``stop``;
    ``create`` makes a store."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._stores: dict[str, KeyValueStoreData] = {}
        self._server = BackgroundServer(host, port)
        self._server.serve(KeyValueStoreService(self._stores))

    @property
    def url(self) -> str:
        return self._server.url

    def create(self, name: str) -> KeyValueStoreData:
        """A new, empty store named ``name`` (its ARN is ``data.arn``)."""
        data = KeyValueStoreData(ARN_PREFIX + name)
        self._stores[data.arn] = data
        return data

    def client(self, session: boto3.Session | None = None) -> CloudFrontKeyValueStoreClient:
        """boto3's ``cloudfront-keyvaluestore`` client for these stores (see the module
        docstring for why it is also the proxy)."""
        return keyvaluestore_client(session or boto3.Session(), self.url)

    def stop(self) -> None:
        self._server.stop()
