"""An upstream that can't be reached is known at once: no retries, one log line, and the
calls after it fail without touching the network until the breaker half-opens."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
import structlog

from bot.sources import ArxivSource, Breaker, HuggingFaceSource, RetryPolicy, UpstreamUnreachable
from bot.sources.breaker import HALF_OPEN_AFTER_SECONDS
from tests.fakes import MovableClock, RecordingSleep
from tests.fakes.upstream import (
    FakeUpstream,
    FullBacklog,
    atom_entry,
    load_hf_fixture,
    server_error,
)

DAY = date(2026, 6, 12)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def hf_at(
    client: httpx.AsyncClient, port: int, sleeps: RecordingSleep, clock: MovableClock
) -> HuggingFaceSource:
    """Hugging Face at 127.0.0.1:`port`, patient (four retries), on the movable clock."""
    return HuggingFaceSource(
        client,
        f"http://127.0.0.1:{port}",
        retry=RetryPolicy(retries=4, sleep=sleeps),
        breaker=Breaker("hf", clock=clock),
    )


async def test_a_refused_connection_is_not_retried_and_is_said_once(
    client: httpx.AsyncClient, sleeps: RecordingSleep, clock: MovableClock, unused_port: int
) -> None:
    hf = hf_at(client, unused_port, sleeps, clock)

    with structlog.testing.capture_logs() as logs:
        first = await hf.fetch_day(DAY)
        second = await hf.fetch_trending(10)

    assert first.unreachable and second.unreachable
    assert sleeps.waits == []
    [line] = [entry for entry in logs if entry["event"] == "upstream_unreachable"]
    assert line["upstream"] == "hf" and line["retry_in"] == HALF_OPEN_AFTER_SECONDS
    assert "ConnectError" in line["error"]
    assert second.errors[0].startswith("hf trending papers page 0 not asked: hf can't be reached")


async def test_while_unreachable_nothing_is_sent_until_the_breaker_half_opens(
    client: httpx.AsyncClient, sleeps: RecordingSleep, clock: MovableClock, unused_port: int
) -> None:
    hf = hf_at(client, unused_port, sleeps, clock)
    await hf.fetch_day(DAY)

    async with FakeUpstream(port=unused_port) as upstream:  # the network is back
        upstream.daily[DAY.isoformat()] = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
        clock.advance(HALF_OPEN_AFTER_SECONDS - 1)
        with pytest.raises(UpstreamUnreachable):
            await hf.fetch_paper("2606.13392")
        assert upstream.requests == []

        clock.advance(1)
        with structlog.testing.capture_logs() as logs:
            report = await hf.fetch_day(DAY)

    assert len(report.papers) == 30 and not report.unreachable
    assert [entry["event"] for entry in logs] == ["upstream_reachable_again"]


async def test_a_trial_that_still_cannot_connect_keeps_it_open_without_a_second_line(
    client: httpx.AsyncClient, sleeps: RecordingSleep, clock: MovableClock, unused_port: int
) -> None:
    hf = hf_at(client, unused_port, sleeps, clock)
    await hf.fetch_day(DAY)
    clock.advance(HALF_OPEN_AFTER_SECONDS)

    with structlog.testing.capture_logs() as logs:
        trial = await hf.fetch_day(DAY)
        after = await hf.fetch_day(DAY)

    assert "can't connect" in trial.errors[0] and "not asked" in after.errors[0]
    assert logs == []


async def test_a_connect_timeout_is_not_retried_either(
    client: httpx.AsyncClient, sleeps: RecordingSleep, clock: MovableClock
) -> None:
    async with FullBacklog() as dropping:
        hf = HuggingFaceSource(
            client,
            dropping.url,
            retry=RetryPolicy(retries=4, sleep=sleeps),
            breaker=Breaker("hf", clock=clock),
        )
        report = await hf.fetch_day(DAY)

    assert report.unreachable and sleeps.waits == []
    assert "can't connect (ConnectTimeout" in report.errors[0]


async def test_a_server_error_is_still_retried_patiently_and_opens_nothing(
    client: httpx.AsyncClient, upstream: FakeUpstream, sleeps: RecordingSleep
) -> None:
    upstream.add_fault(server_error(503), times=2)
    hf = HuggingFaceSource(client, upstream.url, retry=RetryPolicy(retries=4, sleep=sleeps))

    report = await hf.fetch_day(DAY)

    assert report.errors == () and len(sleeps.waits) == 2
    assert len(upstream.requests_to("/api/daily_papers")) == 3


async def test_arxiv_has_a_breaker_of_its_own(
    client: httpx.AsyncClient, upstream: FakeUpstream, clock: MovableClock, unused_port: int
) -> None:
    hf = HuggingFaceSource(client, f"http://127.0.0.1:{unused_port}")
    arxiv = ArxivSource(client, upstream.url, ("cs.LG",), 0, breaker=Breaker("arxiv", clock=clock))
    upstream.arxiv_entries = [atom_entry("2606.00001", "Still reachable", "2026-06-12T10:00:00Z")]

    with pytest.raises(UpstreamUnreachable):
        await hf.fetch_paper("2606.00001")
    paper = await arxiv.fetch_paper("2606.00001")

    assert paper is not None and paper.title == "Still reachable"
