"""Slack reaction names to the core's neutral vote names ("+1", "fire", "-1", "keycap:N").

The mapping of ordinary reactions is a setting (PAPERS_SLACK_VOTE_EMOJI, e.g.
`+1=+1,thumbsup=+1,fire=fire,-1=-1,thumbsdown=-1`); the keycaps `one` ... `nine` and
`keycap_ten` always name an item of the digest header. Skin tones do not change a vote:
`+1::skin-tone-3` counts as `+1`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.votes import KEYCAP_PREFIX
from config.settings import parse_emoji_map

KEYCAP_EMOJI = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "keycap_ten",
)
"""Slack's names for the keycaps 1️⃣-🔟, in order; a keycap on the header votes for that item."""
KEYCAPS: dict[str, int] = {name: rank for rank, name in enumerate(KEYCAP_EMOJI, start=1)}
_SKIN_TONE = "::skin-tone-"


class VoteEmoji:
    """Which Slack reactions are votes, and which to show in the header's voting line."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        """`mapping` is Slack reaction name -> neutral vote name."""
        self._mapping = dict(mapping)

    @classmethod
    def from_setting(cls, text: str) -> VoteEmoji:
        """Read the `slack_emoji=neutral,...` setting."""
        return cls(parse_emoji_map(text))

    def neutral(self, reaction: str) -> str | None:
        """The neutral vote name of a Slack reaction, or None when it is not a vote."""
        name = reaction.split(_SKIN_TONE, 1)[0]
        rank = KEYCAPS.get(name)
        if rank is not None:
            return f"{KEYCAP_PREFIX}{rank}"
        return self._mapping.get(name)

    def shown(self) -> tuple[str, ...]:
        """One Slack reaction per neutral vote, in the order the setting names them."""
        first: dict[str, str] = {}
        for reaction, neutral in self._mapping.items():
            first.setdefault(neutral, reaction)
        return tuple(first.values())
