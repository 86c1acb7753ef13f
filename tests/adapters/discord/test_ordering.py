"""KeyedLocks: handlers of one key run one at a time in the order they came; idle keys go."""

from __future__ import annotations

import asyncio

from adapters.discord.ordering import KeyedLocks


async def test_one_keys_holders_run_in_the_order_they_came_others_do_not_wait() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    finished: list[str] = []

    async def handle(key: str, name: str, seconds: float) -> None:
        async with locks.hold(key):
            await asyncio.sleep(seconds)
            finished.append(name)

    async with asyncio.TaskGroup() as group:
        group.create_task(handle("message", "slow first", 0.05))
        group.create_task(handle("message", "quick second", 0))
        group.create_task(handle("other message", "unrelated", 0))
        await asyncio.sleep(0)
        assert len(locks) == 2

    assert finished == ["unrelated", "slow first", "quick second"]
    assert len(locks) == 0, "idle keys are dropped"


async def test_a_failing_holder_releases_its_key() -> None:
    locks: KeyedLocks[int] = KeyedLocks()
    try:
        async with locks.hold(1):
            raise RuntimeError("core failed")
    except RuntimeError:
        pass
    async with asyncio.timeout(1), locks.hold(1):
        assert len(locks) == 1
    assert len(locks) == 0
