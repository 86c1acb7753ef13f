"""Connecting: login, IDENTIFY with only the intended intents, the command group's sync, stop;
a refused token waits for stop, and a Discord that fails is retried without taking the bot down.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import MutableMapping
from typing import Any

import discord
import pytest
from pydantic import SecretStr
from structlog.testing import capture_logs

from adapters.discord import DiscordAdapter, build_discord_adapter
from adapters.discord import adapter as adapter_module
from adapters.discord.adapter import apply_endpoints
from config.settings import Settings
from tests.adapters.discord.conftest import RecordingCore
from tests.fakes import eventually
from tests.fakes.discord import (
    APPLICATION_ID,
    CLOSE_AUTHENTICATION_FAILED,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    Fault,
    reaction,
)

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGE_REACTIONS = 1 << 10
MESSAGE_CONTENT = 1 << 15
CHANGING = {"subscribe", "unsubscribe", "set", "topics", "exclude", "digest"}


def subcommands(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in command["options"]}


async def test_login_reads_the_bot_and_its_application_then_identifies(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    assert [c.path for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert fake.calls[0].headers["Authorization"] == "Bot fake-token"
    assert adapter.client.application_id == APPLICATION_ID
    assert [guild.id for guild in adapter.client.guilds] == [GUILD_ID]


async def test_identify_asks_for_guilds_and_guild_reactions_only(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    (identify,) = fake.identifies
    assert identify["intents"] == GUILDS | GUILD_MESSAGE_REACTIONS
    for privileged in (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT):
        assert not identify["intents"] & privileged


async def test_the_papers_group_is_synced_globally_with_every_subcommand(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    (sync,) = fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/commands")
    (papers,) = sync.body
    assert papers["name"] == "papers"
    assert papers["contexts"] == [0], "guild channels only"
    assert set(subcommands(papers)) == {
        "help", "today", "top", "search", "more", "paper", "why", "similar", "subscribe",
        "unsubscribe",
        "settings", "taste", "set", "topics", "exclude", "follow", "unfollow", "following",
        "digest",
    }  # fmt: skip
    assert not fake.calls_to("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_the_group_uses_discord_option_types(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    (sync,) = fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/commands")
    options = subcommands(sync.body[0])
    size = subcommands(options["set"])["size"]["options"][0]
    assert (size["type"], size["min_value"], size["max_value"]) == (4, 1, 10)
    period = options["top"]["options"][0]
    assert [choice["value"] for choice in period["choices"]] == ["day", "week", "month"]
    layout = subcommands(options["set"])["layout"]["options"][0]
    assert [choice["value"] for choice in layout["choices"]] == ["thread", "channel"]
    subscribe = {o["name"]: o for o in options["subscribe"]["options"]}
    assert subscribe["timezone"]["autocomplete"] is True
    assert options["paper"]["options"][0]["autocomplete"] is True
    assert subcommands(options["digest"])["now"]["type"] == 1


async def test_reading_subcommands_stay_open_to_every_member(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    # Discord takes default permissions on a top-level command only; the changing
    # subcommands check Manage Channels when they run (see test_commands.py).
    (sync,) = fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/commands")
    assert sync.body[0]["default_member_permissions"] is None
    assert set(subcommands(sync.body[0])) > CHANGING


async def test_development_guilds_get_the_group_at_once_instead_of_globally(
    connect: Any, core: RecordingCore, fake: FakeDiscord
) -> None:
    await connect(core, guild_ids=(GUILD_ID,))
    (sync,) = fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
    assert [command["name"] for command in sync.body] == ["papers"]
    assert not fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/commands")


async def test_the_settings_point_discord_py_at_the_configured_addresses() -> None:
    apply_endpoints("http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gateway")
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"


async def test_stop_closes_the_client_and_start_returns(
    fake: FakeDiscord, core: RecordingCore
) -> None:
    adapter = DiscordAdapter(
        "fake-token", api_url=fake.api_url, gateway_url=fake.gateway_url, guild_ready_timeout=0.05
    )
    running = asyncio.create_task(adapter.start(core))
    async with asyncio.timeout(5):
        await adapter.wait_until_connected()
    await adapter.stop()
    await asyncio.wait_for(running, 5)
    assert adapter.client.is_closed()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry a failed connection after 10 ms instead of a second."""
    monkeypatch.setattr(adapter_module, "RETRY_FIRST_SECONDS", 0.01)


