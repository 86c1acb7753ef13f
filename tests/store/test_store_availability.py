"""Telling a database that cannot work now from a bug, in one printable line.

`is_unavailable` decides which failures become StoreUnavailable (the bot keeps running and
says why) and which stay errors (a bug, or a value the database refused); `brief` is the
line an operator reads; `SqliteFile` notices the file deleted, replaced or out of room.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import exc

from bot.store.availability import (
    DatabaseFileGone,
    SqliteFile,
    StoreUnavailable,
    brief,
    is_unavailable,
)


class PgError(Exception):
    """A driver error carrying a PostgreSQL SQLSTATE, as asyncpg (`sqlstate`) or psycopg
    (`pgcode`) raise them."""

    def __init__(self, sqlstate: object = None, *, pgcode: object = None) -> None:
        super().__init__("pg")
        self.sqlstate = sqlstate
        self.pgcode = pgcode


def _dbapi(orig: BaseException, *, invalidated: bool = False) -> exc.DBAPIError:
    return exc.DBAPIError("SELECT 1", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    "error",
    [
        StoreUnavailable("the disk is full"),
        DatabaseFileGone("the database file was deleted"),
        exc.OperationalError("INSERT", {}, Exception("database or disk is full")),
        exc.InterfaceError("SELECT", {}, Exception("connection is closed")),
        _dbapi(Exception("server closed the connection"), invalidated=True),
        _dbapi(PgError("08006")),  # connection failure
        _dbapi(PgError("25006")),  # read-only SQL transaction
        _dbapi(PgError("53100")),  # disk full
        _dbapi(PgError("57P01")),  # admin shutdown
        _dbapi(PgError("58030")),  # I/O error
        _dbapi(PgError(pgcode="08001")),  # psycopg names it pgcode
        ConnectionRefusedError("connection refused"),
        OSError("no route to host"),
    ],
    ids=lambda error: type(error).__name__ + ":" + str(getattr(error, "orig", error))[:30],
)
def test_a_database_that_cannot_work_now_is_unavailable(error: BaseException) -> None:
    assert is_unavailable(error) is True


@pytest.mark.parametrize(
    "error",
    [
        _dbapi(PgError("23505")),  # unique violation: a bug
        _dbapi(PgError("25001")),  # active SQL transaction: same class as read-only, not it
        _dbapi(PgError("22021")),  # a value the database refused
        _dbapi(PgError(None)),
        _dbapi(PgError(8006)),  # not a SQLSTATE string
        exc.DataError("INSERT", {}, Exception("value too long")),
        exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
        RuntimeError("a bug"),
        ValueError("bad value"),
    ],
    ids=lambda error: type(error).__name__ + ":" + str(getattr(error, "orig", error))[:30],
)
def test_a_bug_or_a_refused_value_is_not_unavailable(error: BaseException) -> None:
    assert is_unavailable(error) is False


def test_sqlstate_is_read_before_pgcode() -> None:
    assert is_unavailable(_dbapi(PgError("08006", pgcode="23505"))) is True
    assert is_unavailable(_dbapi(PgError("23505", pgcode="08006"))) is False


def test_brief_gives_the_drivers_message_without_the_statement() -> None:
    error = exc.OperationalError(
        "INSERT INTO papers (id) VALUES (?)", {"id": 1}, Exception("database is locked")
    )

    assert brief(error) == "Exception: database is locked"


def test_brief_keeps_the_first_line_of_a_message() -> None:
    error = RuntimeError("  disk I/O error\nDETAIL: the second line\n")

    assert brief(error) == "RuntimeError: disk I/O error"


def test_brief_of_an_error_without_a_message_names_its_type() -> None:
    assert brief(OSError()) == "OSError: "


def test_brief_of_a_statement_error_without_a_driver_error_is_its_own_message() -> None:
    error = exc.StatementError("a bind parameter is missing", "SELECT :x", {}, None)

    assert brief(error) == "StatementError: a bind parameter is missing"


def test_brief_is_at_most_200_characters() -> None:
    line = brief(RuntimeError("x" * 500))

    assert line == "RuntimeError: " + "x" * 186
    assert len(line) == 200


def test_brief_escapes_what_cannot_be_printed() -> None:
    assert brief(RuntimeError("lone \ud800 surrogate")) == "RuntimeError: lone \\ud800 surrogate"


def test_a_file_deleted_under_the_store_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "papers.db"
    path.write_bytes(b"")
    file = SqliteFile(path)
    file.check()

    path.unlink()

    with pytest.raises(DatabaseFileGone, match=f"^the database file {path} was deleted while"):
        file.check()


def test_a_file_replaced_under_the_store_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "papers.db"
    path.write_bytes(b"")
    file = SqliteFile(path)
    other = tmp_path / "other.db"
    other.write_bytes(b"")

    os.replace(other, path)

    with pytest.raises(DatabaseFileGone, match=f"^the database file {path} was replaced while"):
        file.check()


def test_a_file_on_another_disk_with_the_same_inode_number_is_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "papers.db"
    path.write_bytes(b"")
    file = SqliteFile(path)
    real = os.stat

    def on_another_disk(target: os.PathLike[str] | str) -> os.stat_result:
        found = list(real(target))
        found[2] += 1  # st_dev: the same inode number (st_ino) on another device
        return os.stat_result(found)

    monkeypatch.setattr(os, "stat", on_another_disk)

    with pytest.raises(DatabaseFileGone, match="replaced"):
        file.check()


def test_a_file_not_there_yet_is_watched_once_it_is_created(tmp_path: Path) -> None:
    path = tmp_path / "papers.db"
    file = SqliteFile(path)
    file.check()  # still not there: nothing to compare with yet

    path.write_bytes(b"")
    file.check()  # now the file the store opened
    file.check()

    path.unlink()
    with pytest.raises(DatabaseFileGone, match="deleted"):
        file.check()


def _disk(monkeypatch: pytest.MonkeyPatch, *, free: int, available: int, root: bool) -> None:
    """Make the file system report `free` blocks of 4 KiB (`available` of them to users)."""
    real = os.statvfs

    def statvfs(path: os.PathLike[str] | str) -> os.statvfs_result:
        stats = list(real(path))
        stats[1] = 4096  # f_frsize
        stats[3], stats[4] = free, available  # f_bfree, f_bavail
        return os.statvfs_result(stats)

    monkeypatch.setattr(os, "statvfs", statvfs)
    monkeypatch.setattr(os, "geteuid", lambda: 0 if root else 1000)


def test_a_disk_with_a_mebibyte_free_has_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk(monkeypatch, free=256, available=256, root=False)  # 256 blocks of 4 KiB: 1 MiB

    SqliteFile(tmp_path / "papers.db").check_room()


def test_a_disk_with_less_than_a_mebibyte_free_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "papers.db"
    _disk(monkeypatch, free=255, available=255, root=False)

    with pytest.raises(StoreUnavailable) as raised:
        SqliteFile(path).check_room()

    assert str(raised.value) == f"the disk holding the database file {path} is full (1020 KiB free)"


def test_root_may_use_the_blocks_reserved_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk(monkeypatch, free=1000, available=10, root=True)
    SqliteFile(tmp_path / "papers.db").check_room()

    _disk(monkeypatch, free=1000, available=10, root=False)
    with pytest.raises(StoreUnavailable, match=r"full \(40 KiB free\)"):
        SqliteFile(tmp_path / "papers.db").check_room()

    _disk(monkeypatch, free=10, available=1000, root=True)
    with pytest.raises(StoreUnavailable, match=r"full \(40 KiB free\)"):
        SqliteFile(tmp_path / "papers.db").check_room()
