"""The store: every read and write the bot makes, as one async class over SQLAlchemy Core.

Idempotency lives here: slots, posts, votes and platform events are claimed by inserting a
row under a unique constraint (`ON CONFLICT DO NOTHING`), and the rowcount says who won, so
a retry or a second replica that loses the claim does nothing; a vote's event is claimed in
the same transaction as the vote is written. Datetimes are UTC-aware at this boundary.
Papers are ingested in chunks: the stored rows of a chunk are read in one SELECT, merged in
Python, and written back in one bulk upsert; a chunk holding a value the database refuses
is written again paper by paper, leaving out only the refused ones. Upvote snapshots are
taken only when upvotes or stars change, and `prune` keeps the history tables short.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    delete,
    func,
    literal,
    make_url,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.sql.dml import Delete, Insert

from bot.models import (
    ChannelRef,
    ChannelSettings,
    Layout,
    MessageRole,
    Paper,
    PostedMessage,
    TeamVote,
    TopEntry,
    Vote,
    VoteTally,
)
from bot.store import search
from bot.store.availability import (
    DatabaseFileGone,
    SqliteFile,
    StoreUnavailable,
    brief,
    is_unavailable,
)
from bot.store.rescue import rescue_copy
from bot.store.tables import (
    channels,
    delivered_papers,
    deliveries,
    fetch_runs,
    heartbeat,
    papers,
    posted_messages,
    processed_events,
    upvote_snapshots,
    votes,
)

log = structlog.get_logger(__name__)

CHUNK_SIZE = 500
"""Ids per statement when reading or writing many papers; well under every bind limit."""

VOTE_CLAMP = 2
"""A user's net vote on one paper counts between -VOTE_CLAMP and +VOTE_CLAMP."""

SNAPSHOT_RETENTION = timedelta(days=8)
"""Upvote snapshots older than this are pruned (momentum looks back 24 hours)."""

EVENT_RETENTION = timedelta(days=7)
"""Claimed platform event ids older than this are pruned."""

FETCH_RUN_RETENTION = timedelta(days=30)
"""Fetch runs older than this are pruned."""

MERGED_LISTS = ("categories", "sources")
"""Paper fields unioned on merge rather than overwritten."""

PAPER_FIELDS = tuple(field.name for field in fields(Paper))


class SlotStatus(enum.StrEnum):
    """Where a channel's digest slot stands; compares equal to its plain string."""

    CLAIMED = "claimed"
    PLANNED = "planned"
    POSTED = "posted"
    EMPTY = "empty"
    FAILED = "failed"


UNFINISHED = (SlotStatus.CLAIMED, SlotStatus.PLANNED)
FINISHED = frozenset({SlotStatus.POSTED, SlotStatus.EMPTY, SlotStatus.FAILED})


class VoteResult(enum.Enum):
    """What `Store.apply_vote` did; the value is the outcome's metric label.

    Only RECORDED is truthy, so `if await store.apply_vote(...)` means "the vote changed".
    """

    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"

    def __bool__(self) -> bool:
        return self is VoteResult.RECORDED


@dataclass(frozen=True, slots=True)
class Pruned:
    """How many rows `Store.prune` deleted from each table it keeps short."""

    snapshots: int
    events: int
    fetch_runs: int

    @property
    def total(self) -> int:
        """All rows deleted."""
        return self.snapshots + self.events + self.fetch_runs


@dataclass(frozen=True, slots=True)
class SlotRecord:
    """One channel's delivery for one slot: who claimed it when, and what was planned."""

    channel: ChannelRef
    slot: str
    status: SlotStatus
    digest_id: str | None
    paper_ids: tuple[str, ...]
    claimed_at: datetime


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


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def _ref_from_key(key: str) -> ChannelRef:
    platform, workspace, channel = key.split(":", 2)
    return ChannelRef(platform, workspace, channel)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; pass a UTC-aware one")
    return moment.astimezone(UTC)


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


def _paper_from_row(row: Row[Any]) -> Paper:
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


