"""The words every platform shows the same way: counts, dates, the digest's headline and a
paper's facts. Plain text only; each adapter's render.py escapes and lays it out."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from bot.models import Digest, DigestItem

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROPPED_CATEGORIES = frozenset({"Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_SPACES = re.compile(r"\s+")

DIGEST_ICON = "📰"
CLIMBING = "📈 climbing"


def count(n: int, noun: str) -> str:
    """A number with what it counts, e.g. "1 pick", "1,204 upvotes"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def format_date(day: date) -> str:
    """A date as people write it, e.g. "Tuesday 3 December 2024"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def headline(digest: Digest) -> str:
    """The digest's headline: its icon and the date in the channel's time zone."""
    return f"{DIGEST_ICON} Papers for {format_date(digest.date)}"


def item_facts(item: DigestItem) -> list[str]:
    """Upvotes, GitHub stars, climbing and team votes, each saying what it is."""
    facts = [_upvotes(item)] if item.upvotes is not None else []
    if item.stars is not None:
        facts.append(count(item.stars, "GitHub star"))
    if item.climbing:
        facts.append(CLIMBING)
    if item.team_votes:
        facts.append(_team_votes(item))
    return facts


def listing_facts(item: DigestItem) -> list[str]:
    """The short facts of a paper in a list (search, top): upvotes and team votes."""
    facts = [_upvotes(item)] if item.upvotes is not None else []
    if item.team_votes:
        facts.append(_team_votes(item))
    return facts


def _upvotes(item: DigestItem) -> str:
    return f"{count(item.upvotes or 0, 'upvote')} on Hugging Face"


def _team_votes(item: DigestItem) -> str:
    return f"team votes {item.team_votes:+d}"


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
