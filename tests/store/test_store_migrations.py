"""The Alembic migrations: they build exactly `tables.py`, and re-running them is harmless."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import FollowKind
from bot.store import Store, upgrade_database
from bot.store.dialect import configure_engine
from bot.store.migrate import alembic_config, include_object
from bot.store.tables import metadata


async def _on_sync_connection(url: str, work: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"include_object": include_object})
    return compare_metadata(context, metadata)


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrated_schema_matches_the_tables(store: Store, database_url: str) -> None:
    assert await _on_sync_connection(database_url, _differences) == []


@pytest.mark.parametrize(
    ("name", "type_", "reflected", "compared"),
    [
        ("papers", "table", True, True),
        ("slack_installations", "table", True, False),
        ("papers_fts", "table", True, False),
        ("title", "column", True, True),
        ("search_vector", "column", True, False),
        ("ix_papers_search_vector", "index", True, False),
        ("search_vector", "column", False, True),
        ("ix_papers_search_vector", "index", False, True),
        ("search_vector", "unique_constraint", True, True),
    ],
)
def test_autogenerate_compares_the_stores_own_objects_only(
    name: str, type_: str, reflected: bool, compared: bool
) -> None:
    assert include_object(None, name, type_, reflected, None) is compared


async def test_upgrading_again_changes_nothing(store: Store, database_url: str) -> None:
    await asyncio.to_thread(upgrade_database, database_url)

    assert await _on_sync_connection(database_url, _differences) == []
    await store.ping()


async def test_downgrade_drops_every_table_and_upgrade_restores_them(
    store: Store, database_url: str
) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "base")
    assert await _on_sync_connection(database_url, _table_names) == {"alembic_version"}

    await asyncio.to_thread(upgrade_database, database_url)
    tables = await _on_sync_connection(database_url, _table_names)
    full_text = {table for table in tables if table.startswith("papers_fts")}
    assert tables - full_text == {*metadata.tables, "alembic_version"}
    assert ("papers_fts" in full_text) == database_url.startswith("sqlite")


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    configure_engine(engine)
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        await engine.dispose()

    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000}


async def test_upgrade_can_be_called_from_inside_an_event_loop(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"

    upgrade_database(url)

    assert await _on_sync_connection(url, _table_names) >= {*metadata.tables, "alembic_version"}


async def test_the_follows_migration_learns_the_names_of_papers_already_stored(
    store: Store, database_url: str
) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0002")
    rows = [
        ("2606.00001", '["Yann LeCun", "Lêng Zhāo"]', "NVIDIA"),
        ("2606.00002", '["Yann LeCun", 5]', None),
    ]

    def insert_papers(connection: Connection) -> None:
        for paper_id, authors, organization in rows:
            connection.execute(
                text(
                    "INSERT INTO papers (id, title, abstract, authors, organization, ai_keywords, "
                    "categories, sources, updated_at) VALUES (:id, 't', '', :authors, :org, "
                    "'[]', '[]', '[]', '2026-06-12 10:00:00')"
                ),
                {"id": paper_id, "authors": authors, "org": organization},
            )
        connection.commit()

    await _on_sync_connection(database_url, insert_papers)
    await asyncio.to_thread(upgrade_database, database_url)

    assert await store.known_names(FollowKind.AUTHOR, "Y. LeCun") == ["Yann LeCun"]
    assert await store.known_names(FollowKind.AUTHOR, "leng zhao") == ["Lêng Zhāo"]
    assert await store.known_names(FollowKind.ORG, "anything") == ["NVIDIA"]


async def test_the_search_words_migration_counts_the_words_of_papers_already_stored(
    store: Store, database_url: str
) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0005")
    rows = [
        ("2606.00001", "Sparse Attention", "Attention for long inputs.", '["Zoë Müller"]'),
        ("2606.00002", "Dense attention", "", '["Yann LeCun", 5]'),
    ]

    def insert_papers(connection: Connection) -> None:
        for paper_id, title, abstract, authors in rows:
            connection.execute(
                text(
                    "INSERT INTO papers (id, title, abstract, authors, ai_keywords, "
                    "categories, sources, updated_at) VALUES (:id, :title, :abstract, :authors, "
                    "'[]', '[]', '[]', '2026-06-12 10:00:00')"
                ),
                {"id": paper_id, "title": title, "abstract": abstract, "authors": authors},
            )
        connection.commit()

    await _on_sync_connection(database_url, insert_papers)
    await asyncio.to_thread(upgrade_database, database_url)

    assert await store.word_counts(["attention", "sparse", "muller", "lecun", "nothing"]) == {
        "attention": 2,
        "sparse": 1,
        "muller": 1,
        "lecun": 1,
    }
