"""What a reaction is worth: neutral emoji names to vote weights, and keycaps to item ranks.

Adapters translate their platform's emoji into the neutral names used here ("+1", "fire",
"-1", "keycap:N"); the weights are a setting (PAPERS_VOTE_WEIGHTS) so teams can tune them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

KEYCAP_PREFIX = "keycap:"
MAX_KEYCAP = 10
_PAIR = re.compile(r"^\s*([^=\s]+)\s*=\s*(-?\d+)\s*$")


class BadVoteWeights(ValueError):
    """The vote weight setting does not read `emoji=weight,...`."""


def parse_weights(text: str) -> dict[str, int]:
    """Read `+1=1,fire=2,-1=-1` into a mapping; weights must be whole numbers from -5 to 5."""
    weights: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _PAIR.match(part)
        if match is None:
            raise BadVoteWeights(f"{part!r} should read emoji=weight, e.g. fire=2")
        weight = int(match.group(2))
        if not -5 <= weight <= 5:
            raise BadVoteWeights(f"{part!r}: a weight must be from -5 to 5")
        weights[match.group(1)] = weight
    return weights


def keycap_rank(emoji: str) -> int | None:
    """The item rank a keycap vote names ("keycap:3" -> 3), or None for any other emoji."""
    if not emoji.startswith(KEYCAP_PREFIX):
        return None
    number = emoji.removeprefix(KEYCAP_PREFIX)
    if number.isdigit() and 1 <= int(number) <= MAX_KEYCAP:
        return int(number)
    return None


def vote_weight(emoji: str, weights: Mapping[str, int]) -> int | None:
    """The weight of a reaction: a keycap counts +1, others as configured, unknown is None."""
    if keycap_rank(emoji) is not None:
        return 1
    return weights.get(emoji)
