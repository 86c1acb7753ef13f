"""Benchmark of a fan-out: many Slack channels due at the same minute, at Slack's pace.

Two processes share the machine's cores:

- the bot: the real `bot.app` wiring (`open_core` + `Bot`, its scheduler included) on a
  fresh SQLite file in a temporary folder (or an empty database at `--database-url`), Slack
  with one bot token; every channel subscribed to post at the same minute, UTC;
- a fake Slack Web API (tests/fakes/slack.py) that adds `--latency` to each call and allows
  one post per second per channel: a chat.postMessage less than a second after the last one
  it took in that channel is answered 429 with Retry-After 1.

The slot is the first whole minute at least 20 s after the bot started. Measured: the wall
time from the slot to the last post the fake took; the bound Slack's limit allows (a digest
is a header and `--papers` items, one a second per channel, so `--papers` seconds); their
ratio; the 429s; and, from the outbox key in each message's metadata, the channels that got
less than their whole digest (lost) and the messages taken twice (doubled).

Targets: ratio <= 1.25 with one replica, zero lost, zero doubled. Each figure prints with
PASS or FAIL; the script always exits 0.

Run it by hand from the project folder (or through `make bench`):

    .venv/bin/python bench/fanout.py [--channels 1000] [--papers 5] [--latency 0.02]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import multiprocessing
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.slack import SIGNING_SECRET, FakeSlack, Workspace  # noqa: E402

WORKSPACE = Workspace("T1", "xoxb-bench-token")
RATIO_TARGET = 1.25
LEAD_SECONDS = 20
"""The slot is at least this long after the bot started (setting up, warming up)."""
DEADLINE_SECONDS = 240.0
"""How long the fake waits, from the bot's start and after each call, for every digest."""
CLOSED_PORT_URL = "http://127.0.0.1:9"
"""Where the bot's fetch goes: nothing listens, so it fails at once and fetches nothing."""


# ------------------------------------------------------------------------ the bot


def bot_process(conn: Connection, args: argparse.Namespace, api_url: str, folder: str) -> None:
    """Child process: subscribe the channels, run the bot until told to stop."""
    asyncio.run(_run_bot(conn, args, api_url, folder))


async def _run_bot(conn: Connection, args: argparse.Namespace, api_url: str, folder: str) -> None:
    from adapters.slack import build_slack_adapter
    from bot.app import Bot
    from bot.assembly import open_core
    from bot.logging import configure_logging
    from bot.models import ChannelRef, ChannelSettings
    from config.settings import Settings
    from tests.fakes.papers import make_paper

    configure_logging("console", "warning")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
        SLACK_BOT_TOKEN=WORKSPACE.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        slack_api_url=api_url,
        hf_base_url=CLOSED_PORT_URL,
        arxiv_base_url=CLOSED_PORT_URL,
        http_port=0,
    )
    adapter = build_slack_adapter(settings)
    assert adapter is not None
    now = datetime.now(UTC)
    slot = (now + timedelta(seconds=LEAD_SECONDS + 60)).replace(second=0, microsecond=0)
    async with open_core(settings) as core:
        papers = [
            make_paper(
                id=f"2606.3{n:04d}", title=f"Paper {n}", upvotes=500 - n, featured_on=now.date()
            )
            for n in range(args.papers * 2)
        ]
        await core.store.upsert_papers(papers, at=now)
        for n in range(args.channels):
            await core.store.save_channel(
                ChannelSettings(
                    ChannelRef("slack", WORKSPACE.team_id, f"C{n:05d}"),
                    subscribed=True,
                    post_at=slot.time(),
                    timezone="UTC",
                    size=args.papers,
                )
            )
        stop = asyncio.Event()
        running = asyncio.create_task(Bot(core, [adapter]).run(stop))
        conn.send(slot.timestamp())
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        stop.set()
        await running
        conn.send("stopped")


# ------------------------------------------------------------------------ the fake and the report


async def measure(args: argparse.Namespace) -> None:
    """Start the fake Slack and the bot, wait for every digest or the deadline, report."""
    fake = FakeSlack(wait_seconds=DEADLINE_SECONDS, channel_interval=1.0)
    fake.add_workspace(WORKSPACE)
    fake.delays["chat.postMessage"] = args.latency
    await fake.start()
    wall_minus_monotonic = time.time() - time.monotonic()
    posts_per_channel = 1 + args.papers
    expected = args.channels * posts_per_channel
    parent, child = multiprocessing.Pipe()
    with tempfile.TemporaryDirectory() as folder:
        process = multiprocessing.get_context("spawn").Process(
            target=bot_process, args=(child, args, fake.api_url, folder)
        )
        process.start()
        loop = asyncio.get_running_loop()
        slot_at = await loop.run_in_executor(None, parent.recv)
        print(f"slot at {datetime.fromtimestamp(slot_at, UTC):%H:%M:%S} UTC; waiting for it")
        try:
            await fake.wait_until(lambda: len(fake.messages) >= expected)
        except TimeoutError:
            print(f"deadline: {len(fake.messages)} of {expected} messages taken")
        parent.send("stop")
        await loop.run_in_executor(None, parent.recv)
        process.join()
    await fake.close()
    report(args, fake, slot_at - wall_minus_monotonic, posts_per_channel)


def report(
    args: argparse.Namespace, fake: FakeSlack, slot_monotonic: float, posts_per_channel: int
) -> None:
    """Print the figures, each with its target."""
    taken = fake.calls_to("chat.postMessage")
    keys: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for message in fake.messages:
        keys[message["channel"]][message["metadata"]["event_payload"]["key"]] += 1
    lost = sum(
        1
        for n in range(args.channels)
        if len(keys.get(f"C{n:05d}", collections.Counter())) < posts_per_channel
    )
    doubled = sum(count - 1 for channel in keys.values() for count in channel.values())
    arrivals: dict[str, list[float]] = collections.defaultdict(list)
    for call in taken:
        arrivals[str(call.body.get("channel"))].append(call.at - slot_monotonic)
    accepted = [at for times in arrivals.values() for at in times]
    last = max(accepted, default=0.0)
    first = min(accepted, default=0.0)
    latest_start = max((min(times) for times in arrivals.values()), default=0.0)
    longest_span = max((max(times) - min(times) for times in arrivals.values()), default=0.0)
    bound = float(args.papers)
    ratio = last / bound if bound else float("inf")

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"channels {args.channels}, {posts_per_channel} posts each, latency {args.latency}s")
    print(f"posts taken {len(fake.messages)}, answered 429 {fake.rate_limited}")
    print(f"first post {first:.2f}s after the slot, last post {last:.2f}s after it")
    print(
        f"the last channel to start started {latest_start:.2f}s after the slot; "
        f"the longest from a channel's first post to its last {longest_span:.2f}s"
    )
    within = verdict(ratio <= RATIO_TARGET)
    print(f"bound {bound:.2f}s; ratio {ratio:.2f} (target <= {RATIO_TARGET}) {within}")
    print(f"lost {lost} (target 0) {verdict(lost == 0)}")
    print(f"doubled {doubled} (target 0) {verdict(doubled == 0)}")


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--papers", type=int, default=5, help="papers in each digest")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per Slack call")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
