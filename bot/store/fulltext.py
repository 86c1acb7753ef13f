"""Full-text search over the stored papers: each dialect's index finds candidates, one
scoring ranks them (bot.search.scoring).

SQLite: the FTS5 table `papers_fts` (migration 0004), and `papers_fts_titles` for titles and
keywords alone (migration 0007). PostgreSQL: the generated
`papers.search_vector` (English stemming, title weighted A). The query always comes in as a
parsed `SearchQuery`, whose words are folded letters and digits only, and is written out
here in each index's own syntax with every word quoted: user text never reaches `MATCH` or
`to_tsquery` as it was typed.

The ranking's cost is bounded by the number of candidates, never by how many papers hold a
common word: the newest MATCHED_LIMIT papers holding every term (filters applied in the same
statement), the newest TITLES_LIMIT holding every term in their title or keywords, and on
SQLite, when the first are that many, the newest EXACT_LIMIT holding every word as typed
(PostgreSQL matches stems only); or, for a query needing any of its terms, the newest
ANY_LIMIT papers holding each of its ANY_TERMS rarest terms. So when many papers hold every
word of a query, only the newest of them are ranked, beside those holding the words in
their title. Finding them is FTS5's
work, which stops at the limit: it reads little for common words that often meet, and
many papers for a phrase of common words, words that rarely meet or a selective filter.
Each word is matched in the forms the vocabulary holds for it (bot.store.words):
"transformers" also finds "transformer".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import Paper
from bot.names import name_words, same_person
from bot.search import scoring
from bot.search.query import SearchQuery, english_stem
from bot.search.scoring import Fields, Term
from bot.store.papers import paper_from_row, since_window
from bot.store.tables import papers
from bot.store.word_cache import WordCache
from bot.store.words import WordsMixin, count_papers, counts_of, starting

CANDIDATES = 20
"""How many papers, best first, the index hands over for the final ranking."""
MATCHED_LIMIT = 40
TITLES_LIMIT = 20
"""The newest papers holding every word in their title or keywords, scored too: the paper a
person remembers by its title is a candidate however many newer papers mention its words."""
EXACT_LIMIT = 20
"""The newest papers holding every word as typed, scored too when other forms match."""
ANY_LIMIT = 100
ANY_TERMS = 8
FORMS_LIMIT = 60
"""The most indexed words looked at as forms of one word (or words a prefix starts)."""
MIN_ROOT = 4
POSTGRES_OBJECTS = frozenset({"search_vector", "ix_papers_search_vector"})
"""What migration 0004 adds to PostgreSQL outside `tables.py` (autogenerate leaves it)."""

_SCORED = (
    papers.c.id,
    papers.c.title,
    papers.c.abstract,
    papers.c.organization,
    cast(papers.c.ai_keywords, Text).label("keywords_text"),
    cast(papers.c.authors, Text).label("authors_text"),
)
"""What scoring a candidate reads: its indexed fields, the JSON lists as their text
(brackets and quotes are not words). Only the best candidates are then read whole."""


@dataclass(frozen=True, slots=True)
class _Search:
    """One look into an index for candidates: the terms (as their forms), how many of the
    newest matches to take, and whether it reads the titles' index."""

    terms: Sequence[Forms]
    limit: int
    titles: bool = False


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paper the index found: its relevance (higher is better) and the query's terms as
    they were matched (for the snippet, made only for the papers shown)."""

    paper: Paper
    relevance: float
    terms: tuple[Term, ...] = ()


Forms = tuple[frozenset[str], ...]
"""A query term as the forms each of its words is matched by."""


def exact_forms(query: SearchQuery) -> list[Forms]:
    """The query's terms with each word matched only as it is (no other forms)."""
    return [tuple(frozenset({word}) for word in term) for term in query.terms]


def _fts5_forms(forms: frozenset[str]) -> str:
    quoted = sorted(f'"{form}"' for form in forms)
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _fts5_term(term: Forms) -> str:
    """A term: one word in any of its forms, or a quoted phrase of several words."""
    if len(term) == 1:
        return _fts5_forms(term[0])
    return '"' + " ".join(min(word) for word in term) + '"'


