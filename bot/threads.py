"""Blocking work the bot can walk away from: a daemon thread awaited from the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable


async def in_daemon_thread(work: Callable[[], object], *, name: str) -> None:
    """Run `work` in a daemon thread of its own and wait for it. Unlike `asyncio.to_thread`,
    a stopping bot does not wait for the thread: cancelling lets go of it, and the process
    exits without joining it (loading the meaning model takes seconds)."""
    loop = asyncio.get_running_loop()
    finished: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if finished.done():
            return
        if error is None:
            finished.set_result(None)
        else:
            finished.set_exception(error)

    def run() -> None:
        error: BaseException | None = None
        try:
            work()
        except Exception as raised:
            error = raised
        with contextlib.suppress(RuntimeError):  # the loop closed while the thread ran
            loop.call_soon_threadsafe(settle, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    await finished
