"""Benchmark of Slack's HTTP mode: how fast /slack/events acknowledges, and whether every
vote lands exactly once.

Two processes share the machine's cores:

- the bot: the real `bot.app` wiring (`open_core` + `Bot`) on a fresh SQLite file in a
  temporary folder, the Slack adapter in HTTP mode (signature checks on) mounted on the bot's
  one HTTP server;
- the load: a fake Slack Web API (tests/fakes/slack.py, answering auth.test,
  chat.postMessage and the response URLs) and an HTTP client with 200 connections.

First, untimed, `/papers digest now` in each of 10 channels posts 10 digests of 5 papers,
and 400 signed URL-verification requests open the client's 200 connections. Then, timed,
2,500 signed requests go out in random order with at most 200 in flight: 500 slash commands
(help, settings, today, top week, why 1) and 2,000 reaction events on the posted papers
(+1, fire, -1, and keycaps on the headers), 200 of which are Slack's retries of an earlier
event (same event_id, X-Slack-Retry-Num: 1). An acknowledgement's latency is from sending
the request to reading its 200. At the end the bot waits for the work behind the
acknowledgements and counts the votes in the database: they must equal the 1,800 distinct
reactions, each applied once.

Targets on the project's 2-core machine: p99 acknowledgement < 100 ms; votes recorded ==
distinct reactions. Each figure prints with PASS or FAIL; the script always exits 0.

The client is aiohttp's by default. `--client httpx` sends the same load through
`httpx.AsyncClient(limits=...)`; on the 2-core machine httpx (httpcore's pool and anyio)
itself tops out near 400 requests/s at 200 in flight, even against an aiohttp server that
does nothing, so its figures measure the client rather than the bot.

Run it by hand from the project folder (or through `make bench`):

    .venv/bin/python bench/slack_http.py [--client aiohttp|httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402

from tests.fakes.slack import (  # noqa: E402
    SIGNING_SECRET,
    FakeSlack,
    Workspace,
    event_callback,
    reaction,
    signed_headers,
    slash_command,
)

SEED = 42
CHANNELS = 10
DIGEST_SIZE = 5
COMMANDS = 500
REACTIONS = 2_000
RETRIES = 200
IN_FLIGHT = 200
COMMAND_TEXTS = ("help", "settings", "today", "top week", "why 1")
VOTE_EMOJI = ("+1", "fire", "-1")
P99_TARGET_MS = 100.0
BACKGROUND_LIMIT_SECONDS = 300.0
"""How long to wait for the bot's work behind the acknowledgements before giving up."""
WORKSPACE = Workspace("T1", "xoxb-bench-token")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# ------------------------------------------------------------------------ the bot


def bot_process(conn: Connection, api_url: str, folder: str) -> None:
    """Child process: run the bot until told to finish, then report the votes stored."""
    asyncio.run(_run_bot(conn, api_url, folder))


async def _run_bot(conn: Connection, api_url: str, folder: str) -> None:
    from sqlalchemy import Table, func, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.slack import build_slack_adapter
    from bot.app import Bot
    from bot.assembly import open_core
    from bot.logging import configure_logging
    from bot.store.tables import processed_events, votes
    from config.settings import Settings
    from tests.fakes.papers import make_paper

    configure_logging("console", "warning")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
        SLACK_BOT_TOKEN=WORKSPACE.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        slack_api_url=api_url,
        slack_messages_per_second=50,
    )
    adapter = build_slack_adapter(settings)
    assert adapter is not None
    now = datetime.now(UTC)
    async with open_core(settings) as core:
        papers = [
            make_paper(
                id=f"2606.3{n:04d}", title=f"Paper {n}", upvotes=500 - n, featured_on=now.date()
            )
            for n in range(DIGEST_SIZE * CHANNELS)
        ]
        await core.store.upsert_papers(papers, at=now)
        bot = Bot(core, [adapter])
        await bot.http.start("127.0.0.1", 0)
        serving = asyncio.create_task(adapter.start(bot.service))
        conn.send(bot.http.port)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, conn.recv)

        counter = create_async_engine(settings.database_url)

        async def count(table: Table) -> int:
            async with counter.connect() as connection:
                result = await connection.execute(select(func.count()).select_from(table))
                return int(result.scalar_one())

        settled, last = 0, -1
        while settled < 10:
            current = await count(processed_events)
            settled = settled + 1 if current == last else 0
            last = current
            await asyncio.sleep(0.1)
        recorded = await count(votes)
        await counter.dispose()
        await adapter.stop()
        await serving
        await bot.http.stop()
        conn.send({"votes": recorded, "events": last})


