"""Keeps each channel's taste model fitted to the votes stored for its workspace.

A model is fitted from the store (the workspace's votes, the channel's deliveries, a
sample of recent papers nobody was shown) in a worker thread, so the event loop never
waits on scikit-learn. It is fitted again, debounced, a moment after votes arrive, and
afresh each day (yesterday's deliveries become today's ignored papers). After a restart
the first digest fits it from the stored votes: nothing learned is lost.

A digest that is posted waits for the fresh model; a command answers at once with the
model it has, while the fresh one is fitted in the background.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import structlog

from bot.models import ChannelRef, Paper
from bot.ranking.score import utc_date
from bot.ranking.taste import TasteModel, TasteView, fit_taste, taste_examples
from bot.store import Store

log = structlog.get_logger(__name__)

DEFAULT_HALF_LIFE_DAYS = 60.0
"""A vote this many days old counts half as much as one cast today."""
POOL_DAYS = 30
"""How far back the pool of unseen papers reaches."""
POOL_READ = 3000
POOL_SAMPLE = 400
"""How many of the most upvoted recent papers are read, and how many of them sampled."""
REFIT_DELAY_SECONDS = 2.0
"""Votes arriving within this long of each other are learned in one refit."""


@dataclass(frozen=True, slots=True)
class _Fitted:
    model: TasteModel | None
    day: date
    generation: int


class TasteLearner:
    """Each channel's taste model, fitted from the store and kept fresh."""

    def __init__(
        self,
        store: Store,
        *,
        half_life_days: float,
        refit_delay_seconds: float = REFIT_DELAY_SECONDS,
    ) -> None:
        self._store = store
        self._half_life = half_life_days
        self._delay = refit_delay_seconds
        self._fitted: dict[ChannelRef, _Fitted] = {}
        self._generations: dict[tuple[str, str], int] = {}
        self._locks: dict[ChannelRef, asyncio.Lock] = {}
        self._refits: set[asyncio.Task[None]] = set()
        self._now: datetime | None = None

    async def view(
        self, channel: ChannelRef, candidates: list[Paper], *, now: datetime, fresh: bool
    ) -> TasteView | None:
        """The channel's taste over `candidates`; None while nothing was learned. With
        `fresh`, a stale model is fitted again first; without, it is used as it is and
        fitted again in the background."""
        self._now = now
        fitted = self._fitted.get(channel)
        if fitted is None or (fresh and self._stale(channel, fitted, now)):
            fitted = await self._fit(channel, now)
        elif self._stale(channel, fitted, now):
            self._refit_later(channel, delay=0.0)
        return None if fitted.model is None else TasteView(fitted.model, candidates)

    def votes_changed(self, platform: str, workspace: str) -> None:
        """Votes of a workspace changed: its channels' models are stale; fit them again
        a moment from now, so a burst of reactions is learned in one go."""
        key = (platform, workspace)
        self._generations[key] = self._generations.get(key, 0) + 1
        for channel in list(self._fitted):
            if (channel.platform, channel.workspace) == key:
                self._refit_later(channel, delay=self._delay)

    async def close(self) -> None:
        """Cancel the refits scheduled in the background."""
        for task in list(self._refits):
            task.cancel()
        await asyncio.gather(*self._refits, return_exceptions=True)

    def _generation(self, channel: ChannelRef) -> int:
        return self._generations.get((channel.platform, channel.workspace), 0)

    def _stale(self, channel: ChannelRef, fitted: _Fitted, now: datetime) -> bool:
        return fitted.generation != self._generation(channel) or fitted.day != utc_date(now)

    def _refit_later(self, channel: ChannelRef, *, delay: float) -> None:
        task = asyncio.create_task(self._refit(channel, delay))
        self._refits.add(task)
        task.add_done_callback(self._refits.discard)

    async def _refit(self, channel: ChannelRef, delay: float) -> None:
        await asyncio.sleep(delay)
        fitted = self._fitted.get(channel)
        now = self._now
        if now is None or (fitted is not None and not self._stale(channel, fitted, now)):
            return
        try:
            await self._fit(channel, now)
        except Exception as error:  # a refit in the background must not end the bot
            log.warning("taste_refit_failed", channel=channel.key, error=repr(error))

    async def _fit(self, channel: ChannelRef, now: datetime) -> _Fitted:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            fitted = self._fitted.get(channel)
            if fitted is not None and not self._stale(channel, fitted, now):
                return fitted
            generation = self._generation(channel)
            model = await self._fit_from_store(channel, now)
            fitted = _Fitted(model, utc_date(now), generation)
            self._fitted[channel] = fitted
            return fitted

    async def _fit_from_store(self, channel: ChannelRef, now: datetime) -> TasteModel | None:
        votes = await self._store.team_votes(channel.platform, channel.workspace)
        if not votes:
            return None
        delivered = await self._store.delivered_on(channel)
        recent = await self._store.recent_papers(now - timedelta(days=POOL_DAYS), limit=POOL_READ)
        known = {vote.paper_id for vote in votes} | set(delivered)
        unseen = [paper for paper in recent if paper.id not in known]
        pool = random.Random(channel.key).sample(unseen, min(POOL_SAMPLE, len(unseen)))
        papers = await self._store.get_papers(sorted(known))
        examples, evidence = taste_examples(
            channel.key,
            votes,
            delivered,
            papers,
            pool,
            today=utc_date(now),
            half_life_days=self._half_life,
        )
        model = await asyncio.to_thread(fit_taste, examples, votes=evidence)
        log.info(
            "taste_fitted", channel=channel.key, examples=len(examples), votes=round(evidence, 1)
        )
        return model
