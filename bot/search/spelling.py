"""Correcting a misspelt query word from the words the stored papers hold.

Two kinds of candidates, looked up in the search vocabulary: every word one edit away
(a letter left out, added, changed, or two neighbours swapped, anywhere in the word, so
"xploring" finds "exploring"), and the words sharing the first two letters (for a word
further off). The closest by Damerau-Levenshtein distance (rapidfuzz; a swap of two
neighbours is one edit) wins, the more common on a tie: "modle" is "model", not "moodle".
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_LENGTH = 4
"""Shorter words are not corrected: too many words are one edit from them."""
LETTERS_PER_EDIT = 4
"""A word may be corrected by one edit for each this many of its letters (one at least)."""


def correctable(word: str) -> bool:
    """Whether a word is worth correcting: letters only, MIN_LENGTH of them or more."""
    return len(word) >= MIN_LENGTH and word.isascii() and word.isalpha()


def single_edits(word: str) -> set[str]:
    """The words one edit away from `word` (Norvig's edits1, ASCII letters)."""
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    changes = {left + letter + right[1:] for left, right in splits if right for letter in LETTERS}
    inserts = {left + letter + right for left, right in splits for letter in LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


def max_edits(word: str) -> int:
    """How many edits a correction of `word` may make: one per LETTERS_PER_EDIT letters, one
    at least."""
    return max(1, len(word) // LETTERS_PER_EDIT)


def closest(word: str, counts: dict[str, int]) -> str | None:
    """The candidate (with its paper count) closest to `word`, or None when none is close
    enough."""
    if not counts:
        return None
    close = process.extract(
        word,
        list(counts),
        scorer=DamerauLevenshtein.distance,
        score_cutoff=max_edits(word),
        limit=None,
    )
    if not close:
        return None
    best = min(close, key=lambda found: (found[1], -counts[found[0]], found[0]))
    return str(best[0])
