"""Finding papers for a query: the store's full-text index, spelling corrections from its own
vocabulary, and a ranking that puts relevance first and lets popularity and recency break
near-ties.

    score = relevance * (1 + POPULARITY * ln(1 + upvotes)) * (1 + RECENCY * freshness)
                      * (1 + TITLE_BONUS * share of the terms in the title)

where relevance is BM25F over the candidates the index found (bot.search.scoring) and
freshness falls from 1 (featured today) to 0.5 after FRESH_DAYS. A query that finds fewer
than CORRECT_BELOW papers has its unknown words corrected to the closest indexed word
(bot.search.spelling: one edit away, or sharing the first two letters), and the
answer says "showing results for ..." when that finds more. Then, when still fewer than
CORRECT_BELOW papers hold every word, the papers holding some of them follow, the best
MEANING_DEPTH re-ordered by meaning too (bot.search.meaning): a paper described in other
words than its own.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.clock import Clock, utc_now
from bot.folding import folded_words
from bot.models import Paper
from bot.ranking import age_days, utc_date
from bot.search import scoring, spelling
from bot.search.meaning import SHARED, Meaning
from bot.search.query import HINT, SearchQuery, parse_query
from bot.search.scoring import Term
from bot.store import Store
from bot.store.fulltext import SearchHit

POPULARITY = 0.02
RECENCY = 0.1
FRESH_DAYS = 30
TITLE_BONUS = 0.5
MEANING_DEPTH = 20
"""How many of the papers holding some of a query's words are re-ordered by meaning."""
MEANING_WEIGHT = 2.0
CORRECT_BELOW = 3


@dataclass(frozen=True, slots=True)
class Found:
    """One paper found: its score (relevance blended with popularity and recency), and the
    query's terms as matched, which make its snippet."""

    paper: Paper
    score: float
    terms: tuple[Term, ...] = ()

    @property
    def snippet(self) -> str:
        """The part of the abstract that matched (made when asked: only shown papers)."""
        return scoring.snippet(self.paper.abstract, self.terms)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found, best first, and what to tell the person who typed it.

    `total` is how many papers were found in all (`found` is one page of them), `exact`
    how many of those, ranked first, hold every word (the others hold some of them);
    `corrected` is the query as corrected ("showing results for ..."), `problems` the
    sentences about parts of the query that could not be read, `hint` what to type when
    nothing in it could be searched for.
    """

    query: SearchQuery
    found: tuple[Found, ...]
    total: int = 0
    exact: int = 0
    corrected: str | None = None
    problems: tuple[str, ...] = ()
    hint: str | None = None


class Searcher:
    """Searches the stored papers (see the module docstring)."""

    def __init__(
        self, store: Store, *, clock: Clock = utc_now, meaning: Meaning | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._meaning = meaning or SHARED

    async def search(self, text: str, *, limit: int, offset: int = 0) -> SearchResult:
        """The papers for `text`, ranked, from `offset` on, at most `limit` of them."""
        query = parse_query(text)
        if query.empty:
            return SearchResult(query, (), problems=query.problems, hint=HINT)
        hits = await self._store.search_index(query)
        corrected = None
        if len(hits) < CORRECT_BELOW and query.terms:
            better = await self._corrected(query)
            if better is not None:
                more = await self._store.search_index(better)
                if len(more) > len(hits):
                    hits, corrected = more, _spelled(better)
        ranked = rank_hits(hits, self._clock())
        exact = len(ranked)
        if len(hits) < CORRECT_BELOW and len(query.terms) > 1:
            ranked.extend(await self._loosely(query, {hit.paper.id for hit in hits}))
        return SearchResult(
            query,
            tuple(ranked[offset : offset + limit]),
            total=len(ranked),
            exact=exact,
            corrected=corrected,
            problems=query.problems,
        )

    async def _loosely(self, query: SearchQuery, found: set[str]) -> list[Found]:
        """The papers holding some of the query's words, not only all of them (a paper
        described in other words than its own), ranked, those already `found` left out."""
        loose = query.loosened()
        if loose is None:
            return []
        hits = [hit for hit in await self._store.search_index(loose) if hit.paper.id not in found]
        ranked = rank_hits(hits, self._clock())[:MEANING_DEPTH]
        return await self._by_meaning(" ".join(query.words), ranked)

    async def _by_meaning(self, text: str, ranked: list[Found]) -> list[Found]:
        """The hits re-ordered by words and meaning together (see `by_meaning`); as they
        were when the model cannot be loaded."""
        texts = [f"{found.paper.title}. {found.paper.abstract}" for found in ranked]
        closeness = await asyncio.to_thread(self._meaning.closeness, text, texts)
        return ranked if closeness is None else by_meaning(ranked, closeness)

    async def similar(self, paper: Paper, *, limit: int) -> tuple[Found, ...]:
        """The stored papers closest in content to `paper` (itself left out): those sharing
        its most distinctive words (see `distinctive_words`), ranked like a search."""
        candidates = like_words(paper)
        counts = await self._store.indexed_words(candidates)
        words = distinctive_words(candidates, counts)
        if not words:
            return ()
        query = SearchQuery(terms=tuple((word,) for word in words), match_any=True)
        hits = [hit for hit in await self._store.search_index(query) if hit.paper.id != paper.id]
        return tuple(rank_hits(hits, self._clock(), titles=False)[:limit])

    async def _corrected(self, query: SearchQuery) -> SearchQuery | None:
        """The query with each word the index does not hold replaced by the closest one it
        does, or None when no word needed (or found) a replacement."""
        known = await self._store.indexed_words(query.words)
        changed = False
        terms = []
        for term in query.terms:
            words = []
            for word in term:
                replacement = None if word in known else await self._closest(word)
                changed |= replacement is not None
                words.append(replacement or word)
            terms.append(tuple(words))
        return query.with_terms(tuple(terms)) if changed else None

    async def _closest(self, word: str) -> str | None:
        """The indexed word closest to `word` (bot.search.spelling), or None."""
        if not spelling.correctable(word):
            return None
        counts = dict(await self._store.words_like(word, edits=spelling.max_edits(word)))
        counts.update(await self._store.indexed_words(sorted(spelling.single_edits(word))))
        return spelling.closest(word, counts)


LIKE_WORDS = 12
"""How many of a paper's words a "more like this" query asks for."""
MIN_LIKE_WORD = 4


