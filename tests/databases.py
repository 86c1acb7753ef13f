"""SQLite and PostgreSQL for the tests that run on both: `database_url` is an empty database.

SQLite gets a fresh file under `tmp_path`. PostgreSQL runs only when
PAPERS_TEST_POSTGRES_URL names a reachable server (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/papers_test); the session then creates a
private database beside it, so parallel runs do not collide, and every test starts from an
empty `public` schema. A conftest imports the fixtures to use them.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ENV = "PAPERS_TEST_POSTGRES_URL"


async def run_autocommit(url: URL, *statements: str) -> None:
    """Run statements outside any transaction (CREATE DATABASE and the like)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _admin(url: URL, *statements: str) -> None:
    """Run statements outside any transaction, on a loop of their own in a worker thread."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, run_autocommit(url, *statements)).result()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    """A private PostgreSQL database for this test session, dropped at the end."""
    configured = os.environ.get(POSTGRES_ENV)
    if not configured:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    server = make_url(configured)
    private = server.set(database=f"{server.database or 'papers_test'}_{uuid.uuid4().hex[:8]}")
    _admin(server, f'CREATE DATABASE "{private.database}"')
    yield private
    _admin(server, f'DROP DATABASE IF EXISTS "{private.database}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL database with a clean schema."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'papers.db'}"
    url: URL = request.getfixturevalue("postgres_url")
    await run_autocommit(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    return url.render_as_string(hide_password=False)
