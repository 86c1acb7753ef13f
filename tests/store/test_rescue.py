"""Where the rescued copy of a SQLite file replaced under the bot goes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.store.rescue import rescue_path


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone set to Asia/Tokyo (UTC+9) for the test."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_copy_sits_beside_the_file_named_by_the_utc_moment() -> None:
    berlin = timezone(timedelta(hours=1))
    at = datetime(2026, 3, 2, 1, 30, 5, tzinfo=berlin)

    copy = rescue_path(Path("/var/lib/papers/papers.db"), at)

    assert copy == Path("/var/lib/papers/papers.db.rescued-20260302T003005Z")


@pytest.mark.usefixtures("machine_in_tokyo")
def test_the_copys_name_is_in_utc_whatever_the_machines_zone() -> None:
    at = datetime(2026, 3, 2, 23, 59, 0, tzinfo=UTC)

    assert rescue_path(Path("papers.db"), at).name == "papers.db.rescued-20260302T235900Z"
