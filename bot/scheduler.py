"""When things happen: the periodic paper fetch and each channel's digest, at its local time.

APScheduler 3 (`AsyncIOScheduler`, in-memory job store) runs on the bot's event loop. The
jobs are rebuilt from the subscriptions table at start and after every subscription change,
so the database stays the only record of who wants what, when.

Each subscribed, unpaused channel gets one cron job (id = the channel key) at its `post_at`
on its `days`, in its own time zone; the job calls `deliver(channel, slot_date)`, where the
slot date is the local calendar date of the slot. Delivery claims the slot in the database,
so a second call for the same slot (a restart, a catch-up, a repeated wall-clock hour) does
nothing. A channel whose weekly recap is on gets a second job (id `recap:` + key) on its
recap day and time, calling `deliver_recap(channel, last_day)`; the recap delivery claims
the ISO week the same way.

A slot that found nothing new (closed as empty; see bot.delivery) is not used up: after each
fetch, the channels whose last slot is such an empty one and is less than the grace late
get it delivered again, since the fetch may have brought its papers.

Daylight-saving time follows what APScheduler 3.11's `CronTrigger` does with `zoneinfo`, and
`last_due_slot` computes the same instants:

- a wall time that does not exist (spring forward, e.g. 02:30 on 2025-03-09 in
  America/New_York) is read with the offset in force before the change, so it fires once,
  one gap later in the new local time (03:30 EDT = 07:30 UTC), still on that date;
- a wall time that happens twice (fall back, e.g. 01:30 on 2025-11-02 in New York) fires at
  both instants (05:30 and 06:30 UTC); both carry the same slot date, so only the first posts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_PAUSED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock, utc_now
from bot.models import WEEKDAYS, ChannelRef, ChannelSettings
from bot.store import SlotRecord

log = structlog.get_logger(__name__)

FETCH_JOB_ID = "fetch"
MISSED_JOB_PREFIX = "missed:"
RETRY_JOB_PREFIX = "retry:"
RECAP_JOB_PREFIX = "recap:"
MISSED_RECAP_JOB_PREFIX = "missed-recap:"
_LOOKBACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class ScheduledSlot:
    """A channel's next digest: the channel and when its job fires next (aware, local zone)."""

    channel: ChannelRef
    next_fire: datetime


@dataclass(frozen=True, slots=True)
class _Plan:
    """The schedule-relevant part of a channel's settings; jobs are replaced when it changes."""

    channel: ChannelRef
    at: time
    zone: ZoneInfo
    days: frozenset[int]


def _plan(settings: ChannelSettings) -> _Plan:
    """Read a channel's schedule; raises ZoneInfoNotFoundError/ValueError on a bad zone name."""
    at = time(settings.post_at.hour, settings.post_at.minute)
    return _Plan(settings.channel, at, ZoneInfo(settings.timezone), frozenset(settings.days))


def _recap_plan(settings: ChannelSettings) -> _Plan | None:
    """The weekly recap's schedule: its one day and time in the channel's zone, if it is on."""
    if settings.recap_day is None:
        return None
    at = time(settings.recap_at.hour, settings.recap_at.minute)
    return _Plan(settings.channel, at, ZoneInfo(settings.timezone), frozenset({settings.recap_day}))


def _trigger(plan: _Plan) -> CronTrigger:
    """The cron trigger of a plan: its time on its days, in its zone."""
    return CronTrigger(
        day_of_week=",".join(WEEKDAYS[day] for day in sorted(plan.days)),
        hour=plan.at.hour,
        minute=plan.at.minute,
        timezone=plan.zone,
    )


def cron_trigger(settings: ChannelSettings) -> CronTrigger:
    """The APScheduler trigger of a channel's digest: `post_at` on `days`, in its own zone.

    Seconds of `post_at` are ignored (the schedule has minute resolution); `days` must not be
    empty (0 = Monday).
    """
    plan = _plan(settings)
    if not plan.days:
        raise ValueError(f"{settings.channel.key} has no posting days")
    return _trigger(plan)


