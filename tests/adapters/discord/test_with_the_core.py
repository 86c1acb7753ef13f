"""The real core (SQLite store, outbox, service) behind the Discord adapter and the local Discord.

`/papers digest now` posts a header, its thread and one message per paper; reactions on
those messages are votes in the store, and they move the ranking.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.adapter import DiscordAdapter
from bot.assembly import build_parts, build_use_cases
from bot.models import Command, Reply, Vote, VoteOutcome
from bot.service import PapersService
from bot.store import Store, open_store, upgrade_database
from config.settings import Settings
from tests.adapters.discord.conftest import CHANNEL
from tests.fakes import eventually
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    reaction,
    reaction_clear,
    slash,
)
from tests.fakes.papers import make_paper

NOW = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 13)
PAPER_IDS = [f"2606.0000{n}" for n in range(1, 6)]


class VoteSignals:
    """The real service, telling the test each time a vote has been applied."""

    def __init__(self, service: PapersService) -> None:
        self._service = service
        self.applied: asyncio.Queue[bool] = asyncio.Queue()

    async def handle_command(self, command: Command) -> Reply:
        return await self._service.handle_command(command)

    async def record_vote(self, vote: Vote) -> VoteOutcome:
        counted = await self._service.record_vote(vote)
        await self.applied.put(bool(counted))
        return counted

    async def clear_votes(self, channel: Any, message_id: str, emoji: str | None) -> int:
        cleared = await self._service.clear_votes(channel, message_id, emoji)
        await self.applied.put(cleared > 0)
        return cleared

    async def workspace_removed(self, platform: str, workspace: str, reason: str) -> int:
        return await self._service.workspace_removed(platform, workspace, reason)

    async def channel_removed(self, channel: Any, reason: str) -> None:
        await self._service.channel_removed(channel, reason)

    async def suggest_papers(self, channel: Any, prefix: str) -> list[tuple[str, str]]:
        return await self._service.suggest_papers(channel, prefix)

    async def next_vote(self) -> bool:
        """Whether the next reaction the adapter handed over was counted."""
        return await asyncio.wait_for(self.applied.get(), 5)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated SQLite store holding five papers featured today (10 to 50 upvotes)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await asyncio.to_thread(upgrade_database, url)
    opened = await open_store(url)
    await opened.upsert_papers(
        [
            make_paper(id=paper_id, title=f"Paper {paper_id}", upvotes=n * 10, featured_on=TODAY)
            for n, paper_id in enumerate(PAPER_IDS, start=1)
        ],
        at=NOW,
    )
    yield opened
    await opened.close()


@pytest.fixture
async def wired(
    store: Store, fake: FakeDiscord, connect: Callable[..., Any]
) -> tuple[DiscordAdapter, VoteSignals]:
    """The core as bot/app.py wires it, with the Discord adapter as its only platform."""
    adapter_slot: dict[str, DiscordAdapter] = {}

    def clock() -> datetime:
        return NOW

    async def schedule_changed() -> None:
        """No scheduler here."""

    parts = build_parts(Settings(_env_file=None), store, [], clock=clock)  # type: ignore[call-arg]
    use_cases = build_use_cases(parts, adapter_slot, schedule_changed=schedule_changed)
    core = VoteSignals(use_cases.service)
    adapter_slot["discord"] = await connect(core)
    return adapter_slot["discord"], core


async def run(fake: FakeDiscord, *path: str, **options: Any) -> dict[str, Any]:
    """Run `/papers <path>` as a channel manager through the gateway; the answer's data."""
    interaction = slash(*path, options=options)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    return await fake.answer_to(interaction)


async def digest_now(fake: FakeDiscord) -> dict[str, Any]:
    """Run `/papers digest now`; once it answered and its header and papers were posted (in
    the background, after the answer), the answer's data."""
    answer = await run(fake, "digest", "now")
    await eventually(
        lambda: len(fake.calls_to("POST", r"/channels/\d+/messages")) == 1 + len(PAPER_IDS),
        what="the header and every paper posted",
    )
    return answer


