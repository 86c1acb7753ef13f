"""Fetching stores what the upstreams answer, survives their failures, and says so once."""

from __future__ import annotations

import asyncio
import copy
import socket
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
import structlog
from sqlalchemy.exc import OperationalError

from bot.metrics import Metrics
from bot.models import FetchReport, Paper
from bot.refresh import Refresher
from bot.sources import HuggingFaceSource, RetryPolicy, make_http_client
from bot.store import Store
from config.settings import load_settings
from tests.fakes.upstream import FakeUpstream, load_hf_fixture, server_error
from tests.sources import hostile

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
    assert first.unreachable == []  # it answered, with errors
    assert [e["event"] for e in logs].count("fetch_failing") == 1


async def test_working_again_is_logged(refresher: Refresher, upstream: FakeUpstream) -> None:
    upstream.add_fault(server_error(), times=16)
    await refresher.refresh()

    with structlog.testing.capture_logs() as logs:
        summary = await refresher.refresh()

    assert summary.fetched > 0
    assert "fetch_working_again" in [e["event"] for e in logs]


@pytest.fixture
def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_an_unreachable_upstream_is_given_up_on_after_the_first_day(
    store: Store, refused_url: str
) -> None:
    days = [date(2026, 5, 1) + timedelta(days=offset) for offset in range(30)]
    counted: list[None] = []
    async with make_http_client(load_settings()) as http:
        source = HuggingFaceSource(http, refused_url, retry=RetryPolicy(retries=4))
        refresher = Refresher(store, [source], metrics=Metrics(), clock=lambda: NOW)
        started = time.perf_counter()
        with structlog.testing.capture_logs() as logs:
            summary = await refresher.refresh(days, on_day=lambda: counted.append(None))
        elapsed = time.perf_counter() - started

    assert elapsed < 3.0
    assert summary.unreachable == ["hf"] and summary.fetched == 0
    [error] = summary.errors
    assert error.startswith("hf daily papers for 2026-05-01 page 0 failed: can't connect (")
    assert error.endswith("; the 29 later days were not asked")
    assert len(counted) == 30
    assert [e["event"] for e in logs if e["log_level"] != "debug"] == ["upstream_unreachable"]


async def test_a_reachable_source_is_read_whole_beside_an_unreachable_one(
    store: Store, upstream: FakeUpstream, refused_url: str
) -> None:
    async with make_http_client(load_settings()) as http:
        down = HuggingFaceSource(http, refused_url)
        up = ScriptedSource("arxiv")
        refresher = Refresher(store, [down, up], metrics=Metrics(), clock=lambda: NOW)

        summary = await refresher.refresh(DAYS)

    assert up.days == DAYS and summary.fetched == 3
    assert summary.unreachable == ["hf"] and len(summary.errors) == 1


# one failing day or source never stops the refresh -------------------------------------


class ScriptedSource:
    """A source answering a paper per day, raising where the test says."""

    def __init__(self, name: str, failures: dict[date, BaseException] | None = None) -> None:
        self.name = name
        self.failures = failures or {}
        self.days: list[date] = []

    async def fetch_day(self, day: date) -> FetchReport:
        self.days.append(day)
        if day in self.failures:
            raise self.failures[day]
        return FetchReport(papers=(paper_of(self.name, day),))

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        return None

    async def search(self, query: str, limit: int) -> FetchReport:
        return FetchReport()


def paper_of(source: str, day: date) -> Paper:
    number = 100 * (source == "arxiv") + day.day
    return Paper(id=f"2606.{number:05d}", title=f"{source} {day}", upvotes=1, sources=(source,))


DAYS = [date(2026, 6, day) for day in (10, 11, 12)]


