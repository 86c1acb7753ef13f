"""The search query language, read into a neutral `SearchQuery` that cannot break a database.

    free words             every word must match (the last one also as a prefix)
    "quoted phrase"        the words next to each other, in order
    -word, -"phrase"       papers holding it are left out
    author:"Yann LeCun"    by that author (initials and accents forgiven), or author:LeCun
    org:NVIDIA             from that Hugging Face organization
    since:2026-06-01       featured (or published) on or after that day
    has:code               with a code repository
    min-upvotes:10         with at least that many Hugging Face upvotes

Words are folded as the index folds them (bot.folding): case, accents and punctuation go,
so `NEAR(`, `*`, `^`, `"`, SQL and emoji are just characters that are not words. A
hyphenated or dotted word ("GPT-4", "U-Net") is read as a phrase of its parts. An unknown
`name:` prefix is read as words. `parse_query` never raises: what cannot be read becomes a
`problem`, one sentence for the person who typed it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.folding import folded_words

MAX_TERMS = 32
"""More words than this are dropped (a pasted abstract is not a query)."""
MAX_QUERY_CHARS = 500
HINT = 'Say what to look for, e.g. /papers search diffusion transformers or "sparse attention".'

_TOKEN = re.compile(r'(\w[\w-]*):(?=\s|$)|(-?)(?:(\w[\w-]*):)?(?:"([^"]*)"?|(\S+))')
_NUMBER = re.compile(r"[0-9]{1,9}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A query, read: terms to match (each a phrase of folded words), terms to leave out, and
    filters. `prefix` says whether the last term's last word also matches as a prefix;
    `match_any` that a paper needs one of the terms, not all (for "more like this")."""

    terms: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    author: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    since: date | None = None
    has_code: bool = False
    min_upvotes: int = 0
    prefix: bool = False
    match_any: bool = False
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        """Nothing to look for: no term, no author, no organization and no filter."""
        return not (
            self.terms or self.author or self.org or self.since or self.has_code or self.min_upvotes
        )

    @property
    def words(self) -> tuple[str, ...]:
        """Every word of the terms, in order (for snippets and corrections)."""
        return tuple(word for term in self.terms for word in term)

    def loosened(self) -> SearchQuery | None:
        """The query matching papers with any of its terms (common English words left out),
        for a description in other words than the paper's; None when nothing is left."""
        terms = tuple(term for term in self.terms if len(term) > 1 or term[0] not in COMMON_WORDS)
        if not terms:
            return None
        return replace(self, terms=terms, match_any=True, prefix=False)

    def with_terms(self, terms: tuple[tuple[str, ...], ...]) -> SearchQuery:
        """The same query with other terms (a corrected spelling)."""
        return replace(self, terms=terms)


def parse_query(text: str) -> SearchQuery:
    """Read a query typed after `/papers search`; never raises (see the module docstring)."""
    text = text[:MAX_QUERY_CHARS].translate(_QUOTES)
    terms: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    filters: dict[str, object] = {}
    problems: list[str] = []
    last_quoted = False
    initials = ""
    for match in _TOKEN.finditer(text):
        bare_filter, minus, name, quoted, bare = match.groups()
        name = name or bare_filter
        value = quoted if quoted is not None else bare or ""
        if initials and name is None and quoted is None and not minus:
            name, value, initials = "author", f"{initials} {value}", ""
        elif name is not None and name.lower() == "author" and _only_initials(value):
            initials = value
            continue
        if name is not None and name.lower() in _FILTERS:
            problem = _FILTERS[name.lower()](value, filters)
            if problem:
                problems.append(problem)
            continue
        if name is not None:
            value = f"{name} {value}"
        words = folded_words(value)
        if not words:
            continue
        (excluded if minus else terms).append(words)
        if not minus:
            last_quoted = quoted is not None
    if initials:
        _author(initials, filters)
    kept = tuple(dict.fromkeys(terms))[:MAX_TERMS]
    return SearchQuery(
        terms=kept,
        excluded=tuple(dict.fromkeys(excluded))[:MAX_TERMS],
        prefix=bool(kept) and not last_quoted and len(kept[-1]) == 1,
        problems=tuple(problems),
        **filters,  # type: ignore[arg-type]
    )


def _only_initials(value: str) -> bool:
    """Whether an author value is initials alone ("D." or "J.-P."): the surname follows."""
    words = folded_words(value)
    return bool(words) and all(len(word) == 1 for word in words)


def _author(value: str, filters: dict[str, object]) -> str | None:
    words = folded_words(value)
    if not words:
        return 'Name the author, e.g. author:"Yann LeCun".'
    filters["author"] = words
    return None


def _org(value: str, filters: dict[str, object]) -> str | None:
    words = folded_words(value)
    if not words:
        return "Name the organization, e.g. org:NVIDIA."
    filters["org"] = words
    return None


def _since(value: str, filters: dict[str, object]) -> str | None:
    if _DAY.fullmatch(value):
        try:
            filters["since"] = date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "Give since: a date as YYYY-MM-DD, e.g. since:2026-06-01."


def _has(value: str, filters: dict[str, object]) -> str | None:
    if value.lower() == "code":
        filters["has_code"] = True
        return None
    return "The one has: filter is has:code."


def _min_upvotes(value: str, filters: dict[str, object]) -> str | None:
    if _NUMBER.fullmatch(value):
        filters["min_upvotes"] = int(value)
        return None
    return "Give min-upvotes: a whole number, e.g. min-upvotes:10."


_FILTERS = {
    "author": _author,
    "org": _org,
    "since": _since,
    "has": _has,
    "min-upvotes": _min_upvotes,
    "min_upvotes": _min_upvotes,
}


COMMON_WORDS = frozenset(
    """
    a about above after again against all almost also am an and another any are as at be
    because been before being below between both but by can could did do does doing done
    down during each either else etc even ever every few for from further had has have
    having he her here hers him his how however i if in into is it its itself just least
    less like made make many may me might more most much must my neither no nor not of
    off often on once one only or other our ours out over own paper papers per perhaps
    please quite rather same she should show showing shows since so some such than that
    the their theirs them then there these they this those though through thus to too
    under until up upon us use used using very via was we were what when where whether
    which while who whom whose why will with within without would yet you your
    """.split()  # noqa: SIM905 (a word list reads best as text)
)
"""English words too common to find a paper by (and "paper" itself), left out when a query
only needs some of its words: a description ("that paper about ...") holds many of them."""


@functools.cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 16)
def english_stem(word: str) -> str:
    """The Snowball English stem of a word of ASCII letters ("transformers" -> "transform"),
    PostgreSQL's English configuration's own; any other word as it is."""
    if not word.isascii() or not word.isalpha():
        return word
    return str(_stemmer().stemWord(word))
