"""How values cross into SQL: UTC-aware datetimes, compact JSON, ids in bind-sized chunks
and channel keys."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from bot.models import ChannelRef

CHUNK_SIZE = 500
"""Ids per statement when reading or writing many papers; well under every bind limit."""


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; ValueError for a naive datetime, whose zone the store never guesses."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; pass a UTC-aware one")
    return moment.astimezone(UTC)


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """`items` in slices of at most CHUNK_SIZE, one statement's worth each."""
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def json_dumps(value: object) -> str:
    """Compact JSON that keeps non-ASCII text as it is: the engine's serializer for JSON columns."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ref_from_key(key: str) -> ChannelRef:
    """The channel a stored `platform:workspace:channel` key names."""
    platform, workspace, channel = key.split(":", 2)
    return ChannelRef(platform, workspace, channel)