def _channel_values(settings: ChannelSettings) -> dict[str, Any]:
    ref = settings.channel
    return {
        "key": ref.key,
        "platform": ref.platform,
        "workspace": ref.workspace,
        "channel": ref.channel,
        "subscribed": settings.subscribed,
        "post_at": settings.post_at.strftime("%H:%M"),
        "timezone": settings.timezone,
        "days": ",".join(str(day) for day in sorted(settings.days)),
        "size": settings.size,
        "min_upvotes": settings.min_upvotes,
        "max_age_days": settings.max_age_days,
        "topics": list(settings.topics),
        "excludes": list(settings.excludes),
        "layout": str(settings.layout),
        "paused_reason": settings.paused_reason,
        "paused_at": settings.paused_at,
        "updated_at": datetime.now(UTC),
    }


def _settings_from_row(row: Row[Any]) -> ChannelSettings:
    return ChannelSettings(
        channel=ChannelRef(row.platform, row.workspace, row.channel),
        subscribed=row.subscribed,
        post_at=time.fromisoformat(row.post_at),
        timezone=row.timezone,
        days=frozenset(int(day) for day in row.days.split(",") if day),
        size=row.size,
        min_upvotes=row.min_upvotes,
        max_age_days=row.max_age_days,
        topics=tuple(row.topics),
        excludes=tuple(row.excludes),
        layout=Layout(row.layout),
        paused_reason=row.paused_reason,
        paused_at=row.paused_at,
    )


def _slot_from_row(row: Row[Any]) -> SlotRecord:
    return SlotRecord(
        channel=_ref_from_key(row.channel_key),
        slot=row.slot,
        status=SlotStatus(row.status),
        digest_id=row.digest_id,
        paper_ids=tuple(row.paper_ids),
        claimed_at=row.claimed_at,
    )


def _post_from_row(row: Row[Any]) -> PostedMessage:
    return PostedMessage(
        channel=_ref_from_key(row.channel_key),
        message_id=row.message_id,
        digest_id=row.digest_id,
        role=MessageRole(row.role),
        paper_id=row.paper_id,
        item_papers=tuple(row.item_papers),
    )


def _since_window(since: datetime) -> ColumnElement[bool]:
    """Featured on or after the day of `since` (UTC), or never featured and published since."""
    since = _utc(since)
    return or_(
        papers.c.featured_on >= since.date(),
        and_(papers.c.featured_on.is_(None), papers.c.published_at >= since),
    )


def _popular_first() -> tuple[ColumnElement[Any], ...]:
    return (papers.c.upvotes.desc().nulls_last(), papers.c.id)


def _tally_query(
    platform: str,
    workspace: str,
    paper_ids: Sequence[str] | None = None,
    *,
    since: datetime | None = None,
) -> Select[Any]:
    """Per paper: the sum over users of each user's clamped net weight, and the voters
    (only votes cast at or after `since`, when given)."""
    net = func.sum(votes.c.weight)
    clamped = case((net > VOTE_CLAMP, VOTE_CLAMP), (net < -VOTE_CLAMP, -VOTE_CLAMP), else_=net)
    per_user = (
        select(votes.c.paper_id, votes.c.user_id, clamped.label("net"))
        .where(votes.c.platform == platform, votes.c.workspace == workspace)
        .group_by(votes.c.paper_id, votes.c.user_id)
    )
    if paper_ids is not None:
        per_user = per_user.where(votes.c.paper_id.in_(paper_ids))
    if since is not None:
        per_user = per_user.where(votes.c.created_at >= _utc(since))
    users = per_user.subquery()
    return select(
        users.c.paper_id,
        func.sum(users.c.net).label("weight"),
        func.count().label("voters"),
    ).group_by(users.c.paper_id)


def _remove_vote_statement(vote: Vote) -> Delete:
    return delete(votes).where(
        votes.c.platform == vote.channel.platform,
        votes.c.channel_key == vote.channel.key,
        votes.c.message_id == vote.message_id,
        votes.c.user_id == vote.user_id,
        votes.c.emoji == vote.emoji,
    )


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


async def open_store(url: str) -> Store:
    """Create the async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    Nothing is connected yet; call `Store.ping` to check the database answers, and run
    `upgrade_database` first so the tables exist. A SQLite file is opened read-write only
    (`mode=rw`), never created: a connection made after the file was deleted fails instead
    of starting an empty database at its path, and the file is watched (see `SqliteFile`).
    """
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    parsed = make_url(url)
    file = None
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
    elif parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        file = SqliteFile(Path(parsed.database))
        parsed = parsed.set(database=f"file:{quote(parsed.database)}").update_query_dict(
            {"mode": "rw", "uri": "true"}
        )
    engine = create_async_engine(parsed, **options)
    search.configure_engine(engine)
    return Store(engine, file)


