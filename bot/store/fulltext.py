"""Full-text search over the stored papers, one interface over each dialect's own index.

SQLite: the FTS5 table `papers_fts` (migration 0004) with BM25 weights favouring the title,
then keywords and authors, then the organization, then the abstract. PostgreSQL: the
generated `papers.search_vector` with `ts_rank_cd`. The query always comes in as a parsed
`SearchQuery`, whose words are folded letters and digits only, and is written out here
in each index's own syntax with every word quoted: user text never reaches `MATCH` or
`to_tsquery` as it was typed.

The index returns the best `candidates` by relevance; the filters (since, has:code,
min-upvotes) are applied to them, and the core re-ranks what is left (bot.search.engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Float, String, and_, func, literal_column, select, text
from sqlalchemy.sql import Select

from bot.models import Paper
from bot.search.query import SearchQuery, stem
from bot.store.connection import StoreBase
from bot.store.papers import paper_from_row, since_window
from bot.store.tables import papers

CANDIDATES = 200
"""How many papers the index hands over for re-ranking."""
FILTERED_CANDIDATES = 2_000
"""As many when filters will drop some of them."""
SNIPPET_WORDS = 24
BM25_WEIGHTS = (10.0, 4.0, 4.0, 2.0, 1.0)
"""title, ai_keywords, authors, organization, abstract: the columns of papers_fts."""
TS_RANK_WEIGHTS = "'{0.05, 0.1, 0.2, 1.0}'::float4[]"
"""ts_rank_cd's weights of D (abstract), C (unused), B (keywords, authors, organization)
and A (title): a title match outweighs a tight match in the keywords."""
POSTGRES_OBJECTS = frozenset({"search_vector", "ix_papers_search_vector"})
"""What migration 0004 adds to PostgreSQL outside `tables.py` (autogenerate leaves it)."""
SIMILAR_WORDS_LIMIT = 5_000


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paper the index found: its relevance (higher is better) and an abstract snippet."""

    paper: Paper
    relevance: float
    snippet: str


def _fts5_word(word: str, *, prefix: bool) -> str:
    """One word in FTS5 syntax: quoted (a prefix when asked), or any word its stem begins
    ("transformers" finds "transformer", "browsing" finds "browse")."""
    quoted = f'"{word}"*' if prefix else f'"{word}"'
    stemmed = stem(word)
    return f'({quoted} OR "{stemmed}"*)' if stemmed else quoted


def _fts5_term(term: Sequence[str], *, prefix: bool = False) -> str:
    """A term: one word, or a quoted phrase of several."""
    if len(term) == 1:
        return _fts5_word(term[0], prefix=prefix)
    return '"' + " ".join(term) + '"'


def _fts5_person(words: Sequence[str]) -> str:
    """Someone's name: the surname as it is, given names as initials' prefixes."""
    *given, surname = words
    parts = [f'"{surname}"', *(f'"{name[0]}"*' for name in given)]
    return " AND ".join(parts)


def fts5_match(query: SearchQuery) -> str | None:
    """The FTS5 MATCH expression for the query's terms, author, organization and exclusions;
    None when nothing in it is matched by words (filters alone)."""
    parts = [
        _fts5_term(term, prefix=query.prefix and index == len(query.terms) - 1)
        for index, term in enumerate(query.terms)
    ]
    if query.author:
        parts.append(f"authors : ({_fts5_person(query.author)})")
    if query.org:
        parts.append("organization : (" + " AND ".join(f'"{word}"' for word in query.org) + ")")
    if not parts:
        return None
    expression = (" OR " if query.match_any else " AND ").join(parts)
    for term in query.excluded:
        expression = f"({expression}) NOT {_fts5_term(term)}"
    return expression


def _tsquery_word(word: str, *, prefix: bool, weight: str = "") -> str:
    return f"'{word}':*{weight}" if prefix else f"'{word}'" + (f":{weight}" if weight else "")


def _tsquery_term(term: Sequence[str], *, prefix: bool = False) -> str:
    if len(term) == 1:
        return _tsquery_word(term[0], prefix=prefix)
    return "(" + " <-> ".join(f"'{word}'" for word in term) + ")"


