"""Weekly recaps: claimed once per channel and week, finished with what went out."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import ChannelRef
from bot.store import RecapRecord, RecapStatus, Store, open_store
from bot.store.tables import recaps

AT = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C-general")
RANDOM = ChannelRef("discord", "G1", "c-random")
WEEK = "2026-W10"
FRIDAY = date(2026, 3, 6)


async def _row(database_url: str, ref: ChannelRef, week: str) -> dict[str, Any]:
    """The recap's row as stored, read over a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            statement = select(recaps).where(recaps.c.channel_key == ref.key, recaps.c.week == week)
            return dict((await connection.execute(statement)).one()._mapping)
    finally:
        await engine.dispose()


async def test_a_recap_is_claimed_once_per_channel_and_week(store: Store) -> None:
    assert await store.recap_status(GENERAL, WEEK) is None

    assert await store.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT) is True
    assert await store.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT) is False
    assert await store.claim_recap(GENERAL, "2026-W11", last_day=FRIDAY, at=AT) is True
    assert await store.claim_recap(RANDOM, WEEK, last_day=FRIDAY, at=AT) is True

    assert await store.recap_status(GENERAL, WEEK) is RecapStatus.CLAIMED
    assert await store.recap_status(GENERAL, "2026-W12") is None


async def test_concurrent_claims_from_two_replicas_have_one_winner(
    store: Store, database_url: str
) -> None:
    replica = await open_store(database_url)
    try:
        claims = [
            other.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT)
            for other in (store, replica) * 3
        ]
        results = await asyncio.gather(*claims)
    finally:
        await replica.close()

    assert results.count(True) == 1


async def test_a_claimed_recap_is_unfinished_until_it_is_finished(store: Store) -> None:
    await store.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT)

    assert await store.unfinished_recaps() == [
        RecapRecord(GENERAL, WEEK, FRIDAY, RecapStatus.CLAIMED, AT)
    ]

    await store.finish_recap(GENERAL, WEEK, RecapStatus.POSTING)
    assert await store.unfinished_recaps() == [
        RecapRecord(GENERAL, WEEK, FRIDAY, RecapStatus.POSTING, AT)
    ]

    await store.finish_recap(GENERAL, WEEK, RecapStatus.POSTED, message_id="1700.1", at=AT)
    assert await store.unfinished_recaps() == []
    assert await store.recap_status(GENERAL, WEEK) is RecapStatus.POSTED


async def test_unfinished_recaps_are_the_claimed_and_posting_ones_oldest_first(
    store: Store,
) -> None:
    weeks = ["2026-W05", "2026-W06", "2026-W07", "2026-W08", "2026-W09", "2026-W10"]
    for days, week in zip((1, 2, 6, 5, 4, 3), weeks, strict=True):  # W06 claimed before W05
        await store.claim_recap(GENERAL, week, last_day=FRIDAY, at=AT - timedelta(days=days))
    for week, status in zip(
        weeks[2:],
        (RecapStatus.POSTED, RecapStatus.EMPTY, RecapStatus.FAILED, RecapStatus.UNKNOWN),
        strict=True,
    ):
        await store.finish_recap(GENERAL, week, status, at=AT)
    await store.finish_recap(GENERAL, "2026-W06", RecapStatus.POSTING)

    unfinished = await store.unfinished_recaps()

    assert [(record.week, record.status) for record in unfinished] == [
        ("2026-W06", RecapStatus.POSTING),
        ("2026-W05", RecapStatus.CLAIMED),
    ]


async def test_a_posted_recap_keeps_its_message_and_when_it_went_out(
    store: Store, database_url: str
) -> None:
    await store.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT)
    await store.claim_recap(RANDOM, WEEK, last_day=FRIDAY, at=AT)
    later = AT + timedelta(minutes=2)

    await store.finish_recap(GENERAL, WEEK, RecapStatus.POSTED, message_id="1700.1", at=later)

    assert await _row(database_url, GENERAL, WEEK) == {
        "channel_key": GENERAL.key,
        "week": WEEK,
        "last_day": FRIDAY,
        "status": "posted",
        "message_id": "1700.1",
        "claimed_at": AT,
        "finished_at": later,
    }
    assert (await _row(database_url, RANDOM, WEEK))["status"] == "claimed"


async def test_a_recap_finished_without_a_time_has_none(store: Store, database_url: str) -> None:
    await store.claim_recap(GENERAL, WEEK, last_day=FRIDAY, at=AT)

    await store.finish_recap(GENERAL, WEEK, RecapStatus.EMPTY)

    row = await _row(database_url, GENERAL, WEEK)
    assert (row["status"], row["message_id"], row["finished_at"]) == ("empty", None, None)
