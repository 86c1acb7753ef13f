"""The scheduler: which slot is due when (across zones and DST), and the jobs it keeps.

The pure part (`last_due_slot`) is checked against a table and against APScheduler's own
CronTrigger around every daylight-saving change; the `Scheduler` is run for real on the test's
event loop with an injected clock, and never waits for a wall-clock minute.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.base import STATE_PAUSED
from structlog.testing import capture_logs

from bot.models import ChannelRef, ChannelSettings
from bot.scheduler import ScheduledSlot, Scheduler, cron_trigger, last_due_slot
from bot.store import SlotRecord, SlotStatus
from tests.fakes import eventually

SIX_HOURS = timedelta(hours=6)
WEEKDAYS = frozenset(range(5))


def ref(name: str) -> ChannelRef:
    """A console channel called `name`."""
    return ChannelRef("console", "local", name)


def sub(
    name: str,
    at: str = "09:00",
    zone: str = "UTC",
    days: Iterable[int] = range(7),
    *,
    subscribed: bool = True,
    paused: str | None = None,
) -> ChannelSettings:
    """A subscription posting at `at` (HH:MM) in `zone` on `days` (0 = Monday)."""
    return ChannelSettings(
        ref(name),
        subscribed=subscribed,
        post_at=time.fromisoformat(at),
        timezone=zone,
        days=frozenset(days),
        paused_reason=paused,
    )


def utc(text: str) -> datetime:
    """An aware UTC instant from `YYYY-MM-DDTHH:MM`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def due(settings: ChannelSettings, now: str, grace: timedelta) -> tuple[datetime, date] | None:
    """last_due_slot with the fire time as a UTC instant, which is what tests compare."""
    found = last_due_slot(settings, utc(now), grace)
    return None if found is None else (found[0].astimezone(UTC), found[1])


# ---------------------------------------------------------------- last_due_slot, by table


@pytest.mark.parametrize(
    ("settings", "now", "grace", "fire", "slot"),
    [
        pytest.param(sub("a"), "2025-01-15T09:30", SIX_HOURS,
                     "2025-01-15T09:00", "2025-01-15", id="utc"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-01-15T08:10", SIX_HOURS,
                     "2025-01-15T08:00", "2025-01-15", id="berlin-winter-is-utc+1"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-07-15T07:10", SIX_HOURS,
                     "2025-07-15T07:00", "2025-07-15", id="berlin-summer-is-utc+2"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-07-15T06:59", SIX_HOURS,
                     None, None, id="before-today-and-yesterday-too-old"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-07-15T06:59", timedelta(days=1),
                     "2025-07-14T07:00", "2025-07-14", id="yesterday-within-a-day-of-grace"),
        pytest.param(sub("a", "08:00", "Asia/Tokyo"), "2025-01-14T23:30", SIX_HOURS,
                     "2025-01-14T23:00", "2025-01-15", id="tokyo-slot-date-ahead-of-utc"),
        pytest.param(sub("a", "22:00", "America/Los_Angeles"), "2025-01-16T06:30", SIX_HOURS,
                     "2025-01-16T06:00", "2025-01-15", id="los-angeles-slot-date-behind-utc"),
        pytest.param(sub("a", zone="Asia/Kolkata"), "2025-01-15T04:00", SIX_HOURS,
                     "2025-01-15T03:30", "2025-01-15", id="kolkata-half-hour-offset"),
        # Europe/Berlin: summer time from the last Sunday of March to the last of October.
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-03-29T12:00", SIX_HOURS,
                     "2025-03-29T08:00", "2025-03-29", id="berlin-saturday-before-spring-forward"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-03-30T12:00", SIX_HOURS,
                     "2025-03-30T07:00", "2025-03-30", id="berlin-spring-forward-sunday"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-10-25T12:00", SIX_HOURS,
                     "2025-10-25T07:00", "2025-10-25", id="berlin-saturday-before-fall-back"),
        pytest.param(sub("a", zone="Europe/Berlin"), "2025-10-26T12:00", SIX_HOURS,
                     "2025-10-26T08:00", "2025-10-26", id="berlin-fall-back-sunday"),
        pytest.param(sub("a", "02:30", "Europe/Berlin"), "2025-03-30T02:00", SIX_HOURS,
                     "2025-03-30T01:30", "2025-03-30", id="berlin-skipped-0230-fires-at-0330-cest"),
        pytest.param(sub("a", "02:30", "Europe/Berlin"), "2025-10-26T01:00", SIX_HOURS,
                     "2025-10-26T00:30", "2025-10-26", id="berlin-repeated-0230-first-time"),
        pytest.param(sub("a", "02:30", "Europe/Berlin"), "2025-10-26T02:00", SIX_HOURS,
                     "2025-10-26T01:30", "2025-10-26", id="berlin-repeated-0230-second-time"),
        # America/New_York: second Sunday of March, first Sunday of November.
        pytest.param(sub("a", zone="America/New_York"), "2025-03-08T15:00", SIX_HOURS,
                     "2025-03-08T14:00", "2025-03-08", id="new-york-est"),
        pytest.param(sub("a", zone="America/New_York"), "2025-03-09T15:00", SIX_HOURS,
                     "2025-03-09T13:00", "2025-03-09", id="new-york-edt-from-spring-forward"),
        pytest.param(sub("a", "02:30", "America/New_York"), "2025-03-09T07:29", timedelta(days=1),
                     "2025-03-08T07:30", "2025-03-08", id="new-york-before-skipped-0230"),
        pytest.param(sub("a", "02:30", "America/New_York"), "2025-03-09T07:45", SIX_HOURS,
                     "2025-03-09T07:30", "2025-03-09", id="new-york-skipped-0230-at-0330-edt"),
        pytest.param(sub("a", "01:30", "America/New_York"), "2025-11-02T06:00", SIX_HOURS,
                     "2025-11-02T05:30", "2025-11-02", id="new-york-repeated-0130-edt"),
        pytest.param(sub("a", "01:30", "America/New_York"), "2025-11-02T07:00", SIX_HOURS,
                     "2025-11-02T06:30", "2025-11-02", id="new-york-repeated-0130-est"),
    ],
)  # fmt: skip
def test_last_due_slot_across_zones_and_dst(
    settings: ChannelSettings, now: str, grace: timedelta, fire: str | None, slot: str | None
) -> None:
    expected = None if fire is None or slot is None else (utc(fire), date.fromisoformat(slot))
    assert due(settings, now, grace) == expected