def tsquery(query: SearchQuery) -> str | None:
    """The PostgreSQL tsquery text for the query (read with the English configuration), or
    None when nothing in it is matched by words."""
    parts = [
        _tsquery_term(term, prefix=query.prefix and index == len(query.terms) - 1)
        for index, term in enumerate(query.terms)
    ]
    if query.author:
        *given, surname = query.author
        parts.append(_tsquery_word(surname, prefix=False, weight="B"))
        parts.extend(_tsquery_word(name[0], prefix=True, weight="B") for name in given)
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


class FulltextMixin(StoreBase):
    """Searching the full-text index, and reading its vocabulary for spelling corrections."""

    async def search_index(self, query: SearchQuery) -> list[SearchHit]:
        """The papers matching the query, most relevant first (at most CANDIDATES, filters
        applied); papers by upvotes when the query has filters but no words."""
        conditions = _filters(query)
        limit = FILTERED_CANDIDATES if conditions else CANDIDATES
        if self._dialect == "sqlite":
            statement = self._sqlite_search(query, limit)
        else:
            statement = self._postgres_search(query, limit)
        if statement is None:
            statement = (
                select(
                    papers, literal_column("0.0").label("score"), papers.c.abstract.label("snip")
                )
                .order_by(papers.c.upvotes.desc().nulls_last(), papers.c.id)
                .limit(CANDIDATES)
            )
        statement = statement.where(*conditions) if conditions else statement
        async with self._read() as connection:
            rows = (await connection.execute(statement.limit(CANDIDATES))).all()
        return [SearchHit(paper_from_row(row), float(row.score), row.snip or "") for row in rows]

    def _sqlite_search(self, query: SearchQuery, limit: int) -> Select[Any] | None:
        match = fts5_match(query)
        if match is None:
            return None
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        hits = (
            text(
                f"SELECT rowid AS rid, -bm25(papers_fts, {weights}) AS score, "
                f"snippet(papers_fts, 4, '', '', '…', {SNIPPET_WORDS}) AS snip "
                "FROM papers_fts WHERE papers_fts MATCH :match ORDER BY rank LIMIT :limit"
            )
            .bindparams(match=match, limit=limit)
            .columns(rid=Float, score=Float, snip=String)
            .subquery("hits")
        )
        return (
            select(papers, hits.c.score, hits.c.snip)
            .select_from(papers.join(hits, literal_column("papers.rowid") == hits.c.rid))
            .order_by(hits.c.score.desc(), papers.c.id)
        )

    def _postgres_search(self, query: SearchQuery, limit: int) -> Select[Any] | None:
        expression = tsquery(query)
        if expression is None:
            return None
        vector = literal_column("papers.search_vector")
        wanted = func.to_tsquery("english", expression)
        score = func.ts_rank_cd(literal_column(TS_RANK_WEIGHTS), vector, wanted).label("score")
        snip = func.ts_headline(
            "english",
            papers.c.abstract,
            wanted,
            f"StartSel='', StopSel='', MaxWords={SNIPPET_WORDS}, MinWords=12",
        ).label("snip")
        return (
            select(papers, score, snip)
            .where(vector.op("@@")(wanted))
            .order_by(score.desc(), papers.c.id)
            .limit(limit)
        )

    async def indexed_words(self, words: Sequence[str]) -> dict[str, int]:
        """How many papers hold each word (words the index does not know are left out)."""
        if not words or self._dialect != "sqlite":
            return {}
        statement = text(
            "SELECT term, doc FROM papers_fts_vocab WHERE term IN ("
            + ", ".join(f":w{n}" for n in range(len(words)))
            + ")"
        ).bindparams(**{f"w{n}": word for n, word in enumerate(words)})
        async with self._read() as connection:
            return {row.term: int(row.doc) for row in await connection.execute(statement)}

    async def words_like(self, word: str) -> list[tuple[str, int]]:
        """Indexed words sharing the first two letters of `word`, with their paper counts:
        the candidates a misspelt word is corrected from."""
        if len(word) < 2 or self._dialect != "sqlite":
            return []
        start = word[:2]
        statement = text(
            "SELECT term, doc FROM papers_fts_vocab WHERE term >= :start AND term < :end "
            "LIMIT :limit"
        ).bindparams(start=start, end=start + "\U0010ffff", limit=SIMILAR_WORDS_LIMIT)
        async with self._read() as connection:
            return [(row.term, int(row.doc)) for row in await connection.execute(statement)]
