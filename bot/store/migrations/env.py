"""Alembic's entry point: run the migrations online through the async engine.

Works for sqlite+aiosqlite and postgresql+asyncpg URLs alike: an async engine connects and
the migrations run inside `AsyncConnection.run_sync`. SQLite connections get the store's
own set-up (WAL, explicit BEGIN), so the whole upgrade commits once. On PostgreSQL the
upgrade holds an advisory lock for its transaction, so replicas that start at once migrate
one after the other. The URL comes from
`config.attributes` (set by `bot.store.migrate.alembic_config`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationInfo
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.dialect import configure_engine
from bot.store.locks import MIGRATION_LOCK
from bot.store.migrate import APPLIED_ATTRIBUTE, URL_ATTRIBUTE, include_object
from bot.store.tables import metadata


def _remember_applied(*, step: MigrationInfo, **_: Any) -> None:
    """Add each revision applied to the list `upgrade_database` reports (when it gave one)."""
    applied = context.config.attributes.get(APPLIED_ATTRIBUTE)
    if applied is not None and step.is_upgrade:
        applied.extend(step.up_revision_ids)


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        on_version_apply=[_remember_applied],
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # A replica starting while another migrates waits here, then finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def _run_async_migrations(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    configure_engine(engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; run them online")
asyncio.run(_run_async_migrations(context.config.attributes[URL_ATTRIBUTE]))
