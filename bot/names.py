"""How author and organization names compare, the way a bibliography writes them.

Names compare without case, accents or punctuation ("Lécun" is "LeCun", "J.-P." is "J. P."),
a given name matches its initial ("Y. LeCun" is "Yann LeCun", and the other way round),
middle names may be left out ("Yann A. LeCun" is "Yann LeCun"), and "Surname, Given" reads as
"Given Surname". Two names with different surnames, or with given names that disagree, are
different people. Organizations match by their words with spaces and punctuation aside
("deepseek-ai" is "DeepSeek AI").

Pure and cheap, and shared: the store indexes names by these keys, the ranking matches a
channel's follows with them.
"""

from __future__ import annotations

import functools

from bot.folding import folded_words


@functools.lru_cache(maxsize=1 << 16)
def name_words(text: str) -> tuple[str, ...]:
    """A name as folded words (bot.folding): "LeCun, Yann" gives ("yann", "lecun"),
    "J.-P. Dupont" gives ("j", "p", "dupont")."""
    if text.count(",") == 1:
        surname, given = text.split(",")
        text = f"{given} {surname}"
    return folded_words(text)


def name_key(text: str) -> str:
    """The form a name is looked up by: its words joined by single spaces."""
    return " ".join(name_words(text))


def surname_key(text: str) -> str:
    """The last word of a person's name ("" for a name without letters or digits)."""
    words = name_words(text)
    return words[-1] if words else ""


def compact_key(text: str) -> str:
    """A name's words run together, so "deepseek-ai" and "DeepSeek AI" meet."""
    return "".join(name_words(text))


@functools.lru_cache(maxsize=1 << 16)
def same_person(first: str, second: str) -> bool:
    """Whether two author names can be the same person (see the module docstring)."""
    a, b = name_words(first), name_words(second)
    if not a or not b:
        return False
    if a == b or "".join(a) == "".join(b):
        return True
    if a[-1] != b[-1] or len(a) == 1 or len(b) == 1:
        return False
    return all(_same_given_name(x, y) for x, y in zip(a[:-1], b[:-1], strict=False))


def _same_given_name(a: str, b: str) -> bool:
    """Equal, or one is the other's initial."""
    if a == b:
        return True
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]


def same_organization(first: str, second: str) -> bool:
    """Whether two organization names are the same, spaces, case and punctuation aside."""
    key = compact_key(first)
    return bool(key) and key == compact_key(second)