async def test_digest_now_posts_a_header_a_thread_and_the_papers(
    wired: tuple[DiscordAdapter, VoteSignals], fake: FakeDiscord, store: Store
) -> None:
    answer = await digest_now(fake)

    assert answer["content"] == "Posting today's digest in this channel now."
    (header,) = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert header.body["embeds"][0]["title"] == "📰 Papers for Saturday 13 June 2026"
    header_id = next(int(i) for i, m in fake.messages.items() if m["nonce"] == header.body["nonce"])
    assert fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages/{header_id}/threads")
    items = fake.calls_to("POST", rf"/channels/{header_id}/messages")
    assert [call.body["embeds"][0]["title"] for call in items] == [
        f"{rank}. Paper {paper_id}" for rank, paper_id in enumerate(reversed(PAPER_IDS), start=1)
    ]
    assert await store.find_post(CHANNEL, str(header_id)) is not None

    again = await run(fake, "digest", "now")
    assert again["content"] == "Today's digest was already posted here; it never posts twice."
    assert len(fake.calls_to("POST", r"/channels/\d+/messages")) == 6


async def test_reactions_are_votes_that_move_the_ranking(
    wired: tuple[DiscordAdapter, VoteSignals], fake: FakeDiscord, store: Store
) -> None:
    _, core = wired
    await digest_now(fake)
    posts = [m for m in fake.messages.values() if m["embeds"]]
    header, *_, last = posts
    thread_id = last["channel_id"]
    assert last["embeds"][0]["title"] == "5. Paper 2606.00001"

    await fake.dispatch("MESSAGE_REACTION_ADD", reaction("🔥", last["id"], channel_id=thread_id))
    assert await core.next_vote() is True
    other = reaction("👍", last["id"], channel_id=thread_id, user_id=USER_ID + 1)
    await fake.dispatch("MESSAGE_REACTION_ADD", other)
    assert await core.next_vote() is True
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction("2️⃣", header["id"]))
    assert await core.next_vote() is True

    tallies = await store.vote_tallies("discord", str(GUILD_ID))
    assert (tallies["2606.00001"].weight, tallies["2606.00001"].voters) == (3, 2)
    assert tallies["2606.00004"].weight == 1, "2️⃣ on the header votes for the second paper"

    top = await run(fake, "top")
    listing = top["embeds"][0]["description"]
    assert "team votes +3" in listing

    removal = reaction("🔥", last["id"], channel_id=thread_id)
    del removal["member"]
    await fake.dispatch("MESSAGE_REACTION_REMOVE", removal)
    assert await core.next_vote() is True
    tallies = await store.vote_tallies("discord", str(GUILD_ID))
    assert tallies["2606.00001"].weight == 1


async def test_a_reaction_on_someone_elses_message_changes_nothing(
    wired: tuple[DiscordAdapter, VoteSignals], fake: FakeDiscord, store: Store
) -> None:
    _, core = wired
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction("👍", 1_500_000_000_000_000_001))
    assert await core.next_vote() is False
    assert await store.vote_tallies("discord", str(GUILD_ID)) == {}


async def test_clearing_reactions_takes_their_votes_back(
    wired: tuple[DiscordAdapter, VoteSignals], fake: FakeDiscord, store: Store
) -> None:
    _, core = wired
    await digest_now(fake)
    *_, last = [m for m in fake.messages.values() if m["embeds"]]
    thread_id = last["channel_id"]
    for emoji, user in (("🔥", USER_ID), ("👍", USER_ID + 1), ("🔥", USER_ID + 2)):
        payload = reaction(emoji, last["id"], channel_id=thread_id, user_id=user)
        await fake.dispatch("MESSAGE_REACTION_ADD", payload)
        assert await core.next_vote() is True
    tallies = await store.vote_tallies("discord", str(GUILD_ID))
    assert (tallies["2606.00001"].weight, tallies["2606.00001"].voters) == (5, 3)

    clear_fire = reaction_clear(last["id"], channel_id=thread_id, emoji="🔥")
    await fake.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", clear_fire)
    assert await core.next_vote() is True
    tallies = await store.vote_tallies("discord", str(GUILD_ID))
    assert (tallies["2606.00001"].weight, tallies["2606.00001"].voters) == (1, 1)

    await fake.dispatch(
        "MESSAGE_REACTION_REMOVE_ALL", reaction_clear(last["id"], channel_id=thread_id)
    )
    assert await core.next_vote() is True
    assert await store.vote_tallies("discord", str(GUILD_ID)) == {}
