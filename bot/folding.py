"""Text folded for matching: case, accents and punctuation removed, words kept.

One folding for every place that compares words people type with words papers hold (author
names, organizations, search terms), matching what the full-text index does (`unicode61`
with diacritics removed), so "Lécun", "LECUN" and "lecun" are one word everywhere.
"""

from __future__ import annotations

import functools
import unicodedata

_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)


@functools.lru_cache(maxsize=1 << 16)
def folded_words(text: str) -> tuple[str, ...]:
    """The words of `text`, lowercase and ASCII-folded: runs of letters and digits.

    "J.-P. Dupont" gives ("j", "p", "dupont"); letters without an ASCII form (Chinese,
    Cyrillic, ...) are kept as they are, lowercased.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    kept = [
        char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char)
    ]
    return tuple("".join(kept).split())
