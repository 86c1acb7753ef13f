"""What a `/papers ...` command asks for: one frozen dataclass per action, and the limits.

`parse` turns text into one of these Actions, or raises UsageError; bot/commands/ runs
them. `is_change` tells the actions that change a channel from those that only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal, TypeAlias

from bot.models import FollowKind, Layout

MAX_INPUT_LENGTH = 500
MAX_QUERY_LENGTH = 400
MAX_WORD_LENGTH = 50
MAX_WORDS = 20
MAX_RANK = 10
SIZE_RANGE = (1, 10)
MIN_UPVOTES_RANGE = (0, 100_000)
MAX_AGE_RANGE = (1, 14)
MAX_NAME_LENGTH = 100

Period = Literal["day", "week", "month"]
WordList = Literal["topics", "excludes"]

PERIODS: tuple[Period, ...] = ("day", "week", "month")


class UsageError(ValueError):
    """A command that cannot be read; the message is one sentence saying what to do instead."""


@dataclass(frozen=True, slots=True)
class Help:
    """Show the list of subcommands, or the lines for one of them (`topic`)."""

    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Today:
    """Show today's trending papers."""


@dataclass(frozen=True, slots=True)
class Top:
    """Show the most upvoted papers of the last day, week or month."""

    period: Period = "day"


@dataclass(frozen=True, slots=True)
class Search:
    """Find papers matching every word of `query` (trimmed, at most MAX_QUERY_LENGTH characters)."""

    query: str


@dataclass(frozen=True, slots=True)
class ShowPaper:
    """Show one paper; `paper_id` is an arXiv id without version."""

    paper_id: str


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Post a digest on a schedule; a None field keeps the channel's current value."""

    post_at: time | None = None
    timezone: str | None = None
    days: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Stop the channel's digest."""


@dataclass(frozen=True, slots=True)
class ShowSettings:
    """Show the channel's whole state in one view."""


@dataclass(frozen=True, slots=True)
class SetSize:
    """Set how many papers a digest holds (1-10)."""

    size: int


@dataclass(frozen=True, slots=True)
class SetMinUpvotes:
    """Set the fewest Hugging Face upvotes a paper needs to be picked (0-100000)."""

    minimum: int


@dataclass(frozen=True, slots=True)
class SetMaxAge:
    """Set how many days after being featured a paper can still be picked (1-14)."""

    days: int


@dataclass(frozen=True, slots=True)
class SetLayout:
    """Set where a digest's paper messages go: the header's thread or the channel."""

    layout: Layout


@dataclass(frozen=True, slots=True)
class SetRecap:
    """Set the weekly recap's day (0=Mon) and local time, or turn it off (both None)."""

    day: int | None
    at: time | None


@dataclass(frozen=True, slots=True)
class ListWords:
    """Show the channel's followed topics or excluded words."""

    list_name: WordList


@dataclass(frozen=True, slots=True)
class ChangeWords:
    """Add words to, or remove them from, the channel's topics or excludes (lowercased)."""

    list_name: WordList
    add: bool
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClearWords:
    """Empty the channel's topics or excludes."""

    list_name: WordList


@dataclass(frozen=True, slots=True)
class Why:
    """Explain a ranking: by rank in the latest digest, or by paper id (exactly one is set)."""

    rank: int | None = None
    paper_id: str | None = None


@dataclass(frozen=True, slots=True)
class More:
    """Show the next page of a search: one saved under `search_id` from `offset` (a "More"
    button), or the caller's last search in this channel (both None)."""

    search_id: str | None = None
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class Similar:
    """Show the papers closest in content to one: by rank in the latest digest, or by
    paper id (exactly one is set)."""

    rank: int | None = None
    paper_id: str | None = None


@dataclass(frozen=True, slots=True)
class ShowTaste:
    """Show what the bot has learned from the team's votes for this channel."""


@dataclass(frozen=True, slots=True)
class FollowName:
    """Follow an author or an organization (`follow`), or stop following one (`unfollow`)."""

    kind: FollowKind
    name: str
    follow: bool = True


@dataclass(frozen=True, slots=True)
class ListFollows:
    """Show the authors and organizations the channel follows."""


@dataclass(frozen=True, slots=True)
class DigestNow:
    """Post today's digest in the channel now."""


Action: TypeAlias = (
    Help
    | Today
    | Top
    | Search
    | More
    | ShowPaper
    | Subscribe
    | Unsubscribe
    | ShowSettings
    | SetSize
    | SetMinUpvotes
    | SetMaxAge
    | SetLayout
    | SetRecap
    | ListWords
    | ChangeWords
    | ClearWords
    | Why
    | Similar
    | ShowTaste
    | FollowName
    | ListFollows
    | DigestNow
)

_CHANGES = (
    Subscribe,
    Unsubscribe,
    SetSize,
    SetMinUpvotes,
    SetMaxAge,
    SetLayout,
    SetRecap,
    ChangeWords,
    ClearWords,
    FollowName,
    DigestNow,
)


def is_change(action: Action) -> bool:
    """Whether the action changes the channel's settings or subscription, or posts in it.

    Adapters and the service use this to keep such actions to people who may manage the
    channel; reading actions (help, today, search, settings, ...) are open to everyone.
    """
    return isinstance(action, _CHANGES)
