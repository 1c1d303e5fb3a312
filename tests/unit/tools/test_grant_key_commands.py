"""What `bin/content grant-key rotate` says it did, from the changes the rotation made."""

from __future__ import annotations

from shared.grant_keys import KeyChange, KeyState
from shared.grant_store import KeyStatus
from tools.grant_key_commands import rotated_line

OLD = KeyChange("old", KeyState("old", KeyStatus.CURRENT), KeyState("old", KeyStatus.PREVIOUS, 9))


def made_current(kid: str) -> KeyChange:
    return KeyChange(kid, None, KeyState(kid, KeyStatus.CURRENT))


def test_a_rotation_names_the_key_it_made_current() -> None:
    assert rotated_line([made_current("new"), OLD]) == (
        "rotated: new is the current key; the API signs with it within 60 s"
    )


def test_two_rotations_at_once_name_both_new_keys_instead_of_failing() -> None:
    """Each rotation demotes only the keys current when it started, so both stay current."""
    line = rotated_line([made_current("a"), made_current("b"), OLD])
    assert line.startswith("rotated: a, b current (another rotation ran at the same time)")