def test_a_skipped_wall_time_fires_one_gap_later_in_local_time() -> None:
    """02:30 does not exist on 2025-03-09 in New York; like APScheduler, it fires at 03:30 EDT."""
    found = last_due_slot(sub("a", "02:30", "America/New_York"), utc("2025-03-09T08:00"), SIX_HOURS)

    assert found is not None
    fire, slot = found
    assert (fire.hour, fire.minute, fire.utcoffset()) == (3, 30, timedelta(hours=-4))
    assert slot == date(2025, 3, 9)


@pytest.mark.parametrize(
    ("days", "now", "grace", "fire"),
    [
        pytest.param(WEEKDAYS, "2025-01-18T09:30", SIX_HOURS, None, id="saturday-not-a-weekday"),
        pytest.param(WEEKDAYS, "2025-01-18T09:30", timedelta(days=2), "2025-01-17T09:00",
                     id="saturday-finds-friday-with-long-grace"),
        pytest.param(WEEKDAYS, "2025-01-20T08:00", timedelta(days=3), "2025-01-17T09:00",
                     id="monday-morning-skips-the-weekend"),
        pytest.param(WEEKDAYS, "2025-01-20T09:05", SIX_HOURS, "2025-01-20T09:00",
                     id="monday-after-its-slot"),
        pytest.param({2}, "2025-01-21T10:00", timedelta(days=7), "2025-01-15T09:00",
                     id="wednesdays-only-six-days-back"),
        pytest.param({5, 6}, "2025-01-17T10:00", timedelta(days=7), "2025-01-12T09:00",
                     id="weekends-only-on-friday"),
        pytest.param(set(), "2025-01-17T10:00", timedelta(days=30), None, id="no-days-never-due"),
    ],
)  # fmt: skip
def test_last_due_slot_only_on_the_channels_days(
    days: set[int], now: str, grace: timedelta, fire: str | None
) -> None:
    found = due(sub("a", days=days), now, grace)
    assert found == (None if fire is None else (utc(fire), utc(fire).date()))


