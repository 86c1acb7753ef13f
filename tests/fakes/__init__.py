"""Local fakes for tests (HTTP upstreams, ...) and small helpers they share.

Fakes run real servers on 127.0.0.1 so the real client code is exercised; nothing here
reaches the internet.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Self

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_path(name: str) -> Path:
    """The path of a recorded file in tests/fixtures/; fails loudly if it is missing."""
    path = FIXTURES / name
    if not path.is_file():
        raise FileNotFoundError(f"no fixture {name!r} in {FIXTURES}")
    return path


class RecordingSleep:
    """A stand-in for asyncio.sleep that only records the waits asked for.

    Pass it as `RetryPolicy(sleep=...)` so retry tests check the waits without sleeping.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        """Record the wait and return at once."""
        self.waits.append(seconds)


class MovableClock:
    """A stand-in for time.monotonic that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """The current reading, in seconds."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


async def eventually(
    check: Callable[[], object | Awaitable[object]],
    *,
    seconds: float = 5.0,
    what: str = "the condition",
) -> None:
    """Wait until `check()` is truthy (it may be a coroutine function), looking every 10 ms;
    fail after `seconds` (however long each look takes), saying `what` did not come true."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        outcome = check()
        if await outcome if inspect.isawaitable(outcome) else outcome:
            return
        if asyncio.get_running_loop().time() >= deadline:
            raise AssertionError(f"{what} did not come true within {seconds:g} seconds")
        await asyncio.sleep(0.01)


class LocalServer:
    """`async with` for a local fake: starts it on entry, closes it on exit (subclasses
    define `start` and `close`)."""

    async def start(self) -> None:
        """Listen on 127.0.0.1."""
        raise NotImplementedError

    async def close(self) -> None:
        """Stop serving."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
