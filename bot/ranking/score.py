"""Pure scoring of papers for one channel, with an explanation a person can check.

A paper's score is the sum of eight named components, each rounded to one decimal before
adding, so the numbers `/papers why` shows add up exactly to the score it shows:

    upvotes    W_UPVOTES  * ln(1 + Hugging Face upvotes)
    momentum   W_MOMENTUM * ln(1 + upvotes gained in the last 24 h)
    stars      W_STARS    * ln(1 + GitHub stars)
    age        -AGE_PER_DAY * whole days since featured (or published, if never featured);
               every AGE_HALF_LIFE_DAYS of age costs as much as halving the upvotes
    topics     +TOPIC_BOOST when the paper matches one of the channel's topics
    follows    +FOLLOW_BOOST when an author or the organization is one the channel follows
               (bot.ranking.follows; several followed names still add one boost)
    team_votes W_TEAM_VOTES * sign(w) * ln(1 + |w|), w = the team's net vote weight
    taste      W_TASTE * n / (n + TASTE_EVIDENCE_HALF) * t, t in [-1, 1] the paper's
               taste by the team's model (bot.ranking.taste), n the votes it learned from:
               0 at cold start, a few points after three votes, most of W_TASTE after fifty

Papers matching one of the channel's excluded keywords are not scored: `score` marks them
excluded and `rank` drops them. Keywords match whole words, case-insensitively, in the
title, abstract, AI keywords and arXiv categories; a multi-word keyword matches as a phrase.

Everything here is pure and deterministic (ties go to more upvotes, then the smaller id), and
cheap per paper, because a digest run scores thousands of candidates for every channel.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from bot.models import (
    ChannelSettings,
    Follow,
    Paper,
    ScoreComponent,
    ScoreExplanation,
    VoteTally,
)
from bot.ranking.follows import followed_in

W_UPVOTES = 1.0
W_MOMENTUM = 0.8
W_STARS = 0.3
AGE_HALF_LIFE_DAYS = 1.5
AGE_PER_DAY = W_UPVOTES * math.log(2) / AGE_HALF_LIFE_DAYS
TOPIC_BOOST = 2.0
FOLLOW_BOOST = 5.0
"""A follow is an explicit wish: enough to lift a paper with two upvotes over one with 300."""
W_TEAM_VOTES = 1.5
W_TASTE = 40.0
TASTE_EVIDENCE_HALF = 25.0
"""Votes at which the taste component reaches half of W_TASTE (see taste_strength)."""

CLIMBING_MIN_GAIN = 10
"""Upvotes gained in 24 h at or above which a paper is shown as climbing."""
CLIMBING_MAX_AGE_DAYS = 14
"""A climbing paper not yet sent to a channel may be picked up to this many days after it
was featured, past the channel's own age limit."""

EXCLUDED_BY_KEYWORD = "keyword"
"""`ScoreExplanation.excluded` for a paper hidden by one of the channel's excluded keywords."""

_TOPIC_TENTHS = round(TOPIC_BOOST * 10)
_FOLLOW_TENTHS = round(FOLLOW_BOOST * 10)
_WORD_SEPARATORS = re.compile(r"[\s\-]+")
_FIELD_SEPARATOR = " | "


class Taste(Protocol):
    """A team's learned taste, as the score reads it (see bot.ranking.taste.TasteView)."""

    votes: float
    """The evidence behind it: how many votes it learned from."""

    def unit(self, paper: Paper) -> float:
        """The paper's taste between -1 and 1."""
        ...

    def reason(self, paper: Paper) -> str:
        """Why, in words a team can check."""
        ...


def taste_tenths(taste: Taste | None, paper: Paper) -> int:
    """The taste component in tenths of a point: the taste scaled by its evidence."""
    if taste is None or taste.votes <= 0:
        return 0
    return round(W_TASTE * taste_strength(taste.votes) * taste.unit(paper) * 10)


