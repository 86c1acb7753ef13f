"""The `/papers ...` grammar, one for every platform: text in, a neutral Action out.

Parsing is pure and separate from running (bot/commands.py), so every platform reads a
command the same way and the grammar can be tested on its own. `parse` either returns an
Action or raises UsageError whose message is one short sentence, in the product's voice,
that says what to type instead; it raises nothing else for any string.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Literal, NamedTuple, TypeAlias

from bot.ids import BadPaperId, normalize_paper_id
from bot.models import WEEKDAYS, FollowKind, Layout
from bot.names import name_words

MAX_INPUT_LENGTH = 500
MAX_QUERY_LENGTH = 200
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
SUBCOMMANDS = (
    "help",
    "today",
    "top",
    "search",
    "paper",
    "why",
    "subscribe",
    "unsubscribe",
    "settings",
    "set",
    "topics",
    "exclude",
    "taste",
    "follow",
    "unfollow",
    "following",
    "digest",
)
SETTINGS_NAMES = ("size", "min-upvotes", "max-age", "layout", "recap")
FOLLOW_KINDS = {
    "author": FollowKind.AUTHOR,
    "authors": FollowKind.AUTHOR,
    "org": FollowKind.ORG,
    "orgs": FollowKind.ORG,
    "organization": FollowKind.ORG,
    "organisation": FollowKind.ORG,
}


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
    """Find papers matching every word of `query` (trimmed, at most 200 characters)."""

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


_SLOW = (Search, ShowPaper, DigestNow, Today)


class CommandTraits(NamedTuple):
    """What an adapter must know before running a command's text: may it change the
    channel (so check who asks), and may it take longer than a moment (so defer first)."""

    changes: bool
    slow: bool


def traits(text: str) -> CommandTraits:
    """The traits of a command's text; text that does not parse is neither (it answers at once)."""
    try:
        action = parse(text)
    except UsageError:
        return CommandTraits(changes=False, slow=False)
    return CommandTraits(changes=is_change(action), slow=isinstance(action, _SLOW))


def timezone_names() -> list[str]:
    """Every IANA time zone name the grammar accepts, sorted (for autocomplete)."""
    return sorted(_zones().values())


class HelpEntry(NamedTuple):
    """One line of `/papers help`: how to type it, an example, and what it does."""

    usage: str
    example: str
    description: str

    @property
    def subcommand(self) -> str:
        """The subcommand this line documents, e.g. `set` for `/papers set size <1-10>`."""
        return self.usage.split()[1]


HELP: tuple[HelpEntry, ...] = (
    HelpEntry(
        "/papers help [subcommand]",
        "/papers help subscribe",
        "Show this list, or the lines for one subcommand.",
    ),
    HelpEntry("/papers today", "/papers today", "Show today's trending papers."),
    HelpEntry(
        "/papers top [day|week|month]",
        "/papers top week",
        "Show the most upvoted papers of the last day, week or month.",
    ),
    HelpEntry(
        "/papers search <words>",
        "/papers search diffusion transformers",
        "Find papers whose title, abstract or keywords hold every word.",
    ),
    HelpEntry(
        "/papers paper <arXiv id or link>",
        "/papers paper 2606.00467",
        "Show one paper with its summary and links.",
    ),
    HelpEntry(
        "/papers why <rank or arXiv id>",
        "/papers why 2",
        "Explain in a line or two why a paper ranked where it did.",
    ),
    HelpEntry(
        "/papers subscribe [HH:MM] [time zone] [days]",
        "/papers subscribe 09:30 Europe/Berlin weekdays",
        "Post a digest here at that time; days are daily, weekdays, weekends or e.g. mon,wed.",
    ),
    HelpEntry("/papers unsubscribe", "/papers unsubscribe", "Stop the digest in this channel."),
    HelpEntry(
        "/papers settings",
        "/papers settings",
        "Show this channel's schedule, size, filters, topics and layout.",
    ),
    HelpEntry(
        "/papers set size <1-10>", "/papers set size 5", "Set how many papers a digest holds."
    ),
    HelpEntry(
        "/papers set min-upvotes <0-100000>",
        "/papers set min-upvotes 10",
        "Skip papers with fewer upvotes on Hugging Face.",
    ),
    HelpEntry(
        "/papers set max-age <1-14>",
        "/papers set max-age 3",
        "Skip papers featured more than this many days ago.",
    ),
    HelpEntry(
        "/papers set layout thread|channel",
        "/papers set layout channel",
        "Post each paper in the digest's thread or straight in the channel.",
    ),
    HelpEntry(
        "/papers set recap <day> <HH:MM>|off",
        "/papers set recap fri 16:00",
        "When to post the week's most-voted papers with a chart, or off.",
    ),
    HelpEntry(
        "/papers topics [list|add|remove|clear] [words]",
        "/papers topics add diffusion, reinforcement learning",
        "Follow topics so matching papers rank higher; commas separate phrases.",
    ),
    HelpEntry(
        "/papers exclude [list|add|remove|clear] [words]",
        "/papers exclude add robotics, medical imaging",
        "Hide papers that mention any of these words; commas separate phrases.",
    ),
    HelpEntry(
        "/papers taste",
        "/papers taste",
        "Show what the bot has learned from your team's votes here.",
    ),
    HelpEntry(
        "/papers follow author|org <name>",
        '/papers follow author "Yann LeCun"',
        "Rank papers by this author or Hugging Face organization higher and mark them.",
    ),
    HelpEntry(
        "/papers unfollow author|org <name>",
        "/papers unfollow org NVIDIA",
        "Stop following an author or organization.",
    ),
    HelpEntry(
        "/papers following",
        "/papers following",
        "Show the authors and organizations this channel follows.",
    ),
    HelpEntry(
        "/papers digest now",
        "/papers digest now",
        "Post today's digest in this channel now.",
    ),
)


