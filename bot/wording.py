"""The words every platform shows the same way: counts, dates, the digest's headline and a
paper's facts. Plain text only; each adapter's render.py escapes and lays it out."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.models import Digest, DigestItem, Recap, RecapEntry

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROPPED_CATEGORIES = frozenset({"Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_SPACES = re.compile(r"\s+")

DIGEST_ICON = "📰"
RECAP_ICON = "📊"
CLIMBING = "📈 climbing"
FOLLOWED_ICON = "⭐"


def count(n: int, noun: str) -> str:
    """A number with what it counts, e.g. "1 pick", "1,204 upvotes"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def format_date(day: date) -> str:
    """A date as people write it, e.g. "Tuesday 3 December 2024"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock_time(at: datetime, timezone: str) -> str:
    """An instant as the wall-clock time in a time zone, e.g. "09:30"."""
    return f"{at.astimezone(ZoneInfo(timezone)):%H:%M}"


def headline(digest: Digest) -> str:
    """The digest's headline: its icon and the date in the channel's time zone."""
    return f"{DIGEST_ICON} Papers for {format_date(digest.date)}"


def week_span(first_day: date, last_day: date) -> str:
    """ "24-30 November 2026", "28 November - 4 December 2026", with months and years only
    where the two days differ."""
    if (first_day.year, first_day.month) == (last_day.year, last_day.month):
        return f"{first_day.day}-{last_day.day} {last_day:%B %Y}"
    if first_day.year == last_day.year:
        return f"{first_day.day} {first_day:%B} - {last_day.day} {last_day:%B %Y}"
    return f"{first_day.day} {first_day:%B %Y} - {last_day.day} {last_day:%B %Y}"


def recap_title(first_day: date, last_day: date) -> str:
    """The recap chart's title: "Your team's votes, 24-30 November 2026"."""
    return f"Your team's votes, {week_span(first_day, last_day)}"


def recap_headline(recap: Recap) -> str:
    """The recap message's headline: its icon and the week."""
    return f"{RECAP_ICON} Your team's week in papers, {week_span(recap.first_day, recap.last_day)}"


def recap_votes(entry: RecapEntry) -> str:
    """ "+5 from 3 people"."""
    people = "person" if entry.voters == 1 else "people"
    return f"{entry.votes:+d} from {entry.voters:,} {people}"


def item_facts(item: DigestItem) -> list[str]:
    """Upvotes, GitHub stars, climbing, follows and team votes, each saying what it is."""
    facts = [_upvotes(item)] if item.upvotes is not None else []
    if item.stars is not None:
        facts.append(count(item.stars, "GitHub star"))
    if item.climbing:
        facts.append(CLIMBING)
    if item.followed:
        facts.append(followed_fact(item))
    if item.team_votes:
        facts.append(_team_votes(item))
    return facts


def listing_facts(item: DigestItem) -> list[str]:
    """The short facts of a paper in a list (search, top): upvotes, its day (featured on
    Hugging Face, else published) and team votes."""
    facts = [_upvotes(item)] if item.upvotes is not None else []
    if item.featured_on is not None:
        facts.append(f"featured {item.featured_on.isoformat()}")
    elif item.published_on is not None:
        facts.append(f"published {item.published_on.isoformat()}")
    if item.team_votes:
        facts.append(_team_votes(item))
    return facts


def followed_fact(item: DigestItem) -> str:
    """ "⭐ you follow Yann LeCun": the followed authors or organization the paper is by."""
    names = list(item.followed)
    shown = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{FOLLOWED_ICON} you follow {shown}"


def _upvotes(item: DigestItem) -> str:
    return f"{count(item.upvotes or 0, 'upvote')} on Hugging Face"


def _team_votes(item: DigestItem) -> str:
    return f"team votes {item.team_votes:+d}"


def one_line_within(text: str, limit: int) -> str:
    """Untrusted text as one clean line (see `one_line`) of at most `limit` characters; text
    over the limit is cut and ends in "…"."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"


def one_line(text: str) -> str:
    """Untrusted text (a title, an author) as one clean line, for any platform to escape.

    Controls and line separators become spaces (so no escape sequence reaches a terminal);
    bidi overrides, lone surrogates, private-use and unassigned code points go;
    runs of whitespace collapse to one space. Right-to-left letters and emoji stay.
    """
    if text.isprintable():
        return _SPACES.sub(" ", text).strip()
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in _SPACE_CATEGORIES:
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES and char not in BIDI_CONTROLS:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def is_web_url(url: str | None) -> bool:
    """Whether `url` is a plain http(s) address with a host and no spaces or controls."""
    if not url or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
