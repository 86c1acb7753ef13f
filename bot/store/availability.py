"""Whether the database can keep what the bot is given.

- `StoreUnavailable` is the one error the store raises when the database cannot be read or
  written right now: a full disk, a read-only or failing disk, a SQLite file deleted or
  replaced under the running bot, a PostgreSQL server that does not answer. Its message is
  the cause in one line, for a log line or a health report.
- `is_unavailable` tells such a failure from a bug or a value the database refused.
- `SqliteFile` watches the SQLite file at the configured path: still the file the store
  opened, with room on its disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc

MIN_FREE_BYTES = 1 << 20
"""Below this much free space on the SQLite file's disk, the database counts as full."""

UNAVAILABLE_SQLSTATES = ("08", "25006", "53", "57", "58")
"""PostgreSQL error classes of a database that cannot work now: connection exceptions,
a read-only transaction, insufficient resources (a full disk), operator intervention
(shutting down), system errors (I/O)."""


class StoreUnavailable(Exception):
    """The database cannot be read or written right now; the message says why in one line."""


class DatabaseFileGone(StoreUnavailable):
    """The SQLite file the store opened is no longer at its path (deleted or replaced)."""


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database itself cannot work now, rather than a bug in a
    statement or a value it refused: SQLite's OperationalError (disk full, disk I/O error,
    read-only, locked past the busy timeout, file gone), a lost connection, the PostgreSQL
    error classes in UNAVAILABLE_SQLSTATES, or an OS-level failure to connect."""
    if isinstance(error, StoreUnavailable | exc.OperationalError | exc.InterfaceError):
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    return isinstance(error, OSError)


def brief(error: BaseException) -> str:
    """An error as one short, printable line: the driver's message without the SQL."""
    cause = (
        error.orig if isinstance(error, exc.StatementError) and error.orig is not None else error
    )
    lines = str(cause).strip().splitlines()
    line = f"{type(cause).__name__}: {lines[0] if lines else ''}"[:200]
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True, slots=True)
class _Identity:
    device: int
    inode: int


class SqliteFile:
    """The SQLite file at the configured path, as the store opened it.

    Deleting or replacing the file under a running bot leaves its open connections writing
    into a file no path reaches any more, and a restart then starts from an empty database;
    `check` notices, so the store refuses to write and the health check says why.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity = self._current()

    def _current(self) -> _Identity | None:
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return _Identity(found.st_dev, found.st_ino)

    def check(self) -> None:
        """Raise StoreUnavailable when the file is gone from its path or is another file."""
        current = self._current()
        if self._identity is None:
            self._identity = current
            return
        if current is None:
            raise DatabaseFileGone(
                f"the database file {self.path} was deleted while the bot was running"
            )
        if current != self._identity:
            raise DatabaseFileGone(
                f"the database file {self.path} was replaced while the bot was running"
            )

    def check_room(self) -> None:
        """Raise StoreUnavailable when the file's disk has less than MIN_FREE_BYTES free
        (for this user: root may use the blocks a file system reserves)."""
        stats = os.statvfs(self.path.parent)
        blocks = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail
        free = blocks * stats.f_frsize
        if free < MIN_FREE_BYTES:
            raise StoreUnavailable(
                f"the disk holding the database file {self.path} is full ({free // 1024} KiB free)"
            )
