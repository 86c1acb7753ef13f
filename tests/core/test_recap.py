"""The weekly recap: the team's most-voted papers of the week with a chart, once per channel
per week, nothing on a week without votes, and never twice after a crash."""

from __future__ import annotations

import struct
from datetime import timedelta

import pytest

from bot.models import ChannelRef, Vote
from bot.recap.delivery import RecapDelivery, RecapOutcome
from bot.store import RecapStatus
from tests.core.conftest import GENERAL, TODAY, Harness

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WEEK = "2026-W24"


def recaps_of(harness: Harness) -> RecapDelivery:
    """The recap delivery as the app wires it, over the harness's store and adapter."""
    return harness.use_cases.recaps


async def voted_week(harness: Harness) -> None:
    """Subscribe, post today's digest, and have three people vote on it."""
    await harness.run("subscribe 09:00")
    await harness.delivery.deliver(GENERAL, TODAY)
    items = {m.item.rank: f"m{n}" for n, (_, m) in enumerate(harness.adapter.posted, 1) if m.item}
    votes = [("U1", 3, "+1"), ("U2", 3, "fire"), ("U3", 3, "+1"), ("U1", 1, "+1"), ("U2", 2, "-1")]
    for user, rank, emoji in votes:
        assert await harness.service.record_vote(Vote(GENERAL, items[rank], user, emoji))


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height a PNG's header declares."""
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_the_recap_ranks_the_weeks_votes_and_draws_them(harness: Harness) -> None:
    await voted_week(harness)

    outcome = await recaps_of(harness).deliver(GENERAL, TODAY)

    assert outcome is RecapOutcome.POSTED
    ((channel, recap),) = harness.adapter.recaps
    assert channel == GENERAL.key
    ranked = [(e.paper_id, e.votes, e.voters) for e in recap.entries]
    assert ranked == [("2606.00003", 4, 3), ("2606.00005", 1, 1)]
    assert (recap.first_day, recap.last_day) == (TODAY - timedelta(days=6), TODAY)
    width, height = png_size(recap.chart.png)
    assert width > 400 and height > 150
    assert recap.chart.alt_text.startswith("Bar chart, Your team's votes, 7-13 June 2026: ")
    assert "1. Paper 2606.00003: +4 from 3 people" in recap.chart.alt_text
    assert await harness.store.recap_status(GENERAL, WEEK) is RecapStatus.POSTED


async def test_a_week_is_recapped_once(harness: Harness) -> None:
    await voted_week(harness)
    recaps = recaps_of(harness)

    first = await recaps.deliver(GENERAL, TODAY)
    again = await recaps.deliver(GENERAL, TODAY + timedelta(days=1))

    assert (first, again) == (RecapOutcome.POSTED, RecapOutcome.ALREADY)
    assert len(harness.adapter.recaps) == 1


async def test_a_week_without_votes_posts_nothing(harness: Harness) -> None:
    await harness.run("subscribe 09:00")
    await harness.delivery.deliver(GENERAL, TODAY)

    outcome = await recaps_of(harness).deliver(GENERAL, TODAY)

    assert outcome is RecapOutcome.EMPTY
    assert harness.adapter.recaps == []
    assert await harness.store.recap_status(GENERAL, WEEK) is RecapStatus.EMPTY


async def test_votes_older_than_the_week_are_not_recapped(harness: Harness) -> None:
    await voted_week(harness)
    harness.clock.now += timedelta(days=7)

    outcome = await recaps_of(harness).deliver(GENERAL, TODAY + timedelta(days=7))

    assert outcome is RecapOutcome.EMPTY


async def test_another_workspaces_votes_stay_out(harness: Harness) -> None:
    await voted_week(harness)
    elsewhere = ChannelRef("console", "other-team", "general")
    await harness.run("subscribe 09:00", channel=elsewhere)

    assert await recaps_of(harness).deliver(elsewhere, TODAY) is RecapOutcome.EMPTY


@pytest.mark.parametrize("text", ["set recap off", "unsubscribe"])
async def test_a_channel_without_a_recap_gets_none(harness: Harness, text: str) -> None:
    await voted_week(harness)
    await harness.run(text)

    assert await recaps_of(harness).deliver(GENERAL, TODAY) is RecapOutcome.OFF
    assert harness.adapter.recaps == []


async def test_a_recap_claimed_before_a_crash_is_posted_by_the_resume(
    harness: Harness,
) -> None:
    await voted_week(harness)
    claimed = await harness.store.claim_recap(GENERAL, WEEK, last_day=TODAY, at=harness.clock.now)

    posted = await recaps_of(harness).resume_unfinished()

    assert claimed and posted == 1
    assert len(harness.adapter.recaps) == 1
    assert await harness.store.recap_status(GENERAL, WEEK) is RecapStatus.POSTED


async def test_a_crash_in_the_middle_of_the_post_never_posts_it_twice(
    harness: Harness,
) -> None:
    await voted_week(harness)
    recaps = recaps_of(harness)
    harness.adapter.crash_after = len(harness.adapter.posted)
    with pytest.raises(RuntimeError):
        await recaps.deliver(GENERAL, TODAY)
    harness.adapter.crash_after = None

    assert await recaps.resume_unfinished() == 0
    assert harness.adapter.recaps == []
    assert await harness.store.recap_status(GENERAL, WEEK) is RecapStatus.UNKNOWN
