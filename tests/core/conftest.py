"""Wires the core's use cases to a real SQLite store, a fixed clock and a recording adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.commands import Commands
from bot.composer import DigestComposer
from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.models import ChannelRef, Command, Reply
from bot.ranking.learner import TasteLearner
from bot.refresh import Refresher
from bot.service import PapersService
from bot.store import Store, open_store, upgrade_database
from bot.votes import DEFAULT_WEIGHTS, parse_weights
from tests.databases import database_url, postgres_url
from tests.fakes.chat import RecordingAdapter
from tests.fakes.papers import make_paper

__all__ = ["database_url", "postgres_url"]

NOW = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 13)
GENERAL = ChannelRef("console", "local", "general")


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    """The core's parts, as the app wires them, around one store."""

    store: Store
    clock: Clock
    composer: DigestComposer
    adapter: RecordingAdapter
    delivery: Delivery
    service: PapersService
    schedule_changes: list[int]

    async def run(self, text: str, *, channel: ChannelRef = GENERAL, manage: bool = True) -> Reply:
        """Run `/papers <text>` as user U1."""
        return await self.service.handle_command(Command(channel, "U1", text, can_manage=manage))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated SQLite store in a temporary folder."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await asyncio.to_thread(upgrade_database, url)
    opened = await open_store(url)
    yield opened
    await opened.close()


@pytest.fixture
async def harness(store: Store) -> Harness:
    """The core over a SQLite store holding five papers featured today."""
    return await build_harness(store)


@pytest.fixture
async def any_harness(database_url: str) -> AsyncIterator[Harness]:
    """The same core over SQLite, and over PostgreSQL when PAPERS_TEST_POSTGRES_URL is set."""
    await asyncio.to_thread(upgrade_database, database_url)
    opened = await open_store(database_url)
    yield await build_harness(opened)
    await opened.close()


async def build_harness(store: Store) -> Harness:
    """The core's parts wired around `store`, which gets five papers featured today."""
    clock = Clock(NOW)
    await store.upsert_papers(
        [
            make_paper(
                id=f"2606.0000{n}", title=f"Paper 2606.0000{n}", upvotes=n * 10, featured_on=TODAY
            )
            for n in range(1, 6)
        ],
        at=NOW,
    )
    adapter = RecordingAdapter()
    # Commands wait for every refit here, so what a test sees never depends on the
    # machine's speed; the bot itself answers after half a second at most.
    composer = DigestComposer(
        store, TasteLearner(store, half_life_days=60, command_wait_seconds=60, clock=clock)
    )
    metrics = Metrics()
    delivery = Delivery(store, composer, {"console": adapter}, metrics=metrics, clock=clock)
    changes: list[int] = []

    async def schedule_changed() -> None:
        changes.append(1)

    commands = Commands(
        store,
        composer,
        delivery,
        Refresher(store, [], metrics=metrics, clock=clock),
        [],
        schedule_changed=schedule_changed,
        clock=clock,
    )
    service = PapersService(
        store,
        commands,
        weights=parse_weights(DEFAULT_WEIGHTS),
        metrics=metrics,
        on_votes_changed=composer.learner.votes_changed,
        clock=clock,
    )
    return Harness(store, clock, composer, adapter, delivery, service, changes)
