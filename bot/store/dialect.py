"""Everything that differs between SQLite and PostgreSQL, kept in one module.

- connection set-up for SQLite (WAL, foreign keys, busy timeout, `BEGIN IMMEDIATE` for
  transactions that write, so a read-then-write never fails half-way on a stale snapshot);
- insert-or-ignore and upsert statements (`ON CONFLICT`), which each dialect builds with
  its own `insert` construct;
- telling a value the database refused (a data error) from a failing database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import Insert

WRITE_OPTION = "papers_bot_write"
"""Execution option marking a connection whose transaction writes (see `configure_engine`)."""

SQLITE_BUSY_TIMEOUT_MS = 10_000


def configure_engine(engine: AsyncEngine) -> None:
    """Install the per-dialect connection set-up; only SQLite needs any.

    SQLite: write-ahead logging so readers do not block the writer, foreign keys on, a busy
    timeout so concurrent writers wait instead of failing, and explicit transactions: the
    driver's own implicit BEGIN is turned off, and a connection carrying `WRITE_OPTION`
    starts with `BEGIN IMMEDIATE`, taking the write lock up front (waiting for it within the
    busy timeout) rather than failing when a read is later upgraded to a write.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def insert_statement(table: Table, dialect_name: str) -> Any:
    """The dialect's own INSERT for `table`, which can say what to do ON CONFLICT."""
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    raise ValueError(f"unsupported database dialect {dialect_name!r}")


def insert_ignore(table: Table, dialect_name: str) -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING` against any unique constraint of `table`.

    The result's rowcount tells whether the row went in: 1 claimed, 0 already there.
    """
    return insert_statement(table, dialect_name).on_conflict_do_nothing()


def upsert(
    table: Table, dialect_name: str, *, keys: Sequence[str], update: Iterable[str]
) -> Insert:
    """`INSERT ... ON CONFLICT (keys) DO UPDATE` setting `update` columns to the new values."""
    statement = insert_statement(table, dialect_name)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: statement.excluded[name] for name in update},
    )


def is_data_error(error: BaseException) -> bool:
    """Whether `error` is a value the database or its driver refused, not a failing database.

    Such an error belongs to the rows of the statement (a number too big for its column, a
    date out of range, text PostgreSQL will not take), so writing the other rows one by one
    can still succeed; an OperationalError (locked, disconnected) and the like cannot. The
    values are refused in different places: PostgreSQL answers SQLSTATE class 22 ("data
    exception"), asyncpg refuses an argument with its own DataError (also class 22), and
    sqlite3 or a column type's bind processing raises OverflowError or ValueError
    (UnicodeEncodeError included), raw or wrapped in a StatementError.
    """
    if isinstance(error, exc.DataError):
        return True
    if isinstance(error, exc.DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return isinstance(sqlstate, str) and sqlstate.startswith("22")
    if isinstance(error, exc.StatementError):
        return isinstance(error.orig, ValueError | OverflowError)
    return isinstance(error, ValueError | OverflowError)
