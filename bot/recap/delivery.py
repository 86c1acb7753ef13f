"""Posting weekly recaps: one per channel per ISO week, claimed in the database first.

A recap is one message (the list and the chart), so its claim has three steps: `claimed`
(nothing sent yet), `posting` (the platform call is under way) and an end (`posted`, `empty`,
`failed`, `unknown`). After a crash a `claimed` recap is posted by the next resume; a
`posting` one may or may not have gone out, and as a recap must never be posted twice it is
marked `unknown` and left alone, with one log line.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, timedelta

import structlog

from bot.clock import Clock, utc_now
from bot.models import ChannelRef, ChannelSettings
from bot.ports import ChannelUnavailable, ChatAdapter
from bot.recap.compose import compose_recap, week_label
from bot.store import RecapStatus, Store

log = structlog.get_logger(__name__)


class RecapOutcome(enum.StrEnum):
    """How one recap attempt ended."""

    POSTED = "posted"
    EMPTY = "empty"
    ALREADY = "already"
    OFF = "off"
    PAUSED = "paused"
    FAILED = "failed"
    NO_ADAPTER = "no_adapter"


class RecapDelivery:
    """Posts each channel's weekly recap through its platform's adapter, at most once."""

    def __init__(
        self,
        store: Store,
        adapters: Mapping[str, ChatAdapter],
        *,
        clock: Clock = utc_now,
        resume_within: timedelta = timedelta(hours=6),
    ) -> None:
        self._store = store
        self._adapters = adapters
        self._clock = clock
        self._resume_within = resume_within

    async def deliver(self, channel: ChannelRef, last_day: date) -> RecapOutcome:
        """Claim the channel's recap of the week ending `last_day` and post it."""
        settings = await self._store.get_channel(channel) or ChannelSettings(channel)
        adapter = self._adapters.get(channel.platform)
        if settings.recap_day is None or not settings.subscribed:
            return RecapOutcome.OFF
        if adapter is None:
            log.warning("recap_skipped", channel=channel.key, reason="platform not connected")
            return RecapOutcome.NO_ADAPTER
        if settings.paused_reason:
            return RecapOutcome.PAUSED
        week = week_label(last_day)
        if not await self._store.claim_recap(channel, week, last_day=last_day, at=self._clock()):
            log.info("recap_week_taken", channel=channel.key, week=week)
            return RecapOutcome.ALREADY
        return await self._post(adapter, settings, week, last_day)

    async def resume_unfinished(self) -> int:
        """Post the recaps claimed (within the grace) but never sent; mark those caught in
        the middle of a post as `unknown`. Returns how many were posted."""
        posted = 0
        cutoff = self._clock() - self._resume_within
        for record in await self._store.unfinished_recaps():
            if record.status is RecapStatus.POSTING:
                await self._store.finish_recap(record.channel, record.week, RecapStatus.UNKNOWN)
                log.warning("recap_maybe_posted", channel=record.channel.key, week=record.week)
                continue
            adapter = self._adapters.get(record.channel.platform)
            if adapter is None or record.claimed_at < cutoff:
                continue
            settings = await self._store.get_channel(record.channel)
            if settings is None:
                continue
            outcome = await self._post(adapter, settings, record.week, record.last_day)
            posted += outcome is RecapOutcome.POSTED
        return posted

    async def _post(
        self, adapter: ChatAdapter, settings: ChannelSettings, week: str, last_day: date
    ) -> RecapOutcome:
        channel = settings.channel
        recap = await compose_recap(self._store, settings, last_day)
        if recap is None:
            await self._store.finish_recap(channel, week, RecapStatus.EMPTY)
            log.info("recap_empty", channel=channel.key, week=week)
            return RecapOutcome.EMPTY
        await self._store.finish_recap(channel, week, RecapStatus.POSTING)
        try:
            ref = await adapter.post_recap(channel, recap)
        except ChannelUnavailable as error:
            await self._store.finish_recap(channel, week, RecapStatus.FAILED)
            log.warning("recap_failed", channel=channel.key, week=week, reason=error.reason)
            return RecapOutcome.FAILED
        await self._store.finish_recap(
            channel, week, RecapStatus.POSTED, message_id=ref.message_id, at=self._clock()
        )
        log.info("recap_posted", channel=channel.key, week=week, papers=len(recap.entries))
        return RecapOutcome.POSTED
