"""Work in a daemon thread: its result or error comes back, and a cancelled wait lets go."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.threads import in_daemon_thread


async def test_the_work_runs_in_a_daemon_thread_and_is_awaited() -> None:
    seen: list[bool] = []

    await in_daemon_thread(lambda: seen.append(threading.current_thread().daemon), name="t")

    assert seen == [True]


async def test_an_error_in_the_work_is_raised_to_the_waiter() -> None:
    def fails() -> None:
        raise ValueError("no model")

    with pytest.raises(ValueError, match="no model"):
        await in_daemon_thread(fails, name="t")


async def test_a_cancelled_wait_returns_at_once_while_the_thread_goes_on() -> None:
    release = threading.Event()
    waiting = asyncio.create_task(in_daemon_thread(release.wait, name="held"))
    await asyncio.sleep(0)

    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting

    assert any(thread.name == "held" and thread.daemon for thread in threading.enumerate())
    release.set()
