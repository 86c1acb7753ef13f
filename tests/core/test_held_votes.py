"""A vote the database cannot take is held, in order and on disk, and counted once it can.

Slack does not resend a reaction it got a 200 for and Discord never resends one, so a vote
that meets a full or read-only disk must not be dropped: it waits in the spool, later
votes queue behind it, and the service applies them all, oldest first, when writes work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog

from bot.models import Vote, VoteOutcome
from bot.pending_votes import PendingVotes
from bot.service import PapersService
from tests.core.conftest import GENERAL, TODAY, Harness
from tests.fakes import eventually
from tests.store.faults import failing_writes


async def posted_items(harness: Harness) -> dict[int, str]:
    """Post today's digest; the item message ids by rank."""
    await harness.delivery.deliver(GENERAL, TODAY)
    posted = harness.adapter.posted
    return {message.item.rank: f"m{n}" for n, (_, message) in enumerate(posted, 1) if message.item}


def service_with(harness: Harness, pending: PendingVotes) -> PapersService:
    """A service over the harness's store that holds votes in `pending`."""
    return harness.build_use_cases(pending=pending).service


@asynccontextmanager
async def applying(service: PapersService) -> AsyncIterator[None]:
    """Run the service's held-vote worker for the block, as `papers-bot run` does."""
    worker = asyncio.create_task(service.apply_held_votes())
    try:
        yield
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)


async def weight_of(harness: Harness, paper_id: str) -> int:
    """The team's net vote on a paper."""
    tally = (await harness.store.vote_tallies("console", "local")).get(paper_id)
    return 0 if tally is None else tally.weight


async def test_a_vote_that_cannot_be_written_is_held_and_counted_once_writes_work(
    harness: Harness, tmp_path: Path
) -> None:
    items = await posted_items(harness)
    service = service_with(harness, PendingVotes(tmp_path / "votes.pending"))

    with failing_writes("database or disk is full"), structlog.testing.capture_logs() as logs:
        outcome = await service.record_vote(Vote(GENERAL, items[2], "U7", "fire", event_id="E1"))

    assert outcome is VoteOutcome.HELD and not outcome
    assert service.held_votes == 1
    assert await weight_of(harness, "2606.00004") == 0
    held = [entry for entry in logs if entry["event"] == "vote_held"]
    assert len(held) == 1 and "database or disk is full" in held[0]["reason"]
    assert not any(entry["log_level"] == "error" for entry in logs)

    async with applying(service):
        await eventually(lambda: service.held_votes == 0)

    assert await weight_of(harness, "2606.00004") == 2


async def test_votes_arriving_while_others_are_held_keep_their_order(
    harness: Harness, tmp_path: Path
) -> None:
    items = await posted_items(harness)
    service = service_with(harness, PendingVotes(tmp_path / "votes.pending"))

    with failing_writes():
        await service.record_vote(Vote(GENERAL, items[1], "U7", "+1", event_id="E1"))
    # The database works again, but the removal must not overtake the add still held.
    removal = await service.record_vote(
        Vote(GENERAL, items[1], "U7", "+1", removed=True, event_id="E2")
    )
    added = await service.record_vote(Vote(GENERAL, items[2], "U8", "+1", event_id="E3"))

    assert (removal, added) == (VoteOutcome.HELD, VoteOutcome.HELD)
    async with applying(service):
        await eventually(lambda: service.held_votes == 0)
    assert await weight_of(harness, "2606.00005") == 0
    assert await weight_of(harness, "2606.00004") == 1


async def test_the_worker_keeps_trying_while_the_database_still_fails(
    harness: Harness, tmp_path: Path
) -> None:
    items = await posted_items(harness)
    service = service_with(harness, PendingVotes(tmp_path / "votes.pending"))

    async with applying(service):
        with failing_writes() as failed:
            await service.record_vote(Vote(GENERAL, items[3], "U7", "+1", event_id="E1"))
            await eventually(lambda: len(failed) >= 2)
            assert service.held_votes == 1
        await eventually(lambda: service.held_votes == 0, seconds=10)

    assert await weight_of(harness, "2606.00003") == 1


async def test_held_votes_survive_a_restart(harness: Harness, tmp_path: Path) -> None:
    items = await posted_items(harness)
    spool = tmp_path / "votes.pending"
    before = PendingVotes(spool)
    with failing_writes():
        await service_with(harness, before).record_vote(
            Vote(GENERAL, items[1], "U7", "+1", event_id="E1")
        )
        await service_with(harness, before).clear_votes(GENERAL, items[4], None)
    before.close()

    after = service_with(harness, PendingVotes(spool))
    assert after.held_votes == 2
    async with applying(after):
        await eventually(lambda: after.held_votes == 0)

    assert await weight_of(harness, "2606.00005") == 1
    assert PendingVotes(spool).first() is None


async def test_a_held_vote_applied_twice_counts_once(harness: Harness, tmp_path: Path) -> None:
    items = await posted_items(harness)
    service = service_with(harness, PendingVotes(tmp_path / "votes.pending"))
    vote = Vote(GENERAL, items[2], "U7", "+1", event_id="E1")
    with failing_writes():
        await service.record_vote(vote)

    async with applying(service):
        await eventually(lambda: service.held_votes == 0)
    again = await service.record_vote(vote)  # the platform redelivered it after all

    assert again is VoteOutcome.DUPLICATE
    assert await weight_of(harness, "2606.00004") == 1
