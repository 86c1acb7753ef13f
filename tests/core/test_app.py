"""The running bot shuts down in order: a digest being posted when SIGTERM comes is finished."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from bot.app import Bot
from bot.assembly import open_core
from bot.models import ChannelRef, ChannelSettings, OutgoingMessage, PostRef
from config.settings import Settings, load_settings
from tests.fakes import eventually
from tests.fakes.chat import RecordingAdapter
from tests.fakes.papers import make_paper

LAB = ChannelRef("console", "local", "lab")


class SlowAdapter(RecordingAdapter):
    """Takes a while over each post, like a platform pacing the bot; once stopped it is
    disconnected and can post nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.stopped = asyncio.Event()

    async def start(self, core: object) -> None:
        await self.stopped.wait()

    async def stop(self) -> None:
        self.stopped.set()

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        await asyncio.sleep(0.1)
        if self.stopped.is_set():
            raise ConnectionError("disconnected")
        return await super().post(channel, message)


def offline_settings(database_url: str) -> Settings:
    """A bot on the database under test whose upstream is a closed local port."""
    return load_settings(
        database_url=database_url,
        hf_base_url="http://127.0.0.1:9",
        arxiv_categories="",
        http_retries=0,
        http_port=0,
        http_host="127.0.0.1",
    )


async def test_a_digest_in_flight_at_shutdown_is_posted_whole(database_url: str) -> None:
    settings = offline_settings(database_url)
    now = datetime.now(UTC)
    adapter = SlowAdapter()
    async with open_core(settings) as core:
        papers = [make_paper(id=f"2611.0000{n}", featured_on=now.date()) for n in range(1, 6)]
        await core.store.upsert_papers(papers, at=now)
        a_minute_ago = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
        await core.store.save_channel(ChannelSettings(LAB, subscribed=True, post_at=a_minute_ago))
        stop = asyncio.Event()
        running = asyncio.create_task(Bot(core, [adapter]).run(stop))
        async with asyncio.timeout(10):
            await eventually(lambda: adapter.posted)

        stop.set()
        await asyncio.wait_for(running, 10)

    assert [message.role.value for _, message in adapter.posted] == ["header"] + ["item"] * 5


class BrokenAdapter(RecordingAdapter):
    """A platform whose connection fails at once."""

    async def start(self, core: object) -> None:
        raise ConnectionError("gateway unreachable")


async def test_one_failing_platform_does_not_take_the_others_down(database_url: str) -> None:
    settings = offline_settings(database_url)
    working = SlowAdapter()
    async with open_core(settings) as core:
        stop = asyncio.Event()
        with capture_logs() as logs:
            running = asyncio.create_task(Bot(core, [BrokenAdapter("discord"), working]).run(stop))
            failed = lambda: [e for e in logs if e["event"] == "adapter_failed"]  # noqa: E731
            await eventually(failed, what="the broken platform's failure being logged")

        assert not stop.is_set() and not working.stopped.is_set()
        stop.set()
        await asyncio.wait_for(running, 10)  # it ran until told to stop, and ends cleanly

    assert failed()[0]["platform"] == "discord"
    assert working.stopped.is_set()


async def test_a_digest_whose_post_failed_is_finished_by_the_next_fetch(database_url: str) -> None:
    settings = offline_settings(database_url)
    now = datetime.now(UTC)
    flaky = RecordingAdapter()
    flaky.crash_after = 2
    async with open_core(settings) as core:
        await core.store.upsert_papers(
            [make_paper(id=f"2611.0000{n}", featured_on=now.date()) for n in range(1, 6)], at=now
        )
        bot = Bot(core, [flaky])
        with pytest.raises(RuntimeError):
            await bot.delivery.deliver(LAB, now.date())
        flaky.crash_after = None

        await bot._fetch()

    keys = [message.key for _, message in flaky.posted]
    assert len(keys) == 6 and len(set(keys)) == 6


async def test_the_fetch_job_leaves_the_fetch_to_the_replica_already_fetching(
    database_url: str,
) -> None:
    settings = offline_settings(database_url)
    async with open_core(settings) as core, open_core(settings) as other_replica:
        bot = Bot(core, [RecordingAdapter()])
        async with other_replica.store.exclusively("fetch") as fetching:
            with capture_logs() as logs:
                await bot._fetch()
        bot.close()

    events = {entry["event"] for entry in logs if entry["event"].startswith("fetch_")}
    assert fetching is True
    if database_url.startswith("postgresql"):
        assert events == {"fetch_skipped"}
    else:  # one process per SQLite file: it fetches (from the closed port, in vain)
        assert events == {"fetch_failed", "fetch_done"}
