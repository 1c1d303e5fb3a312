"""A small JavaScript tokenizer, enough to hold a CloudFront Function's source to a subset of
the language: names, numbers, strings, regular expression literals, punctuators. It refuses
what it does not read (template literals, unterminated strings or comments) rather than
guess."""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<number>[0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|\?\?=|&&=|\|\|=|=>|\?\.|\?\?|==|!=|<=|>=
      |&&|\|\||\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|\*\*|<<|>>|[{}()\[\];,<>+\-*/%&|^!~?:=.])
    """,
    re.VERBOSE | re.DOTALL,
)
_REGEX = re.compile(r"/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/(?P<flags>[A-Za-z]*)")
#: After these, a ``/`` starts a regular expression literal, not a division.
_BEFORE_REGEX_OR_START = {
    None, "(", ",", "=", ":", "[", "!", "&&", "||", "?", "{", "}", ";", "return"
}  # fmt: skip


class Token(NamedTuple):
    kind: str  # name, number, string, regex, punct
    text: str
    line: int


class TokenizeError(ValueError):
    pass


def tokens(source: str) -> list[Token]:
    """The tokens of ``source``, comments and white space left out."""
    found: list[Token] = []
    position = 0
    while position < len(source):
        line = source.count("\n", 0, position) + 1
        previous = found[-1].text if found else None
        opens_comment = source.startswith(("//", "/*"), position)
        if source[position] == "/" and not opens_comment and previous in _BEFORE_REGEX_OR_START:
            regex = _REGEX.match(source, position)
            if regex is None:
                raise TokenizeError(f"line {line}: an unreadable regular expression")
            found.append(Token("regex", regex.group(), line))
            position = regex.end()
            continue
        match = _TOKEN.match(source, position)
        if match is None or match.lastgroup is None:
            raise TokenizeError(f"line {line}: cannot read {source[position : position + 10]!r}")
        if match.lastgroup not in ("space", "comment"):
            found.append(Token(match.lastgroup, match.group(), line))
        position = match.end()
    return found


def regex_flags(token: Token) -> str:
    found = _REGEX.fullmatch(token.text)
    assert found is not None
    return found["flags"]