@pytest.mark.parametrize(
    ("now", "is_due"),
    [
        ("2025-01-15T09:00", True),
        ("2025-01-15T14:59:59.999999", True),
        ("2025-01-15T15:00", False),
        ("2025-01-15T08:59:59.999999", False),
    ],
)
def test_grace_is_a_strict_upper_bound(now: str, is_due: bool) -> None:
    """Due from the slot itself up to, but not including, slot + grace."""
    assert (due(sub("a"), now, SIX_HOURS) is not None) is is_due


def test_last_due_slot_refuses_a_naive_now_and_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        last_due_slot(sub("a"), datetime(2025, 1, 15, 9, 30), SIX_HOURS)
    with pytest.raises(ZoneInfoNotFoundError):
        last_due_slot(sub("a", zone="Mars/Olympus_Mons"), utc("2025-01-15T09:30"), SIX_HOURS)


# ------------------------------------------------- last_due_slot agrees with APScheduler


def apscheduler_fires(settings: ChannelSettings, start: datetime, end: datetime) -> list[datetime]:
    """The fire times a running APScheduler job would have between `start` and `end`."""
    trigger = cron_trigger(settings)
    fires: list[datetime] = []
    previous = None
    fire = trigger.get_next_fire_time(previous, start)
    while fire is not None and fire <= end:
        fires.append(fire)
        previous = fire
        fire = trigger.get_next_fire_time(previous, fire)
    return fires


@pytest.mark.parametrize(
    ("settings", "transition"),
    [
        (sub("berlin-0230", "02:30", "Europe/Berlin"), "2025-03-30"),
        (sub("berlin-0230", "02:30", "Europe/Berlin"), "2025-10-26"),
        (sub("berlin-mwfs", "09:00", "Europe/Berlin", {0, 2, 4, 6}), "2025-03-30"),
        (sub("new-york-0230", "02:30", "America/New_York"), "2025-03-09"),
        (sub("new-york-0130", "01:30", "America/New_York"), "2025-11-02"),
        (sub("new-york-midnight", "00:00", "America/New_York", WEEKDAYS), "2025-11-02"),
        (sub("lord-howe-0215", "02:15", "Australia/Lord_Howe"), "2025-10-05"),
        (sub("lord-howe-0145", "01:45", "Australia/Lord_Howe"), "2025-04-06"),
    ],
    ids=lambda value: value.channel.channel if isinstance(value, ChannelSettings) else value,
)
def test_last_due_slot_matches_apscheduler_around_dst(
    settings: ChannelSettings, transition: str
) -> None:
    """Every 20 minutes over a week around the change: the same instant and the same date."""
    start = utc(transition) - timedelta(days=3)
    end = start + timedelta(days=7)
    fires = apscheduler_fires(settings, start - timedelta(days=8), end)
    week = timedelta(days=8)
    now = start
    while now < end:
        expected = max((f for f in fires if f <= now), key=lambda f: f.astimezone(UTC))
        found = last_due_slot(settings, now, week)
        assert found is not None
        assert found[0].astimezone(UTC) == expected.astimezone(UTC), now
        assert found[1] == expected.date(), now
        now += timedelta(minutes=20)


def test_cron_trigger_fires_on_the_channels_days_in_its_zone() -> None:
    trigger = cron_trigger(sub("a", "07:45", "Europe/Berlin", {0, 3}))  # Mondays and Thursdays
    fires = apscheduler_fires(sub("a", "07:45", "Europe/Berlin", {0, 3}), utc("2025-03-25T00:00"),
                              utc("2025-04-04T00:00"))  # fmt: skip

    assert trigger.timezone == ZoneInfo("Europe/Berlin")
    assert [f.astimezone(UTC) for f in fires] == [
        utc("2025-03-27T06:45"),  # Thursday, CET
        utc("2025-03-31T05:45"),  # Monday, CEST
        utc("2025-04-03T05:45"),
    ]
    with pytest.raises(ValueError, match="no posting days"):
        cron_trigger(sub("a", days=()))


# ---------------------------------------------------------------- the running Scheduler