def taste_strength(votes: float) -> float:
    """How much of W_TASTE the taste may use after `votes` votes: n / (n + H), so three
    votes give it a tenth (a few points, less than a tenfold upvote lead) and fifty two
    thirds (enough to lift any paper the team would like over the most upvoted)."""
    return votes / (votes + TASTE_EVIDENCE_HALF) if votes > 0 else 0.0


class _Keyword:
    """One keyword, compiled: a whole-word, case-insensitive phrase matcher for lowercased text.

    Regex search over a long abstract is slow, so the text is scanned with `str.find` (C
    speed): first for the keyword's longest part, which settles most papers, then for each
    place its first part starts, where the anchored whole-word pattern is tried.
    """

    __slots__ = ("_head", "_longest", "_pattern", "word")

    def __init__(self, word: str, parts: list[str]) -> None:
        self.word = word
        self._head = parts[0]
        self._longest = max(parts, key=len)
        body = r"[\s\-]+".join(re.escape(part) for part in parts)
        self._pattern = re.compile(rf"(?<!\w){body}(?!\w)")

    def found_in(self, text: str) -> bool:
        """Whether the keyword occurs in lowercased `text` as whole words."""
        if self._longest not in text:
            return False
        find, match, head = text.find, self._pattern.match, self._head
        start = find(head)
        while start >= 0:
            if match(text, start):
                return True
            start = find(head, start + 1)
        return False


class _WordList:
    """One channel's keyword list, compiled once.

    Repeated keywords (ignoring case) count once; keywords without a letter or digit
    (e.g. "-" or "|") are ignored, as they would match nearly everything.
    """

    __slots__ = ("_keywords",)

    def __init__(self, words: tuple[str, ...]) -> None:
        keywords: dict[str, _Keyword] = {}
        for word in words:
            parts = [part for part in _WORD_SEPARATORS.split(word.lower()) if part]
            key = " ".join(parts)
            if key not in keywords and any(char.isalnum() for char in key):
                keywords[key] = _Keyword(" ".join(word.split()), parts)
        self._keywords = tuple(keywords.values())

    def matches(self, text: str) -> list[str]:
        """The keywords (as the channel typed them) found as whole words in lowercased text."""
        return [keyword.word for keyword in self._keywords if keyword.found_in(text)]

    def any_match(self, text: str) -> bool:
        """Whether at least one keyword is found in lowercased text."""
        return any(keyword.found_in(text) for keyword in self._keywords)


@functools.lru_cache(maxsize=4096)
def _word_list(words: tuple[str, ...]) -> _WordList:
    """The compiled form of a keyword list, shared by every call with the same list."""
    return _WordList(words)


@functools.lru_cache(maxsize=8192)
def _searchable_text(paper: Paper) -> str:
    """A paper's title, abstract, AI keywords and categories, lowercased, fields kept apart."""
    fields = (paper.title, paper.abstract, *paper.ai_keywords, *paper.categories)
    return _FIELD_SEPARATOR.join(fields).lower()


def matched_words(paper: Paper, words: Iterable[str]) -> list[str]:
    """The words that occur in the paper as whole words, in the order given.

    Case-insensitive, over the title, abstract, AI keywords and categories. A keyword of
    several words matches them as a phrase, with spaces or hyphens between them, so
    "mixture of experts" finds "mixture-of-experts"; "rl" does not match inside "world".
    """
    return _word_list(tuple(words)).matches(_searchable_text(paper))


def utc_date(now: datetime) -> date:
    """The calendar date of `now` in UTC (a naive datetime is taken to be UTC already)."""
    return now.astimezone(UTC).date() if now.tzinfo is not None else now.date()


def age_days(paper: Paper, today: date) -> int | None:
    """Whole days since the paper was featured on Hugging Face, or published if never featured.

    `today` is the UTC date (see `utc_date`); a date in the future counts as 0 days, and
    a paper with neither date has no age (None).
    """
    day = paper.featured_on
    if day is None:
        if paper.published_at is None:
            return None
        day = utc_date(paper.published_at)
    days = today.toordinal() - day.toordinal()
    return days if days > 0 else 0


