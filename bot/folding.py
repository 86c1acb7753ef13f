"""Text folded for matching: case, accents and punctuation removed, words kept.

One folding for every place that compares words people type with words papers hold (author
names, organizations, search terms), matching what the full-text index does (`unicode61`
with diacritics removed), so "Lécun", "LECUN" and "lecun" are one word everywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)


CACHED_LENGTH = 200
"""Texts up to this long (names, keywords, titles, queries: the ones folded again and again)
keep their folding in a cache; an abstract is folded afresh."""


def folded_words(text: str) -> tuple[str, ...]:
    """The words of `text`, lowercase and ASCII-folded: runs of letters and digits.

    "J.-P. Dupont" gives ("j", "p", "dupont"); letters without an ASCII form (Chinese,
    Cyrillic, ...) are kept as they are, lowercased.
    """
    return _folded_short(text) if len(text) <= CACHED_LENGTH else _folded(text)


def _folded(text: str) -> tuple[str, ...]:
    if text.isascii():
        return tuple(_ASCII_WORD.findall(text.lower()))
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    kept = [
        char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char)
    ]
    return tuple("".join(kept).split())


_folded_short = functools.lru_cache(maxsize=1 << 16)(_folded)
