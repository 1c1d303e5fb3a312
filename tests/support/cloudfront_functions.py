"""The CloudFront Functions API on loopback, for what moto 5.2.5 does not do: it has no
UpdateFunction and no PublishFunction, and keeps one stage per function (its DescribeFunction
and GetFunction ignore ``Stage``). botocore's own client talks to this unchanged: REST-XML, as
botocore's model of the 2020-05-31 API has it.

What it speaks: CreateFunction ``POST /2020-05-31/function`` (201, ``ETag``), DescribeFunction
``GET .../function/{Name}/describe`` and GetFunction ``GET .../function/{Name}`` (``Stage``
DEVELOPMENT or LIVE; none is taken as DEVELOPMENT here, AWS documents no default),
UpdateFunction ``PUT .../function/{Name}`` (its ETag in the ``ETtag`` header, as botocore's
model spells it), PublishFunction ``POST .../function/{Name}/publish`` and DeleteFunction
``DELETE .../function/{Name}`` (204). Update, Publish and Delete need ``If-Match``, the
DEVELOPMENT stage's current ETag (400 InvalidIfMatchVersion without it, 412
PreconditionFailed when it is not current). Publishing copies DEVELOPMENT to LIVE.

CloudFront's documented rules it applies: a function's code is at most 10 KB (413
FunctionSizeLimitExceeded); a function has at most one key value store, and only runtime 2.0
may have one (400 InvalidArgument).
"""

from __future__ import annotations

import base64
import copy
import itertools
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.http import QuietTestHandler, serving

NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
BASE = "/2020-05-31/function"
ACCOUNT = "123456789012"
#: CloudFront quotas: "Maximum size of a function: 10 KB".
MAX_CODE_BYTES = 10 * 1024
STAGES = ("DEVELOPMENT", "LIVE")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass
class Stage:
    config: ET.Element  # <FunctionConfig>, namespaces stripped
    code: bytes
    etag: str


@dataclass
class Function:
    name: str
    development: Stage
    live: Stage | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:cloudfront::{ACCOUNT}:function/{self.name}"

    def stage(self, name: str) -> Stage:
        if name not in STAGES:
            raise ApiError(400, "InvalidArgument", f"no stage {name}")
        found = self.development if name == "DEVELOPMENT" else self.live
        if found is None:
            raise ApiError(404, "NoSuchFunctionExists", f"{self.name} has no {name} stage")
        return found


@dataclass
class Recorded:
    method: str
    path: str
    if_match: str | None


