"""The outbox posts each channel's digest once per slot, whatever fires twice or crashes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.delivery import Outcome
from bot.models import ChannelRef, ChannelSettings, Layout, MessageRole
from bot.scheduler import Scheduler
from tests.core.conftest import GENERAL, TODAY, Harness
from tests.fakes.papers import make_paper

NEW_DAY = date(2027, 1, 4)
"""A day long after the harness's papers: nothing stored is recent enough for it."""


async def test_a_digest_posts_a_header_then_each_paper_in_its_thread(harness: Harness) -> None:
    outcome = await harness.delivery.deliver(GENERAL, TODAY)

    assert outcome is Outcome.POSTED
    roles = [message.role for _, message in harness.adapter.posted]
    assert roles == [MessageRole.HEADER] + [MessageRole.ITEM] * 5
    header_items = harness.adapter.posted[0][1].digest.items
    assert [item.paper_id for item in header_items][:2] == ["2606.00005", "2606.00004"]
    threads = {message.thread.message_id for _, message in harness.adapter.posted[1:]}
    assert threads == {"m1"}


async def test_channel_layout_posts_papers_outside_the_thread(harness: Harness) -> None:
    await harness.store.save_channel(ChannelSettings(GENERAL, layout=Layout.CHANNEL))

    outcome = await harness.delivery.deliver(GENERAL, TODAY)

    assert outcome is Outcome.POSTED
    posted = [(message.role, message.item, message.thread) for _, message in harness.adapter.posted]
    header_items = harness.adapter.posted[0][1].digest.items
    assert posted == [(MessageRole.HEADER, None, None)] + [
        (MessageRole.ITEM, item, None) for item in header_items
    ]
    assert len(header_items) == 5
    slot = await harness.store.slot_status(GENERAL, TODAY.isoformat())
    assert slot is not None and slot.status == "posted"


async def test_a_slot_fired_twice_posts_once(harness: Harness) -> None:
    outcomes = await asyncio.gather(
        harness.delivery.deliver(GENERAL, TODAY), harness.delivery.deliver(GENERAL, TODAY)
    )

    assert sorted(outcomes) == sorted([Outcome.POSTED, Outcome.IN_PROGRESS])
    assert len(harness.adapter.posted) == 6


async def test_papers_already_sent_are_not_sent_again_the_next_day(harness: Harness) -> None:
    await harness.delivery.deliver(GENERAL, TODAY)
    harness.adapter.posted.clear()

    outcome = await harness.delivery.deliver(GENERAL, TODAY.replace(day=14))

    assert outcome is Outcome.EMPTY
    assert harness.adapter.posted == []


async def test_a_crash_mid_digest_resumes_without_reposting(harness: Harness) -> None:
    harness.adapter.crash_after = 3
    with pytest.raises(RuntimeError):
        await harness.delivery.deliver(GENERAL, TODAY)
    first_keys = harness.adapter.keys
    harness.adapter.crash_after = None

    resumed = await harness.delivery.resume_unfinished()

    assert resumed == 1
    assert len(first_keys) == 3
    assert [m.resumed for _, m in harness.adapter.posted] == [False] * 3 + [True] * 3
    assert harness.adapter.keys[:3] == first_keys
    assert len(harness.adapter.keys) == 6
    assert len(set(harness.adapter.keys)) == 6
    assert await harness.delivery.resume_unfinished() == 0


async def test_a_channel_the_bot_lost_is_paused_not_retried(harness: Harness) -> None:
    harness.adapter.fail_after = 1

    outcome = await harness.delivery.deliver(GENERAL, TODAY)

    assert outcome is Outcome.PAUSED
    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None
    assert settings.paused_reason == "the bot was removed from this channel"
    assert await harness.delivery.deliver(GENERAL, TODAY.replace(day=14)) is Outcome.PAUSED


async def test_a_platform_that_is_not_connected_claims_nothing(harness: Harness) -> None:
    slack = GENERAL.__class__("slack", "T1", "C1")

    assert await harness.delivery.deliver(slack, TODAY) is Outcome.NO_ADAPTER
    assert await harness.store.slot_status(slack, TODAY.isoformat()) is None


async def test_a_catch_up_leaves_a_digest_being_posted_alone(harness: Harness) -> None:
    harness.adapter.post_seconds = 0.05
    delivering = asyncio.create_task(harness.delivery.deliver(GENERAL, TODAY))
    await harness.adapter.posting.wait()

    resumed = await harness.delivery.resume_unfinished()
    await delivering

    assert resumed == 0
    assert len(harness.adapter.keys) == 6 and len(set(harness.adapter.keys)) == 6


async def test_a_second_fire_after_a_failed_post_finishes_the_digest(harness: Harness) -> None:
    harness.adapter.crash_after = 2
    with pytest.raises(RuntimeError):
        await harness.delivery.deliver(GENERAL, TODAY)
    harness.adapter.crash_after = None

    outcome = await harness.delivery.deliver(GENERAL, TODAY)

    assert outcome is Outcome.POSTED
    assert len(harness.adapter.keys) == 6 and len(set(harness.adapter.keys)) == 6
    assert await harness.delivery.deliver(GENERAL, TODAY) is Outcome.ALREADY


async def test_a_scheduled_slot_that_found_nothing_posts_after_the_fetch_bringing_papers(
    harness: Harness,
) -> None:
    """The 09:00 slot fires (here: is caught up at start) before the first fetch stored
    anything; it is tried again after that fetch and posts then."""
    harness.clock.now = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    await harness.store.save_channel(ChannelSettings(GENERAL, subscribed=True))
    tried, posted = asyncio.Event(), asyncio.Event()

    async def deliver(channel: ChannelRef, slot_date: date) -> Outcome:
        outcome = await harness.delivery.deliver(channel, slot_date)
        tried.set()
        if outcome is Outcome.POSTED:
            posted.set()
        return outcome

    async def fetch() -> None:
        async with asyncio.timeout(5):
            await tried.wait()
        tried_slot = await harness.store.slot_status(GENERAL, NEW_DAY.isoformat())
        assert tried_slot is not None and tried_slot.status == "empty"
        fresh = make_paper(id="2701.00001", title="Paper 2701.00001", featured_on=NEW_DAY)
        await harness.store.upsert_papers([fresh], at=harness.clock.now)
        harness.composer.forget()

    scheduler = Scheduler(
        subscriptions=harness.store.subscribed_channels,
        deliver=deliver,
        fetch=fetch,
        fetch_interval_minutes=30,
        empty_slots=harness.store.empty_slots,
        missed_grace=timedelta(hours=6),
        clock=harness.clock,
    )
    try:
        await scheduler.start()
        async with asyncio.timeout(5):
            await posted.wait()
    finally:
        await scheduler.shutdown()

    assert [message.role for _, message in harness.adapter.posted] == [
        MessageRole.HEADER,
        MessageRole.ITEM,
    ]
    assert harness.adapter.posted[1][1].item.paper_id == "2701.00001"
    slot = await harness.store.slot_status(GENERAL, NEW_DAY.isoformat())
    assert slot is not None and slot.status == "posted"