def fts5_match(query: SearchQuery, terms: Sequence[Forms], *, titles: bool = False) -> str | None:
    """The FTS5 MATCH expression for the query's terms (as `terms`, their forms), author
    surname, organization and exclusions; None when nothing in it is matched by words.
    With `titles`, the terms alone, for the index of titles and keywords."""
    parts = [_fts5_term(term) for term in terms]
    if titles:
        return " AND ".join(parts) or None
    if query.author:
        parts.append(f'authors : "{query.author[-1]}"')
    if query.org:
        parts.append("organization : (" + " AND ".join(f'"{word}"' for word in query.org) + ")")
    if not parts:
        return None
    expression = (" OR " if query.match_any else " AND ").join(parts)
    for term in query.excluded:
        expression = f"({expression}) NOT {_fts5_term(exact_forms(query.with_terms((term,)))[0])}"
    return expression


def _tsquery_word(word: str, *, prefix: bool, weight: str = "") -> str:
    return f"'{word}':*{weight}" if prefix else f"'{word}'" + (f":{weight}" if weight else "")


def _tsquery_term(term: Sequence[str], *, prefix: bool = False, weight: str = "") -> str:
    if len(term) == 1:
        return _tsquery_word(term[0], prefix=prefix, weight=weight)
    return (
        "(" + " <-> ".join(_tsquery_word(word, prefix=False, weight=weight) for word in term) + ")"
    )


def tsquery(query: SearchQuery, *, titles: bool = False) -> str | None:
    """The PostgreSQL tsquery text for the query (read with the English configuration), or
    None when nothing in it is matched by words. With `titles`, the terms must be in the
    title or the keywords, authors and organization (weights A and B)."""
    weight = "AB" if titles else ""
    parts = [
        _tsquery_term(term, prefix=query.prefix and index == len(query.terms) - 1, weight=weight)
        for index, term in enumerate(query.terms)
    ]
    if query.author:
        parts.append(_tsquery_word(query.author[-1], prefix=False, weight="B"))
    parts.extend(_tsquery_word(word, prefix=False, weight="B") for word in query.org)
    if not parts:
        return None
    expression = (" | " if query.match_any else " & ").join(parts)
    for term in query.excluded:
        expression = f"({expression}) & !{_tsquery_term(term)}"
    return expression


def _filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The query's filters as conditions on the papers table."""
    conditions: list[ColumnElement[bool]] = []
    if query.since is not None:
        conditions.append(since_window(datetime.combine(query.since, time(0, 0), tzinfo=UTC)))
    if query.has_code:
        conditions.append(and_(papers.c.github_repo.is_not(None), papers.c.github_repo != ""))
    if query.min_upvotes:
        conditions.append(func.coalesce(papers.c.upvotes, 0) >= query.min_upvotes)
    return conditions


def _by_author(query: SearchQuery, authors: Iterable[str]) -> bool:
    """Whether one of the authors can be the query's author: a full name with its initials
    forgiven, one word as any word of the name."""
    if len(query.author) == 1:
        return any(query.author[0] in name_words(author) for author in authors)
    wanted = " ".join(query.author)
    return any(same_person(wanted, author) for author in authors)


def _fields(row: Any) -> Fields:
    """A scored row's indexed fields, in scoring.FIELD_WEIGHTS' order."""
    return Fields.of(
        (
            row.title or "",
            row.keywords_text or "",
            row.authors_text or "",
            row.organization or "",
            row.abstract or "",
        )
    )


async def _forms(connection: AsyncConnection, query: SearchQuery, cache: WordCache) -> list[Forms]:
    """Each query term as the indexed forms of its words: a word's forms are the words
    sharing its English stem; the last word, when typed as a prefix, also stands for the
    most common words it starts; a phrase's words are matched as typed."""
    terms: list[Forms] = []
    for index, term in enumerate(query.terms):
        if len(term) > 1:
            terms.extend(exact_forms(query.with_terms((term,))))
            continue
        word = term[0]
        forms = {word, *await _same_stem(connection, word, cache)}
        if query.prefix and index == len(query.terms) - 1:
            forms.update(await _starting(connection, word, cache))
        terms.append((frozenset(forms),))
    return terms


async def _same_stem(connection: AsyncConnection, word: str, cache: WordCache) -> list[str]:
    root = english_stem(word)
    if len(root) < MIN_ROOT:
        return []
    return [form for form in await _starting(connection, root, cache) if english_stem(form) == root]


