"""Recaps: one row per channel and ISO week, claimed before the weekly recap is posted.

The claim is an insert under the (channel, week) key, so a second fire, a restart or a
second replica that loses it does nothing; see bot.recap.delivery for the statuses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from bot.models import ChannelRef
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import recaps
from bot.store.values import ref_from_key, utc


class RecapStatus(enum.StrEnum):
    """Where a channel's recap of one week stands."""

    CLAIMED = "claimed"
    POSTING = "posting"
    POSTED = "posted"
    EMPTY = "empty"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class RecapRecord:
    """A claimed recap: the channel, the ISO week, its last local day and its status."""

    channel: ChannelRef
    week: str
    last_day: date
    status: RecapStatus
    claimed_at: datetime


class RecapsMixin(StoreBase):
    """Claiming and finishing weekly recaps."""

    async def claim_recap(
        self, ref: ChannelRef, week: str, *, last_day: date, at: datetime
    ) -> bool:
        """Claim a channel's recap of `week` for this process; False when it was claimed."""
        statement = dialect.insert_ignore(recaps, self._dialect).values(
            channel_key=ref.key,
            week=week,
            last_day=last_day,
            status=RecapStatus.CLAIMED.value,
            claimed_at=utc(at),
        )
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def finish_recap(
        self,
        ref: ChannelRef,
        week: str,
        status: RecapStatus,
        *,
        message_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Move a claimed recap to `status` (with the posted message's id when it went out)."""
        statement = (
            update(recaps)
            .where(recaps.c.channel_key == ref.key, recaps.c.week == week)
            .values(
                status=status.value,
                message_id=message_id,
                finished_at=None if at is None else utc(at),
            )
        )
        async with self._write() as connection:
            await connection.execute(statement)

    async def recap_status(self, ref: ChannelRef, week: str) -> RecapStatus | None:
        """The status of a channel's recap of `week`, or None when it was never claimed."""
        statement = select(recaps.c.status).where(
            recaps.c.channel_key == ref.key, recaps.c.week == week
        )
        async with self._read() as connection:
            status = (await connection.execute(statement)).scalar_one_or_none()
        return None if status is None else RecapStatus(status)

    async def unfinished_recaps(self) -> list[RecapRecord]:
        """The recaps claimed and not finished (not yet posted, or caught mid-post)."""
        statement = (
            select(recaps)
            .where(recaps.c.status.in_([RecapStatus.CLAIMED.value, RecapStatus.POSTING.value]))
            .order_by(recaps.c.claimed_at)
        )
        async with self._read() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            RecapRecord(
                channel=ref_from_key(row.channel_key),
                week=row.week,
                last_day=row.last_day,
                status=RecapStatus(row.status),
                claimed_at=row.claimed_at,
            )
            for row in rows
        ]
