"""Keeps each channel's taste model fitted to the votes stored for its workspace.

A model is fitted from the store (the workspace's votes, the channel's deliveries, a
sample of recent papers nobody was shown) in a worker thread, so the event loop never
waits on scikit-learn. It is fitted again, debounced, a moment after votes arrive, and
afresh each day (yesterday's deliveries become today's ignored papers). After a restart
the first digest fits it from the stored votes: nothing learned is lost.

A digest that is posted waits for the fresh model; a command answers at once with the
model it has, while the fresh one is fitted in the background. The first fetch of a new
day fits the day's shared vocabulary and the known channels' models ahead of the digests.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog

from bot.clock import Clock, utc_now
from bot.models import ChannelRef, Paper
from bot.ranking.score import utc_date
from bot.ranking.taste import TasteModel, TasteView, fit_taste, taste_examples
from bot.ranking.vectors import PaperVectors
from bot.store import Store, StoreUnavailable

log = structlog.get_logger(__name__)

DEFAULT_HALF_LIFE_DAYS = 60.0
"""A vote this many days old counts half as much as one cast today."""
POOL_DAYS = 30
"""How far back the pool of unseen papers reaches."""
POOL_READ = 2000
POOL_SAMPLE = 400
"""How many of the most upvoted recent papers are read (the day's vocabulary is fitted on
them), and how many of them are sampled as unseen examples."""
REFIT_DELAY_SECONDS = 2.0
"""Votes arriving within this long of each other are learned in one refit."""
COMMAND_WAIT_SECONDS = 0.5
"""How long a command's answer waits for a refit before it uses the model it has."""


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
        command_wait_seconds: float = COMMAND_WAIT_SECONDS,
        clock: Clock = utc_now,
    ) -> None:
        """`refit_delay_seconds` is the debounce after votes; `command_wait_seconds` how long
        a command waits for a refit before answering with the model it has; `clock` tells
        a fetch on a new day (see `papers_stored`)."""
        self._store = store
        self._clock = clock
        self._half_life = half_life_days
        self._delay = refit_delay_seconds
        self._command_wait = command_wait_seconds
        self._fitted: dict[ChannelRef, _Fitted] = {}
        self._generations: dict[tuple[str, str], int] = {}
        self._fitting: dict[ChannelRef, asyncio.Task[_Fitted]] = {}
        self._fitting_for: dict[ChannelRef, tuple[int, date]] = {}
        self._scheduled: set[ChannelRef] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._now: datetime | None = None
        self._corpus: tuple[date, PaperVectors, list[Paper]] | None = None
        self._corpus_lock = asyncio.Lock()

    async def view(
        self, channel: ChannelRef, candidates: list[Paper], *, now: datetime, fresh: bool
    ) -> TasteView | None:
        """The channel's taste over `candidates`; None while nothing was learned.

        A stale model (votes arrived, or a new day) is fitted again. With `fresh` the
        answer waits for that fit; without, it waits `command_wait_seconds` at most and
        then uses the model it has, the fit going on in the background.
        """
        self._now = now
        fitted = self._fitted.get(channel)
        if fitted is None or self._stale(channel, fitted, now):
            fitting = self._fitting_task(channel, now)
            if fitted is None or fresh:
                fitted = await asyncio.shield(fitting)
            else:
                with contextlib.suppress(TimeoutError):
                    fitted = await asyncio.wait_for(asyncio.shield(fitting), self._command_wait)
        if fitted.model is None:
            return None
        return await asyncio.to_thread(TasteView, fitted.model, candidates)

    def votes_changed(self, platform: str, workspace: str) -> None:
        """Votes of a workspace changed: its channels' models are stale; fit them again
        a moment from now, so a burst of reactions is learned in one go."""
        key = (platform, workspace)
        self._generations[key] = self._generations.get(key, 0) + 1
        for channel in list(self._fitted):
            if (channel.platform, channel.workspace) == key and channel not in self._scheduled:
                self._scheduled.add(channel)
                self._track(asyncio.create_task(self._refit_later(channel)))

    def papers_stored(self) -> None:
        """A fetch stored papers. On a new day, or on the first fetch after a start, fit the
        day's vocabulary and every known channel's model now, in the background, so the
        day's digests and the first refit after a vote need not wait for them (a fetch runs
        at start and every half hour, well before most digests)."""
        now = self._clock()
        if self._corpus is not None and self._corpus[0] == utc_date(now):
            return
        self._now = now
        self._track(asyncio.create_task(self._new_day(now)))

    async def warm_up(self, channels: Sequence[ChannelRef]) -> None:
        """Rebuild what was learned from the stored votes, ahead of need: the day's
        vocabulary (importing scikit-learn with it), then the models of `channels` (the
        subscribed ones) one after the other, so the first digest and the first refit after
        a start take a refit's time, not a start's. A failure is one log line and leaves the
        work to the first fit that needs it."""
        try:
            now = self._clock()
            await self._day_corpus(now)
            for channel in channels:
                await asyncio.shield(self._fitting_task(channel, now))
        except Exception as error:  # work ahead of time must not end the bot
            log.warning("taste_warm_up_failed", error=f"{type(error).__name__}: {error}")

    async def _new_day(self, now: datetime) -> None:
        try:
            await self._day_corpus(now)
            for channel in list(self._fitted):
                await asyncio.shield(self._fitting_task(channel, now))
        except Exception as error:  # work ahead of time must not end the bot
            log.warning("taste_new_day_failed", error=f"{type(error).__name__}: {error}")

    async def close(self) -> None:
        """Cancel the fits running or scheduled in the background."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _generation(self, channel: ChannelRef) -> int:
        return self._generations.get((channel.platform, channel.workspace), 0)

    def _stale(self, channel: ChannelRef, fitted: _Fitted, now: datetime) -> bool:
        return fitted.generation != self._generation(channel) or fitted.day != utc_date(now)

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refit_later(self, channel: ChannelRef) -> None:
        await asyncio.sleep(self._delay)
        self._scheduled.discard(channel)
        now = self._now
        fitted = self._fitted.get(channel)
        if now is None or (fitted is not None and not self._stale(channel, fitted, now)):
            return
        try:
            await asyncio.shield(self._fitting_task(channel, now))
        except Exception as error:  # a refit in the background must not end the bot
            log.warning("taste_refit_failed", channel=channel.key, error=repr(error))

    def _fitting_task(self, channel: ChannelRef, now: datetime) -> asyncio.Task[_Fitted]:
        """The fit of this channel's model under way for the current votes and day, or a
        new one."""
        running = self._fitting.get(channel)
        wanted = (self._generation(channel), utc_date(now))
        if running is not None and not running.done() and self._fitting_for.get(channel) == wanted:
            return running
        task = asyncio.create_task(self._fit(channel, now, wanted[0]))
        self._fitting[channel] = task
        self._fitting_for[channel] = wanted
        self._track(task)
        return task

    async def _fit(self, channel: ChannelRef, now: datetime, generation: int) -> _Fitted:
        """Fit the channel's model; a fit that fails leaves the ranking neutral (the
        world's order) until the next one, with one log line, rather than stop a digest.
        A database that cannot be read is the caller's to handle."""
        try:
            model = await self._fit_from_store(channel, now)
        except StoreUnavailable:
            raise
        except Exception as error:
            log.warning(
                "taste_fit_failed", channel=channel.key, error=f"{type(error).__name__}: {error}"
            )
            model = None
        fitted = _Fitted(model, utc_date(now), generation)
        current = self._fitted.get(channel)
        if current is None or current.generation <= generation:
            self._fitted[channel] = fitted
        return fitted

    async def _day_corpus(self, now: datetime) -> tuple[PaperVectors, list[Paper]]:
        """The day's vocabulary and the recent papers it was fitted on, read and fitted (in
        a worker thread) the first time a model is fitted that day; every channel shares
        them."""
        day = utc_date(now)
        async with self._corpus_lock:
            if self._corpus is None or self._corpus[0] != day:
                since = now - timedelta(days=POOL_DAYS)
                recent = await self._store.recent_papers(since, limit=POOL_READ)
                vectors = await asyncio.to_thread(PaperVectors, recent)
                self._corpus = (day, vectors, recent)
                log.info("taste_vocabulary_fitted", papers=len(recent), words=vectors.word_count)
            return self._corpus[1], self._corpus[2]

    async def _fit_from_store(self, channel: ChannelRef, now: datetime) -> TasteModel | None:
        votes = await self._store.team_votes(channel.platform, channel.workspace)
        if not votes:
            return None
        delivered = await self._store.delivered_on(channel)
        vectors, recent = await self._day_corpus(now)
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
        model = await asyncio.to_thread(fit_taste, examples, vectors, votes=evidence)
        log.info(
            "taste_fitted", channel=channel.key, examples=len(examples), votes=round(evidence, 1)
        )
        return model