async def test_a_source_that_crashes_on_one_day_costs_only_that_day(store: Store) -> None:
    hf = ScriptedSource("hf", {DAYS[1]: KeyError("paper")})
    arxiv = ScriptedSource("arxiv", {DAYS[0]: RuntimeError("parser bug \ud800\x00")})
    refresher = Refresher(store, [hf, arxiv], metrics=Metrics(), clock=lambda: NOW)

    with structlog.testing.capture_logs() as logs:
        summary = await refresher.refresh(DAYS)

    assert hf.days == DAYS and arxiv.days == DAYS
    assert summary.errors == [
        "hf 2026-06-11: fetching failed: KeyError: 'paper'",
        "arxiv 2026-06-10: fetching failed: RuntimeError: parser bug",
    ]
    assert summary.stored == 4
    stored = await store.get_papers([paper_of(s, d).id for s in ("hf", "arxiv") for d in DAYS])
    assert set(stored) == {
        paper_of("hf", DAYS[0]).id,
        paper_of("hf", DAYS[2]).id,
        paper_of("arxiv", DAYS[1]).id,
        paper_of("arxiv", DAYS[2]).id,
    }
    crashes = [entry for entry in logs if entry["event"] == "fetch_crashed"]
    assert [entry["error"] for entry in crashes] == summary.errors
    assert all(entry["log_level"] == "warning" and entry["where"] for entry in crashes)


async def test_a_day_the_store_cannot_write_is_that_days_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upsert = store.upsert_papers

    async def upsert(papers: Sequence[Paper], *, at: datetime) -> int:
        if any(paper.id == paper_of("hf", DAYS[1]).id for paper in papers):
            raise OperationalError("INSERT INTO papers", {}, Exception("database is locked"))
        return await real_upsert(papers, at=at)

    monkeypatch.setattr(store, "upsert_papers", upsert)
    refresher = Refresher(store, [ScriptedSource("hf")], metrics=Metrics(), clock=lambda: NOW)

    summary = await refresher.refresh(DAYS)

    assert summary.errors == [
        "hf 2026-06-11: storing failed: Exception: database is locked",
    ]
    assert (summary.fetched, summary.stored) == (3, 2)
    assert await store.get_paper(paper_of("hf", DAYS[2]).id) is not None


async def test_an_import_the_store_refuses_is_reported_not_raised(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def upsert(papers: Sequence[Paper], *, at: datetime) -> int:
        raise OperationalError("INSERT INTO papers", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store, "upsert_papers", upsert)
    refresher = Refresher(store, [], metrics=Metrics(), clock=lambda: NOW)

    summary = await refresher.store_report(
        "hf", FetchReport(papers=(paper_of("hf", DAYS[0]),), skipped=2)
    )

    assert summary.as_dict() == {
        "fetched": 1,
        "stored": 0,
        "skipped": 2,
        "errors": ["hf import: storing failed: Exception: disk I/O error"],
    }


async def test_cancelling_a_refresh_is_not_swallowed(store: Store) -> None:
    source = ScriptedSource("hf", {DAYS[1]: asyncio.CancelledError()})
    refresher = Refresher(store, [source], metrics=Metrics(), clock=lambda: NOW)

    with pytest.raises(asyncio.CancelledError):
        await refresher.refresh(DAYS)

    assert source.days == DAYS[:2]


async def test_hostile_entries_beside_good_ones_through_the_refresher(
    refresher: Refresher, upstream: FakeUpstream, store: Store
) -> None:
    upstream.daily[hostile.DAY.isoformat()] = hostile.hf_entries()

    summary = await refresher.refresh([hostile.DAY])

    assert summary.errors == [] and summary.skipped == 1
    assert len(await store.get_papers(hostile.GOOD_IDS)) == len(hostile.GOOD_IDS)


# housekeeping ---------------------------------------------------------------------------


async def test_a_refresh_prunes_the_store(refresher: Refresher, store: Store) -> None:
    await store.claim_event("slack", "Ev-old", at=NOW - timedelta(days=8))
    await store.claim_event("slack", "Ev-new", at=NOW - timedelta(days=1))

    await refresher.refresh()

    assert await store.claim_event("slack", "Ev-old", at=NOW) is True
    assert await store.claim_event("slack", "Ev-new", at=NOW) is False


async def test_a_refresh_survives_a_failing_prune(
    refresher: Refresher, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def prune(now: datetime) -> None:
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(store, "prune", prune)

    with structlog.testing.capture_logs() as logs:
        summary = await refresher.refresh()

    assert summary.errors == [] and summary.stored >= 30
    assert "store_prune_failed" in [entry["event"] for entry in logs]
