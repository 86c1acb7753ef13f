"""Digest slots: claims that hold across replicas, plans, outcomes, delivered papers."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.models import ChannelRef
from bot.store import SlotRecord, SlotStatus, Store, open_store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C-general")
RANDOM = ChannelRef("discord", "G1", "c-random")
SLOT = "2026-03-02"


async def test_a_slot_is_claimed_once(store: Store) -> None:
    assert await store.claim_slot(GENERAL, SLOT, at=AT) is True
    assert await store.claim_slot(GENERAL, SLOT, at=AT + timedelta(seconds=1)) is False
    assert await store.claim_slot(GENERAL, "2026-03-03", at=AT) is True
    assert await store.claim_slot(RANDOM, SLOT, at=AT) is True


async def test_concurrent_claims_from_two_replicas_have_one_winner(
    store: Store, database_url: str
) -> None:
    replica = await open_store(database_url)
    try:
        claims = [
            other.claim_slot(GENERAL, SLOT, at=AT) for _ in range(5) for other in (store, replica)
        ]
        results = await asyncio.gather(*claims)
    finally:
        await replica.close()

    assert results.count(True) == 1


async def test_a_slot_goes_claimed_planned_finished(store: Store) -> None:
    assert await store.slot_status(GENERAL, SLOT) is None
    await store.claim_slot(GENERAL, SLOT, at=AT)
    assert await store.slot_status(GENERAL, SLOT) == SlotRecord(
        GENERAL, SLOT, SlotStatus.CLAIMED, None, (), AT
    )

    await store.plan_slot(GENERAL, SLOT, digest_id=f"{GENERAL.key}:{SLOT}", paper_ids=["b", "a"])
    planned = await store.slot_status(GENERAL, SLOT)
    assert planned == SlotRecord(
        GENERAL, SLOT, SlotStatus.PLANNED, f"{GENERAL.key}:{SLOT}", ("b", "a"), AT
    )
    assert await store.unfinished_slots() == [planned]

    await store.finish_slot(GENERAL, SLOT, "posted", at=AT + timedelta(minutes=1))
    finished = await store.slot_status(GENERAL, SLOT)
    assert finished is not None and finished.status == "posted"
    assert finished.finished_at == AT + timedelta(minutes=1)
    assert await store.unfinished_slots() == []


async def test_a_slot_closed_as_empty_is_claimed_again_by_one_replica(
    store: Store, database_url: str
) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.finish_slot(GENERAL, SLOT, "empty", at=AT)
    assert await store.empty_slots(AT) == [
        SlotRecord(GENERAL, SLOT, SlotStatus.EMPTY, None, (), AT, AT)
    ]
    replica = await open_store(database_url)
    later = AT + timedelta(hours=1)
    try:
        claims = [other.claim_slot(GENERAL, SLOT, at=later) for other in (store, replica) * 3]
        results = await asyncio.gather(*claims)
    finally:
        await replica.close()

    assert results.count(True) == 1
    assert await store.slot_status(GENERAL, SLOT) == SlotRecord(
        GENERAL, SLOT, SlotStatus.CLAIMED, None, (), later
    )
    assert await store.empty_slots(AT) == []
    await store.finish_slot(GENERAL, SLOT, "posted", at=later)
    assert await store.claim_slot(GENERAL, SLOT, at=later) is False


async def test_empty_slots_are_those_claimed_since_a_time(store: Store) -> None:
    for slot, at in (("2026-03-01", AT - timedelta(days=1)), (SLOT, AT)):
        await store.claim_slot(GENERAL, slot, at=at)
        await store.finish_slot(GENERAL, slot, "empty", at=at)
    await store.claim_slot(RANDOM, SLOT, at=AT)

    assert [(s.channel, s.slot) for s in await store.empty_slots(AT - timedelta(hours=6))] == [
        (GENERAL, SLOT)
    ]


async def test_unfinished_slots_are_claimed_or_planned_oldest_first(store: Store) -> None:
    await store.claim_slot(RANDOM, SLOT, at=AT + timedelta(minutes=5))
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.claim_slot(GENERAL, "2026-03-01", at=AT - timedelta(days=1))
    await store.plan_slot(GENERAL, SLOT, digest_id="d", paper_ids=[])
    await store.finish_slot(GENERAL, "2026-03-01", "empty", at=AT)

    unfinished = await store.unfinished_slots()

    assert [(s.channel, s.status) for s in unfinished] == [
        (GENERAL, SlotStatus.PLANNED),
        (RANDOM, SlotStatus.CLAIMED),
    ]


async def test_planning_or_finishing_an_unclaimed_slot_fails(store: Store) -> None:
    with pytest.raises(LookupError):
        await store.plan_slot(GENERAL, SLOT, digest_id="d", paper_ids=["a"])
    with pytest.raises(LookupError):
        await store.finish_slot(GENERAL, SLOT, "failed", at=AT)
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.finish_slot(GENERAL, SLOT, "failed", at=AT)
    with pytest.raises(LookupError):
        await store.plan_slot(GENERAL, SLOT, digest_id="d", paper_ids=["a"])


async def test_finish_takes_only_final_statuses(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    with pytest.raises(ValueError, match="closing"):
        await store.finish_slot(GENERAL, SLOT, "planned", at=AT)
    with pytest.raises(ValueError):
        await store.finish_slot(GENERAL, SLOT, "done", at=AT)


async def test_planned_papers_count_as_delivered_to_that_channel(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.plan_slot(GENERAL, SLOT, digest_id="d1", paper_ids=["a", "b", "a"])
    await store.claim_slot(GENERAL, "2026-03-03", at=AT + timedelta(days=1))
    await store.plan_slot(GENERAL, "2026-03-03", digest_id="d2", paper_ids=["b", "c"])

    assert await store.delivered_paper_ids(GENERAL) == {"a", "b", "c"}
    assert await store.delivered_paper_ids(RANDOM) == set()


async def test_a_slot_taken_over_from_empty_forgets_its_plan(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.plan_slot(GENERAL, SLOT, digest_id="d1", paper_ids=["a"])
    await store.finish_slot(GENERAL, SLOT, "empty", at=AT + timedelta(minutes=1))
    later = AT + timedelta(hours=1)

    assert await store.claim_slot(GENERAL, SLOT, at=later) is True

    assert await store.slot_status(GENERAL, SLOT) == SlotRecord(
        GENERAL, SLOT, SlotStatus.CLAIMED, None, (), later, None
    )


async def test_only_an_empty_slot_is_taken_over(store: Store) -> None:
    for slot, status in (("2026-03-01", "posted"), (SLOT, "failed")):
        await store.claim_slot(GENERAL, slot, at=AT)
        await store.finish_slot(GENERAL, slot, status, at=AT)
    await store.claim_slot(GENERAL, "2026-03-03", at=AT)
    await store.plan_slot(GENERAL, "2026-03-03", digest_id="d", paper_ids=[])

    for slot in ("2026-03-01", SLOT, "2026-03-03"):
        assert await store.claim_slot(GENERAL, slot, at=AT + timedelta(hours=1)) is False
    assert [s.status for s in await store.unfinished_slots()] == [SlotStatus.PLANNED]


async def test_closing_an_empty_slot_touches_only_that_channels_slot(store: Store) -> None:
    for ref, slot in ((GENERAL, SLOT), (GENERAL, "2026-03-03"), (RANDOM, SLOT)):
        await store.claim_slot(ref, slot, at=AT)
        await store.finish_slot(ref, slot, "empty", at=AT)

    assert await store.claim_slot(GENERAL, SLOT, at=AT + timedelta(hours=1)) is True

    assert [(s.channel, s.slot) for s in await store.empty_slots(AT)] == [
        (RANDOM, SLOT),
        (GENERAL, "2026-03-03"),
    ]


async def test_a_plan_can_be_changed_until_the_slot_is_finished(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.plan_slot(GENERAL, SLOT, digest_id="d1", paper_ids=["a"])
    await store.plan_slot(GENERAL, SLOT, digest_id="d2", paper_ids=["b", "c"])

    planned = await store.slot_status(GENERAL, SLOT)

    assert planned == SlotRecord(GENERAL, SLOT, SlotStatus.PLANNED, "d2", ("b", "c"), AT)
    assert await store.delivered_paper_ids(GENERAL) == {"a", "b", "c"}


async def test_planning_touches_only_that_channels_slot(store: Store) -> None:
    for ref, slot in ((GENERAL, SLOT), (GENERAL, "2026-03-03"), (RANDOM, SLOT)):
        await store.claim_slot(ref, slot, at=AT)

    await store.plan_slot(GENERAL, SLOT, digest_id="d", paper_ids=["a"])

    assert [(s.channel, s.slot, s.status) for s in await store.unfinished_slots()] == [
        (RANDOM, SLOT, SlotStatus.CLAIMED),
        (GENERAL, SLOT, SlotStatus.PLANNED),
        (GENERAL, "2026-03-03", SlotStatus.CLAIMED),
    ]
    assert await store.delivered_paper_ids(RANDOM) == set()


async def test_finishing_touches_only_that_channels_slot(store: Store) -> None:
    for ref, slot in ((GENERAL, SLOT), (GENERAL, "2026-03-03"), (RANDOM, SLOT)):
        await store.claim_slot(ref, slot, at=AT)

    await store.finish_slot(GENERAL, SLOT, "failed", at=AT)

    assert [(s.channel, s.slot) for s in await store.unfinished_slots()] == [
        (RANDOM, SLOT),
        (GENERAL, "2026-03-03"),
    ]


async def test_slots_claimed_at_the_same_time_come_by_channel_then_slot(store: Store) -> None:
    claims = ((GENERAL, "2026-03-03"), (RANDOM, "2026-03-04"), (GENERAL, "2026-03-01"))
    for ref, slot in claims:
        await store.claim_slot(ref, slot, at=AT)
    for ref, slot in claims:
        await store.claim_slot(ref, slot.replace("-03-", "-02-"), at=AT)
        await store.finish_slot(ref, slot.replace("-03-", "-02-"), "empty", at=AT)

    assert [(s.channel, s.slot) for s in await store.unfinished_slots()] == [
        (RANDOM, "2026-03-04"),
        (GENERAL, "2026-03-01"),
        (GENERAL, "2026-03-03"),
    ]
    assert [(s.channel, s.slot) for s in await store.empty_slots(AT)] == [
        (RANDOM, "2026-02-04"),
        (GENERAL, "2026-02-01"),
        (GENERAL, "2026-02-03"),
    ]


async def test_empty_slots_come_oldest_claim_first(store: Store) -> None:
    for ref, at in ((GENERAL, AT), (RANDOM, AT + timedelta(minutes=5))):
        await store.claim_slot(ref, SLOT, at=at)
        await store.finish_slot(ref, SLOT, "empty", at=at)

    assert [s.channel for s in await store.empty_slots(AT)] == [GENERAL, RANDOM]


async def test_a_slots_status_is_that_channels_and_that_slots(store: Store) -> None:
    await store.claim_slot(RANDOM, SLOT, at=AT)
    await store.claim_slot(GENERAL, "2026-03-03", at=AT)
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.finish_slot(GENERAL, "2026-03-03", "posted", at=AT)
    await store.finish_slot(RANDOM, SLOT, "failed", at=AT)

    status = await store.slot_status(GENERAL, SLOT)

    assert status is not None and status.status is SlotStatus.CLAIMED
    assert await store.slot_status(GENERAL, "2026-03-04") is None


async def test_a_slot_claimed_exactly_at_since_is_among_the_empty_ones(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.finish_slot(GENERAL, SLOT, "empty", at=AT + timedelta(hours=1))

    assert [s.slot for s in await store.empty_slots(AT)] == [SLOT]
    assert await store.empty_slots(AT + timedelta(seconds=1)) == []


async def test_what_cannot_be_planned_or_finished_says_which_slot(store: Store) -> None:
    with pytest.raises(LookupError, match=f"^slot {SLOT} of {GENERAL.key} is not claimed or"):
        await store.plan_slot(GENERAL, SLOT, digest_id="d", paper_ids=["a"])
    with pytest.raises(LookupError, match=f"^slot {SLOT} of {GENERAL.key} was never claimed$"):
        await store.finish_slot(GENERAL, SLOT, "posted", at=AT)
    await store.claim_slot(GENERAL, SLOT, at=AT)
    with pytest.raises(
        ValueError, match=r"^'planned' is not a closing slot status; use posted, empty or failed$"
    ):
        await store.finish_slot(GENERAL, SLOT, "planned", at=AT)


async def test_each_delivered_paper_keeps_the_date_of_its_first_slot(store: Store) -> None:
    await store.claim_slot(GENERAL, SLOT, at=AT)
    await store.plan_slot(GENERAL, SLOT, digest_id="d1", paper_ids=["a", "b"])
    await store.claim_slot(GENERAL, "2026-03-03", at=AT + timedelta(days=1))
    await store.plan_slot(GENERAL, "2026-03-03", digest_id="d2", paper_ids=["b", "c"])
    await store.claim_slot(RANDOM, "2026-03-04", at=AT)
    await store.plan_slot(RANDOM, "2026-03-04", digest_id="d3", paper_ids=["a"])

    assert await store.delivered_on(GENERAL) == {
        "a": date(2026, 3, 2),
        "b": date(2026, 3, 2),
        "c": date(2026, 3, 3),
    }
    assert await store.delivered_on(RANDOM) == {"a": date(2026, 3, 4)}
    assert await store.delivered_on(ChannelRef("slack", "T1", "C-other")) == {}