def help_entries(topic: str | None = None) -> tuple[HelpEntry, ...]:
    """The help lines for one subcommand, or all of them when `topic` is None."""
    if topic is None:
        return HELP
    return tuple(entry for entry in HELP if entry.subcommand == topic)


def parse(text: str) -> Action:
    """Read what follows `/papers` (a leading `/papers` or `papers` is also accepted).

    Keywords are case-insensitive and any run of whitespace separates words. Raises
    UsageError, with one sentence saying what to type instead, for anything else.
    """
    _check_characters(text)
    word, rest = _next_word(text)
    if word in ("/papers", "papers"):
        word, rest = _next_word(rest)
    if not word:
        return Help()
    subcommand = _subcommand(word)
    return _PARSERS[subcommand](rest)


_ALIASES = {"topic": "topics", "excludes": "exclude"}
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ELLIPSIS_AFTER = 30
_DAY_GROUPS = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekday": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    **{name: index for index, name in enumerate(_FULL_DAY_NAMES)},
    **{name + "s": index for index, name in enumerate(_FULL_DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_AM_PM = ("am", "pm")
_DIGITS = frozenset("0123456789")
_TWELVE_HOUR = re.compile(r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?(?P<half>am|pm)")
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_ZONE_ABBREVIATION = re.compile(r"[A-Z]{2,5}(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?")
_UNUSABLE_ZONES = frozenset({"factory", "localtime", "posixrules"})
_NUMBER = re.compile(r"[+-]?[0-9]+")
_PERIODS_BY_NAME: dict[str, Period] = {period: period for period in PERIODS}
_EXAMPLE_WORD = {"topics": "diffusion", "exclude": "robotics"}
_SUBSCRIBE_EXAMPLE = "/papers subscribe 09:30 Europe/Berlin weekdays"


def _check_characters(text: str) -> None:
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


def _next_word(text: str) -> tuple[str, str]:
    """Split off the first word, lowercased, and return it with the trimmed rest."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    return parts[0].lower(), rest


def _shown(text: str) -> str:
    """User text as echoed in an error: shortened so a reply stays one short line."""
    if len(text) <= _ELLIPSIS_AFTER:
        return text
    return text[: _ELLIPSIS_AFTER - 1] + "…"


def _closest(word: str, options: tuple[str, ...] | list[str]) -> str | None:
    """The option `word` was most likely meant to be, if any is close."""
    matches = difflib.get_close_matches(word, options, n=1)
    return matches[0] if matches else None


def _subcommand(word: str) -> str:
    """The subcommand `word` names (aliases included), or UsageError with a suggestion."""
    word = _ALIASES.get(word, word)
    if word in SUBCOMMANDS:
        return word
    guess = _closest(word, SUBCOMMANDS)
    if guess:
        raise UsageError(f"There's no /papers {_shown(word)}; did you mean /papers {guess}?")
    raise UsageError(f"There's no /papers {_shown(word)}; type /papers help to see what I can do.")


def _no_arguments(subcommand: str, rest: str) -> None:
    """Refuse anything after a subcommand that takes nothing."""
    if rest:
        raise UsageError(f"Use /papers {subcommand} on its own, with nothing after it.")


def _parse_help(rest: str) -> Help:
    """`help [subcommand]`."""
    if not rest:
        return Help()
    words = rest.split()
    if len(words) > 1:
        raise UsageError("Ask about one subcommand at a time, e.g. /papers help subscribe.")
    return Help(topic=_subcommand(words[0].lower()))


def _parse_today(rest: str) -> Today:
    """`today`."""
    _no_arguments("today", rest)
    return Today()


def _parse_top(rest: str) -> Top:
    """`top [day|week|month]`."""
    if not rest:
        return Top()
    period = _PERIODS_BY_NAME.get(rest.lower())
    if period is None:
        raise UsageError("Use day, week or month, e.g. /papers top week.")
    return Top(period)


def _parse_search(rest: str) -> Search:
    """`search <query>`, the query's whitespace collapsed to single spaces."""
    query = " ".join(rest.split())
    if not query:
        raise UsageError("Say what to look for, e.g. /papers search diffusion transformers.")
    if len(query) > MAX_QUERY_LENGTH:
        raise UsageError(
            f"That search is too long; keep it to {MAX_QUERY_LENGTH} characters or fewer."
        )
    return Search(query)


def _paper_id(text: str) -> str:
    """The arXiv id in `text`, or UsageError with the normaliser's sentence."""
    try:
        return normalize_paper_id(text)
    except BadPaperId as error:
        raise UsageError(str(error)) from error


def _parse_paper(rest: str) -> ShowPaper:
    """`paper <arXiv id or link>`."""
    if not rest or len(rest.split()) > 1:
        raise UsageError("Give one arXiv id or link, e.g. /papers paper 2606.00467.")
    return ShowPaper(_paper_id(rest))


def _parse_why(rest: str) -> Why:
    """`why <rank 1-10 | arXiv id or link>`."""
    words = rest.split()
    if len(words) == 1:
        target = words[0]
        if _NUMBER.fullmatch(target):
            rank = _number_in_range(target, (1, MAX_RANK))
            if rank is None:
                raise UsageError(f"Rank must be a number from 1 to {MAX_RANK}, e.g. /papers why 2.")
            return Why(rank=rank)
        with contextlib.suppress(BadPaperId):
            return Why(paper_id=normalize_paper_id(target))
    raise UsageError(f"Give a rank from 1 to {MAX_RANK} or an arXiv id, e.g. /papers why 2.")


def _number_in_range(text: str, bounds: tuple[int, int]) -> int | None:
    """`text` as an int within `bounds` (inclusive), or None if it is not one."""
    if not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    value = int(text)
    low, high = bounds
    return value if low <= value <= high else None


def _parse_subscribe(rest: str) -> Subscribe:
    """`subscribe [HH:MM] [time zone] [days]`, the three parts in any order.

    Commas separate words like spaces do, so `mon, wed` and `mon,wed` are two day words
    whose days add up.
    """
    words = [word for word in re.split(r"[\s,]+", rest) if word]
    post_at: time | None = None
    timezone: str | None = None
    days: frozenset[int] | None = None
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        lowered = word.lower()
        found_days = _days(lowered)
        if found_days is not None:
            days = found_days if days is None else days | found_days
            continue
        zone = _zones().get(lowered)
        if zone is not None:
            if timezone is not None:
                raise UsageError("Give one time zone, e.g. /papers subscribe Europe/Berlin.")
            timezone = zone
            continue
        if lowered[0] in _DIGITS:
            if index < len(words) and words[index].lower() in _AM_PM:
                lowered += words[index].lower()
                index += 1
            if post_at is not None:
                raise UsageError("Give one time, e.g. /papers subscribe 09:30.")
            post_at = _time(lowered)
            continue
        raise UsageError(_unreadable_schedule_part(word))
    return Subscribe(post_at=post_at, timezone=timezone, days=days)


def _unreadable_schedule_part(word: str) -> str:
    """The sentence for a subscribe word that is neither a time, a time zone nor days."""
    lowered = word.lower()
    if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", lowered):
        return (
            "Those days don't look right; use daily, weekdays, weekends, "
            "or names like mon,wed,fri or mon-fri."
        )
    if "/" in word or _ZONE_ABBREVIATION.fullmatch(word):
        return f"{_shown(word)} isn't a time zone I know; use an IANA name such as Europe/Berlin."
    guess = _closest(lowered, [*_DAY_GROUPS, *_DAY_NAMES])
    if guess:
        return f"I can't read {_shown(word)} as a time, a time zone or days; did you mean {guess}?"
    return (
        f"I can't read {_shown(word)} as a time, a time zone or days; "
        f"try e.g. {_SUBSCRIBE_EXAMPLE}."
    )


def _days(word: str) -> frozenset[int] | None:
    """The weekdays (0=Mon) a lowercase word names, e.g. `weekdays`, `wed`, `fri-mon`.

    None when the word names no days.
    """
    if word in _DAY_GROUPS:
        return _DAY_GROUPS[word]
    if word in _DAY_NAMES:
        return frozenset({_DAY_NAMES[word]})
    first, dash, last = word.partition("-")
    if not dash or first not in _DAY_NAMES or last not in _DAY_NAMES:
        return None
    start, end = _DAY_NAMES[first], _DAY_NAMES[last]
    return frozenset((start + step) % 7 for step in range((end - start) % 7 + 1))


def _time(word: str) -> time:
    """A lowercase time such as `9:30`, `09:30`, `21:30`, `9am` or `9:30pm`."""
    twelve = _TWELVE_HOUR.fullmatch(word)
    if twelve:
        hour, minute = int(twelve["hour"]), int(twelve["minute"] or 0)
        if 1 <= hour <= 12 and minute < 60:
            return time(hour % 12 + (12 if twelve["half"] == "pm" else 0), minute)
    twenty_four = _TWENTY_FOUR_HOUR.fullmatch(word)
    if twenty_four:
        hour, minute = int(twenty_four["hour"]), int(twenty_four["minute"])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise UsageError("That time doesn't look right; use HH:MM, e.g. 09:30.")


@functools.cache
def _zones() -> dict[str, str]:
    """Every usable IANA time zone name, keyed by its lowercase form (read once)."""
    return {
        name.lower(): name
        for name in zoneinfo.available_timezones()
        if name.lower() not in _UNUSABLE_ZONES and not name.startswith(("posix/", "right/"))
    }


def _parse_unsubscribe(rest: str) -> Unsubscribe:
    """`unsubscribe`."""
    _no_arguments("unsubscribe", rest)
    return Unsubscribe()


def _parse_settings(rest: str) -> ShowSettings:
    """`settings`."""
    _no_arguments("settings", rest)
    return ShowSettings()


def _parse_set(rest: str) -> SetSize | SetMinUpvotes | SetMaxAge | SetLayout | SetRecap:
    """`set size <1-10>`, `set min-upvotes <0-100000>`, `set max-age <1-14>`,
    `set layout thread|channel`, `set recap <day> <HH:MM>|off`."""
    name, value = _next_word(rest)
    name = name.replace("_", "-")
    if not name:
        raise UsageError(
            "Say what to set: size, min-upvotes, max-age, layout or recap, e.g. /papers set size 5."
        )
    if name not in SETTINGS_NAMES:
        guess = _closest(name, SETTINGS_NAMES)
        if guess:
            raise UsageError(f"There's no setting called {_shown(name)}; did you mean {guess}?")
        raise UsageError(
            f"There's no setting called {_shown(name)}; "
            "use size, min-upvotes, max-age, layout or recap, e.g. /papers set size 5."
        )
    if name == "size":
        size = _number_in_range(value, SIZE_RANGE)
        if size is None:
            raise UsageError("Size must be a number from 1 to 10, e.g. /papers set size 5.")
        return SetSize(size)
    if name == "min-upvotes":
        upvotes = _number_in_range(value, MIN_UPVOTES_RANGE)
        if upvotes is None:
            raise UsageError(
                "Min-upvotes must be a number from 0 to 100000, e.g. /papers set min-upvotes 10."
            )
        return SetMinUpvotes(upvotes)
    if name == "max-age":
        age_words = value.lower().split()
        if len(age_words) == 2 and age_words[1] in ("day", "days"):
            age_words = age_words[:1]
        age = _number_in_range(" ".join(age_words), MAX_AGE_RANGE)
        if age is None:
            raise UsageError(
                "Max-age must be a number of days from 1 to 14, e.g. /papers set max-age 3."
            )
        return SetMaxAge(age)
    if name == "recap":
        return _recap(value)
    layout = value.lower()
    if layout not in (Layout.THREAD, Layout.CHANNEL):
        raise UsageError("Layout must be thread or channel, e.g. /papers set layout channel.")
    return SetLayout(Layout(layout))


_RECAP_EXAMPLE = "e.g. /papers set recap fri 16:00, or /papers set recap off"


def _recap(value: str) -> SetRecap:
    """`<day> <HH:MM>` in either order, or `off`."""
    words = value.lower().split()
    if words == ["off"]:
        return SetRecap(None, None)
    if len(words) != 2:
        raise UsageError(f"Give one day and a time, {_RECAP_EXAMPLE}.")
    day_word, time_word = words if words[0][0] not in _DIGITS else words[::-1]
    if day_word not in _DAY_NAMES:
        raise UsageError(f"The recap goes out on one day of the week, {_RECAP_EXAMPLE}.")
    return SetRecap(_DAY_NAMES[day_word], _time(time_word))


def _parse_word_list(
    list_name: WordList, command: str, rest: str
) -> ListWords | ChangeWords | ClearWords:
    """`topics|exclude [list | clear | add <words> | remove <words>]`."""
    verb, words = _next_word(rest)
    if verb in ("", "list"):
        _no_arguments(f"{command} list", words)
        return ListWords(list_name)
    if verb == "clear":
        _no_arguments(f"{command} clear", words)
        return ClearWords(list_name)
    if verb in ("add", "remove"):
        return ChangeWords(list_name, verb == "add", _words(command, verb, words))
    guess = _closest(verb, ("list", "add", "remove", "clear"))
    if guess:
        raise UsageError(
            f"There's no /papers {command} {_shown(verb)}; did you mean /papers {command} {guess}?"
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


def _parse_topics(rest: str) -> ListWords | ChangeWords | ClearWords:
    """`topics ...`: the channel's followed topics."""
    return _parse_word_list("topics", "topics", rest)


def _parse_exclude(rest: str) -> ListWords | ChangeWords | ClearWords:
    """`exclude ...`: the words that hide a paper from the channel."""
    return _parse_word_list("excludes", "exclude", rest)


def _parse_taste(rest: str) -> ShowTaste:
    """`taste`."""
    _no_arguments("taste", rest)
    return ShowTaste()


_QUOTES = "\"'“”‘’«»"
_FOLLOW_EXAMPLE = '/papers follow author "Yann LeCun" or /papers follow org NVIDIA'


def _follow_name(command: str, rest: str, *, follow: bool) -> FollowName:
    """`author <name>` or `org <name>`; the name may be quoted, its whitespace collapsed."""
    kind_word, name = _next_word(rest)
    kind = FOLLOW_KINDS.get(kind_word)
    if kind is None:
        raise UsageError(f"Say author or org, e.g. {_FOLLOW_EXAMPLE.replace('follow', command)}.")
    name = " ".join(name.strip(_QUOTES + " ").split())
    if not name_words(name):
        raise UsageError(f"Name the {kind}, e.g. {_FOLLOW_EXAMPLE}.")
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"Keep the name to {MAX_NAME_LENGTH} characters or fewer.")
    return FollowName(kind, name, follow)


def _parse_follow(rest: str) -> FollowName:
    """`follow author <name>` or `follow org <name>`."""
    return _follow_name("follow", rest, follow=True)


def _parse_unfollow(rest: str) -> FollowName:
    """`unfollow author <name>` or `unfollow org <name>`."""
    return _follow_name("unfollow", rest, follow=False)


def _parse_following(rest: str) -> ListFollows:
    """`following`."""
    _no_arguments("following", rest)
    return ListFollows()


def _parse_digest(rest: str) -> DigestNow:
    """`digest now`."""
    if rest.lower() != "now":
        raise UsageError("Use /papers digest now to post today's digest in this channel.")
    return DigestNow()


_PARSERS: dict[str, Callable[[str], Action]] = {
    "help": _parse_help,
    "today": _parse_today,
    "top": _parse_top,
    "search": _parse_search,
    "paper": _parse_paper,
    "why": _parse_why,
    "subscribe": _parse_subscribe,
    "unsubscribe": _parse_unsubscribe,
    "settings": _parse_settings,
    "set": _parse_set,
    "topics": _parse_topics,
    "exclude": _parse_exclude,
    "taste": _parse_taste,
    "follow": _parse_follow,
    "unfollow": _parse_unfollow,
    "following": _parse_following,
    "digest": _parse_digest,
}