# ------------------------------------------------------------------------ the load


@dataclass
class Timed:
    """One timed request: what it was, how long until its answer, the status."""

    kind: str
    seconds: float
    status: int


Request = tuple[str, str, dict[str, str]]
"""(kind, body, extra headers)."""
Send = Callable[[str, dict[str, str]], Awaitable[int]]
"""POST a body to /slack/events with these headers; the status code."""


async def load(client: str) -> None:
    """Start the fake Slack and the bot, warm up, send the timed load, print the report."""
    fake = FakeSlack(wait_seconds=BACKGROUND_LIMIT_SECONDS)
    fake.add_workspace(WORKSPACE)
    await fake.start()
    folder = tempfile.TemporaryDirectory(prefix="papers-bench-")
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=bot_process, args=(child, fake.api_url, folder.name), daemon=True
    )
    process.start()
    loop = asyncio.get_running_loop()
    port = await loop.run_in_executor(None, parent.recv)
    base_url = f"http://127.0.0.1:{port}"
    async with sender(client, base_url) as send:
        targets = await post_digests(send, fake)
        warm_up = [
            ("warm", json.dumps({"type": "url_verification", "challenge": f"c{n}"}), {})
            for n in range(2 * IN_FLIGHT)
        ]
        await send_all(send, warm_up)
        requests = build_requests(fake, targets)
        print(
            f"sending {len(requests):,} signed requests ({COMMANDS} slash commands, "
            f"{REACTIONS:,} reaction events of which {RETRIES} retries), {IN_FLIGHT} in flight, "
            f"{client} client"
        )
        started = time.perf_counter()
        timings = await send_all(send, requests)
        wall = time.perf_counter() - started
    acked = time.perf_counter()
    await fake.wait_until(lambda: len(fake.responses_to("load")) >= COMMANDS)
    parent.send("finish")
    report = await loop.run_in_executor(None, parent.recv)
    background = time.perf_counter() - acked
    process.join(30)
    await fake.close()
    folder.cleanup()
    print_report(timings, wall, report, len(fake.responses_to("load")), background)


@contextlib.asynccontextmanager
async def sender(client: str, base_url: str) -> AsyncIterator[Send]:
    """A `Send` over one client with IN_FLIGHT connections: aiohttp's or httpx's."""
    if client == "httpx":
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        async with httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=60, trust_env=False
        ) as http:

            async def send_httpx(body: str, headers: dict[str, str]) -> int:
                response = await http.post("/slack/events", content=body, headers=headers)
                return response.status_code

            yield send_httpx
        return
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    async with aiohttp.ClientSession(base_url, connector=connector) as session:

        async def send_aiohttp(body: str, headers: dict[str, str]) -> int:
            async with session.post(
                "/slack/events", data=body.encode(), headers=headers
            ) as response:
                await response.read()
                return response.status

        yield send_aiohttp


async def post_digests(send: Send, fake: FakeSlack) -> dict[str, list[str]]:
    """Untimed: `/papers digest now` in each channel; the posted messages' ts per channel."""
    for n in range(CHANNELS):
        channel = f"C{n}"
        body = slash_command(
            "digest now", response_url=fake.response_url(channel), channel_id=channel
        )
        await send(body, signed_headers(body, content_type=FORM))
    await fake.wait_until(lambda: all(fake.responses_to(f"C{n}") for n in range(CHANNELS)))
    targets: dict[str, list[str]] = {}
    for message in fake.messages:
        targets.setdefault(message["channel"], []).append(message["ts"])
    return targets