def last_due_slot(
    settings: ChannelSettings, now: datetime, grace: timedelta
) -> tuple[datetime, date] | None:
    """The channel's most recent scheduled time at or before `now`, if less than `grace` ago.

    Returns the fire time (aware, in the channel's zone) and the slot date (the local date it
    belongs to), or None when the last slot is `grace` or more in the past or the channel has
    no posting days. Pure: it looks only at `post_at`, `timezone` and `days`, not at whether
    the channel is subscribed or paused. The instants match `cron_trigger` across daylight-
    saving changes (see the module docstring). `now` must be timezone-aware.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    plan = _plan(settings)
    return _due(plan, now, grace) if plan.days else None


def _due(plan: _Plan, now: datetime, grace: timedelta) -> tuple[datetime, date] | None:
    """`last_due_slot` for a plan with posting days."""
    now_utc = now.astimezone(UTC)
    fire, slot_date = _latest_slot(plan, now_utc)
    return (fire, slot_date) if now_utc - fire.astimezone(UTC) < grace else None


def _latest_slot(plan: _Plan, now_utc: datetime) -> tuple[datetime, date]:
    """The latest fire time at or before `now_utc` and its slot date; `plan.days` not empty.

    Looking back over today and the seven days before always finds one, since those days
    cover every weekday and all of them but today lie wholly in the past.
    """
    today = now_utc.astimezone(plan.zone).date()
    past = [
        (fire, day)
        for back in range(_LOOKBACK_DAYS + 1)
        if (day := today - timedelta(days=back)).weekday() in plan.days
        for fire in _fire_times(plan, day)
        if fire <= now_utc
    ]
    return max(past, key=lambda slot: slot[0].astimezone(UTC))


def _fire_times(plan: _Plan, day: date) -> list[datetime]:
    """The instants `plan.at` occurs on `day` in the plan's zone, as CronTrigger fires them.

    One instant normally; two when the wall time repeats (fall back); one, read with the
    offset before the change, when the wall time is skipped (spring forward). The results are
    normalised to real local times of the zone (02:30 skipped -> 03:30 of the new offset).
    """
    first = datetime.combine(day, plan.at, tzinfo=plan.zone)
    second = first.replace(fold=1)
    instants = [first.astimezone(UTC)]
    if first.utcoffset() != second.utcoffset() and _exists(first):
        instants.append(second.astimezone(UTC))
    return [instant.astimezone(plan.zone) for instant in instants]


def _exists(local: datetime) -> bool:
    """Whether an aware wall time really occurs in its zone (is not in a spring-forward gap)."""
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def _active(settings: ChannelSettings) -> bool:
    """Whether a channel gets a digest job: subscribed, not paused, posting on some day."""
    return settings.subscribed and settings.paused_reason is None and bool(settings.days)


class Scheduler:
    """The fetch job and one digest job per subscribed, unpaused channel, on one event loop.

    `subscriptions` reads the subscribed channels (any pause state), `deliver` posts one
    channel's digest for a slot date, `deliver_recap` (when given) its weekly recap of the
    week ending on a local date, `fetch` refreshes the papers, and `empty_slots(since)` (when
    given) reads the slots closed as empty since then, which are tried again after each
    fetch. `missed_grace` is how late a digest may still go out: after downtime (at start),
    when the event loop is late (APScheduler's misfire grace) and for an empty slot. `clock`
    is the time used for missed slots and slot dates; APScheduler itself times jobs by the
    real clock. Errors raised by `deliver` or `fetch` are logged and never stop the scheduler.
    """

    def __init__(
        self,
        *,
        subscriptions: Callable[[], Awaitable[list[ChannelSettings]]],
        deliver: Callable[[ChannelRef, date], Awaitable[object]],
        fetch: Callable[[], Awaitable[object]],
        fetch_interval_minutes: int,
        deliver_recap: Callable[[ChannelRef, date], Awaitable[object]] | None = None,
        empty_slots: Callable[[datetime], Awaitable[Sequence[SlotRecord]]] | None = None,
        missed_grace: timedelta = timedelta(hours=6),
        clock: Clock = utc_now,
    ) -> None:
        if fetch_interval_minutes < 1:
            raise ValueError("fetch_interval_minutes must be at least 1")
        if missed_grace < timedelta(seconds=1):
            raise ValueError("missed_grace must be at least one second")
        self._subscriptions = subscriptions
        self._deliver = deliver
        self._deliver_recap = deliver_recap
        self._empty_slots = empty_slots
        self._fetch = fetch
        self._fetch_interval = fetch_interval_minutes
        self._grace = missed_grace
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._rebuild_lock = asyncio.Lock()
        self._running: set[asyncio.Task[Any]] = set()
        self._fetching: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        """Start on the running loop: fetch now and every interval, build the digest jobs,
        and queue each channel's missed slot (within the grace) to be delivered right away.

        Returns without waiting for the fetch or the catch-up deliveries; they run as jobs.
        """
        self._scheduler.start()
        self._scheduler.add_job(
            self._run_fetch,
            IntervalTrigger(minutes=self._fetch_interval, timezone=UTC),
            id=FETCH_JOB_ID,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        digests, recaps = await self._build()
        now = self._clock()
        for plan in digests:
            self._queue_missed(plan, now, MISSED_JOB_PREFIX, self._run_delivery)
        for plan in recaps:
            self._queue_missed(plan, now, MISSED_RECAP_JOB_PREFIX, self._run_recap_for)

    def _queue_missed(
        self,
        plan: _Plan,
        now: datetime,
        prefix: str,
        run: Callable[[ChannelRef, date], Awaitable[None]],
    ) -> None:
        """Queue the plan's last slot to run right away when it was missed by less than the
        grace (the bot was down when it fell due)."""
        due = _due(plan, now, self._grace)
        if due is None:
            return
        fire, slot_date = due
        log.info("missed_slot_queued", channel=plan.channel.key, slot=slot_date, fire=fire)
        self._queue_now(run, plan.channel, slot_date, prefix)

    def _queue_now(
        self,
        run: Callable[[ChannelRef, date], Awaitable[None]],
        channel: ChannelRef,
        slot_date: date,
        prefix: str,
    ) -> None:
        """Run `run(channel, slot_date)` right away as a job of its own (shutdown waits for it)."""
        self._scheduler.add_job(
            run,
            args=(channel, slot_date),
            id=prefix + channel.key,
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def _queue_empty_retries(self) -> None:
        """Queue again each channel's last slot when it was closed as empty and is less than
        the grace late: the fetch that just ran may have brought its papers."""
        if self._empty_slots is None:
            return
        now = self._clock()
        empty = {(r.channel.key, r.slot) for r in await self._empty_slots(now - self._grace)}
        if not empty:
            return
        for job in self._scheduler.get_jobs():
            if job.func != self._run_digest:
                continue
            plan: _Plan = job.args[0]
            due = _due(plan, now, self._grace)
            if due is not None and (plan.channel.key, due[1].isoformat()) in empty:
                log.info("empty_slot_retried", channel=plan.channel.key, slot=due[1])
                self._queue_now(self._run_delivery, plan.channel, due[1], RETRY_JOB_PREFIX)

    async def rebuild(self) -> None:
        """Re-read the subscriptions and replace the digest jobs that changed.

        A channel that is no longer subscribed (or is paused, or has no days) loses its job; a
        channel whose time, zone or days changed gets a new one; the others keep theirs.
        """
        await self._build()

    async def shutdown(self) -> None:
        """Stop taking new jobs, wait for the running ones to finish, then stop the scheduler."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        await asyncio.sleep(0)
        for fetching in self._fetching:
            fetching.cancel()
        current = asyncio.current_task()
        await asyncio.gather(
            *(t for t in set(self._running) if t is not current), return_exceptions=True
        )
        self._scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    def jobs(self) -> list[ScheduledSlot]:
        """Every channel's digest job and its next fire time, soonest first."""
        slots = [
            ScheduledSlot(job.args[0].channel, job.next_run_time)
            for job in self._scheduler.get_jobs()
            if job.func == self._run_digest and job.next_run_time is not None
        ]
        return sorted(slots, key=lambda slot: slot.next_fire)

    async def _build(self) -> tuple[list[_Plan], list[_Plan]]:
        """Replace the digest and recap jobs with those of the current subscriptions; return
        the digest plans and the recap plans."""
        async with self._rebuild_lock:
            digests: dict[str, _Plan] = {}
            recaps: dict[str, _Plan] = {}
            for settings in await self._subscriptions():
                if not _active(settings):
                    continue
                try:
                    digests[settings.channel.key] = _plan(settings)
                    recap = _recap_plan(settings) if self._deliver_recap else None
                except (ZoneInfoNotFoundError, ValueError) as error:
                    log.warning(
                        "schedule_channel_skipped", channel=settings.channel.key, error=str(error)
                    )
                    continue
                if recap is not None:
                    recaps[RECAP_JOB_PREFIX + settings.channel.key] = recap
            self._sync_jobs(self._run_digest, digests)
            self._sync_jobs(self._run_recap, recaps)
            log.info("schedule_built", jobs=len(digests), recaps=len(recaps))
            return list(digests.values()), list(recaps.values())

    def _sync_jobs(self, run: Callable[[_Plan], Awaitable[None]], plans: dict[str, _Plan]) -> None:
        """Make the jobs that call `run` exactly one per plan: drop the others, replace the
        ones whose plan changed, keep the rest (so their next fire time stays)."""
        for job in self._scheduler.get_jobs():
            if job.func == run and job.id not in plans:
                job.remove()
        for job_id, plan in plans.items():
            existing = self._scheduler.get_job(job_id)
            if existing is not None and existing.args == (plan,):
                continue
            self._scheduler.add_job(
                run,
                _trigger(plan),
                args=(plan,),
                id=job_id,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(self._grace.total_seconds()),
            )

    async def _run_digest(self, plan: _Plan) -> None:
        """The cron job: deliver the slot that is due now (its local date in the channel's zone)."""
        _, slot_date = _latest_slot(plan, self._clock().astimezone(UTC))
        await self._run_delivery(plan.channel, slot_date)

    async def _run_recap(self, plan: _Plan) -> None:
        """The weekly cron job: post the recap of the week ending on the local date due now."""
        _, last_day = _latest_slot(plan, self._clock().astimezone(UTC))
        await self._run_recap_for(plan.channel, last_day)

    async def _run_recap_for(self, channel: ChannelRef, last_day: date) -> None:
        """Post one channel's recap of the week ending `last_day`; log a failure as one line."""
        assert self._deliver_recap is not None, "recap jobs exist only with a recap delivery"
        log.info("recap_job_run", channel=channel.key, last_day=last_day)
        await self._guarded(
            self._deliver_recap(channel, last_day),
            "recap_job_failed",
            channel=channel.key,
            last_day=last_day,
        )

    async def _run_delivery(self, channel: ChannelRef, slot_date: date) -> None:
        """Deliver one slot; log a failure as one line and carry on."""
        log.info("digest_job_run", channel=channel.key, slot=slot_date)
        await self._guarded(
            self._deliver(channel, slot_date),
            "digest_job_failed",
            channel=channel.key,
            slot=slot_date,
        )

    async def _run_fetch(self) -> None:
        """The interval job: refresh the papers; log a failure as one line and carry on.

        Shutdown does not wait for a fetch (it may be sleeping between retries of an
        unreachable upstream): it cancels it, and what it stored so far stays stored.
        """
        task = asyncio.current_task()
        assert task is not None
        self._fetching.add(task)
        try:
            await self._guarded(self._fetch(), "fetch_job_failed")
            await self._guarded(self._queue_empty_retries(), "empty_slot_retry_failed")
        except asyncio.CancelledError:
            if self._scheduler.state != STATE_PAUSED:
                raise
            log.info("fetch_cancelled_at_shutdown")
        finally:
            self._fetching.discard(task)

    async def _guarded(self, work: Awaitable[object], failure: str, **fields: object) -> None:
        """Await `work` as a tracked job (shutdown waits for it); log any error it raises."""
        task = asyncio.current_task()
        tracked = {task} if task is not None else set()
        self._running |= tracked
        try:
            await work
        except Exception as error:
            log.error(failure, error=f"{type(error).__name__}: {error}", **fields)
        finally:
            self._running -= tracked
