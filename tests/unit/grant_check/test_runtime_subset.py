"""The grant check is one file that CloudFront runs as written: under the 10 KB limit, no
build step, and nothing in it that JavaScript runtime 2.0 does not document
(local/cloudfront_functions_runtime_20.json, read from CloudFront's documentation): only
the ``cloudfront`` and ``crypto`` modules, no timers, no network, no process, no syntax the
runtime leaves out. The stand-in it runs in for the corpus deletes the undocumented globals and
methods; this test reads the source, so that a path the corpus misses is held to the same
list, and syntax (which no context can take away) too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.cloudfront_function import GRANT_CHECK, RUNTIME
from tests.support.javascript import Token, regex_flags, tokens

DOCUMENTED = json.loads(RUNTIME.with_name("cloudfront_functions_runtime_20.json").read_text())
#: The statements and operators runtime 2.0 documents that the file may use.
KEYWORDS = {
    "async", "await", "break", "case", "catch", "const", "continue", "default", "delete", "do",
    "else", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "let",
    "new", "null", "return", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
    "while",
}  # fmt: skip
#: Syntax past what the documentation lists (spread, optional chaining, nullish coalescing,
#: logical assignment), and arrow functions, which the file does without (no closures).
UNDOCUMENTED_PUNCTUATORS = {"...", "?.", "??", "??=", "&&=", "||=", "**=", "=>"}
REGEX_FLAGS = set("gimy")
OBJECTS = {name: set(kept["static"]) for name, kept in DOCUMENTED["methods"].items()}
OBJECTS |= {"Math": set(DOCUMENTED["math"]), "Date": set(DOCUMENTED["date"])}
MODULES = {"crypto": set(DOCUMENTED["modules"]["crypto"]), "cf": {"kvs"}}
METHODS = {
    *(m for kept in DOCUMENTED["methods"].values() for m in kept["prototype"] or []),
    *DOCUMENTED["digester"],
    *DOCUMENTED["keyValueStore"],
}
FIRST_STATEMENT = ["import", "cf", "from", "'cloudfront'", ";"]
SIZE_LIMIT = 10_240


def declared_names(found: list[Token]) -> set[str]:
    """Names the source declares: variables, functions, parameters, caught errors."""
    names = {"cf"}
    for i, token in enumerate(found[:-1]):
        if token.text in ("const", "let", "var", "function") and found[i + 1].kind == "name":
            names.add(found[i + 1].text)
        if token.text in ("function", "catch"):
            j = i + 1 if found[i + 1].text == "(" else i + 2
            while found[j].text != ")":
                if found[j].kind == "name":
                    names.add(found[j].text)
                j += 1
    return names


def _depths(found: list[Token]) -> list[int]:
    depth, depths = 0, []
    for token in found:
        if token.text == "}":
            depth -= 1
        depths.append(depth)
        if token.text == "{":
            depth += 1
    return depths


def problems(source: str) -> list[str]:
    """What in ``source`` runtime 2.0 does not document (or this file's subset leaves out)."""
    found = tokens(source)
    texts = [t.text for t in found]
    wrong = []
    if texts[:5] != FIRST_STATEMENT:
        wrong.append("the file does not open with import cf from 'cloudfront';")
    declared = declared_names(found)
    depths = _depths(found)
    handler_depth: int | None = None
    for i, token in enumerate(found):
        before = found[i - 1].text if i else ""
        after = found[i + 1].text if i + 1 < len(found) else ""
        where = f"line {token.line}: {token.text!r}"
        if token.kind == "punct" and token.text in UNDOCUMENTED_PUNCTUATORS:
            wrong.append(f"{where} is not documented syntax")
        if token.kind == "regex" and not set(regex_flags(token)) <= REGEX_FLAGS:
            wrong.append(f"{where} has flags the runtime does not document")
        if token.text in ("const", "let", "var") and after in ("{", "["):
            wrong.append(f"{where} destructures")
        if token.text == "import" and i != 0:
            wrong.append(f"{where}: one import only, of the cloudfront module")
        if token.text == "require" and texts[i + 1 : i + 4] != ["(", "'crypto'", ")"]:
            wrong.append(f"{where}: require() only of crypto")
        if token.text == "async":
            declaration = before in ("", ";", "}") and found[i + 2].kind == "name"
            if after != "function" or depths[i] != 0 or not declaration:
                wrong.append(f"{where}: only top-level async function declarations")
            elif texts[i + 2] == "handler":
                handler_depth = 0
        if token.text == "await" and handler_depth is None:
            wrong.append(f"{where} outside the async handler")
        if handler_depth is not None and token.text == "}" and depths[i] == 0:
            handler_depth = None
        if token.kind != "name" or before == ".":
            owner = found[i - 2].text if i > 1 else ""
            static = owner in OBJECTS or owner in MODULES
            if token.kind == "name" and after == "(" and not static and token.text not in METHODS:
                wrong.append(f"{where}() is no documented method")
            continue
        if after == ":" and before in ("{", ","):
            continue  # an object literal's key
        if token.text in OBJECTS and after == ".":
            member = texts[i + 2]
            if member not in OBJECTS[token.text]:
                wrong.append(f"line {token.line}: {token.text}.{member} is not documented")
        if token.text in MODULES and after == ".":
            member = texts[i + 2]
            if member not in MODULES[token.text]:
                wrong.append(f"line {token.line}: {token.text}.{member} is not documented")
        known = KEYWORDS | declared | set(DOCUMENTED["globals"]) | {"from"}
        if token.text not in known:
            wrong.append(f"{where} is neither declared nor documented")
    return wrong


def test_the_grant_check_uses_only_what_runtime_2_0_documents() -> None:
    assert problems(GRANT_CHECK.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "line",
    [
        "setTimeout(handler, 10);",
        "setInterval(handler, 10);",
        "const answer = fetch('https://example.com');",
        "const env = process.env;",
        "const request = new XMLHttpRequest();",
        "const fs = require('fs');",
        "import('crypto');",
        "const seen = new Map();",
        "const first = 'abc'.at(0);",
        "const code = 'abc'.charCodeAt(0);",
        "const entries = Object.fromEntries([]);",
        "const letters = Array.from('ab');",
        "const first = JSON.rawJSON('1');",
        "const key = crypto.createSign('sha256');",
        "const store = cf.kvsHandle();",
        "const deep = event?.request;",
        "const uri = event.uri ?? '/';",
        "const copy = [...list];",
        "const { request } = event;",
        "const plus = (a) => a + 1;",
        "class Grant {}",
        "for (const part of parts) {}",
        "const word = /\\w+/u;",
        "const text = `template`;",
        "function* parts() { yield 1; }",
        "async function later() { await other(); }",
        "const f = async function () { return 1; };",
        "export { handler };",
    ],
)
def test_the_check_refuses_what_runtime_2_0_does_not_document(line: str) -> None:
    source = GRANT_CHECK.read_text(encoding="utf-8") + "\n" + line + "\n"
    try:
        found = problems(source)
    except ValueError:  # the tokenizer refuses it outright
        return
    assert found, line


def test_the_file_is_under_cloudfront_s_10_kb_limit() -> None:
    assert len(GRANT_CHECK.read_bytes()) < SIZE_LIMIT


def test_the_function_needs_no_build_step() -> None:
    """What the tests run is what CloudFront runs: one plain file, no package manifest, no
    bundler output, nothing to install or transpile; lines a person reads (no minifier)."""
    folder = GRANT_CHECK.parent
    assert sorted(p.name for p in folder.iterdir()) == ["index.js"]
    source = GRANT_CHECK.read_text(encoding="utf-8")
    assert source.isascii()
    assert max(len(line) for line in source.splitlines()) <= 100
    assert source.count("\n// ") + source.count("\n    // ") >= 10, "comments were stripped"


def test_the_runtime_stand_in_runs_the_file_as_written() -> None:
    harness = Path(RUNTIME).read_text(encoding="utf-8")
    assert "readFileSync(path, 'utf8') + '\\nexport { handler };\\n'" in harness
