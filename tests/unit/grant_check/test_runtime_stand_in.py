"""The runtime 2.0 stand-in the grant check runs in: it offers what CloudFront documents and
nothing else, so a function that passes here uses nothing CloudFront lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.cloudfront_function import FunctionError, FunctionRuntime, function_event

NOW = 1_767_225_600


STORE: dict[str, str | None] = {"k:a": "value", "k:j": '{"a": 1}'}


def returned(tmp_path: Path, body: str, store: dict[str, str | None] | None) -> str:
    """What ``body`` returns inside a handler, as JSON (it goes out as a 200's
    ``statusDescription``)."""
    source = (
        "import cf from 'cloudfront';\n"
        "const crypto = require('crypto');\n"
        "async function handler(event) {\n"
        f"    const value = await (async function () {{ {body} }})();\n"
        "    return { statusCode: 200, statusDescription: JSON.stringify(value) };\n"
        "}\n"
    )
    path = tmp_path / "function.js"
    path.write_text(source, encoding="utf-8")
    with FunctionRuntime(path) as runtime:
        result = runtime.run(function_event("/"), now=NOW, store=store)
    return str(result["statusDescription"])


@pytest.mark.parametrize(
    "body",
    [
        "return setTimeout;",
        "return typeof setTimeout === 'undefined' ? fetch('https://example.com') : 1;",
        "return process.env;",
        "return require('fs');",
        "return require('http');",
        "return eval('1 + 1');",
        "return new Function('return 1')();",
        "return new Map();",
        "return new Set();",
        "return Reflect.ownKeys({});",
        "return 'abc'.at(0);",
        "return 'abc'.charCodeAt(0);",
        "return 'a'.normalize();",
        "return [1, [2]].flat();",
        "return Object.fromEntries([]);",
        "return Array.from('ab');",
        "return structuredClone({});",
        "return queueMicrotask;",
        "return crypto.createHash('sha512').digest('hex');",
        "return crypto.createHmac('sha256', 'k').digest('latin1');",
        "console.log('a', 'b'); return 1;",
        "return cf.kvs().get('k:missing');",
        "return cf.kvs().get('k:bad', { format: 'yaml' });",
    ],
)
def test_what_runtime_2_0_does_not_document_fails(tmp_path: Path, body: str) -> None:
    with pytest.raises(FunctionError):
        returned(tmp_path, body, {**STORE, "k:bad": "x"})


def test_an_import_of_anything_but_its_modules_fails_to_load(tmp_path: Path) -> None:
    path = tmp_path / "function.js"
    path.write_text("import fs from 'fs';\nasync function handler(event) { return 1; }\n")
    with pytest.raises(RuntimeError, match="no such module"), FunctionRuntime(path) as runtime:
        runtime.run(function_event("/"), now=NOW, store={})


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("return Date.now();", NOW * 1000),
        ("return new Date().getTime();", NOW * 1000),
        (
            "return crypto.createHmac('sha256', 'key').update('text').digest('hex');",
            "6afa9046a9579cad143a384c1b564b9a250d27d6f6a63f9f20bf3a7594c9e2c6",
        ),
        (
            "return crypto.createHash('sha256').update('').digest('base64url');",
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
        ),
        ("return crypto.createHash('md5').update('a').digest().length;", 16),
        ("return 'a-b'.replaceAll('-', '+').padStart(4, '.');", ".a+b"),
        ("return await cf.kvs().get('k:a');", "value"),
        ("return await cf.kvs().get('k:j', { format: 'json' });", {"a": 1}),
        ("return [await cf.kvs().exists('k:a'), await cf.kvs().exists('k:b')];", [True, False]),
        ("return (await cf.kvs().meta()).keyCount;", 2),
    ],
)
def test_what_it_documents_works_as_documented(tmp_path: Path, body: str, value: object) -> None:
    assert returned(tmp_path, body, STORE) == json.dumps(value, separators=(",", ":"))


READS = """
    const kvs = cf.kvs();
    const outcomes = [];
    try { await kvs.exists('k:a'); outcomes.push('read'); } catch (e) { outcomes.push('failed'); }
    try { await kvs.get('k:a'); outcomes.push('read'); } catch (e) { outcomes.push('failed'); }
    return outcomes;
"""


def test_a_store_that_cannot_be_read_rejects_every_call(tmp_path: Path) -> None:
    assert returned(tmp_path, READS, None) == '["failed","failed"]'


def test_an_entry_that_cannot_be_read_rejects_every_call_about_it(tmp_path: Path) -> None:
    assert returned(tmp_path, READS, {"k:a": None}) == '["failed","failed"]'
    assert returned(tmp_path, READS, STORE) == '["read","read"]'
