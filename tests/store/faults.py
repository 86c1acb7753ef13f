"""Helpers for store tests: inject a database failure into statements, count rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.tables import metadata

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def _failing(should_fail: Callable[[str], bool], message: str) -> Iterator[list[str]]:
    """Raise an OperationalError(`message`) for each statement `should_fail` picks, on every
    engine, until the block ends; yields the statements failed."""
    failed: list[str] = []

    def fail(
        _connection: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if should_fail(statement.lstrip().upper()):
            failed.append(statement)
            raise OperationalError(statement, parameters, Exception(message))

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


@contextmanager
def fail_once(statement_start: str, message: str = "database is locked") -> Iterator[list[str]]:
    """Make the next statement starting with `statement_start` fail as a busy or dropped
    database would (an OperationalError), on every engine; yields the statements failed.

    The failure happens inside the statement's transaction, after what ran before it.
    """
    start = statement_start.upper()
    matched: list[str] = []

    def first_match(statement: str) -> bool:
        if matched or not statement.startswith(start):
            return False
        matched.append(statement)
        return True

    with _failing(first_match, message) as failed:
        yield failed


@contextmanager
def failing_writes(message: str = "disk I/O error") -> Iterator[list[str]]:
    """Make every INSERT, UPDATE and DELETE fail as a full or read-only disk would, until
    the block ends; yields the statements failed."""
    with _failing(lambda statement: statement.startswith(WRITES), message) as failed:
        yield failed


async def row_count(database_url: str, table: str) -> int:
    """How many rows `table` holds, read over a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            statement = select(func.count()).select_from(metadata.tables[table])
            return (await connection.execute(statement)).scalar_one()
    finally:
        await engine.dispose()