class Store:
    """Papers, channels, deliveries, posted messages, votes and seen events in one database.

    A database that cannot work now (see `is_unavailable`) raises StoreUnavailable from
    any method; the first failing write after a good one is logged (`database_write_failed`),
    and so is the first good one after (`database_writable_again`), one line each.
    """

    def __init__(self, engine: AsyncEngine, file: SqliteFile | None = None) -> None:
        """Wrap an engine already configured by `search.configure_engine` (see `open_store`);
        `file` is the SQLite file to watch, if any."""
        self._engine = engine
        self._writer = engine.execution_options(**{search.WRITE_OPTION: True})
        self._dialect = engine.dialect.name
        self._file = file
        self._file_gone: str | None = None
        self.write_failure: str | None = None
        """Why the last write failed, while no write has succeeded since; else None."""

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        try:
            await self._check_file()
            async with self._writer.begin() as connection:
                yield connection
        except Exception as error:
            if not is_unavailable(error):
                raise
            raise self._write_failed(error) from error
        if self.write_failure is not None:
            log.info("database_writable_again", after=self.write_failure)
            self.write_failure = None

    async def _check_file(self) -> None:
        """Refuse to write once the SQLite file is gone from its path. The first time, its
        data is copied out (see bot.store.rescue) and the reason says where to."""
        if self._file is None:
            return
        if self._file_gone is not None:
            raise DatabaseFileGone(self._file_gone)
        try:
            self._file.check()
        except DatabaseFileGone as gone:
            try:
                copy = await rescue_copy(self._engine, self._file.path)
            except (sqlite3.Error, OSError, SQLAlchemyError) as error:
                log.warning("database_rescue_failed", error=brief(error))
                self._file_gone = str(gone)
            else:
                log.warning("database_rescued", copy=str(copy))
                self._file_gone = (
                    f"{gone}; its data was saved to {copy}: stop the bot, move that file "
                    f"to {self._file.path} and start it again"
                )
            raise DatabaseFileGone(self._file_gone) from None

    def _write_failed(self, error: BaseException) -> StoreUnavailable:
        reason = str(error) if isinstance(error, StoreUnavailable) else brief(error)
        if self.write_failure is None:
            log.warning("database_write_failed", error=reason)
        self.write_failure = reason
        return StoreUnavailable(reason)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        try:
            async with self._engine.connect() as connection:
                yield connection
        except Exception as error:
            if not is_unavailable(error) or isinstance(error, StoreUnavailable):
                raise
            raise StoreUnavailable(brief(error)) from error

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()

    async def ping(self) -> None:
        """Run `SELECT 1`; raises StoreUnavailable when the database cannot be reached."""
        async with self._read() as connection:
            await connection.execute(select(literal(1)))

    async def check_writable(self, *, at: datetime) -> None:
        """Prove the database takes a write now, or raise StoreUnavailable saying why.

        The SQLite file must still be the one opened, with room on its disk, and the
        heartbeat row is written and committed: a ping alone passes on a read-only or
        full disk.
        """
        await self._check_file()
        if self._file is not None:
            self._file.check_room()
        statement = search.upsert(heartbeat, self._dialect, keys=["id"], update=["beat_at"])
        async with self._write() as connection:
            await connection.execute(statement, {"id": 1, "beat_at": _utc(at)})

    # papers -------------------------------------------------------------------------

    async def upsert_papers(self, items: Sequence[Paper], *, at: datetime) -> int:
        """Insert or merge papers (see `merge_paper`) and snapshot their upvotes.

        One row per paper id, even when `items` repeats an id. A paper given with upvotes
        gets a snapshot (paper, `at`, upvotes, stars) when its upvotes or stars differ from
        its latest snapshot at or before `at`; an unchanged paper needs none, since momentum
        reads the latest snapshot at or before a moment as the value at that moment.

        Papers are written in chunks, each in its own transaction. When the database refuses
        a value in a chunk (see `search.is_data_error`), that chunk is written again paper by
        paper and only the papers it refuses are left out, counted in one log line; any
        other error is raised. Returns how many distinct papers were written.
        """
        at = _utc(at)
        incoming: dict[str, Paper] = {}
        for paper in items:
            earlier = incoming.get(paper.id)
            incoming[paper.id] = paper if earlier is None else merge_paper(earlier, paper)
        counted = {paper.id for paper in items if paper.upvotes is not None}
        snapshots = 0
        refused: dict[str, BaseException] = {}
        for chunk in _chunks(sorted(incoming)):
            try:
                snapshots += await self._upsert_chunk(chunk, incoming, counted, at)
            except Exception as error:
                if not search.is_data_error(error):
                    raise
                for paper_id in chunk:
                    try:
                        snapshots += await self._upsert_chunk([paper_id], incoming, counted, at)
                    except Exception as row_error:
                        if not search.is_data_error(row_error):
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
        write_papers = search.upsert(
            papers,
            self._dialect,
            keys=["id"],
            update=[column.name for column in papers.columns if column.name != "id"],
        )
        write_snapshots = search.upsert(
            upvote_snapshots,
            self._dialect,
            keys=["paper_id", "taken_at"],
            update=["upvotes", "stars"],
        )
        async with self._write() as connection:
            result = await connection.execute(
                select(papers).where(papers.c.id.in_(chunk)).order_by(papers.c.id).with_for_update()
            )
            stored = {row.id: _paper_from_row(row) for row in result}
            merged = [
                merge_paper(stored[paper_id], incoming[paper_id])
                if paper_id in stored
                else incoming[paper_id]
                for paper_id in chunk
            ]
            await connection.execute(write_papers, [_paper_values(p, at) for p in merged])
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
        return None if row is None else _paper_from_row(row)

    async def get_papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The stored papers among `ids`, by id; unknown ids are absent."""
        found: dict[str, Paper] = {}
        async with self._read() as connection:
            for chunk in _chunks(sorted(set(ids))):
                result = await connection.execute(select(papers).where(papers.c.id.in_(chunk)))
                found.update((row.id, _paper_from_row(row)) for row in result)
        return found

    async def recent_papers(self, since: datetime, *, limit: int | None = None) -> list[Paper]:
        """Papers featured on or after `since`'s day, or never featured and published since.

        Most upvoted first, so a `limit` keeps the most popular.
        """
        statement = select(papers).where(_since_window(since)).order_by(*_popular_first())
        if limit is not None:
            statement = statement.limit(limit)
        async with self._read() as connection:
            return [_paper_from_row(row) for row in await connection.execute(statement)]

    async def featured_between(self, first: date, last: date) -> list[Paper]:
        """Papers featured on Hugging Face from day `first` to day `last`, both included,
        most upvoted first."""
        statement = (
            select(papers)
            .where(papers.c.featured_on >= first, papers.c.featured_on <= last)
            .order_by(*_popular_first())
        )
        async with self._read() as connection:
            return [_paper_from_row(row) for row in await connection.execute(statement)]

    async def momentum(
        self, paper_ids: Sequence[str], *, now: datetime, window: timedelta = timedelta(hours=24)
    ) -> dict[str, int]:
        """Upvotes gained over `window` up to `now`, per paper.

        The latest snapshot at or before `now` minus the latest one at or before
        `now - window`, or minus the earliest one inside the window when none is older.
        Papers without snapshots are absent.
        """
        now = _utc(now)
        cutoff = now - window
        older = upvote_snapshots.alias("older")
        baseline_at = (
            select(func.max(older.c.taken_at))
            .where(older.c.paper_id == upvote_snapshots.c.paper_id, older.c.taken_at <= cutoff)
            .scalar_subquery()
        )
        gains: dict[str, int] = {}
        async with self._read() as connection:
            for chunk in _chunks(sorted(set(paper_ids))):
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

    async def search_papers(self, query: str, limit: int) -> list[Paper]:
        """Papers where every word of `query` appears in the title, abstract or keywords.

        Case-insensitive substring match, most upvoted first; an empty query finds nothing.
        """
        words = query.split()
        if not words:
            return []
        columns = [papers.c.title, papers.c.abstract, search.as_text(papers.c.ai_keywords)]
        statement = (
            select(papers)
            .where(search.all_words_match(columns, words, self._dialect))
            .order_by(*_popular_first())
            .limit(limit)
        )
        async with self._read() as connection:
            return [_paper_from_row(row) for row in await connection.execute(statement)]

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
            tallies = _tally_query(platform, workspace).subquery()
            team_votes = func.coalesce(tallies.c.weight, 0)
            source = papers.outerjoin(tallies, tallies.c.paper_id == papers.c.id)
        statement = (
            select(papers, team_votes.label("team_votes"))
            .select_from(source)
            .where(_since_window(since))
            .order_by((func.coalesce(papers.c.upvotes, 0) + team_votes).desc(), *_popular_first())
            .limit(limit)
        )
        async with self._read() as connection:
            return [
                TopEntry(paper=_paper_from_row(row), team_votes=int(row.team_votes))
                for row in await connection.execute(statement)
            ]

    async def team_favourites(
        self, since: datetime, *, platform: str, workspace: str, limit: int
    ) -> list[tuple[Paper, VoteTally]]:
        """The papers a workspace voted for most since `since` (net positive only), with
        their tallies: highest net weight first, then more voters, then the paper id."""
        tallies = _tally_query(platform, workspace, since=since).subquery()
        statement = (
            select(papers, tallies.c.weight, tallies.c.voters)
            .join(tallies, tallies.c.paper_id == papers.c.id)
            .where(tallies.c.weight > 0)
            .order_by(tallies.c.weight.desc(), tallies.c.voters.desc(), papers.c.id)
            .limit(limit)
        )
        async with self._read() as connection:
            return [
                (_paper_from_row(row), VoteTally(row.id, int(row.weight), int(row.voters)))
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
                    at=_utc(at),
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

    # channels -----------------------------------------------------------------------

    async def get_channel(self, ref: ChannelRef) -> ChannelSettings | None:
        """A channel's saved settings, or None when it was never saved."""
        async with self._read() as connection:
            row = (
                await connection.execute(select(channels).where(channels.c.key == ref.key))
            ).first()
        return None if row is None else _settings_from_row(row)

    async def save_channel(self, settings: ChannelSettings) -> None:
        """Insert or replace the channel's whole row in one statement.

        For seeding a channel; a change made on behalf of someone goes through
        `update_channel`, so it cannot overwrite a change made at the same time.
        """
        values = _channel_values(settings)
        statement = search.upsert(
            channels, self._dialect, keys=["key"], update=[name for name in values if name != "key"]
        )
        async with self._write() as connection:
            await connection.execute(statement, values)

    async def update_channel(
        self, ref: ChannelRef, change: Callable[[ChannelSettings], ChannelSettings]
    ) -> tuple[ChannelSettings, ChannelSettings]:
        """Apply `change` to the stored settings atomically; returns them before and after.

        One write transaction: a channel never saved gets its default row, the row is read
        under a write lock (`BEGIN IMMEDIATE` on SQLite, `SELECT ... FOR UPDATE` on
        PostgreSQL), and only the columns `change` altered are written. Changes made at the
        same time, and pauses written by `pause_channel` or `pause_workspace`, are applied
        one after the other, each to what the one before it stored, so none is lost.
        """
        defaults = _channel_values(ChannelSettings(channel=ref))
        async with self._write() as connection:
            await connection.execute(search.insert_ignore(channels, self._dialect), defaults)
            row = (
                await connection.execute(
                    select(channels).where(channels.c.key == ref.key).with_for_update()
                )
            ).one()
            before = _settings_from_row(row)
            after = change(before)
            old, new = _channel_values(before), _channel_values(after)
            changed = {
                name: value
                for name, value in new.items()
                if name not in ("key", "updated_at") and value != old[name]
            }
            if changed:
                await connection.execute(
                    update(channels)
                    .where(channels.c.key == ref.key)
                    .values(**changed, updated_at=new["updated_at"])
                )
        return before, after

    async def subscribed_channels(self) -> list[ChannelSettings]:
        """Every subscribed channel, paused or not, ordered by channel id."""
        statement = select(channels).where(channels.c.subscribed.is_(True)).order_by(channels.c.key)
        async with self._read() as connection:
            return [_settings_from_row(row) for row in await connection.execute(statement)]

    async def pause_channel(self, ref: ChannelRef, reason: str, *, at: datetime) -> None:
        """Pause a channel's deliveries with a reason, keeping its other settings.

        A channel never saved gets a row with default (unsubscribed) settings, so the reason
        is there to show when someone next looks at or subscribes the channel.
        """
        paused = {"paused_reason": reason, "paused_at": _utc(at), "updated_at": datetime.now(UTC)}
        values = _channel_values(ChannelSettings(channel=ref)) | paused
        statement = search.upsert(channels, self._dialect, keys=["key"], update=paused)
        async with self._write() as connection:
            await connection.execute(statement, values)

    async def pause_workspace(
        self, platform: str, workspace: str, reason: str, *, at: datetime
    ) -> int:
        """Pause every channel of a workspace not already paused; returns how many were.

        Channels paused earlier keep their first reason and time.
        """
        async with self._write() as connection:
            result = await connection.execute(
                update(channels)
                .where(
                    channels.c.platform == platform,
                    channels.c.workspace == workspace,
                    channels.c.paused_reason.is_(None),
                )
                .values(paused_reason=reason, paused_at=_utc(at), updated_at=datetime.now(UTC))
            )
        log.info(
            "workspace_paused", platform=platform, workspace=workspace, channels=result.rowcount
        )
        return result.rowcount

    # deliveries ---------------------------------------------------------------------

    async def claim_slot(self, ref: ChannelRef, slot: str, *, at: datetime) -> bool:
        """Claim a channel's slot for this process; False when someone already has."""
        statement = search.insert_ignore(deliveries, self._dialect).values(
            channel_key=ref.key,
            slot=slot,
            status=SlotStatus.CLAIMED.value,
            paper_ids=[],
            claimed_at=_utc(at),
        )
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def plan_slot(
        self, ref: ChannelRef, slot: str, *, digest_id: str, paper_ids: Sequence[str]
    ) -> None:
        """Record the digest chosen for a claimed slot and mark its papers delivered to `ref`.

        Raises LookupError when the slot is not claimed or is already finished.
        """
        async with self._write() as connection:
            result = await connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.channel_key == ref.key,
                    deliveries.c.slot == slot,
                    deliveries.c.status.in_([status.value for status in UNFINISHED]),
                )
                .values(
                    status=SlotStatus.PLANNED.value, digest_id=digest_id, paper_ids=list(paper_ids)
                )
            )
            if result.rowcount != 1:
                raise LookupError(f"slot {slot} of {ref.key} is not claimed or already finished")
            if paper_ids:
                await connection.execute(
                    search.insert_ignore(delivered_papers, self._dialect),
                    [
                        {"channel_key": ref.key, "paper_id": paper_id, "slot": slot}
                        for paper_id in dict.fromkeys(paper_ids)
                    ],
                )

    async def finish_slot(self, ref: ChannelRef, slot: str, status: str) -> None:
        """Close a slot as "posted", "empty" or "failed"; LookupError if never claimed."""
        final = SlotStatus(status)
        if final not in FINISHED:
            raise ValueError(f"{status!r} is not a final slot status; use posted, empty or failed")
        async with self._write() as connection:
            result = await connection.execute(
                update(deliveries)
                .where(deliveries.c.channel_key == ref.key, deliveries.c.slot == slot)
                .values(status=final.value, finished_at=datetime.now(UTC))
            )
            if result.rowcount != 1:
                raise LookupError(f"slot {slot} of {ref.key} was never claimed")

    async def slot_status(self, ref: ChannelRef, slot: str) -> SlotRecord | None:
        """The delivery record of one channel's slot, or None when nobody claimed it."""
        statement = select(deliveries).where(
            deliveries.c.channel_key == ref.key, deliveries.c.slot == slot
        )
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _slot_from_row(row)

    async def unfinished_slots(self) -> list[SlotRecord]:
        """Slots claimed or planned but not finished (a crash or restart), oldest first."""
        statement = (
            select(deliveries)
            .where(deliveries.c.status.in_([status.value for status in UNFINISHED]))
            .order_by(deliveries.c.claimed_at, deliveries.c.channel_key, deliveries.c.slot)
        )
        async with self._read() as connection:
            return [_slot_from_row(row) for row in await connection.execute(statement)]

    async def delivered_on(self, ref: ChannelRef) -> dict[str, date]:
        """Every paper ever planned into a digest for this channel, with its slot's date."""
        statement = select(delivered_papers.c.paper_id, delivered_papers.c.slot).where(
            delivered_papers.c.channel_key == ref.key
        )
        async with self._read() as connection:
            return {
                paper_id: date.fromisoformat(slot)
                for paper_id, slot in await connection.execute(statement)
            }

    async def delivered_paper_ids(self, ref: ChannelRef) -> set[str]:
        """Every paper id ever planned into a digest for this channel."""
        statement = select(delivered_papers.c.paper_id).where(
            delivered_papers.c.channel_key == ref.key
        )
        async with self._read() as connection:
            return set((await connection.execute(statement)).scalars())

    # posted messages ----------------------------------------------------------------

    async def record_post(self, message: PostedMessage, *, key: str) -> bool:
        """Remember a posted message; False when `key` or the platform message is known."""
        statement = search.insert_ignore(posted_messages, self._dialect).values(
            key=key,
            platform=message.channel.platform,
            channel_key=message.channel.key,
            message_id=message.message_id,
            digest_id=message.digest_id,
            role=message.role.value,
            paper_id=message.paper_id,
            item_papers=list(message.item_papers),
        )
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def posted_by_key(self, key: str) -> PostedMessage | None:
        """The message posted under an outbox key, or None: has this one gone out yet?"""
        statement = select(posted_messages).where(posted_messages.c.key == key)
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _post_from_row(row)

    async def find_post(self, ref: ChannelRef, message_id: str) -> PostedMessage | None:
        """The bot's message with this platform id in this channel, or None (not ours)."""
        statement = select(posted_messages).where(
            posted_messages.c.platform == ref.platform,
            posted_messages.c.channel_key == ref.key,
            posted_messages.c.message_id == message_id,
        )
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _post_from_row(row)

    # votes --------------------------------------------------------------------------

    async def add_vote(self, vote: Vote, *, paper_id: str, weight: int, at: datetime) -> bool:
        """Count one reaction on a paper; False when this user's same emoji is already in."""
        statement = self._add_vote_statement(vote, paper_id=paper_id, weight=weight, at=at)
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def remove_vote(self, vote: Vote) -> bool:
        """Withdraw a reaction; False when there was no such vote."""
        async with self._write() as connection:
            result = await connection.execute(_remove_vote_statement(vote))
        return result.rowcount > 0

    async def apply_vote(
        self, vote: Vote, *, paper_id: str, weight: int, at: datetime
    ) -> VoteResult:
        """Claim the vote's platform event and add (or, when `vote.removed`, withdraw) the
        vote in one transaction.

        DUPLICATE when the event id was claimed before, UNCHANGED when the vote was already
        in (or already gone), RECORDED otherwise; only RECORDED is truthy. When the write
        fails the claim is rolled back with it, so the platform's redelivery of the event
        is applied rather than taken for a duplicate. A vote without an event id is not
        claimed.
        """
        if vote.removed:
            statement: Any = _remove_vote_statement(vote)
        else:
            statement = self._add_vote_statement(vote, paper_id=paper_id, weight=weight, at=at)
        async with self._write() as connection:
            if vote.event_id:
                claim = self._claim_event_statement(vote.channel.platform, vote.event_id, at=at)
                if (await connection.execute(claim)).rowcount != 1:
                    return VoteResult.DUPLICATE
            result = await connection.execute(statement)
        return VoteResult.RECORDED if result.rowcount > 0 else VoteResult.UNCHANGED

    def _add_vote_statement(
        self, vote: Vote, *, paper_id: str, weight: int, at: datetime
    ) -> Insert:
        return search.insert_ignore(votes, self._dialect).values(
            platform=vote.channel.platform,
            workspace=vote.channel.workspace,
            channel_key=vote.channel.key,
            message_id=vote.message_id,
            user_id=vote.user_id,
            emoji=vote.emoji,
            paper_id=paper_id,
            weight=weight,
            created_at=_utc(at),
        )

    async def clear_votes(self, ref: ChannelRef, message_id: str, emoji: str | None = None) -> int:
        """Withdraw every vote on a message (or only those with `emoji`), as when a
        moderator clears its reactions; returns how many were withdrawn."""
        statement = delete(votes).where(
            votes.c.platform == ref.platform,
            votes.c.channel_key == ref.key,
            votes.c.message_id == message_id,
        )
        if emoji is not None:
            statement = statement.where(votes.c.emoji == emoji)
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount

    async def team_votes(self, platform: str, workspace: str) -> list[TeamVote]:
        """Every person's net vote per paper and channel within a workspace, each clamped
        to [-VOTE_CLAMP, VOTE_CLAMP], with the time of their latest vote on it; the
        taste model learns from these."""
        net = func.sum(votes.c.weight)
        clamped = case((net > VOTE_CLAMP, VOTE_CLAMP), (net < -VOTE_CLAMP, -VOTE_CLAMP), else_=net)
        statement = (
            select(
                votes.c.channel_key,
                votes.c.user_id,
                votes.c.paper_id,
                clamped.label("weight"),
                func.max(votes.c.created_at).label("at"),
            )
            .where(votes.c.platform == platform, votes.c.workspace == workspace)
            .group_by(votes.c.channel_key, votes.c.user_id, votes.c.paper_id)
            .order_by(votes.c.channel_key, votes.c.user_id, votes.c.paper_id)
        )
        async with self._read() as connection:
            rows = await connection.execute(statement)
            return [
                TeamVote(row.channel_key, row.user_id, row.paper_id, int(row.weight), row.at)
                for row in rows
            ]

    async def vote_tallies(
        self, platform: str, workspace: str, paper_ids: Sequence[str] | None = None
    ) -> dict[str, VoteTally]:
        """The team's votes per paper within a workspace (all papers, or just `paper_ids`).

        Each user's net weight on a paper is clamped to [-2, 2] before summing, so one
        enthusiast cannot outvote the team; `voters` counts distinct users.
        """
        if paper_ids is None:
            queries = [_tally_query(platform, workspace)]
        else:
            queries = [
                _tally_query(platform, workspace, chunk)
                for chunk in _chunks(sorted(set(paper_ids)))
            ]
        tallies: dict[str, VoteTally] = {}
        async with self._read() as connection:
            for query in queries:
                for paper_id, weight, voters in await connection.execute(query):
                    tallies[paper_id] = VoteTally(paper_id, int(weight), int(voters))
        return tallies

    # platform events ----------------------------------------------------------------

    async def claim_event(self, platform: str, event_id: str, *, at: datetime) -> bool:
        """Claim a platform event id so a redelivered event is handled once; False if seen."""
        async with self._write() as connection:
            result = await connection.execute(
                self._claim_event_statement(platform, event_id, at=at)
            )
        return result.rowcount == 1

    def _claim_event_statement(self, platform: str, event_id: str, *, at: datetime) -> Insert:
        return search.insert_ignore(processed_events, self._dialect).values(
            platform=platform, event_id=event_id, seen_at=_utc(at)
        )

    # housekeeping -------------------------------------------------------------------

    async def prune(self, now: datetime) -> Pruned:
        """Delete what the bot no longer needs, in one transaction; returns the counts.

        - upvote snapshots older than SNAPSHOT_RETENTION, except each paper's newest one
          at or before that cutoff: it is the paper's upvotes at every later moment up to
          its next snapshot, which momentum may read as its baseline;
        - platform event ids claimed more than EVENT_RETENTION ago (platforms redeliver
          within minutes or hours, never days);
        - fetch runs older than FETCH_RUN_RETENTION, except the latest successful one, so
          health checks still know when the last good fetch was.
        """
        now = _utc(now)
        snapshot_cutoff = now - SNAPSHOT_RETENTION
        newer = upvote_snapshots.alias("newer")
        kept_at = (
            select(func.max(newer.c.taken_at))
            .where(
                newer.c.paper_id == upvote_snapshots.c.paper_id,
                newer.c.taken_at <= snapshot_cutoff,
            )
            .scalar_subquery()
        )
        last_ok = select(func.max(fetch_runs.c.at)).where(fetch_runs.c.ok.is_(True))
        async with self._write() as connection:
            snapshots = await connection.execute(
                delete(upvote_snapshots).where(
                    upvote_snapshots.c.taken_at < snapshot_cutoff,
                    upvote_snapshots.c.taken_at < kept_at,
                )
            )
            events = await connection.execute(
                delete(processed_events).where(processed_events.c.seen_at < now - EVENT_RETENTION)
            )
            latest_ok = (await connection.execute(last_ok)).scalar_one()
            old_runs = fetch_runs.c.at < now - FETCH_RUN_RETENTION
            if latest_ok is not None:
                old_runs = and_(
                    old_runs, or_(fetch_runs.c.ok.is_(False), fetch_runs.c.at < latest_ok)
                )
            runs = await connection.execute(delete(fetch_runs).where(old_runs))
        pruned = Pruned(snapshots.rowcount, events.rowcount, runs.rowcount)
        if pruned.total:
            log.info(
                "store_pruned",
                snapshots=pruned.snapshots,
                events=pruned.events,
                fetch_runs=pruned.fetch_runs,
            )
        return pruned
