"""Papers, their upvote snapshots and the log of fetch runs.

Papers are ingested in chunks: the stored rows of a chunk are read in one SELECT, merged in
Python, and written back in one bulk upsert; a chunk holding a value the database refuses
is written again paper by paper, leaving out only the refused ones. Upvote snapshots are
taken only when upvotes or stars change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import ColumnElement, Row, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import Paper, TopEntry, VoteTally
from bot.store import dialect
from bot.store.availability import brief
from bot.store.connection import StoreBase
from bot.store.names import remember_names
from bot.store.tables import fetch_runs, papers, upvote_snapshots
from bot.store.values import chunks, utc
from bot.store.votes import tally_query
from bot.store.words import count_words

log = structlog.get_logger(__name__)

MERGED_LISTS = ("categories", "sources")
"""Paper fields unioned on merge rather than overwritten."""

PAPER_FIELDS = tuple(field.name for field in fields(Paper))


def merge_paper(stored: Paper, incoming: Paper) -> Paper:
    """Merge a newly fetched paper into the stored one.

    A non-empty incoming field overwrites; an empty one (None, blank text, empty tuple)
    keeps what is stored; categories and sources are unioned, stored ones first.
    """
    values: dict[str, Any] = {}
    for name in PAPER_FIELDS:
        old = getattr(stored, name)
        new = getattr(incoming, name)
        if name in MERGED_LISTS:
            values[name] = tuple(dict.fromkeys((*old, *new)))
        else:
            values[name] = old if _is_empty(new) else new
    return Paper(**values)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, tuple) and not value


def _paper_values(paper: Paper, at: datetime) -> dict[str, Any]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "published_at": paper.published_at,
        "featured_on": paper.featured_on,
        "upvotes": paper.upvotes,
        "comments": paper.comments,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords),
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "thumbnail": paper.thumbnail,
        "organization": paper.organization,
        "categories": list(paper.categories),
        "trending_rank": paper.trending_rank,
        "sources": list(paper.sources),
        "updated_at": at,
    }


def paper_from_row(row: Row[Any]) -> Paper:
    """A paper as stored, from a row of the papers table."""
    return Paper(
        id=row.id,
        title=row.title,
        abstract=row.abstract,
        authors=tuple(row.authors),
        published_at=row.published_at,
        featured_on=row.featured_on,
        upvotes=row.upvotes,
        comments=row.comments,
        ai_summary=row.ai_summary,
        ai_keywords=tuple(row.ai_keywords),
        github_repo=row.github_repo,
        github_stars=row.github_stars,
        project_page=row.project_page,
        thumbnail=row.thumbnail,
        organization=row.organization,
        categories=tuple(row.categories),
        trending_rank=row.trending_rank,
        sources=tuple(row.sources),
    )


def since_window(since: datetime) -> ColumnElement[bool]:
    """Featured on or after the day of `since` (UTC), or never featured and published since."""
    since = utc(since)
    return or_(
        papers.c.featured_on >= since.date(),
        and_(papers.c.featured_on.is_(None), papers.c.published_at >= since),
    )


def _popular_first() -> tuple[ColumnElement[Any], ...]:
    return (papers.c.upvotes.desc().nulls_last(), papers.c.id)


async def _latest_snapshots(
    connection: AsyncConnection, paper_ids: Sequence[str], at: datetime
) -> dict[str, tuple[int, int | None]]:
    """Per paper, the (upvotes, stars) of its latest snapshot at or before `at`."""
    older = upvote_snapshots.alias("older")
    latest_at = (
        select(func.max(older.c.taken_at))
        .where(older.c.paper_id == upvote_snapshots.c.paper_id, older.c.taken_at <= at)
        .scalar_subquery()
    )
    result = await connection.execute(
        select(
            upvote_snapshots.c.paper_id, upvote_snapshots.c.upvotes, upvote_snapshots.c.stars
        ).where(
            upvote_snapshots.c.paper_id.in_(paper_ids), upvote_snapshots.c.taken_at == latest_at
        )
    )
    return {paper_id: (upvotes, stars) for paper_id, upvotes, stars in result}


class PapersMixin(StoreBase):
    """Storing, finding and ranking papers; their upvote momentum; when fetches ran."""

    async def upsert_papers(self, items: Sequence[Paper], *, at: datetime) -> int:
        """Insert or merge papers (see `merge_paper`) and snapshot their upvotes.

        One row per paper id, even when `items` repeats an id. A paper given with upvotes
        gets a snapshot (paper, `at`, upvotes, stars) when its upvotes or stars differ from
        its latest snapshot at or before `at`; an unchanged paper needs none, since momentum
        reads the latest snapshot at or before a moment as the value at that moment.

        Papers are written in chunks, each in its own transaction. When the database refuses
        a value in a chunk (see `dialect.is_data_error`), that chunk is written again paper by
        paper and only the papers it refuses are left out, counted in one log line; any
        other error is raised. Returns how many distinct papers were written.
        """
        at = utc(at)
        incoming: dict[str, Paper] = {}
        for paper in items:
            earlier = incoming.get(paper.id)
            incoming[paper.id] = paper if earlier is None else merge_paper(earlier, paper)
        counted = {paper.id for paper in items if paper.upvotes is not None}
        snapshots = 0
        refused: dict[str, BaseException] = {}
        for chunk in chunks(sorted(incoming)):
            try:
                snapshots += await self._upsert_chunk(chunk, incoming, counted, at)
            except Exception as error:
                if not dialect.is_data_error(error):
                    raise
                for paper_id in chunk:
                    try:
                        snapshots += await self._upsert_chunk([paper_id], incoming, counted, at)
                    except Exception as row_error:
                        if not dialect.is_data_error(row_error):
                            raise
                        refused[paper_id] = row_error
        if refused:
            first_id, first_error = next(iter(refused.items()))
            log.warning(
                "papers_refused_by_database",
                refused=len(refused),
                stored=len(incoming) - len(refused),
                first_id=first_id,
                error=brief(first_error),
            )
        log.debug("papers_upserted", papers=len(incoming) - len(refused), snapshots=snapshots)
        return len(incoming) - len(refused)

    async def _upsert_chunk(
        self,
        chunk: Sequence[str],
        incoming: dict[str, Paper],
        counted: set[str],
        at: datetime,
    ) -> int:
        """Merge and write one chunk of papers and their changed snapshots in one transaction;
        returns how many snapshots were written."""
        write_papers = dialect.upsert(
            papers,
            self._dialect,
            keys=["id"],
            update=[column.name for column in papers.columns if column.name != "id"],
        )
        write_snapshots = dialect.upsert(
            upvote_snapshots,
            self._dialect,
            keys=["paper_id", "taken_at"],
            update=["upvotes", "stars"],
        )
        async with self._write() as connection:
            result = await connection.execute(
                select(papers).where(papers.c.id.in_(chunk)).order_by(papers.c.id).with_for_update()
            )
            stored = {row.id: paper_from_row(row) for row in result}
            merged = [
                merge_paper(stored[paper_id], incoming[paper_id])
                if paper_id in stored
                else incoming[paper_id]
                for paper_id in chunk
            ]
            await connection.execute(write_papers, [_paper_values(p, at) for p in merged])
            await remember_names(connection, self._dialect, merged, at)
            new = [paper for paper in merged if paper.id not in stored]
            await count_words(connection, self._dialect, new)
            if new:
                self._word_cache.forget()
            upvoted = [p for p in merged if p.id in counted]
            known = [p.id for p in upvoted if p.id in stored]
            latest = await _latest_snapshots(connection, known, at) if known else {}
            snapshots = [
                {"paper_id": p.id, "taken_at": at, "upvotes": p.upvotes, "stars": p.github_stars}
                for p in upvoted
                if latest.get(p.id) != (p.upvotes, p.github_stars)
            ]
            if snapshots:
                await connection.execute(write_snapshots, snapshots)
        return len(snapshots)

    async def get_paper(self, paper_id: str) -> Paper | None:
        """One paper by id, or None."""
        async with self._read() as connection:
            row = (await connection.execute(select(papers).where(papers.c.id == paper_id))).first()
        return None if row is None else paper_from_row(row)

    async def get_papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The stored papers among `ids`, by id; unknown ids are absent."""
        found: dict[str, Paper] = {}
        async with self._read() as connection:
            for chunk in chunks(sorted(set(ids))):
                result = await connection.execute(select(papers).where(papers.c.id.in_(chunk)))
                found.update((row.id, paper_from_row(row)) for row in result)
        return found

    async def recent_papers(self, since: datetime, *, limit: int | None = None) -> list[Paper]:
        """Papers featured on or after `since`'s day, or never featured and published since.

        Most upvoted first, so a `limit` keeps the most popular.
        """
        statement = select(papers).where(since_window(since)).order_by(*_popular_first())
        if limit is not None:
            statement = statement.limit(limit)
        async with self._read() as connection:
            return [paper_from_row(row) for row in await connection.execute(statement)]

    async def featured_between(self, first: date, last: date) -> list[Paper]:
        """Papers featured on Hugging Face from day `first` to day `last`, both included,
        most upvoted first."""
        statement = (
            select(papers)
            .where(papers.c.featured_on >= first, papers.c.featured_on <= last)
            .order_by(*_popular_first())
        )
        async with self._read() as connection:
            return [paper_from_row(row) for row in await connection.execute(statement)]

    async def momentum(
        self, paper_ids: Sequence[str], *, now: datetime, window: timedelta = timedelta(hours=24)
    ) -> dict[str, int]:
        """Upvotes gained over `window` up to `now`, per paper.

        The latest snapshot at or before `now` minus the latest one at or before
        `now - window`, or minus the earliest one inside the window when none is older.
        Papers without snapshots are absent.
        """
        now = utc(now)
        cutoff = now - window
        older = upvote_snapshots.alias("older")
        baseline_at = (
            select(func.max(older.c.taken_at))
            .where(older.c.paper_id == upvote_snapshots.c.paper_id, older.c.taken_at <= cutoff)
            .scalar_subquery()
        )
        gains: dict[str, int] = {}
        async with self._read() as connection:
            for chunk in chunks(sorted(set(paper_ids))):
                statement = (
                    select(upvote_snapshots.c.paper_id, upvote_snapshots.c.upvotes)
                    .where(
                        upvote_snapshots.c.paper_id.in_(chunk),
                        upvote_snapshots.c.taken_at <= now,
                        or_(
                            upvote_snapshots.c.taken_at >= baseline_at,
                            and_(baseline_at.is_(None), upvote_snapshots.c.taken_at > cutoff),
                        ),
                    )
                    .order_by(upvote_snapshots.c.paper_id, upvote_snapshots.c.taken_at)
                )
                first: dict[str, int] = {}
                last: dict[str, int] = {}
                for paper_id, upvotes in await connection.execute(statement):
                    first.setdefault(paper_id, upvotes)
                    last[paper_id] = upvotes
                gains.update((paper_id, last[paper_id] - first[paper_id]) for paper_id in last)
        return gains

    async def top_papers(
        self, since: datetime, *, platform: str | None, workspace: str | None, limit: int
    ) -> list[TopEntry]:
        """Papers featured or published since `since`, by upvotes plus the team's votes.

        Team votes are the clamped tallies of `workspace` on `platform`; with either left
        None no team votes count.
        """
        if platform is None or workspace is None:
            team_votes: ColumnElement[int] = literal(0)
            source: Any = papers
        else:
            tallies = tally_query(platform, workspace).subquery()
            team_votes = func.coalesce(tallies.c.weight, 0)
            source = papers.outerjoin(tallies, tallies.c.paper_id == papers.c.id)
        statement = (
            select(papers, team_votes.label("team_votes"))
            .select_from(source)
            .where(since_window(since))
            .order_by((func.coalesce(papers.c.upvotes, 0) + team_votes).desc(), *_popular_first())
            .limit(limit)
        )
        async with self._read() as connection:
            return [
                TopEntry(paper=paper_from_row(row), team_votes=int(row.team_votes))
                for row in await connection.execute(statement)
            ]

    async def team_favourites(
        self, since: datetime, *, platform: str, workspace: str, limit: int
    ) -> list[tuple[Paper, VoteTally]]:
        """The papers a workspace voted for most since `since` (net positive only), with
        their tallies: highest net weight first, then more voters, then the paper id."""
        tallies = tally_query(platform, workspace, since=since).subquery()
        statement = (
            select(papers, tallies.c.weight, tallies.c.voters)
            .join(tallies, tallies.c.paper_id == papers.c.id)
            .where(tallies.c.weight > 0)
            .order_by(tallies.c.weight.desc(), tallies.c.voters.desc(), papers.c.id)
            .limit(limit)
        )
        async with self._read() as connection:
            return [
                (paper_from_row(row), VoteTally(row.id, int(row.weight), int(row.voters)))
                for row in await connection.execute(statement)
            ]

    async def record_fetch(
        self,
        source: str,
        *,
        at: datetime,
        ok: bool,
        fetched: int,
        stored: int,
        skipped: int,
        error: str | None,
    ) -> None:
        """Remember one fetch run of `source`, for `doctor` and health checks."""
        async with self._write() as connection:
            await connection.execute(
                fetch_runs.insert().values(
                    source=source,
                    at=utc(at),
                    ok=ok,
                    fetched=fetched,
                    stored=stored,
                    skipped=skipped,
                    error=error,
                )
            )

    async def last_successful_fetch(self) -> datetime | None:
        """When the latest successful fetch ran, from any source; None if none has."""
        async with self._read() as connection:
            result = await connection.execute(
                select(func.max(fetch_runs.c.at)).where(fetch_runs.c.ok.is_(True))
            )
            return result.scalar_one()
