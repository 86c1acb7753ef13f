"""The running bot shuts down in order: a digest being posted when SIGTERM comes is finished."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Bot, open_core
from bot.models import ChannelRef, ChannelSettings, OutgoingMessage, PostRef
from config.settings import load_settings
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


async def test_a_digest_in_flight_at_shutdown_is_posted_whole(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        hf_base_url="http://127.0.0.1:9",
        arxiv_categories="",
        http_retries=0,
        http_port=0,
        http_host="127.0.0.1",
    )
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
