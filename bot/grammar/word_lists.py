"""The channel's word lists: the `topics` it follows and the words it will `exclude`.

Each list can be shown, added to, removed from or cleared; words are lowercased, and commas
separate phrases.
"""

from __future__ import annotations

from bot.grammar.actions import (
    MAX_WORD_LENGTH,
    MAX_WORDS,
    ChangeWords,
    ClearWords,
    ListWords,
    UsageError,
    WordList,
)
from bot.grammar.text import closest, next_word, no_arguments, shown

_EXAMPLE_WORD = {"topics": "diffusion", "exclude": "robotics"}


def _parse_word_list(
    list_name: WordList, command: str, rest: str
) -> ListWords | ChangeWords | ClearWords:
    """`topics|exclude [list | clear | add <words> | remove <words>]`."""
    verb, words = next_word(rest)
    if verb in ("", "list"):
        no_arguments(f"{command} list", words)
        return ListWords(list_name)
    if verb == "clear":
        no_arguments(f"{command} clear", words)
        return ClearWords(list_name)
    if verb in ("add", "remove"):
        return ChangeWords(list_name, verb == "add", _words(command, verb, words))
    guess = closest(verb, ("list", "add", "remove", "clear"))
    if guess:
        raise UsageError(
            f"There's no /papers {command} {shown(verb)}; did you mean /papers {command} {guess}?"
        )
    raise UsageError(
        f"Use list, add, remove or clear, e.g. /papers {command} add {_EXAMPLE_WORD[command]}."
    )


def _words(command: str, verb: str, text: str) -> tuple[str, ...]:
    """Lowercased words to add or remove: comma-separated phrases, else space-separated words."""
    pieces = text.split(",") if "," in text else text.split()
    words: list[str] = []
    for piece in pieces:
        word = " ".join(piece.split()).lower()
        if not word or word in words:
            continue
        if len(word) > MAX_WORD_LENGTH:
            raise UsageError(
                f"Keep each word or phrase to {MAX_WORD_LENGTH} characters or fewer; "
                "separate phrases with commas."
            )
        words.append(word)
    if not words:
        raise UsageError(
            f"Name at least one word, e.g. /papers {command} {verb} {_EXAMPLE_WORD[command]}."
        )
    if len(words) > MAX_WORDS:
        raise UsageError(f"Give at most {MAX_WORDS} words or phrases at a time.")
    return tuple(words)


def parse_topics(rest: str) -> ListWords | ChangeWords | ClearWords:
    """`topics ...`: the channel's followed topics."""
    return _parse_word_list("topics", "topics", rest)


def parse_exclude(rest: str) -> ListWords | ChangeWords | ClearWords:
    """`exclude ...`: the words that hide a paper from the channel."""
    return _parse_word_list("excludes", "exclude", rest)
