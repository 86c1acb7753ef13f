"""The subcommands: `parse` names one and hands the rest of the text to its parser.

The subcommand table lives here, with the parsers of the short subcommands (help, today,
top, search, paper, why, taste, digest); those with more to read have their own module
(schedule, settings, word_lists, follows). `traits` tells an adapter, before it runs a
command, whether to check who asks and whether to defer.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import NamedTuple

from bot.grammar.actions import (
    MAX_QUERY_LENGTH,
    MAX_RANK,
    PERIODS,
    Action,
    DigestNow,
    Help,
    More,
    Period,
    Search,
    ShowPaper,
    ShowTaste,
    Similar,
    Today,
    Top,
    UsageError,
    Why,
    is_change,
)
from bot.grammar.follows import parse_follow, parse_following, parse_unfollow
from bot.grammar.schedule import parse_subscribe, parse_unsubscribe
from bot.grammar.settings import parse_set, parse_settings
from bot.grammar.text import (
    check_characters,
    closest,
    next_word,
    no_arguments,
    number_in_range,
    shown,
)
from bot.grammar.word_lists import parse_exclude, parse_topics
from bot.ids import BadPaperId, normalize_paper_id

SUBCOMMANDS = (
    "help",
    "today",
    "top",
    "search",
    "more",
    "paper",
    "why",
    "similar",
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
_ALIASES = {"topic": "topics", "excludes": "exclude"}
_NUMBER = re.compile(r"[+-]?[0-9]+")
_PERIODS_BY_NAME: dict[str, Period] = {period: period for period in PERIODS}


def parse(text: str) -> Action:
    """Read what follows `/papers` (a leading `/papers` or `papers` is also accepted).

    Keywords are case-insensitive and any run of whitespace separates words. Raises
    UsageError, with one sentence saying what to type instead, for anything else.
    """
    check_characters(text)
    word, rest = next_word(text)
    if word in ("/papers", "papers"):
        word, rest = next_word(rest)
    if not word:
        return Help()
    subcommand = _subcommand(word)
    return _PARSERS[subcommand](rest)


def _subcommand(word: str) -> str:
    """The subcommand `word` names (aliases included), or UsageError with a suggestion."""
    word = _ALIASES.get(word, word)
    if word in SUBCOMMANDS:
        return word
    guess = closest(word, SUBCOMMANDS)
    if guess:
        raise UsageError(f"There's no /papers {shown(word)}; did you mean /papers {guess}?")
    raise UsageError(f"There's no /papers {shown(word)}; type /papers help to see what I can do.")


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
    no_arguments("today", rest)
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


_MORE_TOKEN = re.compile(r"(?P<id>[A-Za-z0-9_-]{1,16})(?::(?P<offset>[0-9]{1,4}))?")


def _parse_more(rest: str) -> More:
    """`more`, or `more ID[:OFFSET]` as a "More" button sends it."""
    if not rest:
        return More()
    token = _MORE_TOKEN.fullmatch(rest)
    if token is None:
        raise UsageError("Use /papers more after a search to see its next results.")
    offset = token["offset"]
    return More(token["id"], int(offset) if offset is not None else None)


def _rank_or_paper(command: str, rest: str) -> tuple[int | None, str | None]:
    """`<rank 1-10 | arXiv id or link>`: (rank, None) or (None, paper id)."""
    words = rest.split()
    if len(words) == 1:
        target = words[0]
        if _NUMBER.fullmatch(target):
            rank = number_in_range(target, (1, MAX_RANK))
            if rank is None:
                raise UsageError(
                    f"Rank must be a number from 1 to {MAX_RANK}, e.g. /papers {command} 2."
                )
            return rank, None
        with contextlib.suppress(BadPaperId):
            return None, normalize_paper_id(target)
    raise UsageError(f"Give a rank from 1 to {MAX_RANK} or an arXiv id, e.g. /papers {command} 2.")


def _parse_why(rest: str) -> Why:
    """`why <rank 1-10 | arXiv id or link>`."""
    rank, paper_id = _rank_or_paper("why", rest)
    return Why(rank=rank, paper_id=paper_id)


def _parse_similar(rest: str) -> Similar:
    """`similar <rank 1-10 | arXiv id or link>`."""
    rank, paper_id = _rank_or_paper("similar", rest)
    return Similar(rank=rank, paper_id=paper_id)


def _parse_taste(rest: str) -> ShowTaste:
    """`taste`."""
    no_arguments("taste", rest)
    return ShowTaste()


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
    "more": _parse_more,
    "paper": _parse_paper,
    "why": _parse_why,
    "similar": _parse_similar,
    "subscribe": parse_subscribe,
    "unsubscribe": parse_unsubscribe,
    "settings": parse_settings,
    "set": parse_set,
    "topics": parse_topics,
    "exclude": parse_exclude,
    "taste": _parse_taste,
    "follow": parse_follow,
    "unfollow": parse_unfollow,
    "following": parse_following,
    "digest": _parse_digest,
}


_SLOW = (Search, More, Similar, ShowPaper, DigestNow, Today)


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
