"""The low-level readers every subcommand's parser shares.

Refusing hidden characters, splitting off a word, reading a number within bounds, guessing
the word that was meant, and echoing user text short enough for a one-line reply.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from bot.grammar.actions import MAX_INPUT_LENGTH, UsageError

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ELLIPSIS_AFTER = 30


def check_characters(text: str) -> None:
    """Refuse overlong input and hidden characters.

    Control characters other than tab, format characters (zero-width, bidi overrides and
    isolates, byte-order mark), lone surrogates and line/paragraph separators never belong
    in a command and can make an echoed reply look like something else.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise UsageError(
            f"That command is too long; keep it to {MAX_INPUT_LENGTH} characters or fewer."
        )
    for char in text:
        if char == "\t":
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise UsageError(
                "That command has a hidden or control character in it; type it again as plain text."
            )


def next_word(text: str) -> tuple[str, str]:
    """Split off the first word, lowercased, and return it with the trimmed rest."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    return parts[0].lower(), rest


def shown(text: str) -> str:
    """User text as echoed in an error: shortened so a reply stays one short line."""
    if len(text) <= _ELLIPSIS_AFTER:
        return text
    return text[: _ELLIPSIS_AFTER - 1] + "…"


def closest(word: str, options: tuple[str, ...] | list[str]) -> str | None:
    """The option `word` was most likely meant to be, if any is close."""
    matches = difflib.get_close_matches(word, options, n=1)
    return matches[0] if matches else None


def no_arguments(subcommand: str, rest: str) -> None:
    """Refuse anything after a subcommand that takes nothing."""
    if rest:
        raise UsageError(f"Use /papers {subcommand} on its own, with nothing after it.")


def number_in_range(text: str, bounds: tuple[int, int]) -> int | None:
    """`text` as an int within `bounds` (inclusive), or None if it is not one."""
    if not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    value = int(text)
    low, high = bounds
    return value if low <= value <= high else None