def like_words(paper: Paper) -> list[str]:
    """The words a paper could be found alike by, in order: its title's, its keywords', then
    its abstract's (short words and numbers left out)."""
    text = " ".join((paper.title, *paper.ai_keywords, paper.abstract))
    seen: dict[str, None] = {}
    for word in folded_words(text):
        if len(word) >= MIN_LIKE_WORD and word.isalpha():
            seen.setdefault(word, None)
    return list(seen)


def distinctive_words(candidates: Sequence[str], counts: dict[str, int]) -> list[str]:
    """The words to look for alike papers by: the rarest words other papers share (in 2 or
    more papers, by the search vocabulary's counts); without counts (a vocabulary not filled
    yet), the first ones."""
    if not counts:
        return list(candidates[:LIKE_WORDS])
    order = {word: index for index, word in enumerate(candidates)}
    shared = [word for word in candidates if counts.get(word, 0) >= 2]
    return sorted(shared, key=lambda word: (counts[word], order[word]))[:LIKE_WORDS]


def by_meaning(ranked: Sequence[Found], closeness: Sequence[float]) -> list[Found]:
    """The hits re-scored by words and meaning together: each score as a share of the best
    (0 when no hit scored above 0), plus MEANING_WEIGHT times its closeness in meaning to the
    query (the cosine, 0 at least), scaled back to the best score (to 1 when it is 0)."""
    best = max((found.score for found in ranked), default=0.0)
    scale = best if best > 0 else 1.0
    rescored = [
        replace(
            found,
            score=round(
                scale
                * ((found.score / best if best > 0 else 0.0) + MEANING_WEIGHT * max(close, 0.0))
                / (1 + MEANING_WEIGHT),
                4,
            ),
        )
        for found, close in zip(ranked, closeness, strict=True)
    ]
    return sorted(rescored, key=lambda f: (-f.score, f.paper.id))


def rank_hits(hits: Sequence[SearchHit], now: datetime, *, titles: bool = True) -> list[Found]:
    """The hits re-ranked by score (see the module docstring), ties to the smaller id;
    `titles` says whether a title holding the query's terms counts (not for similar papers)."""
    today = utc_date(now)
    found = []
    for hit in hits:
        score = _score(hit.relevance, hit.paper, today)
        if titles:
            score *= 1 + TITLE_BONUS * title_coverage(hit.terms, hit.paper.title)
        found.append(Found(hit.paper, round(score, 4), hit.terms))
    return sorted(found, key=lambda f: (-f.score, f.paper.id))


def title_coverage(terms: Sequence[Term], title: str) -> float:
    """The share (0-1) of the query's terms found in `title`. A person remembering a paper
    remembers its title first, so a paper whose title holds every word is the likely one."""
    if not terms:
        return 0.0
    folded = scoring.fold(title)
    return sum(term.occurrences(folded) > 0 for term in terms) / len(terms)


def _score(relevance: float, paper: Paper, today: date) -> float:
    """A hit's score; a hit of filters alone (relevance 0) is ranked by popularity and age."""
    popularity = 1 + POPULARITY * math.log1p(max(paper.upvotes or 0, 0))
    days = age_days(paper, today)
    freshness = 0.5 if days is None else 1 / (1 + days / FRESH_DAYS)
    return (max(relevance, 0.0) or 1.0) * popularity * (1 + RECENCY * freshness)


def _spelled(query: SearchQuery) -> str:
    """The corrected query's words, as shown in "showing results for ..."."""
    return " ".join(" ".join(term) for term in query.terms)