class FakeClock:
    """A settable "now" for the scheduler's missed-slot and slot-date decisions."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Deliveries:
    """A `deliver` that records (channel name, slot date); some channels can fail or block."""

    def __init__(self, *, failing: Iterable[str] = ()) -> None:
        self.calls: list[tuple[str, date]] = []
        self.finished: list[str] = []
        self.failing = set(failing)
        self.release = asyncio.Event()
        self.release.set()
        self._changed = asyncio.Event()

    async def __call__(self, channel: ChannelRef, slot_date: date) -> None:
        self.calls.append((channel.channel, slot_date))
        self._changed.set()
        if channel.channel in self.failing:
            raise RuntimeError("platform said no")
        await self.release.wait()
        self.finished.append(channel.channel)

    async def wait_for(self, count: int) -> None:
        """Wait (at most 1.5 s) until `count` deliveries have started."""
        async with asyncio.timeout(1.5):
            while len(self.calls) < count:
                self._changed.clear()
                await self._changed.wait()


class Fetches:
    """A `fetch` that counts its runs and can fail."""

    def __init__(self, *, error: Exception | None = None) -> None:
        self.runs = 0
        self.error = error
        self.ran = asyncio.Event()

    async def __call__(self) -> None:
        self.runs += 1
        self.ran.set()
        if self.error is not None:
            raise self.error


class JobLog:
    """APScheduler's own account of the jobs of a `Scheduler` (a listener on the scheduler it
    runs): each run it submitted, and those that ended or were skipped as too late. It is the
    evidence a test waits for before it says that nothing else ran."""

    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler._scheduler
        self.pending: set[tuple[str, datetime]] = set()
        self.missed: list[str] = []
        kinds = EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        self._scheduler.add_listener(self._record, kinds)

    def _record(self, event: JobEvent) -> None:
        if isinstance(event, JobSubmissionEvent):
            self.pending |= {(event.job_id, at) for at in event.scheduled_run_times}
            return
        assert isinstance(event, JobExecutionEvent)
        self.pending.discard((event.job_id, event.scheduled_run_time))
        if event.code == EVENT_JOB_MISSED:
            self.missed.append(event.job_id)

    def idle(self) -> bool:
        """Whether no job is due now and every run submitted has ended or been skipped."""
        now = datetime.now(UTC)
        jobs = self._scheduler.get_jobs()
        due = [job for job in jobs if job.next_run_time is not None and job.next_run_time <= now]
        return not due and not self.pending

    async def settled(self) -> None:
        """Wait (1.5 s at most) until every job due by now has ended or been skipped."""
        await eventually(self.idle, seconds=1.5, what="every job due now ending")


# The default clock: 06:00 UTC, 15:00 in Tokyo, so neither an 08:00 UTC nor an 08:00 Tokyo
# slot is within the six hours of grace.
QUIET = utc("2025-06-02T06:00")

MakeScheduler = Callable[..., Scheduler]


@pytest.fixture
async def make_scheduler() -> AsyncIterator[MakeScheduler]:
    """Build schedulers over a mutable subscription list; shut them all down after the test."""
    made: list[Scheduler] = []

    def make(
        subscriptions: list[ChannelSettings],
        *,
        deliver: Deliveries | None = None,
        recaps: Deliveries | None = None,
        fetch: Fetches | None = None,
        clock: FakeClock | None = None,
        empty: Iterable[tuple[str, str]] = (),
    ) -> Scheduler:
        async def read() -> list[ChannelSettings]:
            return list(subscriptions)

        async def empty_slots(since: datetime) -> list[SlotRecord]:
            return [
                SlotRecord(ref(name), slot, SlotStatus.EMPTY, None, (), since)
                for name, slot in empty
            ]

        scheduler = Scheduler(
            subscriptions=read,
            deliver=deliver or Deliveries(),
            deliver_recap=recaps,
            empty_slots=empty_slots,
            fetch=fetch or Fetches(),
            fetch_interval_minutes=30,
            missed_grace=SIX_HOURS,
            clock=clock or FakeClock(QUIET),
        )
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.shutdown()


def names(slots: list[ScheduledSlot]) -> set[str]:
    return {slot.channel.channel for slot in slots}


async def test_one_job_per_subscribed_unpaused_channel(make_scheduler: MakeScheduler) -> None:
    berlin = sub("berlin", "09:00", "Europe/Berlin")
    new_york = sub("new-york", "07:30", "America/New_York", WEEKDAYS)
    scheduler = make_scheduler(
        [
            berlin,
            new_york,
            sub("paused", paused="channel_not_found"),
            sub("unsubscribed", subscribed=False),
            sub("no-days", days=()),
            sub("bad-zone", zone="Mars/Olympus_Mons"),
        ]
    )
    before = datetime.now(UTC)

    with capture_logs() as logs:
        await scheduler.start()

    jobs = {slot.channel.channel: slot.next_fire for slot in scheduler.jobs()}
    assert set(jobs) == {"berlin", "new-york"}
    for settings in (berlin, new_york):
        fire = jobs[settings.channel.channel]
        assert fire == cron_trigger(settings).get_next_fire_time(None, before)
        assert fire > before
        assert fire.tzinfo == ZoneInfo(settings.timezone)
        assert (fire.hour, fire.minute) == (settings.post_at.hour, settings.post_at.minute)
        assert fire.weekday() in settings.days
    assert jobs["berlin"] - before <= timedelta(days=1, hours=1)
    assert jobs["new-york"] - before <= timedelta(days=3, hours=1)  # Friday waits for Monday
    assert {"event": "schedule_built", "jobs": 2, "recaps": 0, "log_level": "info"} in logs
    skipped = [e for e in logs if e["event"] == "schedule_channel_skipped"]
    assert [e["channel"] for e in skipped] == ["console:local:bad-zone"]


async def test_jobs_are_sorted_by_next_fire(make_scheduler: MakeScheduler) -> None:
    scheduler = make_scheduler([sub(f"c{n}", f"{n:02d}:15", "Asia/Tokyo") for n in range(0, 24, 5)])
    await scheduler.start()

    fires = [slot.next_fire for slot in scheduler.jobs()]
    assert len(fires) == 5
    assert fires == sorted(fires)


async def test_rebuild_replaces_jobs_after_a_subscription_changes(
    make_scheduler: MakeScheduler,
) -> None:
    subscriptions = [sub("a"), sub("b"), sub("c"), sub("d", "06:00", "Europe/Berlin")]
    scheduler = make_scheduler(subscriptions)
    await scheduler.start()
    assert names(scheduler.jobs()) == {"a", "b", "c", "d"}
    d_fire = next(s.next_fire for s in scheduler.jobs() if s.channel.channel == "d")

    subscriptions[:] = [
        sub("a", paused="not_in_channel"),
        sub("b", subscribed=False),
        sub("c", "18:45", "Asia/Tokyo", {5}),
        sub("d", "06:00", "Europe/Berlin"),
        sub("e", "12:00", "America/New_York"),
    ]
    with capture_logs() as logs:
        await scheduler.rebuild()

    jobs = {slot.channel.channel: slot.next_fire for slot in scheduler.jobs()}
    assert set(jobs) == {"c", "d", "e"}
    assert (jobs["c"].hour, jobs["c"].minute, jobs["c"].weekday()) == (18, 45, 5)
    assert jobs["c"].tzinfo == ZoneInfo("Asia/Tokyo")
    assert jobs["d"] == d_fire
    assert (jobs["e"].hour, jobs["e"].tzinfo) == (12, ZoneInfo("America/New_York"))
    assert {"event": "schedule_built", "jobs": 3, "recaps": 0, "log_level": "info"} in logs

    subscriptions.clear()
    await scheduler.rebuild()
    assert scheduler.jobs() == []


async def test_missed_slots_are_delivered_once_at_start(make_scheduler: MakeScheduler) -> None:
    """Monday 2025-03-10 08:30 UTC: the day after New York and Los Angeles moved to summer time."""
    deliveries = Deliveries()
    scheduler = make_scheduler(
        [
            sub("berlin", "09:00", "Europe/Berlin"),  # 08:00 UTC today: 30 minutes late
            sub("los-angeles", "22:00", "America/Los_Angeles"),  # 05:00 UTC, Sunday there
            sub("tokyo", "08:00", "Asia/Tokyo"),  # 23:00 UTC yesterday: beyond the grace
            sub("weekends", "08:15", days={5, 6}),  # not on a Monday
            sub("paused", "08:00", paused="token_revoked"),  # due, but paused
        ],
        deliver=deliveries,
        clock=FakeClock(utc("2025-03-10T08:30")),
    )
    jobs = JobLog(scheduler)

    await scheduler.start()
    await jobs.settled()

    assert sorted(deliveries.calls) == [
        ("berlin", date(2025, 3, 10)),
        ("los-angeles", date(2025, 3, 9)),
    ]


async def test_after_a_fetch_an_empty_slot_is_tried_again_within_the_grace(
    make_scheduler: MakeScheduler,
) -> None:
    """Monday 2025-06-02 10:00 UTC. Each channel's due slot is caught up once at start; after
    the fetch, only a slot that found nothing and is less than six hours late goes again."""
    deliveries = Deliveries()
    scheduler = make_scheduler(
        [
            sub("empty", "09:00"),  # found nothing an hour ago: tried again
            sub("posted", "09:30"),  # not empty: caught up at start only
            sub("too-late", "03:00"),  # found nothing seven hours ago: left alone
            sub("yesterday", "09:15"),  # yesterday's slot was empty, today's is due
        ],
        deliver=deliveries,
        clock=FakeClock(utc("2025-06-02T10:00")),
        empty=[("empty", "2025-06-02"), ("too-late", "2025-06-02"), ("yesterday", "2025-06-01")],
    )
    jobs = JobLog(scheduler)

    with capture_logs() as logs:
        await scheduler.start()
        await jobs.settled()

    today = date(2025, 6, 2)
    assert sorted(deliveries.calls) == [
        ("empty", today),
        ("empty", today),
        ("posted", today),
        ("yesterday", today),
    ]
    retried = [e for e in logs if e["event"] == "empty_slot_retried"]
    assert [(e["channel"], e["slot"]) for e in retried] == [("console:local:empty", today)]


async def test_a_missed_weekly_recap_is_posted_at_start_for_its_week(
    make_scheduler: MakeScheduler,
) -> None:
    """Friday 2025-06-06 14:30 UTC is 16:30 in Berlin: its 16:00 recap was missed."""
    recaps = Deliveries()
    berlin = sub("berlin", "09:00", "Europe/Berlin")
    scheduler = make_scheduler(
        [
            berlin,
            replace(sub("off", "09:00"), recap_day=None),
            replace(sub("monday", "09:00"), recap_day=0),  # not due on a Friday
            replace(sub("tokyo", "09:00", "Asia/Tokyo"), recap_at=time(21, 0)),  # 12:00 UTC
            sub("unsubscribed", subscribed=False),
        ],
        recaps=recaps,
        clock=FakeClock(utc("2025-06-06T14:30")),
    )
    jobs = JobLog(scheduler)

    with capture_logs() as logs:
        await scheduler.start()
        await jobs.settled()

    assert sorted(recaps.calls) == [("berlin", date(2025, 6, 6)), ("tokyo", date(2025, 6, 6))]
    assert {"event": "schedule_built", "jobs": 4, "recaps": 3, "log_level": "info"} in logs


async def test_a_failing_delivery_is_logged_and_the_others_go_on(
    make_scheduler: MakeScheduler,
) -> None:
    deliveries = Deliveries(failing={"broken"})
    scheduler = make_scheduler(
        [sub("broken", "08:00"), sub("fine", "08:00")],
        deliver=deliveries,
        clock=FakeClock(utc("2025-06-02T08:05")),
    )
    jobs = JobLog(scheduler)

    with capture_logs() as logs:
        await scheduler.start()
        await jobs.settled()

    assert deliveries.finished == ["fine"]
    failures = [e for e in logs if e["event"] == "digest_job_failed"]
    assert failures == [
        {
            "event": "digest_job_failed",
            "channel": "console:local:broken",
            "slot": date(2025, 6, 2),
            "error": "RuntimeError: platform said no",
            "log_level": "error",
        }
    ]
    assert names(scheduler.jobs()) == {"broken", "fine"}


async def test_a_late_cron_job_fires_once_with_its_local_slot_date(
    make_scheduler: MakeScheduler,
) -> None:
    """The event loop was an hour late: within the grace the job still runs, once."""
    clock = FakeClock(QUIET)
    deliveries = Deliveries()
    scheduler = make_scheduler(
        [sub("tokyo", "08:00", "Asia/Tokyo")], deliver=deliveries, clock=clock
    )
    jobs = JobLog(scheduler)
    await scheduler.start()
    await jobs.settled()
    assert deliveries.calls == []

    clock.now = utc("2025-06-01T23:01")  # 08:01 on 2 June in Tokyo
    now = datetime.now(UTC)
    scheduler._scheduler.modify_job("console:local:tokyo", next_run_time=now - timedelta(hours=1))
    await jobs.settled()

    assert deliveries.calls == [("tokyo", date(2025, 6, 2))]
    assert scheduler.jobs()[0].next_fire > now


async def test_a_cron_job_later_than_the_grace_is_skipped(make_scheduler: MakeScheduler) -> None:
    # APScheduler judges lateness by the wall clock, so the post time is an hour from now:
    # no daily fire falls in the seven hours the job is moved back over. The scheduler's own
    # clock reads the same now, so no slot is caught up at start, at any hour of the day.
    now = datetime.now(UTC)
    an_hour_on = (now + timedelta(hours=1)).strftime("%H:%M")
    deliveries = Deliveries()
    scheduler = make_scheduler([sub("a", an_hour_on)], deliver=deliveries, clock=FakeClock(now))
    jobs = JobLog(scheduler)
    await scheduler.start()
    await jobs.settled()
    assert deliveries.calls == []

    scheduler._scheduler.modify_job("console:local:a", next_run_time=now - timedelta(hours=7))
    await jobs.settled()

    assert jobs.missed == ["console:local:a"]
    assert deliveries.calls == []
    assert scheduler.jobs()[0].next_fire > now


async def test_the_fetch_job_runs_at_start(make_scheduler: MakeScheduler) -> None:
    fetches = Fetches()
    scheduler = make_scheduler([], fetch=fetches)

    await scheduler.start()
    async with asyncio.timeout(1.5):
        await fetches.ran.wait()

    assert fetches.runs == 1


async def test_a_failing_fetch_is_logged_and_the_schedule_stays(
    make_scheduler: MakeScheduler,
) -> None:
    fetches = Fetches(error=ConnectionError("huggingface.co unreachable"))
    scheduler = make_scheduler([sub("a")], fetch=fetches)
    jobs = JobLog(scheduler)

    with capture_logs() as logs:
        await scheduler.start()
        await jobs.settled()

    assert {
        "event": "fetch_job_failed",
        "error": "ConnectionError: huggingface.co unreachable",
        "log_level": "error",
    } in logs
    assert names(scheduler.jobs()) == {"a"}


async def test_shutdown_waits_for_the_delivery_in_flight(make_scheduler: MakeScheduler) -> None:
    deliveries = Deliveries()
    deliveries.release.clear()
    scheduler = make_scheduler(
        [sub("a", "08:00")], deliver=deliveries, clock=FakeClock(utc("2025-06-02T08:05"))
    )
    await scheduler.start()
    await deliveries.wait_for(1)

    stopping = asyncio.create_task(scheduler.shutdown())
    paused = lambda: scheduler._scheduler.state == STATE_PAUSED  # noqa: E731
    await eventually(lambda: paused() or stopping.done(), what="the shutdown taking no new jobs")
    assert not stopping.done(), "the shutdown must wait for the delivery in flight"

    deliveries.release.set()
    async with asyncio.timeout(1.5):
        await stopping
    assert deliveries.finished == ["a"]


@pytest.mark.parametrize(
    ("interval", "grace"), [(0, SIX_HOURS), (30, timedelta(0)), (30, timedelta(hours=-1))]
)
def test_the_scheduler_refuses_nonsense_settings(interval: int, grace: timedelta) -> None:
    async def nothing() -> list[ChannelSettings]:
        return []

    with pytest.raises(ValueError):
        Scheduler(
            subscriptions=nothing,
            deliver=Deliveries(),
            fetch=Fetches(),
            fetch_interval_minutes=interval,
            missed_grace=grace,
        )
