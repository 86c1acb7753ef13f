"""Shared set-up for the Slack adapter tests: the fake Slack, a recording core, and the
adapter served in HTTP mode on the bot's real HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
import structlog.testing

from adapters.slack import SlackAdapter, build_slack_adapter
from bot.http_server import HealthReport, HttpServer
from bot.metrics import Metrics
from bot.models import (
    ChannelRef,
    Command,
    Digest,
    DigestItem,
    Reply,
    ReplyKind,
    Vote,
)
from config.settings import Settings
from tests.fakes.items import make_item as shared_item
from tests.fakes.slack import (
    SIGNING_SECRET,
    FakeSlack,
    Workspace,
    event_callback,
    signed_headers,
    slash_command,
)

T1 = Workspace("T1", "xoxb-t1-token")
CHANNEL = ChannelRef("slack", "T1", "C1")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def make_item(rank: int = 1, **changes: Any) -> DigestItem:
    """A realistic digest item for paper 2606.1000N; keyword arguments override fields."""
    defaults: dict[str, Any] = {
        "title": f"Sparse attention, part {rank}",
        "keywords": ("sparse attention", "GQA"),
    }
    return shared_item(rank, **{**defaults, **changes})


def make_digest(*items: DigestItem, channel: ChannelRef = CHANNEL) -> Digest:
    """A digest for `channel` on Friday 12 June 2026 (three items when none are given)."""
    chosen = items or tuple(make_item(rank) for rank in (1, 2, 3))
    return Digest(
        id=f"{channel.key}:2026-06-12",
        channel=channel,
        date=date(2026, 6, 12),
        timezone="Europe/Berlin",
        items=chosen,
    )


@dataclass
class RecordingCore:
    """A Core that records what the adapter hands it and answers with canned replies."""

    commands: list[Command] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    reply: Reply = field(default_factory=lambda: Reply(ReplyKind.TEXT, "Done."))
    delay: float = 0.0

    async def handle_command(self, command: Command) -> Reply:
        """Record the command; answer `reply` after `delay` seconds."""
        self.commands.append(command)
        await asyncio.sleep(self.delay)
        return self.reply

    async def record_vote(self, vote: Vote) -> bool:
        """Record the vote."""
        self.votes.append(vote)
        return True

    async def workspace_removed(self, platform: str, workspace: str, reason: str) -> int:
        """Record the removal."""
        self.removed.append((platform, workspace, reason))
        return 1

    async def channel_removed(self, channel: ChannelRef, reason: str) -> None:
        """Not used by the Slack adapter."""

    async def suggest_papers(self, channel: ChannelRef, prefix: str) -> list[tuple[str, str]]:
        """Not used by the Slack adapter."""
        return []


class AlwaysHealthy:
    """A health check for the HTTP server that always says the database is fine."""

    async def health(self) -> HealthReport:
        """Healthy, never fetched."""
        return HealthReport(database_ok=True, last_fetch_at=None)


def slack_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    """Settings pointing the Slack adapter at the fake: one workspace in HTTP mode by default."""
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": T1.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "slack_messages_per_second": 50,
        "database_url": "sqlite+aiosqlite:///unused.db",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack on 127.0.0.1, knowing workspace T1."""
    fake = FakeSlack()
    fake.add_workspace(T1)
    await fake.start()
    yield fake
    await fake.close()


@dataclass
class Served:
    """A started SlackAdapter behind the bot's HTTP server, and a client to call it."""

    adapter: SlackAdapter
    core: RecordingCore
    server: HttpServer
    http: httpx.AsyncClient
    fake: FakeSlack
    logs: list[dict[str, Any]]

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        path: str = "/slack/events",
        headers: dict[str, str] | None = None,
        **signing: Any,
    ) -> httpx.Response:
        """POST `body` to the adapter, signed like Slack signs it."""
        sent = {**signed_headers(body, content_type=content_type, **signing), **(headers or {})}
        return await self.http.post(path, content=body, headers=sent)

    async def command(self, text: str, *, response: str = "r1", **fields: Any) -> httpx.Response:
        """Send the slash command `/papers <text>`, answered at response_url `response`."""
        body = slash_command(text, response_url=self.fake.response_url(response), **fields)
        return await self.send(body, FORM)

    async def event(
        self, event: dict[str, Any], *, event_id: str, team_id: str = "T1", **options: Any
    ) -> httpx.Response:
        """Send an Events API callback carrying `event` from workspace `team_id`."""
        body = event_callback(event, event_id=event_id, team_id=team_id)
        return await self.send(body, JSON, **options)


@contextlib.asynccontextmanager
async def serve(
    fake: FakeSlack, core: RecordingCore | None = None, **overrides: Any
) -> AsyncIterator[Served]:
    """Build the adapter from settings, mount its routes, start server and adapter; stop both.

    Once stopped (every queued request dispatched), fail if bolt found no listener for one
    of them: the early 200 would otherwise hide a listener that is missing.
    """
    adapter = build_slack_adapter(slack_settings(fake, **overrides))
    assert adapter is not None
    recording = core or RecordingCore()
    server = HttpServer(AlwaysHealthy(), Metrics())
    server.add_routes(adapter.web_routes())
    await server.start("127.0.0.1", 0)
    with structlog.testing.capture_logs() as logs:
        running = asyncio.create_task(adapter.start(recording))
        base_url = f"http://127.0.0.1:{server.port}"
        try:
            async with httpx.AsyncClient(base_url=base_url, trust_env=False) as http:
                yield Served(adapter, recording, server, http, fake, logs)
        finally:
            await adapter.stop()
            await running
            await server.stop()
    unrouted = [entry for entry in logs if entry["event"] == "slack_request_not_handled"]
    assert not unrouted, f"bolt routed no listener for {len(unrouted)} request(s): {unrouted}"


@pytest.fixture
async def served(fake_slack: FakeSlack) -> AsyncIterator[Served]:
    """The adapter for workspace T1 in HTTP mode, started with a recording core."""
    async with serve(fake_slack) as running:
        yield running
