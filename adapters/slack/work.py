"""The adapter's work after acknowledging: many jobs at once, one key's jobs in order.

Commands, votes and deferred dispatches run as tasks, at most `limit` at a time, so a slow
job (a `digest now` posting for seconds) holds one place and nothing else waits behind it.
Jobs given the same key (one person's reactions on one message) run one after another in
the order they were queued, so a reaction added and removed at once is applied in that order;
a job waiting for its turn holds no place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)

Job = Callable[[], Awaitable[None]]


class OrderedWork:
    """Runs queued jobs concurrently, bounded, keeping the order of jobs with the same key."""

    def __init__(self, limit: int) -> None:
        """At most `limit` jobs run at once; the others wait for a place."""
        self._places = asyncio.Semaphore(limit)
        self._last_of_key: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, job: Job, *, key: str | None = None) -> None:
        """Run `job` as soon as there is a place and, for a keyed job, the key's earlier jobs
        have finished. A job that fails is logged; it never stops the others."""
        before = self._last_of_key.get(key) if key is not None else None
        task = asyncio.create_task(self._run(job, before))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if key is not None:
            self._last_of_key[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))

    @property
    def backlog(self) -> int:
        """How many jobs are queued or running."""
        return len(self._tasks)

    async def drain(self, seconds: float) -> None:
        """Let the jobs in hand finish (`seconds` at most), then cancel what is left."""
        pending = set(self._tasks)
        if pending:
            _, left = await asyncio.wait(pending, timeout=seconds)
            if left:
                log.warning("slack_work_abandoned", jobs=len(left))
                for task in left:
                    task.cancel()
                await asyncio.gather(*left, return_exceptions=True)

    async def _run(self, job: Job, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        async with self._places:
            try:
                await job()
            except Exception:
                log.exception("slack_work_failed")

    def _forget(self, key: str, done: asyncio.Task[None]) -> None:
        if self._last_of_key.get(key) is done:
            del self._last_of_key[key]
