"""Work after acknowledging runs side by side, and one key's jobs keep their order."""

from __future__ import annotations

import asyncio
import time

from adapters.slack.work import OrderedWork
from tests.adapters.slack.conftest import FORM, serve
from tests.fakes import eventually
from tests.fakes.slack import FakeSlack, reaction, slash_command


async def test_jobs_with_one_key_run_in_the_order_they_were_queued() -> None:
    work = OrderedWork(limit=8)
    done: list[int] = []

    def job(n: int, seconds: float):  # type: ignore[no-untyped-def]
        async def run() -> None:
            await asyncio.sleep(seconds)
            done.append(n)

        return run

    for n, seconds in enumerate([0.05, 0.0, 0.02, 0.0]):
        work.submit(job(n, seconds), key="U1 on m1")
    await work.drain(5)

    assert done == [0, 1, 2, 3]
    assert work.backlog == 0


async def test_a_slow_job_holds_up_no_other_key() -> None:
    work = OrderedWork(limit=4)
    release = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        await release.wait()
        done.append("slow")

    async def quick() -> None:
        done.append("quick")

    work.submit(slow, key="U1 on m1")
    work.submit(slow)
    work.submit(quick, key="U2 on m1")
    await eventually(lambda: done == ["quick"])
    release.set()
    await work.drain(5)

    assert sorted(done) == ["quick", "slow", "slow"]


async def test_a_failing_job_is_logged_and_the_next_of_its_key_still_runs() -> None:
    work = OrderedWork(limit=2)
    done: list[str] = []

    async def fails() -> None:
        raise RuntimeError("boom")

    async def after() -> None:
        done.append("after")

    work.submit(fails, key="k")
    work.submit(after, key="k")
    await work.drain(5)

    assert done == ["after"]


async def test_drain_cancels_what_outlives_it() -> None:
    work = OrderedWork(limit=2)
    cancelled = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    work.submit(forever)
    await work.drain(0.05)

    assert cancelled.is_set()
    assert work.backlog == 0


async def test_a_reaction_sent_while_many_slow_commands_run_counts_within_a_second(
    fake_slack: FakeSlack,
) -> None:
    async with serve(fake_slack) as served:
        served.core.delay = 2.0
        for n in range(20):
            body = slash_command("digest now", response_url=fake_slack.response_url(f"r{n}"))
            assert (await served.send(body, FORM)).status_code == 200
        started = time.perf_counter()

        assert (
            await served.event(reaction("+1", ts="1718000000.000100"), event_id="EvVote")
        ).status_code == 200
        await eventually(lambda: served.core.votes, seconds=5)

        assert time.perf_counter() - started < 1.0
        await eventually(lambda: len(served.core.commands) == 20)
