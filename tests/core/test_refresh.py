"""Fetching stores what the upstreams answer, survives their failures, and says so once."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import structlog

from bot.metrics import Metrics
from bot.refresh import Refresher
from bot.sources import HuggingFaceSource, RetryPolicy, make_http_client
from bot.store import Store
from config.settings import load_settings
from tests.fakes.upstream import FakeUpstream, load_hf_fixture, server_error

NOW = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)


def no_wait_retry() -> RetryPolicy:
    """One retry, without sleeping."""

    async def sleep(_: float) -> None:
        return None

    return RetryPolicy(retries=1, sleep=sleep)


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    """The fake Hugging Face server with the recorded feed of 2026-06-12."""
    async with FakeUpstream() as fake:
        fake.daily["2026-06-12"] = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
        trending = copy.deepcopy(fake.daily["2026-06-12"][:3])
        fake.trending = trending
        yield fake


@pytest.fixture
async def refresher(store: Store, upstream: FakeUpstream) -> AsyncIterator[Refresher]:
    """A refresher reading the fake through the real client and source."""
    async with make_http_client(load_settings()) as http:
        source = HuggingFaceSource(http, upstream.url, retry=no_wait_retry())
        yield Refresher(store, [source], metrics=Metrics(), clock=lambda: NOW)


async def test_a_refresh_reads_the_last_week_and_trending(
    refresher: Refresher, upstream: FakeUpstream, store: Store
) -> None:
    summary = await refresher.refresh()

    days = [r.query.get("date") for r in upstream.requests_to("/api/daily_papers")]
    assert days[:7] == [f"2026-06-{day:02d}" for day in range(7, 14)]
    assert any(r.query.get("sort") == "trending" for r in upstream.requests_to("/api/daily"))
    assert summary.stored >= 30 and summary.errors == []
    paper = await store.get_paper("2606.00467")
    assert paper is not None and paper.upvotes == 0
    assert await store.last_successful_fetch() == NOW


async def test_an_upstream_failure_is_reported_and_logged_once(
    refresher: Refresher, upstream: FakeUpstream
) -> None:
    upstream.add_fault(server_error(), times=100)

    with structlog.testing.capture_logs() as logs:
        first = await refresher.refresh()
        await refresher.refresh()

    assert first.fetched == 0 and len(first.errors) == 8
    assert [e["event"] for e in logs].count("upstream_unreachable") == 1


async def test_coming_back_online_is_logged(refresher: Refresher, upstream: FakeUpstream) -> None:
    upstream.add_fault(server_error(), times=16)
    await refresher.refresh()

    with structlog.testing.capture_logs() as logs:
        summary = await refresher.refresh()

    assert summary.fetched > 0
    assert "upstream_reachable_again" in [e["event"] for e in logs]
