"""A local Discord, a recording core, and the Discord adapter connected between them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import discord
import pytest

from adapters.discord import DiscordAdapter
from bot.models import (
    ChannelRef,
    Command,
    Digest,
    DigestItem,
    Layout,
    Reply,
    ReplyKind,
    Vote,
)
from tests.fakes.discord import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord
from tests.fakes.items import make_item as shared_item

CHANNEL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID))
WAIT_SECONDS = 5


@dataclass(frozen=True)
class Clear:
    """A `clear_votes` call: every vote on a message, or only those with `emoji`."""

    channel: ChannelRef
    message_id: str
    emoji: str | None


class RecordingCore:
    """The core as the adapter sees it: records what comes in, answers with `reply`.

    `applied` holds votes and clears (`Clear`) in the order they reached the core, so
    `standing()` can tell which votes are left, as the store would. `vote_delays` makes the
    next votes take that long to apply (a slow database write), one delay per vote.
    """

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.votes: list[Vote] = []
        self.clears: list[Clear] = []
        self.applied: list[Vote | Clear] = []
        self.removed_workspaces: list[tuple[str, str, str]] = []
        self.reply = Reply(ReplyKind.TEXT, "Done.")
        self.suggestions = [("2606.13392", "MiniMax Sparse Attention")]
        self.suggest_prefixes: list[str] = []
        self.delay = 0.0
        self.vote_delays: list[float] = []
        self._changed = asyncio.Condition()

    async def wait_for(self, condition: Callable[[], object]) -> None:
        """Wait until `condition()` holds (gateway events are handled asynchronously)."""
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(condition)

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def handle_command(self, command: Command) -> Reply:
        self.commands.append(command)
        await self._changed_now()
        await asyncio.sleep(self.delay)
        return self.reply

    async def record_vote(self, vote: Vote) -> bool:
        if self.vote_delays:
            await asyncio.sleep(self.vote_delays.pop(0))
        self.votes.append(vote)
        self.applied.append(vote)
        await self._changed_now()
        return True

    async def clear_votes(self, channel: ChannelRef, message_id: str, emoji: str | None) -> int:
        clear = Clear(channel, message_id, emoji)
        self.clears.append(clear)
        self.applied.append(clear)
        await self._changed_now()
        return 1

    def standing(self) -> set[tuple[str, str, str]]:
        """(message id, user id, emoji) of the votes left after everything applied, in order."""
        left: set[tuple[str, str, str]] = set()
        for change in self.applied:
            if isinstance(change, Clear):
                left = {
                    v for v in left if v[0] != change.message_id or change.emoji not in (None, v[2])
                }
            elif change.removed:
                left.discard((change.message_id, change.user_id, change.emoji))
            else:
                left.add((change.message_id, change.user_id, change.emoji))
        return left

    async def workspace_removed(self, platform: str, workspace: str, reason: str) -> int:
        self.removed_workspaces.append((platform, workspace, reason))
        await self._changed_now()
        return 1

    async def channel_removed(self, channel: ChannelRef, reason: str) -> None:
        raise AssertionError("the Discord adapter leaves pausing a channel to delivery")

    async def suggest_papers(self, channel: ChannelRef, prefix: str) -> list[tuple[str, str]]:
        self.suggest_prefixes.append(prefix)
        return self.suggestions

    @property
    def texts(self) -> list[str]:
        """The command texts received, in order."""
        return [command.text for command in self.commands]


@pytest.fixture(autouse=True)
def restore_discord_endpoints() -> Iterator[None]:
    """The adapter points discord.py's class-wide REST base and gateway at the fake: undo it."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """The local Discord, serving one guild with two text channels."""
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
def core() -> RecordingCore:
    """A core that records commands and votes."""
    return RecordingCore()


@pytest.fixture
async def connect(fake: FakeDiscord) -> AsyncIterator[Callable[..., Any]]:
    """Start adapters against the fake (keyword arguments go to DiscordAdapter); stop them after."""
    running: list[tuple[DiscordAdapter, asyncio.Task[None]]] = []

    async def start(core: Any, **options: Any) -> DiscordAdapter:
        options.setdefault("guild_ready_timeout", 0.05)
        adapter = DiscordAdapter(
            TOKEN, api_url=fake.api_url, gateway_url=fake.gateway_url, **options
        )
        task = asyncio.create_task(adapter.start(core))
        running.append((adapter, task))
        async with asyncio.timeout(5):
            await adapter.wait_until_connected()
        return adapter

    yield start
    for adapter, task in running:
        await adapter.stop()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def adapter(connect: Callable[..., Any], core: RecordingCore) -> DiscordAdapter:
    """The adapter, connected to the fake, in front of the recording core."""
    return await connect(core)


def make_item(rank: int = 1, **changes: Any) -> DigestItem:
    """A realistic digest item for paper 2606.1000N; keyword arguments override fields."""
    return shared_item(rank, **changes)


def make_digest(*items: DigestItem, layout: Layout = Layout.THREAD) -> Digest:
    """A digest for the fake's channel on Saturday 13 June 2026 (three items by default)."""
    return Digest(
        id=f"{CHANNEL.key}:2026-06-13",
        channel=CHANNEL,
        date=date(2026, 6, 13),
        timezone="Europe/Berlin",
        items=items or tuple(make_item(rank) for rank in (1, 2, 3)),
        layout=layout,
    )
