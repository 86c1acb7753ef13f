"""Work one replica does at a time: the fetch's lock, and migrations that wait their turn."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import URL

from bot.store import Store, open_store, upgrade_database
from tests.databases import run_autocommit


async def test_a_second_replica_does_not_get_the_fetch_while_the_first_holds_it(
    store: Store, database_url: str
) -> None:
    other = await open_store(database_url)
    try:
        async with store.exclusively("fetch") as first:
            async with other.exclusively("fetch") as second:
                held_elsewhere = second
            async with other.exclusively("recap") as unrelated:
                other_work = unrelated
        async with other.exclusively("fetch") as after:
            once_released = after
    finally:
        await other.close()

    postgres = database_url.startswith("postgresql")
    assert first is True
    assert held_elsewhere is (not postgres), "on SQLite the one process holds every lock"
    assert other_work is True
    assert once_released is True


@pytest.fixture
async def empty_postgres(postgres_url: URL) -> str:
    """The session's PostgreSQL database with a clean schema (replicas share PostgreSQL)."""
    await run_autocommit(postgres_url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    return postgres_url.render_as_string(hide_password=False)


async def test_replicas_that_start_at_once_migrate_one_after_the_other(
    empty_postgres: str,
) -> None:
    # Processes, as replicas are: Alembic's context is one per process.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=3, mp_context=spawn) as replicas:
        loop = asyncio.get_running_loop()
        upgrades = await asyncio.gather(
            *(loop.run_in_executor(replicas, upgrade_database, empty_postgres) for _ in range(3))
        )

    applied = sorted((upgrade.applied for upgrade in upgrades), key=len)
    assert applied[0] == applied[1] == ()
    assert applied[2][0] == "0001" and upgrade_database(empty_postgres).applied == ()
