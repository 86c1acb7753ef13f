"""Builders shared by the console adapter tests: a channel, digest items and a digest."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.models import ChannelRef, Digest, DigestItem, PaperLinks

CHANNEL = ChannelRef("console", "local", "general")

MakeItem = Callable[..., DigestItem]


def make_item(rank: int = 1, **changes: Any) -> DigestItem:
    """A realistic digest item for paper 2401.0000N; keyword arguments override fields."""
    paper_id = f"2401.0000{rank}"
    item = DigestItem(
        rank=rank,
        paper_id=paper_id,
        title=f"Paper number {rank}",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        more_authors=True,
        summary="A short summary of what the paper does.",
        links=PaperLinks(
            hf=f"https://huggingface.co/papers/{paper_id}",
            arxiv=f"https://arxiv.org/abs/{paper_id}",
            pdf=f"https://arxiv.org/pdf/{paper_id}",
            code="https://github.com/example/repo",
        ),
        upvotes=312,
        stars=45,
        keywords=("a", "b", "c"),
        organization="Example Lab",
        climbing=True,
    )
    return dataclasses.replace(item, **changes)


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