async def logged(logs: list[MutableMapping[str, Any]], event: str, *, times: int = 1) -> None:
    """Wait until `event` was logged `times` times (5 s at most; logs give no signal to await)."""
    count = lambda: sum(entry["event"] == event for entry in logs)  # noqa: E731
    await eventually(lambda: count() >= times, what=f"{event} logged {times} times")


async def test_a_refused_token_logs_once_then_waits_for_stop(
    fake: FakeDiscord, core: RecordingCore, quick_retries: None
) -> None:
    adapter = DiscordAdapter("wrong-token", api_url=fake.api_url, gateway_url=fake.gateway_url)
    with capture_logs() as logs:
        running = asyncio.create_task(adapter.start(core))
        await logged(logs, "discord_token_refused")
        await asyncio.sleep(0.1)  # ten retry delays: a retry loop would show by now
        assert not running.done(), "start() must not return: the app would stop every adapter"
        await adapter.stop()
        await asyncio.wait_for(running, 5)

    assert len(fake.calls_to("GET", "/users/@me")) == 1
    assert not fake.identifies
    assert [entry["event"] for entry in logs] == ["discord_token_refused"]
    assert logs[0]["log_level"] == "error"
    assert "DISCORD_TOKEN" in logs[0]["hint"]
    assert "wrong-token" not in str(logs)
    assert adapter.client.is_closed()


@pytest.mark.parametrize("code", [4013, 4014])
async def test_a_gateway_refusing_the_intents_is_said_once_not_retried(
    fake: FakeDiscord, core: RecordingCore, quick_retries: None, code: int
) -> None:
    fake.close_gateway_on_identify(code)
    adapter = DiscordAdapter(TOKEN, api_url=fake.api_url, gateway_url=fake.gateway_url)
    with capture_logs() as logs:
        running = asyncio.create_task(adapter.start(core))
        await logged(logs, "discord_setup_refused")
        await asyncio.sleep(0.1)
        await adapter.stop()
        await asyncio.wait_for(running, 5)

    assert len(fake.identifies) == 1
    assert [entry["event"] for entry in logs] == ["discord_setup_refused"]


