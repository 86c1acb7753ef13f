"""The channel's digest settings: `settings` shows them all, `set <name> <value>` changes one."""

from __future__ import annotations

from bot.grammar.actions import (
    MAX_AGE_RANGE,
    MIN_UPVOTES_RANGE,
    SIZE_RANGE,
    SetLayout,
    SetMaxAge,
    SetMinUpvotes,
    SetRecap,
    SetSize,
    ShowSettings,
    UsageError,
)
from bot.grammar.schedule import parse_recap
from bot.grammar.text import closest, next_word, no_arguments, number_in_range, shown
from bot.models import Layout

SETTINGS_NAMES = ("size", "min-upvotes", "max-age", "layout", "recap")


def parse_settings(rest: str) -> ShowSettings:
    """`settings`."""
    no_arguments("settings", rest)
    return ShowSettings()


def parse_set(rest: str) -> SetSize | SetMinUpvotes | SetMaxAge | SetLayout | SetRecap:
    """`set size <1-10>`, `set min-upvotes <0-100000>`, `set max-age <1-14>`,
    `set layout thread|channel`, `set recap <day> <HH:MM>|off`."""
    name, value = next_word(rest)
    name = name.replace("_", "-")
    if not name:
        raise UsageError(
            "Say what to set: size, min-upvotes, max-age, layout or recap, e.g. /papers set size 5."
        )
    if name not in SETTINGS_NAMES:
        guess = closest(name, SETTINGS_NAMES)
        if guess:
            raise UsageError(f"There's no setting called {shown(name)}; did you mean {guess}?")
        raise UsageError(
            f"There's no setting called {shown(name)}; "
            "use size, min-upvotes, max-age, layout or recap, e.g. /papers set size 5."
        )
    if name == "size":
        size = number_in_range(value, SIZE_RANGE)
        if size is None:
            raise UsageError("Size must be a number from 1 to 10, e.g. /papers set size 5.")
        return SetSize(size)
    if name == "min-upvotes":
        upvotes = number_in_range(value, MIN_UPVOTES_RANGE)
        if upvotes is None:
            raise UsageError(
                "Min-upvotes must be a number from 0 to 100000, e.g. /papers set min-upvotes 10."
            )
        return SetMinUpvotes(upvotes)
    if name == "max-age":
        age_words = value.lower().split()
        if len(age_words) == 2 and age_words[1] in ("day", "days"):
            age_words = age_words[:1]
        age = number_in_range(" ".join(age_words), MAX_AGE_RANGE)
        if age is None:
            raise UsageError(
                "Max-age must be a number of days from 1 to 14, e.g. /papers set max-age 3."
            )
        return SetMaxAge(age)
    if name == "recap":
        return parse_recap(value)
    layout = value.lower()
    if layout not in (Layout.THREAD, Layout.CHANNEL):
        raise UsageError("Layout must be thread or channel, e.g. /papers set layout channel.")
    return SetLayout(Layout(layout))
