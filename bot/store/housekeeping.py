"""Housekeeping: `prune` keeps the history tables short."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import and_, delete, func, or_, select

from bot.store.connection import StoreBase
from bot.store.tables import fetch_runs, processed_events, searches, upvote_snapshots
from bot.store.values import utc

log = structlog.get_logger(__name__)

SNAPSHOT_RETENTION = timedelta(days=8)
"""Upvote snapshots older than this are pruned (momentum looks back 24 hours)."""

EVENT_RETENTION = timedelta(days=7)
"""Claimed platform event ids older than this are pruned."""

FETCH_RUN_RETENTION = timedelta(days=30)
"""Fetch runs older than this are pruned."""

SEARCH_RETENTION = timedelta(days=7)
"""Saved searches older than this are pruned (their "More" buttons say so)."""


@dataclass(frozen=True, slots=True)
class Pruned:
    """How many rows `Store.prune` deleted from each table it keeps short."""

    snapshots: int
    events: int
    fetch_runs: int
    searches: int = 0

    @property
    def total(self) -> int:
        """All rows deleted."""
        return self.snapshots + self.events + self.fetch_runs + self.searches


class HousekeepingMixin(StoreBase):
    """Deleting the snapshots, event ids, fetch runs and searches the bot no longer needs."""

    async def prune(self, now: datetime) -> Pruned:
        """Delete what the bot no longer needs, in one transaction; returns the counts.

        - upvote snapshots older than SNAPSHOT_RETENTION, except each paper's newest one
          at or before that cutoff: it is the paper's upvotes at every later moment up to
          its next snapshot, which momentum may read as its baseline;
        - platform event ids claimed more than EVENT_RETENTION ago (platforms redeliver
          within minutes or hours, never days);
        - fetch runs older than FETCH_RUN_RETENTION, except the latest successful one, so
          health checks still know when the last good fetch was;
        - saved searches older than SEARCH_RETENTION.
        """
        now = utc(now)
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
            saved = await connection.execute(
                delete(searches).where(searches.c.created_at < now - SEARCH_RETENTION)
            )
        pruned = Pruned(snapshots.rowcount, events.rowcount, runs.rowcount, saved.rowcount)
        if pruned.total:
            log.info(
                "store_pruned",
                snapshots=pruned.snapshots,
                events=pruned.events,
                fetch_runs=pruned.fetch_runs,
                searches=pruned.searches,
            )
        return pruned