async def test_a_gateway_closing_with_4004_is_a_refused_token(
    fake: FakeDiscord, core: RecordingCore, quick_retries: None
) -> None:
    fake.close_gateway_on_identify(CLOSE_AUTHENTICATION_FAILED)
    adapter = DiscordAdapter(TOKEN, api_url=fake.api_url, gateway_url=fake.gateway_url)
    with capture_logs() as logs:
        running = asyncio.create_task(adapter.start(core))
        await logged(logs, "discord_token_refused")
        await asyncio.sleep(0.1)
        assert not running.done()
        await adapter.stop()
        await asyncio.wait_for(running, 5)

    assert len(fake.identifies) == 1, "a refused token is not retried"
    assert [entry["event"] for entry in logs] == ["discord_token_refused"]


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (until a test starts the fake there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def adapter_at(port: int) -> DiscordAdapter:
    return DiscordAdapter(
        TOKEN,
        api_url=f"http://127.0.0.1:{port}/api/v10",
        gateway_url=f"ws://127.0.0.1:{port}/gateway",
        guild_ready_timeout=0.05,
    )


async def test_an_unreachable_discord_is_retried_until_it_answers(
    core: RecordingCore, quick_retries: None
) -> None:
    port = closed_port()
    adapter = adapter_at(port)
    with capture_logs() as logs:
        running = asyncio.create_task(adapter.start(core))
        try:
            await logged(logs, "discord_connection_failed", times=3)
            async with FakeDiscord(port=port) as late:
                async with asyncio.timeout(5):
                    await adapter.wait_until_connected()
                assert late.identifies
                await adapter.stop()
                await asyncio.wait_for(running, 5)
        finally:
            running.cancel()

    failures = [entry for entry in logs if entry["event"] == "discord_connection_failed"]
    assert {entry["log_level"] for entry in failures} == {"warning"}
    assert {entry["error"] for entry in failures} == {"ClientConnectorError"}
    assert [entry["retry_in"] for entry in failures[:3]] == [0.01, 0.02, 0.04]


async def test_stop_cuts_the_pause_before_the_next_attempt_short(core: RecordingCore) -> None:
    adapter = adapter_at(closed_port())
    with capture_logs() as logs:
        running = asyncio.create_task(adapter.start(core))
        await logged(logs, "discord_connection_failed")
        assert logs[-1]["retry_in"] == 1.0
        async with asyncio.timeout(0.5):
            await adapter.stop()
            await running


async def test_a_server_error_at_login_is_retried(
    fake: FakeDiscord, core: RecordingCore, quick_retries: None, connect: Any
) -> None:
    fake.add_fault(Fault("GET", "/users/@me", 503, {"message": "upstream connect error"}))
    with capture_logs() as logs:
        await connect(core)

    assert len(fake.calls_to("GET", "/users/@me")) == 2
    (failure,) = [entry for entry in logs if entry["event"] == "discord_connection_failed"]
    assert failure["error"] == "DiscordServerError"


async def test_a_malformed_gateway_event_reconnects_instead_of_ending_start(
    fake: FakeDiscord, core: RecordingCore, quick_retries: None, connect: Any
) -> None:
    await connect(core)
    with capture_logs() as logs:
        await fake.dispatch("MESSAGE_REACTION_ADD", {"message_id": "1"})  # no emoji: KeyError
        await fake.wait_until(lambda: len(fake.identifies) == 2)
        await fake.dispatch("MESSAGE_REACTION_ADD", reaction("👍", 1_400_000_000_000_000_001))
        await core.wait_for(lambda: core.votes)

    (failure,) = [entry for entry in logs if entry["event"] == "discord_connection_failed"]
    assert failure["error"] == "KeyError"
    assert "exc_info" in failure, "not a network failure: the operator gets the traceback"
    assert len(fake.calls_to("PUT", rf"/applications/{APPLICATION_ID}/commands")) == 1


async def test_failing_soon_after_connecting_keeps_backing_off_until_it_held(
    fake: FakeDiscord,
    core: RecordingCore,
    quick_retries: None,
    connect: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(adapter_module, "HELD_SECONDS", 0.2)
    adapter = await connect(core)
    with capture_logs() as logs:
        for identifies in (2, 3):
            await fake.dispatch("MESSAGE_REACTION_ADD", {"message_id": "1"})
            await fake.wait_until(lambda n=identifies: len(fake.identifies) == n)
            await adapter.wait_until_connected()
        await asyncio.sleep(0.25)  # connected for longer than HELD_SECONDS
        await fake.dispatch("MESSAGE_REACTION_ADD", {"message_id": "1"})
        await fake.wait_until(lambda: len(fake.identifies) == 4)

    failures = [entry for entry in logs if entry["event"] == "discord_connection_failed"]
    assert [entry["retry_in"] for entry in failures] == [0.01, 0.02, 0.01]


async def test_more_than_one_shard_identifies_each_shard(
    fake: FakeDiscord, core: RecordingCore
) -> None:
    adapter = DiscordAdapter(
        "fake-token",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        shard_count=2,
        guild_ready_timeout=0.05,
    )
    assert isinstance(adapter.client, discord.AutoShardedClient)

    async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between identifies, as Discord asks; the fake needs no wait."""

    adapter.client.before_identify_hook = identify_at_once  # type: ignore[method-assign]
    running = asyncio.create_task(adapter.start(core))
    try:
        async with asyncio.timeout(5):
            await adapter.wait_until_connected()
        assert sorted(identify["shard"] for identify in fake.identifies) == [[0, 2], [1, 2]]
    finally:
        await adapter.stop()
        await asyncio.wait_for(running, 5)


def test_no_token_means_no_discord_adapter() -> None:
    assert build_discord_adapter(Settings(_env_file=None)) is None  # type: ignore[call-arg]


def test_the_factory_reads_every_discord_setting() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        discord_token=SecretStr("abc"),
        discord_guild_ids=(1, 2),
        discord_api_url="http://127.0.0.1:1/api/v10",
        discord_gateway_url="ws://127.0.0.1:1/gateway",
        discord_shard_count=1,
    )
    adapter = build_discord_adapter(settings)
    assert isinstance(adapter, DiscordAdapter)
    assert adapter.platform == "discord"
    assert not isinstance(adapter.client, discord.AutoShardedClient)