def build_requests(fake: FakeSlack, targets: dict[str, list[str]]) -> list[Request]:
    """Every timed request, shuffled: commands, distinct reactions, and retries of some."""
    rng = random.Random(SEED)
    requests: list[Request] = []
    for n in range(COMMANDS):
        body = slash_command(
            COMMAND_TEXTS[n % len(COMMAND_TEXTS)],
            response_url=fake.response_url("load"),
            channel_id=f"C{n % CHANNELS}",
            user_id=f"U{n}",
        )
        requests.append(("command", body, {}))
    choices = [
        (channel, index, emoji)
        for channel, stamps in sorted(targets.items())
        for index in range(len(stamps))
        for emoji in (("one", "two", "three") if index == 0 else VOTE_EMOJI)
    ]
    originals = []
    for n in range(REACTIONS - RETRIES):
        channel, index, emoji = choices[n % len(choices)]
        event = reaction(
            emoji,
            ts=targets[channel][index],
            channel=channel,
            user=f"U{n // len(choices)}",
            item_user=WORKSPACE.bot_user_id,
        )
        body = event_callback(event, event_id=f"Ev{n}")
        originals.append(body)
        requests.append(("reaction", body, {}))
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    requests.extend(("reaction", body, retry) for body in rng.sample(originals, RETRIES))
    rng.shuffle(requests)
    return requests


async def send_all(send: Send, requests: list[Request]) -> list[Timed]:
    """Send every request, IN_FLIGHT at a time, each signed just before it goes."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(kind: str, body: str, extra: dict[str, str]) -> Timed:
        async with gate:
            content_type = FORM if kind == "command" else JSON
            headers = {**signed_headers(body, content_type=content_type), **extra}
            started = time.perf_counter()
            status = await send(body, headers)
            return Timed(kind, time.perf_counter() - started, status)

    return await asyncio.gather(*(one(*request) for request in requests))


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_report(
    timings: list[Timed], wall: float, report: dict[str, int], answered: int, background: float
) -> None:
    """Latency per kind, the p99 verdict, and the exactly-once verdict."""
    ok = sum(t.status == 200 for t in timings)
    rate = len(timings) / wall
    print(f"acknowledged with 200: {ok:,} of {len(timings):,} in {wall:.2f} s ({rate:,.0f}/s)")
    for kind in ("command", "reaction", "all"):
        chosen = [t.seconds * 1000 for t in timings if kind in ("all", t.kind)]
        print(
            f"  {kind:<9} p50 {percentile(chosen, 0.50):6.1f} ms   "
            f"p99 {percentile(chosen, 0.99):6.1f} ms   max {max(chosen):6.1f} ms"
        )
    p99 = percentile([t.seconds * 1000 for t in timings], 0.99)
    verdict = "PASS" if p99 < P99_TARGET_MS else "FAIL"
    print(f"p99 acknowledgement {p99:.1f} ms, target < {P99_TARGET_MS:.0f} ms: {verdict}")
    print(
        f"slash commands answered through response_url: {answered} of {COMMANDS}; "
        f"the bot's work behind the acknowledgements finished {background:.1f} s after them"
    )
    distinct = REACTIONS - RETRIES
    print(f"reaction events claimed: {report['events']:,} (distinct {distinct:,})")
    verdict = "PASS" if report["votes"] == distinct else "FAIL"
    print(f"votes recorded: {report['votes']:,}, distinct reactions sent: {distinct:,}: {verdict}")


def main() -> None:
    """Read --client and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--client", choices=("aiohttp", "httpx"), default="aiohttp")
    asyncio.run(load(parser.parse_args().client))


if __name__ == "__main__":
    main()
