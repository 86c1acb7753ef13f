"""The store's connections: the write check's heartbeat, and a failing write told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import Paper
from bot.store import Store, StoreUnavailable
from bot.store.tables import heartbeat
from tests.store.faults import failing_writes

AT = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)


async def test_the_write_check_rewrites_one_heartbeat_row(store: Store, database_url: str) -> None:
    await store.check_writable(at=AT)
    await store.check_writable(at=AT + timedelta(minutes=1))

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(select(heartbeat))).all()
    finally:
        await engine.dispose()
    assert [(row.id, row.beat_at) for row in rows] == [(1, AT + timedelta(minutes=1))]


async def test_a_failing_write_is_told_in_one_short_line_until_a_write_succeeds(
    store: Store,
) -> None:
    with structlog.testing.capture_logs() as logs:
        with failing_writes("disk I/O error"):
            for n in range(2):
                with pytest.raises(StoreUnavailable) as refused:
                    await store.upsert_papers([Paper(id=f"p{n}", title="Robots")], at=AT)
                assert str(refused.value) == "Exception: disk I/O error"
        assert store.write_failure == "Exception: disk I/O error"
        await store.upsert_papers([Paper(id="p2", title="Robots")], at=AT)

    told = [(log["event"], log["log_level"]) for log in logs if log["event"].startswith("database")]
    assert told == [("database_write_failed", "warning"), ("database_writable_again", "info")]
    failed = next(log for log in logs if log["event"] == "database_write_failed")
    assert failed["error"] == "Exception: disk I/O error"
    assert store.write_failure is None