def _log_scale(weight: float) -> Callable[[int], int]:
    """A function: count -> weight * ln(1 + count) in tenths of a point, 0 for counts <= 0.

    Memoized, since a digest run scores thousands of papers for every channel and the
    counts seen repeat.
    """

    @functools.lru_cache(maxsize=1 << 16)
    def tenths(count: int) -> int:
        return round(weight * math.log1p(count) * 10) if count > 0 else 0

    return tenths


_upvotes_tenths = _log_scale(W_UPVOTES)
_momentum_tenths = _log_scale(W_MOMENTUM)
_stars_tenths = _log_scale(W_STARS)


@functools.lru_cache(maxsize=1 << 12)
def _team_tenths(weight: int) -> int:
    """The team-vote component in tenths: signed and log-scaled, so 1 vote counts most."""
    return round(math.copysign(W_TEAM_VOTES * math.log1p(abs(weight)), weight) * 10)


@functools.lru_cache(maxsize=1 << 12)
def _age_tenths(days: int | None) -> int:
    """The age penalty in tenths of a point (0 when the age is unknown)."""
    return -round(AGE_PER_DAY * days * 10) if days else 0


def _points(tenths: int) -> float:
    """Tenths of a point as a float with one decimal (never -0.0)."""
    return tenths / 10 + 0.0


def _plural(count: int, one: str, many: str) -> str:
    """`1 upvote`, `1,234 upvotes`."""
    return f"{count:,} {one if count == 1 else many}"


def _quoted_list(words: Sequence[str]) -> str:
    """'a', 'a' and 'b', 'a', 'b' and 'c'."""
    return _and_list([f"'{word}'" for word in words])


