"""SQLite and PostgreSQL for the tests that run on both: `database_url` is an empty database.

SQLite gets a fresh file under `tmp_path`. PostgreSQL runs only when
PAPERS_TEST_POSTGRES_URL names a reachable server (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/papers_test); each test session (each
pytest-xdist worker is one) then creates a private database `papers_test_<12 hex>` beside
it, and every test starts from an empty `public` schema. A conftest imports the fixtures to
use them.

A session's database is dropped when the session ends, and also when a later session
starts after this one was killed: the owner holds a PostgreSQL advisory lock keyed on the
database's name, on a connection kept open for the whole session, and takes it before
creating the database. The server lets go of the lock when that connection goes, however
the process ended. At start-up a session drops every `papers_test_<12 hex>` database
whose lock nobody holds (pg_locks shows the locks of the whole server, whatever database
the owner connected to), and never one whose owner is still running.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ENV = "PAPERS_TEST_POSTGRES_URL"
CONFIGURED_POSTGRES_URL = os.environ.get(POSTGRES_ENV) or None
"""The test server, read once at import: tests clear PAPERS_* variables from os.environ."""
PREFIX = "papers_test_"
"""Every database the tests create is named PREFIX + 12 hex digits."""
SESSION_DATABASE = re.compile(rf"^{PREFIX}[0-9a-f]{{12}}$")
LOCK_NAMESPACE = 0x70617073
"""First key of the two-key advisory lock that claims a test database (b'paps')."""

only_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For a test of SQLite's own behaviour (its file, its rescue copy): no PostgreSQL case."""

no_database_part = only_sqlite
"""For a test the database plays no part in (a refused argument or setting, the version, the
invite link): one case is enough, so it runs on SQLite only."""

T = TypeVar("T")


async def run_autocommit(url: URL, *statements: str) -> None:
    """Run statements outside any transaction (CREATE DATABASE and the like)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def asyncpg_dsn(url: URL) -> str:
    """The SQLAlchemy URL as a DSN asyncpg reads."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def drop_leftovers(server: URL) -> list[str]:
    """Drop every test database whose owning session is gone; return their names.

    A database is left alone while any connection to the server holds its advisory lock,
    so one in use by a live session (in this run, in a parallel worker or in another
    checkout's run) is never touched.
    """
    connection = await asyncpg.connect(asyncpg_dsn(server))
    try:
        rows = await connection.fetch(
            """
            SELECT datname FROM pg_database
            WHERE starts_with(datname, $1) AND NOT EXISTS (
                SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND objsubid = 2
                  AND classid = $2::bigint::oid AND objid = hashtext(datname)::oid
            )
            """,
            PREFIX,
            LOCK_NAMESPACE,
        )
        dropped = []
        for name in (row["datname"] for row in rows if SESSION_DATABASE.match(row["datname"])):
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except asyncpg.PostgresError:
                continue  # another session is dropping it too; whoever comes next retries
            dropped.append(name)
        return dropped
    finally:
        await connection.close()


class SessionDatabase:
    """A private PostgreSQL database for one test session, claimed by an advisory lock.

    `open()` takes the lock (on a connection to the configured server database that stays
    open until `close()`), drops the leftovers of dead sessions, then creates the database;
    `close()` drops it and lets the lock go. The connection lives on an event loop of its
    own in a daemon thread, because each test runs on a loop of its own.
    """

    def __init__(self, server: URL) -> None:
        self.server = server
        self.name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        self.url = server.set(database=self.name)
        self.dropped_leftovers: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"lock {self.name}", daemon=True
        )
        self._keeper: asyncpg.Connection | None = None

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the keeper's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    @property
    def keeper_pid(self) -> int:
        """The server process of the connection holding the lock."""
        assert self._keeper is not None
        return self._keeper.get_server_pid()

    def open(self) -> URL:
        """Claim the name, clean up after dead sessions and create the database."""
        self._thread.start()
        self._call(self._open())
        return self.url

    async def _open(self) -> None:
        self._keeper = await asyncpg.connect(asyncpg_dsn(self.server))
        await self._keeper.execute(
            "SELECT pg_advisory_lock($1, hashtext($2))", LOCK_NAMESPACE, self.name
        )
        self.dropped_leftovers = await drop_leftovers(self.server)
        await self._keeper.execute(f'CREATE DATABASE "{self.name}"')

    def close(self) -> None:
        """Drop the database, release the lock and stop the keeper's loop."""
        try:
            self._call(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    async def _close(self) -> None:
        if self._keeper is None:
            return
        try:
            await self._keeper.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError, OSError):
            pass  # the connection was lost, and the lock with it: the next session drops it
        finally:
            await self._keeper.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[URL]:
    """A private PostgreSQL database for this test session, dropped at the end."""
    if not CONFIGURED_POSTGRES_URL:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    database = SessionDatabase(make_url(CONFIGURED_POSTGRES_URL))
    try:
        yield database.open()
    finally:
        database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL database with a clean schema."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    url: URL = request.getfixturevalue("postgres_url")
    await run_autocommit(url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    return url.render_as_string(hide_password=False)
