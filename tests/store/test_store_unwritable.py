"""A SQLite database that cannot keep what it is given is noticed, not written around.

The disk conditions are real: a small tmpfs filled up, remounted read-only, and the file
deleted or replaced under the open store. Mounting needs root (as in CI); elsewhere the
tmpfs tests are skipped with the reason. On PostgreSQL, the database is made read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import URL

from bot.models import ChannelRef, Vote
from bot.pending_votes import HeldVote, PendingVotes
from bot.store import Store, StoreUnavailable, open_store, upgrade_database
from tests.databases import postgres_url, run_autocommit
from tests.fakes.papers import make_paper

__all__ = ["postgres_url"]

AT = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C1")
DISK_BYTES = 8 * 1024 * 1024


def _mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of its own, 8 MiB."""
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(folder))
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {error}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, timeout=30)


async def _open(folder: Path) -> Store:
    return await _open_url(f"sqlite+aiosqlite:///{folder / 'papers.db'}")


async def _open_url(url: str) -> Store:
    await asyncio.to_thread(upgrade_database, url)
    store = await open_store(url)
    await store.ping()
    return store


@pytest.fixture
async def store_on_disk(small_disk: Path) -> AsyncIterator[Store]:
    """A migrated store whose SQLite file is on the small disk."""
    store = await _open(small_disk)
    yield store
    await store.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated store on the ordinary temporary folder."""
    store = await _open(tmp_path)
    yield store
    await store.close()


def _fill(folder: Path) -> Path:
    """Fill the disk holding `folder` until it refuses more; returns the filler file."""
    filler = folder / "filler"
    block = b"\0" * 65536
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(block)
    return filler


def rescued_copies(folder: Path) -> list[Path]:
    """The rescued copies of `papers.db` in `folder`."""
    return sorted(folder.glob("papers.db.rescued-*"))


def _papers(count: int) -> list:
    return [
        make_paper(id=f"2606.{n:05d}", title=f"Paper {n}", abstract=uuid.uuid4().hex * 40)
        for n in range(count)
    ]


async def test_a_full_disk_fails_the_write_check_and_the_writes(
    store_on_disk: Store, small_disk: Path
) -> None:
    await store_on_disk.check_writable(at=AT)
    filler = _fill(small_disk)

    with pytest.raises(StoreUnavailable, match="full"):
        await store_on_disk.check_writable(at=AT)
    with pytest.raises(StoreUnavailable):
        await store_on_disk.upsert_papers(_papers(3000), at=AT)
    assert store_on_disk.write_failure is not None

    filler.unlink()
    await store_on_disk.check_writable(at=AT)
    assert await store_on_disk.upsert_papers(_papers(50), at=AT) == 50
    assert store_on_disk.write_failure is None


async def test_a_disk_turned_read_only_fails_the_write_check_and_the_writes(
    store_on_disk: Store, small_disk: Path
) -> None:
    await store_on_disk.update_channel(GENERAL, lambda s: replace(s, size=4))
    await store_on_disk.close()  # Linux remounts read-only only once no file is open to write
    _mount("-o", "remount,ro", str(small_disk))
    try:
        with pytest.raises(StoreUnavailable):
            await store_on_disk.check_writable(at=AT)
        with pytest.raises(StoreUnavailable):
            await store_on_disk.update_channel(GENERAL, lambda s: replace(s, size=6))
    finally:
        await store_on_disk.close()
        _mount("-o", "remount,rw", str(small_disk))

    stored = await store_on_disk.get_channel(GENERAL)
    assert stored is not None and stored.size == 4
    await store_on_disk.check_writable(at=AT)


async def test_held_votes_reach_the_spool_on_a_disk_that_just_filled_up(small_disk: Path) -> None:
    spool = small_disk / "papers.db.pending-votes"
    pending = PendingVotes(spool)
    _fill(small_disk)

    for n in range(200):
        pending.hold(HeldVote(Vote(GENERAL, f"m{n}", "U7", "+1", event_id=f"E{n}"), AT))
    pending.close()

    assert len(PendingVotes(spool)) == 200


async def test_a_deleted_database_file_is_noticed_and_never_written(
    store: Store, tmp_path: Path
) -> None:
    await store.update_channel(GENERAL, lambda s: replace(s, size=4))
    (tmp_path / "papers.db").unlink()

    with pytest.raises(StoreUnavailable, match="deleted"):
        await store.check_writable(at=AT)
    with pytest.raises(StoreUnavailable, match="deleted"):
        await store.update_channel(GENERAL, lambda s: replace(s, size=6))
    assert store.write_failure is not None and "deleted" in store.write_failure

    await store.close()  # new connections may not bring up an empty file at the path
    with pytest.raises(StoreUnavailable):
        await store.ping()
    assert not (tmp_path / "papers.db").exists()


async def test_the_data_of_a_deleted_database_file_is_saved_beside_it(
    store: Store, tmp_path: Path
) -> None:
    await store.update_channel(GENERAL, lambda s: replace(s, size=4, topics=("llm",)))
    (tmp_path / "papers.db").unlink()

    with pytest.raises(StoreUnavailable) as raised:
        await store.update_channel(GENERAL, lambda s: replace(s, size=6))

    [copy] = rescued_copies(tmp_path)
    assert f"its data was saved to {copy}" in str(raised.value)
    os.replace(copy, tmp_path / "papers.db")
    restored = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'papers.db'}")
    stored = await restored.get_channel(GENERAL)
    await restored.close()
    assert stored is not None and (stored.size, stored.topics) == (4, ("llm",))


async def test_a_replaced_database_file_is_noticed(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    await (await _open(other)).close()
    os.replace(other / "papers.db", tmp_path / "papers.db")

    with pytest.raises(StoreUnavailable, match="replaced"):
        await store.check_writable(at=AT)


async def test_a_postgresql_database_that_turned_read_only_fails_the_write_check(
    postgres_url: URL,
) -> None:
    url = postgres_url.render_as_string(hide_password=False)
    await run_autocommit(postgres_url, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public")
    store = await _open_url(url)
    read_only = f'ALTER DATABASE "{postgres_url.database}" SET default_transaction_read_only'
    await run_autocommit(postgres_url, f"{read_only} = on")
    await store.close()  # the setting reaches new sessions
    try:
        with pytest.raises(StoreUnavailable, match="read-only"):
            await store.check_writable(at=AT)
        with pytest.raises(StoreUnavailable):
            await store.update_channel(GENERAL, lambda s: replace(s, size=6))
    finally:
        await run_autocommit(
            postgres_url, "SET default_transaction_read_only = off", f"{read_only} = off"
        )
        await store.close()
    await store.check_writable(at=AT)
    await store.close()