def _and_list(words: Sequence[str]) -> str:
    """a, a and b, a, b and c."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _age_detail(days: int | None, paper: Paper) -> str:
    """`featured today`, `featured yesterday`, `published 3 days ago`, `date unknown`."""
    if days is None:
        return "date unknown"
    verb = "featured" if paper.featured_on is not None else "published"
    if days == 0:
        return f"{verb} today"
    if days == 1:
        return f"{verb} yesterday"
    return f"{verb} {days} days ago"


class _Scorer:
    """Scores papers for one channel at one moment; built once per `rank` or digest."""

    __slots__ = ("_excludes", "_follows", "_taste", "_today", "_topics")

    def __init__(self, settings: ChannelSettings, now: datetime, taste: Taste | None) -> None:
        self._taste = taste
        self._follows: tuple[Follow, ...] = settings.follows
        self._today = utc_date(now)
        self._topics = _word_list(tuple(settings.topics)) if settings.topics else None
        self._excludes = _word_list(tuple(settings.excludes)) if settings.excludes else None

    def base_tenths(self, paper: Paper, momentum: int, tally: VoteTally | None) -> int:
        """Every component but topics, in tenths: no text matching, memoized arithmetic."""
        total = (
            _upvotes_tenths(paper.upvotes or 0)
            + _momentum_tenths(momentum)
            + _stars_tenths(paper.github_stars or 0)
            + _age_tenths(age_days(paper, self._today))
        )
        if self._follows and followed_in(paper, self._follows):
            total += _FOLLOW_TENTHS
        if self._taste is not None:
            total += taste_tenths(self._taste, paper)
        return total + _team_tenths(tally.weight) if tally is not None else total

    @property
    def topic_boost_tenths(self) -> int:
        """The most the topics component can add for this channel, in tenths."""
        return _TOPIC_TENTHS if self._topics is not None else 0

    def excluded(self, paper: Paper) -> bool:
        """Whether one of the channel's excluded keywords hides the paper."""
        return self._excludes is not None and self._excludes.any_match(_searchable_text(paper))

    def topic_tenths(self, paper: Paper) -> int:
        """The topics component in tenths: the boost if any topic matches, else 0."""
        if self._topics is not None and self._topics.any_match(_searchable_text(paper)):
            return _TOPIC_TENTHS
        return 0

    def explain(
        self, paper: Paper, momentum: int, tally: VoteTally | None
    ) -> tuple[int, ScoreExplanation]:
        """The total in tenths and the full explanation, each component with its detail."""
        if self._excludes is not None:
            hits = self._excludes.matches(_searchable_text(paper))
            if hits:
                noun = "word" if len(hits) == 1 else "words"
                detail = f"matches your excluded {noun} {_quoted_list(hits)}"
                component = ScoreComponent("excluded", 0.0, detail)
                return 0, ScoreExplanation(0.0, (component,), excluded=EXCLUDED_BY_KEYWORD)
        parts = (
            self._upvotes(paper),
            self._momentum(momentum),
            self._stars(paper),
            self._age(paper),
            self._matched_topics(paper),
            self._followed(paper),
            self._team_votes(tally),
            self._taste_part(paper),
        )
        components = tuple(ScoreComponent(name, _points(t), detail) for name, t, detail in parts)
        total = sum(tenths for _, tenths, _ in parts)
        return total, ScoreExplanation(_points(total), components)

    @staticmethod
    def _upvotes(paper: Paper) -> tuple[str, int, str]:
        upvotes = paper.upvotes or 0
        detail = (
            f"{_plural(upvotes, 'upvote', 'upvotes')} on Hugging Face"
            if upvotes > 0
            else "no upvotes on Hugging Face yet"
        )
        return "upvotes", _upvotes_tenths(upvotes), detail

    @staticmethod
    def _momentum(momentum: int) -> tuple[str, int, str]:
        detail = (
            f"+{_plural(momentum, 'upvote', 'upvotes')} in the last 24 h"
            if momentum > 0
            else "no new upvotes in the last 24 h"
        )
        return "momentum", _momentum_tenths(momentum), detail

    @staticmethod
    def _stars(paper: Paper) -> tuple[str, int, str]:
        stars = paper.github_stars or 0
        if stars > 0:
            detail = _plural(stars, "GitHub star", "GitHub stars")
        else:
            detail = "no GitHub stars" if paper.github_repo else "no code linked"
        return "stars", _stars_tenths(stars), detail

    def _age(self, paper: Paper) -> tuple[str, int, str]:
        days = age_days(paper, self._today)
        return "age", _age_tenths(days), _age_detail(days, paper)

    def _matched_topics(self, paper: Paper) -> tuple[str, int, str]:
        if self._topics is None:
            return "topics", 0, "no topics set for this channel"
        hits = self._topics.matches(_searchable_text(paper))
        if not hits:
            return "topics", 0, "matches none of your topics"
        noun = "topic" if len(hits) == 1 else "topics"
        return "topics", _TOPIC_TENTHS, f"matches your {noun} {_quoted_list(hits)}"

    def _followed(self, paper: Paper) -> tuple[str, int, str]:
        if not self._follows:
            return "follows", 0, "this channel follows no authors or organizations"
        names = followed_in(paper, self._follows)
        if not names:
            return "follows", 0, "by no one this channel follows"
        return "follows", _FOLLOW_TENTHS, f"you follow {_and_list(names)}"

    @staticmethod
    def _team_votes(tally: VoteTally | None) -> tuple[str, int, str]:
        if tally is None or (tally.weight == 0 and tally.voters == 0):
            return "team_votes", 0, "no votes from your team yet"
        detail = f"team votes {tally.weight:+d} from {_plural(tally.voters, 'person', 'people')}"
        return "team_votes", _team_tenths(tally.weight), detail

    def _taste_part(self, paper: Paper) -> tuple[str, int, str]:
        if self._taste is None or self._taste.votes <= 0:
            return "taste", 0, "no votes from your team to learn from yet"
        tenths = taste_tenths(self._taste, paper)
        return "taste", tenths, self._taste.reason(paper)


