"""Wires the core's use cases to a real store, a fixed clock and a recording adapter.

The store is migrated SQLite, and PostgreSQL too when PAPERS_TEST_POSTGRES_URL is set
(`database_url`, tests/databases.py): every test that asks for `store` or `harness` runs
on both.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from bot.assembly import CoreParts, UseCases, build_delivery, build_parts, build_use_cases
from bot.composer import DigestComposer
from bot.delivery import Delivery
from bot.models import ChannelRef, Command, Reply
from bot.pending_votes import PendingVotes
from bot.ports import ChatAdapter
from bot.service import PapersService
from bot.store import Store, open_store, upgrade_database
from config.settings import Settings
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
    """The core's parts and use cases, built by `bot.assembly` as the app builds them, around
    one store, posting to a recording adapter; schedule changes are counted."""

    store: Store
    clock: Clock
    adapter: RecordingAdapter
    parts: CoreParts
    schedule_changes: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.use_cases = self.build_use_cases()

    @property
    def composer(self) -> DigestComposer:
        """The digest composer (and its taste learner)."""
        return self.parts.composer

    @property
    def delivery(self) -> Delivery:
        """The digest outbox."""
        return self.use_cases.delivery

    @property
    def service(self) -> PapersService:
        """The service the adapters see."""
        return self.use_cases.service

    def build_use_cases(self, *, pending: PendingVotes | None = None) -> UseCases:
        """Use cases over the harness's parts; `pending` holds the votes the database can't
        take, as `papers-bot run` has it."""
        return build_use_cases(
            self.parts,
            {"console": self.adapter},
            schedule_changed=self._record_schedule_change,
            pending=pending,
        )

    def delivery_through(
        self, adapters: Mapping[str, ChatAdapter], *, replica: str | None = None
    ) -> Delivery:
        """An outbox over the harness's parts posting through `adapters` (by platform), as
        the replica `replica` (default: this process)."""
        return build_delivery(self.parts, adapters, replica=replica)

    def delivery_with_a_crashing(self, platform: str) -> tuple[Delivery, RecordingAdapter]:
        """An outbox posting to the console as before and to `platform` through an adapter
        whose every post raises, like a process dying; both are returned."""
        crashing = RecordingAdapter(platform)
        crashing.crash_after = 0
        return self.delivery_through({"console": self.adapter, platform: crashing}), crashing

    async def run(self, text: str, *, channel: ChannelRef = GENERAL, manage: bool = True) -> Reply:
        """Run `/papers <text>` as user U1, and let what it started in the background (the
        posts of `digest now`) finish."""
        reply = await self.service.handle_command(Command(channel, "U1", text, can_manage=manage))
        await self.delivery.settle()
        return reply

    async def _record_schedule_change(self) -> None:
        self.schedule_changes.append(1)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated store on the database under test (SQLite, then PostgreSQL)."""
    await asyncio.to_thread(upgrade_database, database_url)
    opened = await open_store(database_url)
    yield opened
    await opened.close()


@pytest.fixture
async def harness(store: Store) -> Harness:
    """The core over the store, which holds five papers featured today."""
    return await build_harness(store)


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
    # Commands wait for every refit here, so what a test sees never depends on the
    # machine's speed; the bot itself answers after half a second at most.
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    parts = build_parts(settings, store, [], clock=clock, command_wait_seconds=60)
    return Harness(store, clock, RecordingAdapter(), parts)
