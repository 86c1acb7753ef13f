"""A `papers-bot` process whose JSON log is read while it runs, so a test waits for the
event that shows a thing happened (or was declined) instead of waiting for time to pass."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterable
from typing import Any

from tests.fakes import eventually


class RunningBot:
    """A started `papers-bot` process: its log events so far, and a way to wait for one.
    `async with` kills it at the end if the test did not stop it."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None and process.stdout is not None
        self.process = process
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = asyncio.gather(
            self._read(process.stdout, self._out), self._read(process.stderr, self._err)
        )

    @staticmethod
    async def _read(stream: asyncio.StreamReader, lines: list[str]) -> None:
        async for line in stream:
            lines.append(line.decode(errors="replace"))

    @property
    def out(self) -> str:
        """What the bot printed to stdout so far."""
        return "".join(self._out)

    @property
    def err(self) -> str:
        """What the bot wrote to stderr (its log) so far."""
        return "".join(self._err)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far, parsed."""
        return [json.loads(line) for line in self._err if line.startswith("{")]

    def logged(self, events: str | Iterable[str], **fields: object) -> list[dict[str, Any]]:
        """The log events so far named `events` (one name or several) with these fields."""
        names = {events} if isinstance(events, str) else set(events)
        return [
            entry
            for entry in self.events
            if entry["event"] in names and all(entry.get(k) == v for k, v in fields.items())
        ]

    async def wait_for(
        self, events: str | Iterable[str], *, seconds: float = 20, **fields: object
    ) -> dict[str, Any]:
        """The first log event named `events` with these fields, once it is written; fails
        after `seconds`, or at once if the process ends without writing it."""

        def written() -> bool:
            if self.logged(events, **fields):
                return True
            assert not self._readers.done(), f"the bot ended without logging {events}: {self.err}"
            return False

        await eventually(written, seconds=seconds, what=f"a log event {events} {fields}")
        return self.logged(events, **fields)[0]

    async def __aenter__(self) -> RunningBot:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Kill the bot if the test ended without stopping it (it failed half-way)."""
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await asyncio.gather(self._readers, return_exceptions=True)

    async def stop(self) -> tuple[int, str, str]:
        """SIGTERM the bot; its exit status, stdout and the whole of stderr."""
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            await self._readers
            code = await self.process.wait()
        return code, self.out, self.err
