"""A vote and the claim of its platform event are written in one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.models import ChannelRef, Vote
from bot.store import Store, VoteResult
from bot.store.availability import StoreUnavailable
from tests.store.faults import fail_once

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C-general")


async def _weight(store: Store, paper_id: str = "a") -> int:
    tally = (await store.vote_tallies("slack", "T1")).get(paper_id)
    return 0 if tally is None else tally.weight


async def test_a_vote_is_recorded_once_per_event(store: Store) -> None:
    vote = Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev1")

    first = await store.apply_vote(vote, paper_id="a", weight=1, at=AT)
    again = await store.apply_vote(vote, paper_id="a", weight=1, at=AT)

    assert (first, again) == (VoteResult.RECORDED, VoteResult.DUPLICATE)
    assert (bool(first), bool(again)) == (True, False)
    assert await _weight(store) == 1


async def test_a_new_event_for_a_vote_already_in_changes_nothing(store: Store) -> None:
    await store.apply_vote(Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev1"), **_a())

    result = await store.apply_vote(Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev2"), **_a())

    assert result is VoteResult.UNCHANGED and not result
    assert await _weight(store) == 1


async def test_a_removal_withdraws_the_vote_once(store: Store) -> None:
    await store.apply_vote(Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev1"), **_a())
    removal = Vote(GENERAL, "1700.1", "U1", "+1", removed=True, event_id="Ev2")

    assert await store.apply_vote(removal, **_a()) is VoteResult.RECORDED
    assert await store.apply_vote(removal, **_a()) is VoteResult.DUPLICATE
    unknown = Vote(GENERAL, "1700.1", "U2", "+1", removed=True, event_id="Ev3")
    assert await store.apply_vote(unknown, **_a()) is VoteResult.UNCHANGED
    assert await _weight(store) == 0


async def test_a_vote_without_an_event_id_claims_nothing(store: Store) -> None:
    vote = Vote(GENERAL, "1700.1", "U1", "+1")

    assert await store.apply_vote(vote, **_a()) is VoteResult.RECORDED
    assert await store.apply_vote(vote, **_a()) is VoteResult.UNCHANGED


async def test_a_failed_vote_write_releases_the_event_for_its_redelivery(store: Store) -> None:
    vote = Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev1")

    with fail_once("INSERT INTO votes") as failed, pytest.raises(StoreUnavailable):
        await store.apply_vote(vote, **_a())
    assert failed, "the vote insert was never attempted"
    assert await _weight(store) == 0

    assert await store.apply_vote(vote, **_a()) is VoteResult.RECORDED
    assert await _weight(store) == 1


async def test_a_failed_withdrawal_releases_the_event_too(store: Store) -> None:
    await store.apply_vote(Vote(GENERAL, "1700.1", "U1", "+1", event_id="Ev1"), **_a())
    removal = Vote(GENERAL, "1700.1", "U1", "+1", removed=True, event_id="Ev2")

    with fail_once("DELETE FROM votes"), pytest.raises(StoreUnavailable):
        await store.apply_vote(removal, **_a())

    assert await store.apply_vote(removal, **_a()) is VoteResult.RECORDED
    assert await _weight(store) == 0


async def test_concurrent_redeliveries_apply_the_vote_once(store: Store) -> None:
    vote = Vote(GENERAL, "1700.1", "U1", "fire", event_id="Ev9")

    results = await asyncio.gather(*(store.apply_vote(vote, **_a(weight=2)) for _ in range(6)))

    assert results.count(VoteResult.RECORDED) == 1
    assert results.count(VoteResult.DUPLICATE) == 5
    assert await _weight(store) == 2


def _a(weight: int = 1) -> dict[str, object]:
    return {"paper_id": "a", "weight": weight, "at": AT}
