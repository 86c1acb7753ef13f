"""What the operator reads in the log about each digest: one line per outcome, naming the
channel and the slot, and saying why when nothing was posted."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from structlog.testing import capture_logs

from bot.models import ChannelRef, ChannelSettings
from tests.core.conftest import GENERAL, NOW, TODAY, Harness

SLOT = TODAY.isoformat()


def _lines(logs: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    """The captured lines of one event, without the level (checked apart where it matters)."""
    return [
        {key: value for key, value in line.items() if key != "log_level"}
        for line in logs
        if line["event"] == event
    ]


async def test_a_posted_digest_is_one_line_with_its_number_of_papers(harness: Harness) -> None:
    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY)

    assert _lines(logs, "digest_posted") == [
        {"event": "digest_posted", "channel": GENERAL.key, "slot": SLOT, "items": 5}
    ]


async def test_a_slot_already_posted_says_so(harness: Harness) -> None:
    await harness.delivery.deliver(GENERAL, TODAY)

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY)

    assert _lines(logs, "digest_slot_taken") == [
        {"event": "digest_slot_taken", "channel": GENERAL.key, "slot": SLOT}
    ]


async def test_a_second_fire_during_the_post_says_the_slot_is_in_progress(
    harness: Harness,
) -> None:
    harness.adapter.post_seconds = 0.05
    first = asyncio.create_task(harness.delivery.deliver(GENERAL, TODAY))
    await harness.adapter.posting.wait()

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY)
    await first

    assert _lines(logs, "digest_slot_in_progress") == [
        {"event": "digest_slot_in_progress", "channel": GENERAL.key, "slot": SLOT}
    ]


async def test_a_channel_the_bot_lost_is_logged_as_paused_with_the_reason(
    harness: Harness,
) -> None:
    harness.adapter.fail_after = 0

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY)

    paused = [line for line in logs if line["event"] == "channel_paused"]
    assert paused == [
        {
            "event": "channel_paused",
            "log_level": "warning",
            "channel": GENERAL.key,
            "reason": "the bot was removed from this channel",
        }
    ]


async def test_a_paused_channel_skips_its_digest_and_says_why(harness: Harness) -> None:
    await harness.store.pause_channel(GENERAL, "the bot was removed", at=NOW)

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY)

    assert _lines(logs, "digest_skipped") == [
        {"event": "digest_skipped", "channel": GENERAL.key, "reason": "the bot was removed"}
    ]


async def test_a_platform_that_is_not_connected_is_a_warning(harness: Harness) -> None:
    slack = ChannelRef("slack", "T1", "C1")

    with capture_logs() as logs:
        await harness.delivery.deliver(slack, TODAY)

    assert [line for line in logs if line["event"] == "digest_skipped"] == [
        {
            "event": "digest_skipped",
            "log_level": "warning",
            "channel": slack.key,
            "reason": "platform not connected",
        }
    ]


async def test_an_empty_day_says_every_recent_paper_was_sent(harness: Harness) -> None:
    await harness.delivery.deliver(GENERAL, TODAY)
    next_day = (TODAY + timedelta(days=1)).isoformat()

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, TODAY + timedelta(days=1))

    assert _lines(logs, "digest_empty") == [
        {
            "event": "digest_empty",
            "channel": GENERAL.key,
            "slot": next_day,
            "reason": "every recent paper was already sent here or filtered out",
        }
    ]


@pytest.mark.parametrize("scheduled", [True, False], ids=["scheduled", "on demand"])
async def test_an_empty_day_with_no_recent_papers_asks_whether_fetching_works(
    harness: Harness, scheduled: bool
) -> None:
    long_after = date(2027, 1, 4)
    harness.clock.now = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)

    with capture_logs() as logs:
        await harness.delivery.deliver(GENERAL, long_after, scheduled=scheduled)

    assert _lines(logs, "digest_empty") == [
        {
            "event": "digest_empty",
            "channel": GENERAL.key,
            "slot": long_after.isoformat(),
            "reason": "no papers stored from the last days; is fetching working?",
        }
    ]


async def test_a_resumed_digest_and_a_failed_catch_up_are_each_one_line(
    harness: Harness,
) -> None:
    slack = ChannelRef("slack", "T1", "C1")
    delivery, _ = harness.delivery_with_a_crashing("slack")
    await harness.store.save_channel(ChannelSettings(slack))
    assert await harness.store.claim_slot(slack, SLOT, at=NOW - timedelta(hours=1))
    harness.adapter.crash_after = 2
    with pytest.raises(RuntimeError):
        await delivery.deliver(GENERAL, TODAY)
    harness.adapter.crash_after = None

    with capture_logs() as logs:
        await delivery.resume_unfinished()

    assert [line for line in logs if line["event"] == "digest_resume_failed"] == [
        {
            "event": "digest_resume_failed",
            "log_level": "warning",
            "channel": slack.key,
            "slot": SLOT,
            "error": "RuntimeError: process died",
        }
    ]
    assert _lines(logs, "digest_resumed") == [
        {"event": "digest_resumed", "channel": slack.key, "slot": SLOT},
        {"event": "digest_resumed", "channel": GENERAL.key, "slot": SLOT},
    ]
