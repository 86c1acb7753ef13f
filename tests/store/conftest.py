"""Fixtures for the store tests: each test runs on SQLite and on PostgreSQL.

`database_url` (tests/databases.py) gives an empty database of each kind; the `store`
fixture migrates it with Alembic first, so the migrations are exercised on both databases.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.store import Store, open_store, upgrade_database
from tests.databases import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated, open store on the database under test."""
    await asyncio.to_thread(upgrade_database, database_url)
    opened = await open_store(database_url)
    yield opened
    await opened.close()
