"""The grant key commands of ``bin/content``: ``grant-key rotate`` and ``grant-key retire``
(their arguments, and what each prints: ``kid``s, statuses, ``notAfter``; never a secret). The
procedures are ``shared.grant_keys``'s, the schedule's too (docs/grants.md, "The key")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from shared.grant_keys import (
    KEY_PROPAGATION_SECONDS,
    KeyChange,
    SecretWriter,
    describe_change,
    retire_previous,
    rotate_key,
)
from shared.grant_store import KeyStatus
from shared.key_value_store import KeyValueStore

COMMAND = "grant-key"
#: The local CloudFront reads the store stand-in itself: a write is seen within a second.
LOCAL_PROPAGATION_SECONDS = 1.0

ROTATE_HELP = (
    "make a new key current: the API signs with it within 60 s; the old key still verifies the "
    "grants it signed until they expire, then retires"
)
RETIRE_HELP = (
    "retire every previous key now (a key that leaked): grants signed with it are refused from "
    "now on. If the current key leaked: rotate, then retire; the API may sign with the old key "
    "for 60 s after the rotation, and retiring at once refuses those grants too (the app "
    "fetches new ones)"
)


def add_parsers(commands: Any) -> None:
    """``grant-key rotate|retire``, on ``bin/content``'s subcommand parsers."""
    key = commands.add_parser(COMMAND, help="rotate or retire the key that signs content grants")
    actions = key.add_subparsers(dest="grant_key_command", metavar="rotate|retire", required=True)
    actions.add_parser("rotate", help=ROTATE_HELP, description=ROTATE_HELP)
    actions.add_parser("retire", help=RETIRE_HELP, description=RETIRE_HELP)


@dataclass(frozen=True)
class GrantKeyStores:
    """The stack's grant store and a writer of its grant key secret."""

    store: KeyValueStore
    write_secret: SecretWriter
    #: How long CloudFront may take to bring a store write to every edge location.
    propagation_seconds: float = KEY_PROPAGATION_SECONDS


def run_command(stores: GrantKeyStores, command: str, out: TextIO, err: TextIO) -> None:
    if command == "rotate":
        _rotate(stores, out, err)
    else:
        _retire(stores, out)


def _rotate(stores: GrantKeyStores, out: TextIO, err: TextIO) -> None:
    err.write(
        f"note: the new key goes into the grant store, then {stores.propagation_seconds:g} s "
        "for CloudFront to bring it to every edge location, then into the secret\n"
    )
    changed = rotate_key(
        stores.store, stores.write_secret, propagation_seconds=stores.propagation_seconds
    )
    out.write(rotated_line(changed) + "\n")
    _changes(changed, out)


def rotated_line(changed: list[KeyChange]) -> str:
    """What a rotation says it did: the key it made current, or the keys two rotations at
    once made current (the next rotation demotes the one the secret does not hold)."""
    new = [c.kid for c in changed if c.before is None and _status(c) is KeyStatus.CURRENT]
    if len(new) == 1:
        return f"rotated: {new[0]} is the current key; the API signs with it within 60 s"
    return (
        f"rotated: {', '.join(new) or 'no new key'} current (another rotation ran at the same "
        "time); the API signs with the one its secret holds within 60 s"
    )


def _retire(stores: GrantKeyStores, out: TextIO) -> None:
    changed = retire_previous(stores.store)
    if not changed:
        out.write("no previous key to retire (if the current key leaked: rotate, then retire)\n")
        return
    out.write(f"retired {len(changed)} key(s): every grant signed with them is refused now\n")
    _changes(changed, out)


def _status(change: KeyChange) -> KeyStatus | None:
    return None if change.after is None else change.after.status


def _changes(changed: list[KeyChange], out: TextIO) -> None:
    for change in changed:
        out.write(f"  {describe_change(change)}\n")
