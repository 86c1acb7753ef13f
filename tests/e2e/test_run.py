"""`papers-bot run` as a process: it fetches, serves /healthz, posts a missed slot once, and
stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta

import httpx

from adapters.console.adapter import HEADLESS_NOTE
from bot.models import ChannelRef, ChannelSettings
from bot.store import open_store, upgrade_database
from tests.databases import only_sqlite
from tests.e2e.conftest import BotEnv, featured_on, json_events
from tests.e2e.running import RunningBot
from tests.fakes import eventually
from tests.fakes.upstream import FakeUpstream, slow

LAB = ChannelRef("console", "local", "general")
# How a delivery of a slot ends, in the bot's log: each names the channel.
SLOT_OUTCOMES = (
    "digest_posted",
    "digest_slot_taken",
    "digest_slot_in_progress",
    "digest_empty",
    "digest_skipped",
    "channel_paused",
    "digest_job_failed",
)


async def wait_for_fetch(bot_env: BotEnv) -> dict:
    """Poll /healthz (for 30 s at most) until the bot has fetched once; return its answer."""
    async with asyncio.timeout(30), httpx.AsyncClient() as client:
        while True:
            try:
                body = (await client.get(f"{bot_env.http_url}/healthz")).json()
            except httpx.TransportError:
                body = {}
            if body.get("last_fetch_at"):
                return body
            await asyncio.sleep(0.2)


async def stop(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    """SIGTERM the bot and collect what it printed."""
    process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def subscribe_an_hour_ago(bot_env: BotEnv) -> None:
    """Subscribe the console channel to a slot one hour in the past (a missed slot)."""
    await asyncio.to_thread(upgrade_database, bot_env.database_url)
    store = await open_store(bot_env.database_url)
    slot = (datetime.now(UTC) - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    await store.save_channel(ChannelSettings(LAB, subscribed=True, post_at=slot))
    await store.close()


async def test_run_headless_says_its_mode_fetches_and_stops_on_sigterm(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    today = datetime.now(UTC).date()
    upstream.daily[today.isoformat()] = featured_on(today)
    process = await bot_env.start("run")

    health = await wait_for_fetch(bot_env)
    code, out, err = await stop(process)

    assert health["status"] == "ok" and health["database"] == "ok"
    assert out.splitlines()[0].startswith("papers-bot is running in console mode")
    assert code == 0
    assert "Traceback" not in err
    assert any(e["event"] == "bot_stopped" for e in json_events(err))


async def test_headless_says_how_it_runs_without_asking_for_commands(
    bot_env: BotEnv,
) -> None:
    process = await bot_env.start("run")
    await wait_for_fetch(bot_env)
    _, out, _ = await stop(process)

    assert out.splitlines()[1] == HEADLESS_NOTE
    assert "Type /papers help" not in out


async def read_until(process: asyncio.subprocess.Process, text: str) -> str:
    """What the process printed up to the line holding `text` (30 s at most: a process that
    starts on a loaded machine takes seconds to import)."""
    assert process.stdout is not None
    printed = ""
    async with asyncio.timeout(30):
        while text not in printed:
            line = await process.stdout.readline()
            assert line, f"the output ended before {text!r}: {printed}"
            printed += line.decode()
    return printed


async def test_commands_piped_in_are_each_answered_and_the_end_of_input_leaves(
    bot_env: BotEnv,
) -> None:
    process = await bot_env.start("run", stdin=asyncio.subprocess.PIPE)
    assert process.stdin is not None

    process.stdin.write(b"/papers help\n")
    helped = await read_until(process, "/papers digest now - ")
    process.stdin.write(b"/papers settings\n")
    settled = await read_until(process, "Weekly recap:")
    process.stdin.close()
    code = await asyncio.wait_for(process.wait(), 20)

    assert "papers-bot commands" in helped
    assert "Settings for this channel" in settled
    assert code == 0


async def test_a_missed_slot_is_posted_at_start_and_never_twice(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    today = datetime.now(UTC).date()
    upstream.daily[today.isoformat()] = featured_on(today)
    await bot_env.run("fetch", "--date", today.isoformat(), "--source", "hf")
    await subscribe_an_hour_ago(bot_env)

    async with RunningBot(await bot_env.start("run")) as first:
        posted = await first.wait_for(SLOT_OUTCOMES, channel=LAB.key)
        await wait_for_fetch(bot_env)
        _, _, first_log = await first.stop()
    async with RunningBot(await bot_env.start("run")) as second:
        declined = await second.wait_for(SLOT_OUTCOMES, channel=LAB.key)
        await wait_for_fetch(bot_env)
        _, _, second_log = await second.stop()

    assert posted["event"] == "digest_posted"
    posts = [e for e in json_events(first_log) if e["event"] == "console_post"]
    assert [p["role"] for p in posts] == ["header"] + ["item"] * 5
    assert declined["event"] == "digest_slot_taken"
    assert [e for e in json_events(second_log) if e["event"] == "console_post"] == []


async def test_sigterm_does_not_wait_for_a_hanging_upstream(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    upstream.add_fault(slow(60, path_prefix="/api/daily_papers"), times=10)
    process = await bot_env.start("run")
    async with asyncio.timeout(20):
        await eventually(lambda: upstream.requests_to("/api/daily_papers"), seconds=20)

    started = asyncio.get_running_loop().time()
    code, _, err = await stop(process)

    events = [e["event"] for e in json_events(err)]
    assert code == 0
    assert asyncio.get_running_loop().time() - started < 10
    assert "fetch_cancelled_at_shutdown" in events and "bot_stopped" in events
    assert "Traceback" not in err


@only_sqlite
async def test_a_database_file_deleted_under_the_running_bot_fails_the_health_check(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    today = datetime.now(UTC).date()
    upstream.daily[today.isoformat()] = featured_on(today)
    process = await bot_env.start("run")
    await wait_for_fetch(bot_env)

    (bot_env.workdir / "bot.db").unlink()
    async with httpx.AsyncClient() as client:
        answers = []

        async def failing() -> bool:
            answers.append(await client.get(f"{bot_env.http_url}/healthz"))
            return answers[-1].status_code == 503

        await eventually(failing)
        again = await client.get(f"{bot_env.http_url}/healthz")
    code, _, err = await stop(process)

    assert again.status_code == 503
    detail = again.json()["detail"]
    assert "bot.db was deleted" in detail
    [copy] = bot_env.workdir.glob("bot.db.rescued-*")
    assert f"its data was saved to {copy}" in detail
    assert not (bot_env.workdir / "bot.db").exists()
    assert code == 0
    assert "Traceback" not in err
    assert [e["event"] for e in json_events(err)].count("health_failing") == 1