async def _starting(connection: AsyncConnection, prefix: str, cache: WordCache) -> list[str]:
    """The FORMS_LIMIT most common indexed words starting with `prefix` (remembered, with
    each one's paper count, which weighing the terms then need not read again)."""
    remembered = cache.get(("starting", prefix))
    if isinstance(remembered, list):
        return remembered
    counts = await starting(connection, prefix, limit=FORMS_LIMIT)
    for word, papers_holding in counts.items():
        cache.put(("count", word), papers_holding)
    found = list(counts)
    cache.put(("starting", prefix), found)
    return found


class FulltextMixin(WordsMixin):
    """Searching the full-text index."""

    async def search_index(self, query: SearchQuery) -> list[SearchHit]:
        """The papers matching the query, most relevant first (at most CANDIDATES, filters
        applied); papers by upvotes when the query has filters but no words."""
        conditions = _filters(query)
        async with self._read() as connection:
            forms = await _forms(connection, query, self._word_cache)
            weighted = await self._weigh(connection, query, forms)
            ids = await self._candidates(connection, query, forms, weighted, conditions)
            if ids is None:
                return await self._by_upvotes(connection, conditions)
            if not ids:
                return []
            statement = select(*_SCORED).where(papers.c.id.in_(ids))
            rows = (await connection.execute(statement)).all()
            if query.author:
                rows = [row for row in rows if _by_author(query, json.loads(row.authors_text))]
            candidates = [(row.id, _fields(row)) for row in rows]
            means = scoring.mean_lengths([fields for _, fields in candidates])
            scores = {
                paper_id: scoring.relevance(weighted, fields, means)
                for paper_id, fields in candidates
            }
            best = sorted(scores, key=lambda paper_id: (-scores[paper_id], paper_id))[:CANDIDATES]
            whole = select(papers).where(papers.c.id.in_(best))
            by_id = {row.id: row for row in await connection.execute(whole)}
        return [
            SearchHit(paper_from_row(by_id[paper_id]), scores[paper_id], tuple(weighted))
            for paper_id in best
        ]

    async def _weigh(
        self, connection: AsyncConnection, query: SearchQuery, forms: Sequence[Forms]
    ) -> list[Term]:
        """The query's terms (as `forms`) with their weights (the rarer in the store, the
        higher), a word matched in other forms too weighed on its own as well."""
        counts = await self._counts(
            connection, {f for term in forms for word in term for f in word}
        )
        total = await self._papers_stored(connection)
        terms = []
        for typed, term in zip(query.terms, forms, strict=True):
            holding = min(min(total, sum(counts[form] for form in word)) for word in term)
            exact = typed[0] if counts.get(typed[0]) else None
            exact_weight = scoring.rarity(counts[exact], total) if exact else 0.0
            terms.append(
                Term.of(
                    term,
                    scoring.rarity(holding, total),
                    exact=exact,
                    exact_weight=exact_weight,
                )
            )
        return terms

    async def _papers_stored(self, connection: AsyncConnection) -> int:
        """About how many papers are stored (on SQLite, the largest rowid), remembered."""
        total = self._word_cache.get("papers")
        if not isinstance(total, int):
            total = await count_papers(connection, self._dialect)
            self._word_cache.put("papers", total)
        return total

    async def _counts(self, connection: AsyncConnection, words: set[str]) -> dict[str, int]:
        """How many papers hold each word (0 for a word none holds), remembered."""
        counts: dict[str, int] = {}
        for word in words:
            remembered = self._word_cache.get(("count", word))
            if isinstance(remembered, int):
                counts[word] = remembered
        missing = sorted(words - counts.keys())
        found = await counts_of(connection, missing)
        for word in missing:
            counts[word] = found.get(word, 0)
            self._word_cache.put(("count", word), counts[word])
        return counts

    async def _candidates(
        self,
        connection: AsyncConnection,
        query: SearchQuery,
        forms: Sequence[Forms],
        weighted: Sequence[Term],
        conditions: Sequence[ColumnElement[bool]],
    ) -> list[str] | None:
        """The ids of the papers to score (see the module docstring); None when the query
        is matched by nothing but filters.

        The papers holding every word as typed are looked for only when the newest holding
        it in any form filled MATCHED_LIMIT: when they did not, they are all among them, and
        looking again would read the same long lists of a rare meeting of words twice."""
        if not (query.terms or query.author or query.org):
            return None
        if query.match_any:
            rarest = sorted(range(len(forms)), key=lambda n: -weighted[n].weight)[:ANY_TERMS]
            found = await self._looked(
                connection, query, [_Search([forms[n]], ANY_LIMIT) for n in rarest], conditions
            )
            return list(dict.fromkeys(paper_id for paper_id, _ in found))
        searches = [_Search(forms, MATCHED_LIMIT)]
        if query.terms and not (query.author or query.org or query.excluded):
            searches.append(_Search(forms, TITLES_LIMIT, titles=True))
        found = await self._looked(connection, query, searches, conditions)
        filled = sum(look == 0 for _, look in found) >= MATCHED_LIMIT
        exact = exact_forms(query)
        if filled and self._dialect == "sqlite" and forms != exact:
            typed = await self._looked(connection, query, [_Search(exact, EXACT_LIMIT)], conditions)
            found = [*typed, *found]
        return list(dict.fromkeys(paper_id for paper_id, _ in found))

    async def _looked(
        self,
        connection: AsyncConnection,
        query: SearchQuery,
        searches: Sequence[_Search],
        conditions: Sequence[ColumnElement[bool]],
    ) -> list[tuple[str, int]]:
        """The ids each search found, in one statement, with the position of the search
        in `searches` that found each."""
        looks = []
        for position, search in enumerate(searches):
            statement = self._matching(query, search.terms, titles=search.titles)
            if statement is not None:
                look = statement.where(*conditions).limit(search.limit).subquery()
                looks.append(select(look.c.id, literal(position).label("look")))
        if not looks:
            return []
        rows = await connection.execute(union_all(*looks))
        return [(row.id, row.look) for row in rows]

    def _matching(self, query: SearchQuery, terms: Sequence[Forms], *, titles: bool) -> Any:
        """The newest papers' ids matching the terms (in titles and keywords only, with
        `titles`), as a statement (filters and limit to add), or None when nothing is to be
        matched."""
        if self._dialect == "sqlite":
            match = fts5_match(query, terms, titles=titles)
            if match is None:
                return None
            index = "papers_fts_titles" if titles else "papers_fts"
            rowid = literal_column(f"{index}.rowid")
            return (
                select(papers.c.id)
                .select_from(papers.join(text(index), literal_column("papers.rowid") == rowid))
                .where(literal_column(index).match(match))
                .order_by(rowid.desc())
            )
        expression = tsquery(query, titles=titles)
        if expression is None:
            return None
        vector = literal_column("papers.search_vector")
        return (
            select(papers.c.id)
            .where(vector.op("@@")(func.to_tsquery("english", expression)))
            .order_by(
                func.coalesce(papers.c.featured_on, func.date(papers.c.published_at))
                .desc()
                .nulls_last(),
                papers.c.id.desc(),
            )
        )

    async def _by_upvotes(
        self, connection: AsyncConnection, conditions: Sequence[ColumnElement[bool]]
    ) -> list[SearchHit]:
        """The most upvoted papers passing the filters, for a query of filters alone."""
        statement = (
            select(papers)
            .where(*conditions)
            .order_by(papers.c.upvotes.desc().nulls_last(), papers.c.id)
            .limit(CANDIDATES)
        )
        rows = (await connection.execute(statement)).all()
        return [SearchHit(paper, 0.0) for paper in map(paper_from_row, rows)]

    async def indexed_words(self, words: Sequence[str]) -> dict[str, int]:
        """How many papers hold each word (words no paper holds are left out)."""
        return await self.word_counts(words)

    async def words_like(self, word: str, *, edits: int) -> list[tuple[str, int]]:
        """Indexed words sharing the first two letters of `word` and as long as it give or
        take `edits` letters, with their paper counts: the candidates a misspelt word is
        corrected from."""
        if len(word) < 2:
            return []
        lengths = (len(word) - edits, len(word) + edits)
        return list((await self.words_starting(word[:2], lengths=lengths)).items())
