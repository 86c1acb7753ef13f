"""Values the database cannot hold never cost the papers beside them.

First end to end: hostile upstream entries served by the fake HF / arXiv server, read by
the real client and sources, stored by the Refresher. Then the store's own safety net: a
chunk the database refuses is written again paper by paper, and only the refused papers
are left out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
import structlog
from sqlalchemy import exc

from bot.metrics import Metrics
from bot.models import Paper
from bot.refresh import Refresher
from bot.sources import ArxivSource, HuggingFaceSource, RetryPolicy, make_http_client
from bot.store import Store
from bot.store.availability import StoreUnavailable
from config.settings import load_settings
from tests.fakes.upstream import FakeUpstream
from tests.sources import hostile
from tests.store.faults import fail_once

NOW = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream() as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_http_client(load_settings()) as http:
        yield http


def _refresher(store: Store, client: httpx.AsyncClient, upstream: FakeUpstream) -> Refresher:
    retry = RetryPolicy(retries=0)
    sources = [
        HuggingFaceSource(client, upstream.url, retry=retry),
        ArxivSource(client, upstream.url, ["cs.LG"], 0, retry=retry),
    ]
    return Refresher(store, sources, metrics=Metrics(), clock=lambda: NOW)


async def test_hostile_hf_entries_are_stored_with_those_fields_empty(
    store: Store, client: httpx.AsyncClient, upstream: FakeUpstream
) -> None:
    upstream.daily[hostile.DAY.isoformat()] = hostile.hf_entries()

    summary = await _refresher(store, client, upstream).refresh([hostile.DAY], sources=["hf"])

    assert summary.errors == []
    assert (summary.stored, summary.skipped) == (len(hostile.GOOD_IDS) + len(hostile.HF_HOSTILE), 1)
    stored = await store.get_papers([*hostile.GOOD_IDS, *(h.paper_id for h in hostile.HF_HOSTILE)])
    assert set(hostile.GOOD_IDS) <= set(stored)
    for case in hostile.HF_HOSTILE:
        paper = stored[case.paper_id]
        for name, expected in case.expected.items():
            assert getattr(paper, name) == expected, f"{case.case}: {name}"


async def test_arxiv_entries_with_unplaceable_timestamps_cost_nothing_else(
    store: Store, client: httpx.AsyncClient, upstream: FakeUpstream
) -> None:
    upstream.arxiv_entries = hostile.arxiv_entries()

    summary = await _refresher(store, client, upstream).refresh([hostile.DAY], sources=["arxiv"])

    assert summary.errors == [] and summary.stored == 2
    assert set(await store.get_papers(["2606.00201", "2606.00202", "2606.00204"])) == {
        "2606.00201",
        "2606.00204",
    }


# the store's own safety net: values that reach it unparsed ---------------------------


def _refused_everywhere() -> list[Paper]:
    east = timezone(timedelta(hours=5))
    return [
        Paper(id="bad-upvotes", title="Too many upvotes", upvotes=10**20),
        Paper(id="bad-title", title="Lone \ud800 surrogate"),
        Paper(id="bad-date", title="Year one", published_at=datetime(1, 1, 1, tzinfo=east)),
    ]


def _refused_by_postgresql() -> list[Paper]:
    return [
        Paper(id="pg-int4", title="Past int4", upvotes=3_000_000_000),
        Paper(id="pg-nul", title="NUL \x00 inside"),
    ]


def _good(count: int) -> list[Paper]:
    return [Paper(id=f"good-{n:03d}", title=f"Good {n}", upvotes=n) for n in range(count)]


async def test_refused_papers_are_left_out_and_the_rest_stored(
    store: Store, database_url: str
) -> None:
    good = _good(5)
    postgres = database_url.startswith("postgresql")
    refused = _refused_everywhere() + (_refused_by_postgresql() if postgres else [])
    accepted_here = [] if postgres else _refused_by_postgresql()

    with structlog.testing.capture_logs() as logs:
        written = await store.upsert_papers([good[0], *refused, *good[1:], *accepted_here], at=NOW)

    assert written == len(good) + len(accepted_here)
    found = await store.get_papers([p.id for p in good + refused + accepted_here])
    assert set(found) == {p.id for p in good + accepted_here}
    assert await store.momentum([p.id for p in good], now=NOW) == {p.id: 0 for p in good}
    [line] = [log for log in logs if log["event"] == "papers_refused_by_database"]
    assert line["refused"] == len(refused) and line["log_level"] == "warning"
    assert (line["stored"], line["first_id"]) == (written, "bad-date")
    assert "\ud800" not in line["error"] and not line["error"].startswith("NoneType")
    [upserted] = [log for log in logs if log["event"] == "papers_upserted"]
    counted = [p for p in good + accepted_here if p.upvotes is not None]
    assert (upserted["papers"], upserted["snapshots"]) == (written, len(counted))


async def test_a_refused_paper_in_a_later_chunk_keeps_the_earlier_chunks(store: Store) -> None:
    papers = [*_good(1200), Paper(id="zz-bad", title="Too many", upvotes=10**20)]

    assert await store.upsert_papers(papers, at=NOW) == 1200
    assert len(await store.get_papers([p.id for p in papers])) == 1200


async def test_a_failing_database_is_raised_not_taken_for_bad_data(store: Store) -> None:
    with fail_once("INSERT INTO papers"), pytest.raises(StoreUnavailable):
        await store.upsert_papers(_good(3), at=NOW)

    assert await store.get_papers([p.id for p in _good(3)]) == {}


def test_data_errors_are_told_from_database_failures() -> None:
    # imported here so the rest of the module runs against a store without it
    from bot.store.dialect import is_data_error

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__("pg")
            self.sqlstate = sqlstate

    class Psycopg2Error(Exception):
        def __init__(self, pgcode: str) -> None:
            super().__init__("pg")
            self.pgcode = pgcode

    assert is_data_error(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert is_data_error(UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
    assert is_data_error(exc.StatementError("bind", "INSERT", {}, OverflowError("date")))
    assert is_data_error(exc.DBAPIError("INSERT", {}, PgError("22021")))
    assert is_data_error(exc.DBAPIError("INSERT", {}, Psycopg2Error("22003")))
    assert is_data_error(exc.DataError("INSERT", {}, Exception("value too long")))
    assert not is_data_error(exc.OperationalError("INSERT", {}, Exception("database is locked")))
    assert not is_data_error(exc.DBAPIError("INSERT", {}, PgError("08006")))  # connection lost
    assert not is_data_error(exc.InterfaceError("INSERT", {}, Exception("connection closed")))
    assert not is_data_error(RuntimeError("a bug"))
