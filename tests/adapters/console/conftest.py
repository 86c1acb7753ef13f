"""Builders shared by the console adapter tests: a channel, digest items and a digest, and
the real core over a store (`harness`, from tests/core: SQLite, and PostgreSQL when
PAPERS_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.models import ChannelRef, Digest, DigestItem
from tests.core.conftest import database_url, harness, postgres_url, store
from tests.fakes.items import make_item as shared_item

__all__ = ["database_url", "harness", "postgres_url", "store"]

CHANNEL = ChannelRef("console", "local", "general")

MakeItem = Callable[..., DigestItem]


def make_item(rank: int = 1, **changes: Any) -> DigestItem:
    """A realistic digest item for paper 2401.0000N; keyword arguments override fields."""
    defaults: dict[str, Any] = {"keywords": ("a", "b", "c"), "thumbnail": None}
    return shared_item(rank, id_prefix="2401.0000", **{**defaults, **changes})


@pytest.fixture
def item_factory() -> MakeItem:
    """`make_item` as a fixture, so each test module can build its own items."""
    return make_item


@pytest.fixture
def digest() -> Digest:
    """Three picks for console:local:general on Tuesday 3 December 2024."""
    return Digest(
        id="console:local:general:2024-12-03",
        channel=CHANNEL,
        date=date(2024, 12, 3),
        timezone="Europe/Berlin",
        items=tuple(make_item(rank) for rank in (1, 2, 3)),
    )
