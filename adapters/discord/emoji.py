"""Discord reactions as the core's neutral vote names ("+1", "fire", "-1", "keycap:N").

The item emoji come from a setting (PAPERS_DISCORD_VOTE_EMOJI, e.g. `👍=+1,🔥=fire,👎=-1`);
custom server emoji can be mapped by name (`upvote=+1`). The keycaps 1️⃣ ... 🔟 always vote
for that item of a digest header. Skin tones and the emoji variation selector are ignored,
so 👍🏽 counts as 👍.
"""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.votes import KEYCAP_PREFIX, MAX_KEYCAP

_VARIATION_SELECTOR = "\ufe0f"
_SKIN_TONES = frozenset(chr(code) for code in range(0x1F3FB, 0x1F400))
_KEYCAP_COMBINER = "\u20e3"
_KEYCAP_TEN = "\U0001f51f"


def normalize(emoji: str) -> str:
    """A unicode emoji without variation selectors or skin-tone modifiers."""
    return "".join(ch for ch in emoji if ch != _VARIATION_SELECTOR and ch not in _SKIN_TONES)


def keycap_number(emoji: str) -> int | None:
    """N for the keycaps 1️⃣ ... 9️⃣ and 🔟, else None."""
    bare = normalize(emoji)
    if bare == _KEYCAP_TEN:
        return MAX_KEYCAP
    if len(bare) == 2 and bare[1] == _KEYCAP_COMBINER and bare[0] in "123456789":
        return int(bare[0])
    return None


class VoteEmoji:
    """Reads a reaction's emoji as a neutral vote name, or None when it is not a vote."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        """`mapping` is platform emoji (unicode, or a custom emoji's name) to neutral name."""
        self._names = {normalize(emoji): name for emoji, name in mapping.items()}
        self.shown = tuple(emoji for emoji in mapping if not emoji.isidentifier())

    def vote_name(self, emoji: discord.PartialEmoji) -> str | None:
        """The vote a reaction stands for: a mapped emoji, a keycap, or None."""
        if emoji.name is None:
            return None
        if emoji.is_custom_emoji():
            return self._names.get(emoji.name)
        number = keycap_number(emoji.name)
        if number is not None:
            return f"{KEYCAP_PREFIX}{number}"
        return self._names.get(normalize(emoji.name))
