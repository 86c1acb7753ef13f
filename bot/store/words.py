"""The search vocabulary: every word of the stored papers and how many papers hold it.

Search reads it instead of the full-text index to weigh a word (the rarer, the more it
says), to find the indexed forms of a word ("transformer", "transformers"), the words a
prefix starts, and the words a misspelt one may stand for. A paper's words are counted once,
when it is first stored; a later change to its text adds no count, so the counts are a close
estimate, which is all weighing and correcting need.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.folding import folded_words
from bot.models import Paper
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import papers, search_words

MAX_WORD_LENGTH = 40
"""Longer runs of letters are not words anyone types (hashes, pasted URLs)."""
PREFIX_LIMIT = 5_000
ESTIMATE_FROM = 100_000
"""From this many papers on, PostgreSQL's own row estimate stands for a count."""


def paper_words(paper: Paper) -> set[str]:
    """The distinct folded words of a paper's indexed text (title, keywords, authors,
    organization, abstract)."""
    text = " ".join(
        (paper.title, *paper.ai_keywords, *paper.authors, paper.organization or "", paper.abstract)
    )
    return {word for word in folded_words(text) if len(word) <= MAX_WORD_LENGTH}


def word_counts(items: Iterable[Paper]) -> Counter[str]:
    """How many of `items` hold each word."""
    counts: Counter[str] = Counter()
    for paper in items:
        counts.update(paper_words(paper))
    return counts


async def count_words(
    connection: AsyncConnection, dialect_name: str, new_papers: Sequence[Paper]
) -> None:
    """Add the words of papers stored for the first time to the vocabulary."""
    counts = word_counts(new_papers)
    if not counts:
        return
    statement = dialect.insert_statement(search_words, dialect_name)
    statement = statement.on_conflict_do_update(
        index_elements=["word"], set_={"papers": search_words.c.papers + statement.excluded.papers}
    )
    rows = [{"word": word, "papers": count} for word, count in sorted(counts.items())]
    await connection.execute(statement, rows)


async def counts_of(connection: AsyncConnection, words: Sequence[str]) -> dict[str, int]:
    """How many papers hold each of `words` (words no paper holds are left out)."""
    if not words:
        return {}
    statement = select(search_words).where(search_words.c.word.in_(sorted(set(words))))
    return {row.word: row.papers for row in await connection.execute(statement)}


async def starting(
    connection: AsyncConnection,
    prefix: str,
    *,
    limit: int = PREFIX_LIMIT,
    lengths: tuple[int, int] | None = None,
) -> dict[str, int]:
    """The words starting with `prefix` (and as long as `lengths` allows, from the first to
    the second, when given) and their paper counts, the most common first."""
    if not prefix:
        return {}
    statement = (
        select(search_words)
        .where(search_words.c.word >= prefix, search_words.c.word < prefix + "\U0010ffff")
        .order_by(search_words.c.papers.desc(), search_words.c.word)
        .limit(limit)
    )
    if lengths is not None:
        statement = statement.where(func.length(search_words.c.word).between(*lengths))
    return {row.word: row.papers for row in await connection.execute(statement)}


async def count_papers(connection: AsyncConnection, dialect_name: str) -> int:
    """About how many papers are stored: the largest row number on SQLite (which never
    undercounts), the planner's estimate on a large PostgreSQL table, else a count."""
    if dialect_name == "sqlite":
        value = await connection.scalar(
            select(func.max(literal_column("rowid"))).select_from(papers)
        )
        return int(value or 0)
    estimate = await connection.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'papers'::regclass")
    )
    if estimate is not None and estimate >= ESTIMATE_FROM:
        return int(estimate)
    return int(await connection.scalar(select(func.count()).select_from(papers)) or 0)


class WordsMixin(StoreBase):
    """Reading the search vocabulary."""

    async def word_counts(self, words: Sequence[str]) -> dict[str, int]:
        """How many papers hold each of `words` (words no paper holds are left out)."""
        async with self._read() as connection:
            return await counts_of(connection, words)

    async def words_starting(
        self, prefix: str, *, limit: int = PREFIX_LIMIT, lengths: tuple[int, int] | None = None
    ) -> dict[str, int]:
        """The words starting with `prefix` (as long as `lengths` allows, when given) and
        their paper counts, the most common first."""
        async with self._read() as connection:
            return await starting(connection, prefix, limit=limit, lengths=lengths)
