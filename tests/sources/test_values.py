"""The shared helpers that keep upstream values storable: text, counts, timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.sources import values


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("  Attention\n is\tall ", "Attention is all"),
        ("Bad \x00 title", "Bad title"),
        ("Bad\x00title", "Badtitle"),
        ("Bad \ud800 title", "Bad title"),
        ("pair \ud83d\ude00 split", "pair split"),
        ("emoji 😀 and 李雷 stay", "emoji 😀 and 李雷 stay"),
        ("\x00\udfff \n", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_text_drops_what_no_database_takes(raw: object, kept: str | None) -> None:
    assert values.text(raw) == kept
    if kept is not None:
        kept.encode("utf-8")  # encodable, so every driver takes it


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (0, 0),
        (42, 42),
        (2**31 - 1, 2**31 - 1),
        (2**31, None),
        (3_000_000_000, None),
        (10**20, None),
        (-1, None),
        (True, None),
        (5.0, None),
        ("5", None),
        (None, None),
    ],
)
def test_counts_fit_a_32_bit_column_or_are_empty(raw: object, kept: int | None) -> None:
    assert values.count(raw) == kept


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("2026-05-30T00:00:00.000Z", datetime(2026, 5, 30, tzinfo=UTC)),
        ("2026-05-30T01:00:00", datetime(2026, 5, 30, 1, tzinfo=UTC)),
        (
            "2026-05-30T01:00:00+05:00",
            datetime(2026, 5, 30, 1, tzinfo=timezone(timedelta(hours=5))),
        ),
        ("1991-08-14T00:00:00Z", datetime(1991, 8, 14, tzinfo=UTC)),
        ("0001-01-01T00:00:00+05:00", None),  # its UTC instant is before year 1
        ("9999-12-31T23:00:00-05:00", None),  # its UTC instant is after year 9999
        ("0001-01-01T00:00:00Z", None),
        ("1989-12-31T23:59:59Z", None),
        ("2101-01-01T00:00:00Z", None),
        ("last Tuesday", None),
        (20260530, None),
        (None, None),
    ],
)
def test_timestamps_are_kept_only_when_their_utc_instant_is_plausible(
    raw: object, kept: datetime | None
) -> None:
    parsed = values.timestamp(raw)

    assert parsed == kept
    if kept is not None:
        assert parsed is not None and parsed.tzinfo == kept.tzinfo


def test_utc_day_of_an_unrepresentable_instant_is_unknown() -> None:
    east = timezone(timedelta(hours=5))

    assert values.utc_day(datetime(1, 1, 1, tzinfo=east)) is None
    assert values.utc_day(datetime(2026, 6, 13, 2, tzinfo=east)) == date(2026, 6, 12)
    assert values.utc_day(None) is None
