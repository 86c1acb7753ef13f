"""Platform event claims and the health ping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.store import Store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_ping_answers(store: Store) -> None:
    await store.ping()


async def test_an_event_is_claimed_once(store: Store) -> None:
    assert await store.claim_event("slack", "Ev001", at=AT) is True
    assert await store.claim_event("slack", "Ev001", at=AT) is False


async def test_event_ids_are_per_platform(store: Store) -> None:
    assert await store.claim_event("slack", "42", at=AT) is True
    assert await store.claim_event("discord", "42", at=AT) is True


async def test_concurrent_redeliveries_are_handled_once(store: Store) -> None:
    results = await asyncio.gather(*(store.claim_event("slack", "Ev9", at=AT) for _ in range(8)))
    assert results.count(True) == 1
