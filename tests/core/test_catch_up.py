"""The catch-up after a restart finishes each half-done digest of the last hours, once.

Each test leaves digests half-posted (the process "dies" after a few posts), then runs the
catch-up the bot runs at start and after each fetch, and reads what the channels got.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.delivery import Outcome
from bot.models import ChannelRef, ChannelSettings, PostRef
from tests.core.conftest import GENERAL, NOW, TODAY, Harness

RANDOM = ChannelRef("console", "local", "random")
GRACE = timedelta(hours=6)
"""How long after its claim a half-done digest is still finished (the harness's default)."""


async def _crash_mid_digest(harness: Harness, channel: ChannelRef) -> None:
    """Deliver today's digest to `channel`, dying after its header and first paper."""
    harness.adapter.crash_after = len(harness.adapter.posted) + 2
    with pytest.raises(RuntimeError):
        await harness.delivery.deliver(channel, TODAY)
    harness.adapter.crash_after = None


def _keys_for(harness: Harness, channel: ChannelRef) -> list[str]:
    return [message.key for key, message in harness.adapter.posted if key == channel.key]


async def test_a_digest_claimed_exactly_the_grace_ago_is_still_finished(harness: Harness) -> None:
    await _crash_mid_digest(harness, GENERAL)
    harness.clock.now = NOW + GRACE

    assert await harness.delivery.resume_unfinished() == 1
    assert len(set(_keys_for(harness, GENERAL))) == 6


async def test_a_digest_claimed_longer_ago_than_the_grace_is_left_as_it_is(
    harness: Harness,
) -> None:
    await _crash_mid_digest(harness, GENERAL)
    harness.clock.now = NOW + GRACE + timedelta(seconds=1)

    assert await harness.delivery.resume_unfinished() == 0
    assert len(_keys_for(harness, GENERAL)) == 2


async def test_every_half_done_digest_is_finished_and_counted(harness: Harness) -> None:
    await harness.store.save_channel(ChannelSettings(RANDOM))
    await _crash_mid_digest(harness, GENERAL)
    await _crash_mid_digest(harness, RANDOM)

    assert await harness.delivery.resume_unfinished() == 2
    assert len(set(_keys_for(harness, GENERAL))) == 6
    assert len(set(_keys_for(harness, RANDOM))) == 6


async def test_a_slot_of_a_platform_not_connected_does_not_hold_up_the_others(
    harness: Harness,
) -> None:
    slack = ChannelRef("slack", "T1", "C1")
    assert await harness.store.claim_slot(slack, TODAY.isoformat(), at=NOW - timedelta(hours=1))
    await _crash_mid_digest(harness, GENERAL)

    assert await harness.delivery.resume_unfinished() == 1
    assert len(set(_keys_for(harness, GENERAL))) == 6


async def test_a_channel_whose_catch_up_fails_does_not_stop_the_next_one(
    harness: Harness,
) -> None:
    slack = ChannelRef("slack", "T1", "C1")
    delivery, failing = harness.delivery_with_a_crashing("slack")
    assert await harness.store.claim_slot(slack, TODAY.isoformat(), at=NOW - timedelta(hours=1))
    await _crash_mid_digest(harness, GENERAL)

    assert await delivery.resume_unfinished() == 1
    assert len(set(_keys_for(harness, GENERAL))) == 6
    assert failing.posted == []


async def test_a_second_fire_while_the_catch_up_posts_the_digest_waits_for_it(
    harness: Harness,
) -> None:
    await _crash_mid_digest(harness, GENERAL)
    harness.adapter.post_seconds = 0.05
    harness.adapter.posting.clear()  # the crash's posts began before
    catching_up = asyncio.create_task(harness.delivery.resume_unfinished())
    await harness.adapter.posting.wait()

    outcome = await harness.delivery.deliver(GENERAL, TODAY)

    assert outcome is Outcome.IN_PROGRESS
    assert await catching_up == 1
    keys = _keys_for(harness, GENERAL)
    assert len(keys) == 6 and len(set(keys)) == 6


async def test_a_second_fire_while_a_first_finishes_a_half_done_digest_waits_for_it(
    harness: Harness,
) -> None:
    await _crash_mid_digest(harness, GENERAL)
    harness.adapter.post_seconds = 0.05
    harness.adapter.posting.clear()  # the crash's posts began before
    finishing = asyncio.create_task(harness.delivery.deliver(GENERAL, TODAY))
    await harness.adapter.posting.wait()

    assert await harness.delivery.deliver(GENERAL, TODAY) is Outcome.IN_PROGRESS
    assert await harness.delivery.resume_unfinished() == 0
    assert await finishing is Outcome.POSTED
    keys = _keys_for(harness, GENERAL)
    assert len(keys) == 6 and len(set(keys)) == 6


async def test_papers_finished_after_a_crash_go_in_the_headers_thread(harness: Harness) -> None:
    await _crash_mid_digest(harness, GENERAL)

    await harness.delivery.resume_unfinished()

    threads = {message.thread for _, message in harness.adapter.posted[1:]}
    assert threads == {PostRef(GENERAL, "m1")}


async def test_a_header_first_posted_after_a_restart_is_marked_resumed(harness: Harness) -> None:
    """The adapter then looks for it in the channel before posting: the lost attempt may
    have reached the platform."""
    harness.adapter.crash_after = 0
    with pytest.raises(RuntimeError):
        await harness.delivery.deliver(GENERAL, TODAY)
    harness.adapter.crash_after = None

    await harness.delivery.resume_unfinished()

    assert [message.resumed for _, message in harness.adapter.posted] == [True] * 6
