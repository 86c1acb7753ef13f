"""Socket Mode against a fake websocket: slack_sdk's aiohttp client asks the fake Web API
for a URL (apps.connections.open), is greeted with `hello`, and acknowledges each envelope."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest
import structlog
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from adapters.slack import SlackAdapter, build_slack_adapter, connection
from bot.models import ChannelRef, Command
from tests.adapters.slack.conftest import RecordingCore, slack_settings
from tests.fakes import eventually
from tests.fakes.slack import APP_TOKEN, FakeSlack, event_callback, reaction, slash_command


@pytest.fixture
def unreachable_url() -> str:
    """A Slack Web API address on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/"


@pytest.fixture
async def socket_adapter(
    fake_slack: FakeSlack,
) -> AsyncIterator[tuple[SlackAdapter, RecordingCore]]:
    """The adapter in Socket Mode only (no signing secret), connected to the fake."""
    settings = slack_settings(fake_slack, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=APP_TOKEN)
    adapter = build_slack_adapter(settings)
    assert adapter is not None
    core = RecordingCore()
    running = asyncio.create_task(adapter.start(core))
    await fake_slack.wait_for_socket()
    yield adapter, core
    await adapter.stop()
    await running


async def test_socket_mode_opens_its_connection_with_the_app_token(
    fake_slack: FakeSlack, socket_adapter: tuple[SlackAdapter, RecordingCore]
) -> None:
    adapter, _core = socket_adapter

    calls = fake_slack.calls_to("apps.connections.open")
    assert len(calls) == 2  # the token check, then the connection itself
    assert all(call.token == APP_TOKEN for call in calls)
    assert adapter.web_routes() == []


async def test_a_slash_command_envelope_is_acked_and_answered(
    fake_slack: FakeSlack, socket_adapter: tuple[SlackAdapter, RecordingCore]
) -> None:
    _adapter, core = socket_adapter
    body = slash_command("top week", response_url=fake_slack.response_url("socket"))
    payload = dict(parse_qsl(body))

    await fake_slack.send_envelope(
        {
            "envelope_id": "env-command",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": payload,
        }
    )

    ack = await fake_slack.wait_for_ack("env-command")
    assert ack.get("payload") in (None, {})
    await fake_slack.wait_until(lambda: bool(fake_slack.responses_to("socket")))
    assert core.commands == [Command(ChannelRef("slack", "T1", "C1"), "U1", "top week")]


async def test_a_reaction_envelope_is_acked_and_becomes_a_vote(
    fake_slack: FakeSlack, socket_adapter: tuple[SlackAdapter, RecordingCore]
) -> None:
    _adapter, core = socket_adapter
    event = json.loads(event_callback(reaction("thumbsup", ts="1700000009.000009"), event_id="EvS"))

    await fake_slack.send_envelope(
        {
            "envelope_id": "env-reaction",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": event,
        }
    )

    await fake_slack.wait_for_ack("env-reaction")
    await eventually(lambda: bool(core.votes))
    assert (core.votes[0].emoji, core.votes[0].message_id, core.votes[0].event_id) == (
        "+1",
        "1700000009.000009",
        "EvS",
    )


async def test_a_refused_app_token_is_said_once_not_retried_forever(fake_slack: FakeSlack) -> None:
    settings = slack_settings(fake_slack, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN="xapp-1-bad")
    adapter = build_slack_adapter(settings)
    assert adapter is not None

    with structlog.testing.capture_logs() as logs:
        running = asyncio.create_task(adapter.start(RecordingCore()))
        refused = lambda: [e for e in logs if e["event"] == "slack_app_token_refused"]  # noqa: E731
        await eventually(refused, what="the refusal being logged")
        await eventually(lambda: not connecting(), what="the Socket Mode connection giving up")
        assert not running.done(), "start() must wait for stop(): the bot keeps its other parts"
        await adapter.stop()
        await running

    assert len(fake_slack.calls_to("apps.connections.open")) == 1
    assert len(refused()) == 1 and refused()[0]["error"] == "invalid_auth"
    assert "xapp-1-bad" not in str(logs)


def connecting() -> list[asyncio.Task[object]]:
    """The Socket Mode connection's tasks still at work (asking for a URL, or connected)."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "SlackAdapter._connect"
    ]


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reconnection pauses in hundredths of a second, so a test sees several."""
    monkeypatch.setattr(connection, "RETRY_FIRST_SECONDS", 0.01)


def quick_library_retries(adapter: SlackAdapter) -> None:
    """slack_sdk's own retry of a call that could not connect after 10 ms, not ~1 s."""
    for handler in adapter.app.client.retry_handlers:
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.01)


@pytest.mark.usefixtures("quick_retries")
async def test_without_network_each_retry_is_one_line_and_the_pauses_grow(
    fake_slack: FakeSlack, unreachable_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = slack_settings(
        fake_slack,
        SLACK_SIGNING_SECRET=None,
        SLACK_APP_TOKEN=APP_TOKEN,
        slack_api_url=unreachable_url,
    )
    adapter = build_slack_adapter(settings)
    assert adapter is not None
    quick_library_retries(adapter)

    with structlog.testing.capture_logs() as logs:
        running = asyncio.create_task(adapter.start(RecordingCore()))
        failures = lambda: [e for e in logs if e["event"] == "slack_connection_failed"]  # noqa: E731
        await eventually(lambda: len(failures()) >= 3, seconds=20)
        await adapter.stop()
        async with asyncio.timeout(5):
            await running

    assert [entry["retry_in"] for entry in failures()[:3]] == [0.01, 0.02, 0.04]
    assert {entry["error"] for entry in failures()} == {"ClientConnectorError"}
    assert [record for record in caplog.records if record.exc_info] == []


async def test_a_connection_lost_later_is_retried_in_one_line_each_time(
    fake_slack: FakeSlack,
    socket_adapter: tuple[SlackAdapter, RecordingCore],
    caplog: pytest.LogCaptureFixture,
    quick_retries: None,
) -> None:
    adapter, _core = socket_adapter
    quick_library_retries(adapter)
    with structlog.testing.capture_logs() as logs:
        await fake_slack.close()  # Slack, or the network, goes away
        await eventually(
            lambda: sum(e["event"] == "slack_connection_failed" for e in logs) >= 2, seconds=30
        )

    assert [record for record in caplog.records if record.exc_info] == []
