"""Replicas share the outbox: a half-posted slot is resumed by one replica, and only once
its poster's lease ran out or its poster is a process of this host that no longer runs."""

from __future__ import annotations

import asyncio
import socket

import pytest
from structlog.testing import capture_logs

from bot.delivery import LEASE_LENGTH, Outcome
from bot.models import ChannelRef, OutgoingMessage, PostRef
from bot.store import Lease
from tests.core.conftest import GENERAL, TODAY, Harness
from tests.fakes.chat import RecordingAdapter

ELSEWHERE = "replica-b.example:1"
"""A replica on another host: alive as far as this one can tell."""


async def crash_half_way(harness: Harness) -> None:
    """This replica claims today's slot, posts the header and two papers, and dies."""
    harness.adapter.crash_after = 3
    with pytest.raises(RuntimeError):
        await harness.delivery.deliver(GENERAL, TODAY)
    harness.adapter.crash_after = None


async def test_another_replica_leaves_a_slot_alone_while_its_posters_lease_runs(
    harness: Harness,
) -> None:
    await crash_half_way(harness)
    other = RecordingAdapter()
    replica_b = harness.delivery_through({"console": other}, replica=ELSEWHERE)

    resumed = await replica_b.resume_unfinished()
    asked = await replica_b.deliver(GENERAL, TODAY)

    assert (resumed, asked) == (0, Outcome.IN_PROGRESS)
    assert other.posted == []


async def test_once_the_lease_ran_out_another_replica_finishes_the_digest_once(
    harness: Harness,
) -> None:
    await crash_half_way(harness)
    other = RecordingAdapter()
    replica_b = harness.delivery_through({"console": other}, replica=ELSEWHERE)
    harness.clock.now += LEASE_LENGTH

    resumed = await replica_b.resume_unfinished()

    assert resumed == 1
    assert len(harness.adapter.keys) == 3
    assert len(other.keys) == 3
    assert sorted(harness.adapter.keys + other.keys) == sorted(
        set(harness.adapter.keys + other.keys)
    )
    slot = await harness.store.slot_status(GENERAL, TODAY.isoformat())
    assert slot is not None and slot.status == "posted"


async def test_a_restart_on_the_same_host_resumes_at_once_what_its_dead_process_left(
    harness: Harness,
) -> None:
    ended = await asyncio.create_subprocess_exec("true")
    await ended.wait()
    dead = f"{socket.gethostname()}:{ended.pid}"
    crashing = RecordingAdapter()
    crashing.crash_after = 1
    before_restart = harness.delivery_through({"console": crashing}, replica=dead)
    with pytest.raises(RuntimeError):
        await before_restart.deliver(GENERAL, TODAY)

    resumed = await harness.delivery.resume_unfinished()

    assert resumed == 1
    assert len(crashing.posted) == 1
    assert len(harness.adapter.posted) == 5


class TakenOverAdapter(RecordingAdapter):
    """Posts as told; after its second post this replica stalls past its lease, and
    another replica takes the slot over."""

    def __init__(self, harness: Harness) -> None:
        super().__init__()
        self._harness = harness

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        posted = await super().post(channel, message)
        if len(self.posted) == 2:
            clock = self._harness.clock
            clock.now += LEASE_LENGTH * 2
            lease = Lease(ELSEWHERE, clock.now + LEASE_LENGTH)
            assert await self._harness.store.take_lease(
                channel, TODAY.isoformat(), lease, at=clock.now
            )
        return posted


async def test_a_replica_that_lost_its_lease_stops_posting(harness: Harness) -> None:
    stalled = TakenOverAdapter(harness)
    replica = harness.delivery_through({"console": stalled})

    with capture_logs() as logs:
        outcome = await replica.deliver(GENERAL, TODAY)

    assert outcome is Outcome.IN_PROGRESS
    assert len(stalled.posted) == 2
    assert [entry["event"] for entry in logs if entry["event"] == "digest_lease_lost"] == [
        "digest_lease_lost"
    ]