def score(
    paper: Paper,
    settings: ChannelSettings,
    *,
    now: datetime,
    momentum: int = 0,
    tally: VoteTally | None = None,
    taste: Taste | None = None,
) -> ScoreExplanation:
    """Score one paper for one channel; an excluded paper comes back with `excluded` set."""
    return _Scorer(settings, now, taste).explain(paper, momentum, tally)[1]


def _order_key(total_tenths: int, paper: Paper) -> tuple[int, int, str]:
    """Sort key: higher score first, then more upvotes, then the smaller id."""
    return (-total_tenths, -(paper.upvotes or 0), paper.id)


def rank(
    papers: Iterable[Paper],
    settings: ChannelSettings,
    *,
    now: datetime,
    momentum: Mapping[str, int],
    tallies: Mapping[str, VoteTally],
    limit: int | None = None,
    taste: Taste | None = None,
) -> list[tuple[Paper, ScoreExplanation]]:
    """Papers best first with their explanations; excluded papers are dropped.

    With `limit`, only the best `limit` are returned, the same as slicing the full ranking,
    but faster: see `_top`.
    """
    scorer = _Scorer(settings, now, taste)
    if limit is not None:
        return _top(list(papers), scorer, momentum, tallies, limit)
    scored = []
    for paper in papers:
        tenths, explanation = scorer.explain(
            paper, momentum.get(paper.id, 0), tallies.get(paper.id)
        )
        if explanation.excluded is None:
            scored.append((_order_key(tenths, paper), paper, explanation))
    scored.sort(key=lambda row: row[0])
    return [(paper, explanation) for _, paper, explanation in scored]


def _top(
    papers: list[Paper],
    scorer: _Scorer,
    momentum: Mapping[str, int],
    tallies: Mapping[str, VoteTally],
    limit: int,
) -> list[tuple[Paper, ScoreExplanation]]:
    """The best `limit` papers, matching words only for those that could still make the cut.

    The base score (every component but topics) needs no text matching, and topics add at
    most a fixed boost. Walking the papers in base order, the walk stops as soon as even
    the boost could not lift the next paper past the current last pick; excluded keywords
    and topics are thus matched for a handful of papers, not thousands.
    """
    if limit <= 0:
        return []
    rows = sorted(
        (
            -scorer.base_tenths(paper, momentum.get(paper.id, 0), tallies.get(paper.id)),
            -(paper.upvotes or 0),
            paper.id,
            index,
        )
        for index, paper in enumerate(papers)
    )
    boost = scorer.topic_boost_tenths
    best: list[tuple[int, int, str, int]] = []
    for neg_base, neg_upvotes, paper_id, index in rows:
        if len(best) >= limit and (neg_base - boost, neg_upvotes, paper_id) > best[-1][:3]:
            break
        paper = papers[index]
        if scorer.excluded(paper):
            continue
        neg_total = neg_base - scorer.topic_tenths(paper)
        bisect.insort(best, (neg_total, neg_upvotes, paper_id, index))
        del best[limit:]
    picks = [papers[index] for *_, index in best]
    return [
        (paper, scorer.explain(paper, momentum.get(paper.id, 0), tallies.get(paper.id))[1])
        for paper in picks
    ]


def explain_in_words(explanation: ScoreExplanation) -> str:
    """One or two plain lines a person can check: each part with its points, then the score.

    Parts worth nothing are left out, except the upvotes and the age, which always say
    where the paper stands.
    """
    if explanation.excluded is not None:
        details = [c.detail for c in explanation.components if c.name == "excluded"]
        if details:
            return f"Hidden in this channel because it {details[0]}."
        return f"Hidden in this channel by its {explanation.excluded} filter."
    shown = [
        f"{c.detail} ({_signed(c.value)})"
        for c in explanation.components
        if c.value != 0 or c.name in ("upvotes", "age")
    ]
    total = f"Score {explanation.total:.1f}"
    if not shown:
        return f"{total}."
    return f"Ranked by {', '.join(shown)}.\n{total}, the sum of the numbers in brackets."


def _signed(value: float) -> str:
    """+4.1, -0.9, or 0."""
    return "0" if value == 0 else f"{value:+.1f}"
