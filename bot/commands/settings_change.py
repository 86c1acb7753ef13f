"""What a settings command changes: a function of the stored settings that touches only
the fields it names, and how its answer reads from what is stored after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot import grammar
from bot.commands.replies import LAYOUT_WORDS, LIST_WORDS, listed_words
from bot.models import (
    ChannelSettings,
)
from bot.schedule_words import describe_recap


def settings_change(
    action: grammar.Action,
) -> tuple[Callable[[ChannelSettings], ChannelSettings], Callable[[ChannelSettings], str]]:
    """What a setting command changes (a function of the stored settings, touching only the
    fields it names) and how its answer reads from the settings stored after it."""
    match action:
        case grammar.SetSize(size=size):
            return (
                lambda settings: replace(settings, size=size),
                lambda after: f"Digests here now show {after.size} papers.",
            )
        case grammar.SetMinUpvotes(minimum=minimum):
            return (
                lambda settings: replace(settings, min_upvotes=minimum),
                lambda after: (
                    f"Only papers with at least {after.min_upvotes} upvotes on Hugging Face "
                    "will be picked."
                ),
            )
        case grammar.SetMaxAge(days=days):
            return (
                lambda settings: replace(settings, max_age_days=days),
                lambda after: f"Papers up to {after.max_age_days} days old can be picked.",
            )
        case grammar.SetLayout(layout=layout):
            return (
                lambda settings: replace(settings, layout=layout),
                lambda after: f"Papers will be posted {LAYOUT_WORDS[after.layout]}.",
            )
        case grammar.SetRecap(day=day, at=at):
            return (
                lambda settings: replace(
                    settings, recap_day=day, recap_at=at if at is not None else settings.recap_at
                ),
                lambda after: f"Weekly recap: {describe_recap(after)}.",
            )
        case grammar.ChangeWords(list_name=name, add=add, words=words):
            return (
                lambda settings: _change_words(settings, name, add, words),
                lambda after: f"The {LIST_WORDS[name]} are now: {listed_words(after, name)}.",
            )
        case grammar.ClearWords(list_name=name):
            return (
                lambda settings: replace(settings, **{name: ()}),
                lambda _after: f"Cleared the {LIST_WORDS[name]}.",
            )
    raise TypeError(f"unhandled action {action!r}")


def _change_words(
    settings: ChannelSettings, name: str, add: bool, words: tuple[str, ...]
) -> ChannelSettings:
    current: tuple[str, ...] = getattr(settings, name)
    if add:
        merged = current + tuple(word for word in words if word not in current)
    else:
        merged = tuple(word for word in current if word not in words)
    return replace(settings, **{name: merged})
