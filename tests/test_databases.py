"""The test databases on PostgreSQL: a killed session's database is dropped by the next
session to start, and a database whose session still runs is never touched."""

from __future__ import annotations

import asyncpg
from sqlalchemy import URL, make_url

from tests.databases import (
    CONFIGURED_POSTGRES_URL,
    PREFIX,
    SessionDatabase,
    asyncpg_dsn,
    drop_leftovers,
    postgres_url,
)

__all__ = ["postgres_url"]


async def database_names(server: URL) -> set[str]:
    """The names of the server's test databases."""
    connection = await asyncpg.connect(asyncpg_dsn(server))
    try:
        rows = await connection.fetch(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", PREFIX
        )
    finally:
        await connection.close()
    return {row["datname"] for row in rows}


async def kill_connection(server: URL, pid: int) -> None:
    """End a server connection as a killed process would (the server sees it go)."""
    connection = await asyncpg.connect(asyncpg_dsn(server))
    try:
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


async def test_a_killed_sessions_database_is_dropped_and_a_live_ones_is_kept(
    postgres_url: URL,
) -> None:
    assert CONFIGURED_POSTGRES_URL is not None
    server = make_url(CONFIGURED_POSTGRES_URL)
    live, killed = SessionDatabase(server), SessionDatabase(server)
    live.open()
    killed.open()
    try:
        await kill_connection(server, killed.keeper_pid)
        assert {live.name, killed.name, postgres_url.database} <= await database_names(server)

        await drop_leftovers(server)

        names = await database_names(server)
        assert killed.name not in names
        assert {live.name, postgres_url.database} <= names
    finally:
        live.close()
        killed.close()
    assert live.name not in await database_names(server)


async def test_a_database_of_another_name_is_never_dropped(postgres_url: URL) -> None:
    assert CONFIGURED_POSTGRES_URL is not None
    server = make_url(CONFIGURED_POSTGRES_URL)
    other = f"{PREFIX}keep_me"
    connection = await asyncpg.connect(asyncpg_dsn(server))
    try:
        await connection.execute(f'CREATE DATABASE "{other}"')
        try:
            assert other not in await drop_leftovers(server)
            assert other in await database_names(server)
        finally:
            await connection.execute(f'DROP DATABASE "{other}"')
    finally:
        await connection.close()