@dataclass
class CloudFrontFunctionsStandIn:
    url: str = ""
    functions: dict[str, Function] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    _etags: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.functions.clear()
            self.requests.clear()

    def live_code(self, name: str) -> bytes:
        return self.functions[name].stage("LIVE").code

    def live_config(self, name: str) -> ET.Element:
        return self.functions[name].stage("LIVE").config

    def _etag(self) -> str:
        return f"E{next(self._etags):013d}"

    def answer(
        self, method: str, path: str, query: dict[str, str], if_match: str | None, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(Recorded(method, path, if_match))
            if method == "POST" and path == BASE:
                return self._create(body)
            rest = path.removeprefix(BASE + "/")
            if rest == path or not rest:
                raise ApiError(404, "NotFound", path)
            name, _, action = (unquote(part) for part in rest.partition("/"))
            function = self.functions.get(name)
            if function is None:
                raise ApiError(404, "NoSuchFunctionExists", f"no function {name}")
            stage = query.get("Stage", "DEVELOPMENT")
            if (method, action) == ("GET", "describe"):
                return 200, {"ETag": function.stage(stage).etag}, _summary(function, stage)
            if (method, action) == ("GET", ""):
                found = function.stage(stage)
                headers = {"ETag": found.etag, "Content-Type": "application/octet-stream"}
                return 200, headers, found.code
            _check_if_match(function, if_match)
            if (method, action) == ("PUT", ""):
                return self._update(function, body)
            if (method, action) == ("POST", "publish"):
                function.live = Stage(
                    copy.deepcopy(function.development.config),
                    function.development.code,
                    self._etag(),
                )
                return 200, {}, _summary(function, "LIVE")
            if (method, action) == ("DELETE", ""):
                del self.functions[name]
                return 204, {}, b""
            raise ApiError(404, "NotFound", path)

    def _create(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        request = _parsed(body)
        name = request.findtext("Name") or ""
        if name in self.functions:
            raise ApiError(409, "FunctionAlreadyExists", f"{name} exists")
        function = Function(name, self._stage(request))
        self.functions[name] = function
        return 201, {"ETag": function.development.etag}, _summary(function, "DEVELOPMENT")

    def _update(self, function: Function, body: bytes) -> tuple[int, dict[str, str], bytes]:
        function.development = self._stage(_parsed(body))
        return 200, {"ETtag": function.development.etag}, _summary(function, "DEVELOPMENT")

    def _stage(self, request: ET.Element) -> Stage:
        config = request.find("FunctionConfig")
        code = base64.b64decode(request.findtext("FunctionCode") or "")
        if config is None:
            raise ApiError(400, "InvalidArgument", "FunctionConfig is required")
        if len(code) > MAX_CODE_BYTES:
            raise ApiError(413, "FunctionSizeLimitExceeded", f"{len(code)} bytes")
        stores = config.findall("KeyValueStoreAssociations/Items/KeyValueStoreAssociation")
        if len(stores) > 1:
            raise ApiError(400, "InvalidArgument", "a function has at most one key value store")
        if stores and config.findtext("Runtime") != "cloudfront-js-2.0":
            raise ApiError(400, "InvalidArgument", "key value stores need cloudfront-js-2.0")
        return Stage(config, code, self._etag())


def _check_if_match(function: Function, if_match: str | None) -> None:
    if not if_match:
        raise ApiError(400, "InvalidIfMatchVersion", "If-Match is required")
    if if_match != function.development.etag:
        raise ApiError(412, "PreconditionFailed", "the If-Match version is not current")


def _parsed(body: bytes) -> ET.Element:
    root = ET.fromstring(body)  # noqa: S314 - from the test's own botocore client
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


def _summary(function: Function, stage: str) -> bytes:
    found = function.stage(stage)
    root = ET.Element("FunctionSummary", xmlns=NS)
    ET.SubElement(root, "Name").text = function.name
    status = "UNPUBLISHED" if function.live is None else "UNASSOCIATED"
    ET.SubElement(root, "Status").text = status
    root.append(copy.deepcopy(found.config))
    metadata = ET.SubElement(root, "FunctionMetadata")
    ET.SubElement(metadata, "FunctionARN").text = function.arn
    ET.SubElement(metadata, "Stage").text = stage
    ET.SubElement(metadata, "CreatedTime").text = "2026-01-01T00:00:00Z"
    ET.SubElement(metadata, "LastModifiedTime").text = "2026-01-01T00:00:00Z"
    xml: bytes = ET.tostring(root, xml_declaration=True, encoding="utf-8")
    return xml


def _error(exc: ApiError) -> bytes:
    return (
        f'<?xml version="1.0"?><ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type>'
        f"<Code>{exc.code}</Code><Message>{exc}</Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>"
    ).encode()


@contextmanager
def cloudfront_functions() -> Iterator[CloudFrontFunctionsStandIn]:
    """The stand-in, serving on a free loopback port until the block ends (``reset`` empties
    it for the next test)."""
    state = CloudFrontFunctionsStandIn()

    class Handler(QuietTestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                status, headers, payload = state.answer(
                    self.command, url.path, query, self.headers.get("If-Match"), body
                )
            except ApiError as exc:
                status, headers, payload = exc.status, {}, _error(exc)
            self.send_response(status)
            headers.setdefault("Content-Type", "text/xml")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = _answer  # noqa: N815 - http.server's naming

    with serving(Handler) as url:
        state.url = url
        yield state
