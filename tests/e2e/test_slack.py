"""`papers-bot run` in Slack's HTTP mode: a workspace gets the digest and its reactions count."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.store import open_store
from tests.e2e.conftest import BotEnv, featured_on, json_events
from tests.e2e.test_run import stop
from tests.fakes import eventually
from tests.fakes.slack import (
    SIGNING_SECRET,
    FakeSlack,
    Workspace,
    event_callback,
    reaction,
    signed_headers,
    slash_command,
)
from tests.fakes.upstream import FakeUpstream

TEAM = Workspace("T1", "xoxb-t1-token")
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """A local Slack Web API that knows workspace T1."""
    fake = FakeSlack()
    fake.add_workspace(TEAM)
    await fake.start()
    yield fake
    await fake.close()


async def post_signed(client: httpx.AsyncClient, body: str, content_type: str) -> int:
    """POST a request signed as Slack signs it to the bot's /slack/events."""
    headers = signed_headers(body, content_type=content_type)
    return (await client.post("/slack/events", content=body, headers=headers)).status_code


async def post_when_ready(client: httpx.AsyncClient, body: str, content_type: str) -> None:
    """POST until the bot stops answering 503 (it does so until Slack is set up)."""
    for _ in range(100):
        if await post_signed(client, body, content_type) != 503:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot never took the request")


async def test_a_slack_workspace_gets_the_digest_and_its_votes_count(
    bot_env: BotEnv, upstream: FakeUpstream, slack: FakeSlack
) -> None:
    today = datetime.now(UTC).date()
    upstream.daily[today.isoformat()] = featured_on(today)
    await bot_env.run("fetch", "--date", today.isoformat(), "--source", "hf")
    bot_env.env.update(
        SLACK_BOT_TOKEN=TEAM.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PAPERS_SLACK_API_URL=slack.api_url,
    )
    process = await bot_env.start("run")
    try:
        async with asyncio.timeout(30), httpx.AsyncClient(base_url=bot_env.http_url) as client:
            command = slash_command("digest now", response_url=slack.response_url("now"))
            await eventually(lambda: slack.calls_to("auth.test"), seconds=20)
            await post_when_ready(client, command, FORM)
            await eventually(lambda: slack.responses_to("now"), seconds=20)
            await eventually(lambda: len(slack.messages) == 6, seconds=20, what="the digest")
            header, *items = slack.messages
            vote = event_callback(reaction("fire", ts=items[0]["ts"]), event_id="Ev1")
            assert await post_signed(client, vote, "application/json") == 200
            await eventually(lambda: _fire_counted(bot_env), seconds=20, what="the 🔥 counted")
    finally:
        code, _, err = await stop(process)

    assert code == 0, err
    assert len(items) == 5
    assert all(item["thread_ts"] == header["ts"] for item in items)
    assert "link_names" not in header
    unrouted = [e for e in json_events(err) if e["event"] == "slack_request_not_handled"]
    assert unrouted == [], "bolt routed no listener for a request the bot acknowledged"


async def _fire_counted(bot_env: BotEnv) -> bool:
    """Whether the running bot has stored the 🔥 (read over a connection of the test's own)."""
    store = await open_store(bot_env.database_url)
    try:
        tallies = await store.vote_tallies("slack", "T1")
    finally:
        await store.close()
    return [tally.weight for tally in tallies.values()] == [2]
