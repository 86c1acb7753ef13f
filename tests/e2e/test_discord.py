"""`papers-bot run` with DISCORD_TOKEN: a server gets the digest and its reactions count."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.store import open_store
from tests.e2e.conftest import BotEnv, featured_on
from tests.e2e.test_run import stop
from tests.fakes import eventually
from tests.fakes.discord import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord, reaction, slash
from tests.fakes.upstream import FakeUpstream

MESSAGES = rf"/channels/{CHANNEL_ID}/messages"


def thread_items(server: FakeDiscord) -> list[dict]:
    """The paper messages the bot posted in a thread (not the channel, not an answer)."""
    return [
        message
        for message in server.messages.values()
        if message["nonce"] and message["channel_id"] != str(CHANNEL_ID)
    ]


@pytest.fixture
async def discord_server() -> AsyncIterator[FakeDiscord]:
    """A local Discord with one server and its #papers channel."""
    async with FakeDiscord() as fake:
        yield fake


async def test_a_discord_server_gets_the_digest_and_its_votes_count(
    bot_env: BotEnv, upstream: FakeUpstream, discord_server: FakeDiscord
) -> None:
    today = datetime.now(UTC).date()
    upstream.daily[today.isoformat()] = featured_on(today)
    await bot_env.run("fetch", "--date", today.isoformat(), "--source", "hf")
    bot_env.env.update(
        DISCORD_TOKEN=TOKEN,
        PAPERS_DISCORD_API_URL=discord_server.api_url,
        PAPERS_DISCORD_GATEWAY_URL=discord_server.gateway_url,
        PAPERS_DISCORD_GUILD_IDS=str(GUILD_ID),
    )
    process = await bot_env.start("run")
    try:
        async with asyncio.timeout(30):
            await eventually(lambda: discord_server.calls_to("PUT", ".*/commands"), seconds=20)
            # The commands are registered before the gateway connects: an interaction sent
            # before the bot has identified would reach nobody.
            await eventually(lambda: discord_server.identifies, seconds=20)
            await discord_server.dispatch("INTERACTION_CREATE", slash("digest", "now"))
            header = (await discord_server.wait_for_calls("POST", MESSAGES))[0]
            await eventually(lambda: len(thread_items(discord_server)) >= 5, seconds=20)
            item = thread_items(discord_server)[0]
            await discord_server.dispatch(
                "MESSAGE_REACTION_ADD", reaction("🔥", item["id"], channel_id=item["channel_id"])
            )
            await eventually(lambda: _fire_counted(bot_env), seconds=20)
    finally:
        code, _, err = await stop(process)

    assert code == 0, err
    assert discord_server.identifies[0]["intents"] == 1025
    assert header.body["allowed_mentions"] == {"parse": []}
    assert item["nonce"] and item["channel_id"] != str(CHANNEL_ID)
    store = await open_store(bot_env.database_url)
    tallies = await store.vote_tallies("discord", str(GUILD_ID))
    await store.close()
    assert [tally.weight for tally in tallies.values()] == [2], err[-3000:]


async def _fire_counted(bot_env: BotEnv) -> bool:
    """Whether the running bot has stored the 🔥 (read over a connection of the test's own)."""
    store = await open_store(bot_env.database_url)
    try:
        tallies = await store.vote_tallies("discord", str(GUILD_ID))
    finally:
        await store.close()
    return [tally.weight for tally in tallies.values()] == [2]
