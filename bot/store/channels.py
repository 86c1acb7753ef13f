"""Channels: each one's digest settings, and pauses of one channel or a whole workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import structlog
from sqlalchemy import Row, select, update

from bot.models import ChannelRef, ChannelSettings, Follow, FollowKind, Layout
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import channels
from bot.store.values import utc

log = structlog.get_logger(__name__)


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
        "follows": [{"kind": str(f.kind), "name": f.name} for f in settings.follows],
        "recap_day": settings.recap_day,
        "recap_at": settings.recap_at.strftime("%H:%M"),
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
        follows=tuple(Follow(FollowKind(f["kind"]), f["name"]) for f in row.follows),
        recap_day=row.recap_day,
        recap_at=time.fromisoformat(row.recap_at),
    )


class ChannelsMixin(StoreBase):
    """Reading and changing a channel's settings, and pausing channels."""

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
        statement = dialect.upsert(
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
            await connection.execute(dialect.insert_ignore(channels, self._dialect), defaults)
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
        paused = {"paused_reason": reason, "paused_at": utc(at), "updated_at": datetime.now(UTC)}
        values = _channel_values(ChannelSettings(channel=ref)) | paused
        statement = dialect.upsert(channels, self._dialect, keys=["key"], update=paused)
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
                .values(paused_reason=reason, paused_at=utc(at), updated_at=datetime.now(UTC))
            )
        log.info(
            "workspace_paused", platform=platform, workspace=workspace, channels=result.rowcount
        )
        return result.rowcount
