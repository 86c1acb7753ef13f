"""Pruning keeps the history tables short without changing what the bot reads from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from bot.models import ChannelRef, Paper
from bot.store import Pruned, Store
from tests.store.faults import row_count

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
DAYS = timedelta(days=1)
HOURS = timedelta(hours=1)


async def _history(store: Store, paper_id: str, history: dict[timedelta, int]) -> None:
    for offset, upvotes in sorted(history.items()):
        paper = Paper(id=paper_id, title=f"Paper {paper_id}", upvotes=upvotes, sources=("hf",))
        await store.upsert_papers([paper], at=NOW + offset)


async def test_old_snapshots_go_but_each_papers_baseline_stays(
    store: Store, database_url: str
) -> None:
    await _history(store, "a", {-10 * DAYS: 5, -9 * DAYS: 6, -7 * DAYS: 8, -HOURS: 9})
    await _history(store, "b", {-20 * DAYS: 3})  # unchanged for twenty days
    await _history(store, "c", {-12 * DAYS: 1, -11 * DAYS: 2, -8 * DAYS - HOURS: 4})
    moments = [NOW - offset * DAYS for offset in range(7)]
    before = [await store.momentum(["a", "b", "c"], now=moment) for moment in moments]

    pruned = await store.prune(NOW)

    # a: -10d goes, -9d is its newest at or before the cutoff; b keeps its only one;
    # c keeps -8d-1h and loses the two before it
    assert pruned == Pruned(snapshots=3, events=0, fetch_runs=0)
    assert await row_count(database_url, "upvote_snapshots") == 5
    after = [await store.momentum(["a", "b", "c"], now=moment) for moment in moments]
    assert after == before
    assert after[0] == {"a": 1, "b": 0, "c": 0}


async def test_a_paper_seen_again_after_a_quiet_week_keeps_its_momentum_baseline(
    store: Store,
) -> None:
    await _history(store, "d", {-12 * DAYS: 40})

    await store.prune(NOW)
    await _history(store, "d", {0 * HOURS: 46})  # e.g. back on the trending list

    assert await store.momentum(["d"], now=NOW) == {"d": 6}


async def test_processed_events_older_than_a_week_go(store: Store) -> None:
    await store.claim_event("slack", "old", at=NOW - 7 * DAYS - HOURS)
    await store.claim_event("slack", "recent", at=NOW - 6 * DAYS)

    pruned = await store.prune(NOW)

    assert pruned.events == 1
    assert await store.claim_event("slack", "recent", at=NOW) is False
    assert await store.claim_event("slack", "old", at=NOW) is True


async def test_fetch_runs_older_than_a_month_go_but_the_last_good_one_stays(
    store: Store, database_url: str
) -> None:
    counts = {"fetched": 1, "stored": 1, "skipped": 0}
    for days, ok in ((40, True), (35, False), (31, True), (31.5, False), (29, False)):
        error = None if ok else "HTTP 500"
        await store.record_fetch("hf", at=NOW - days * DAYS, ok=ok, error=error, **counts)

    first = await store.prune(NOW)

    assert first.fetch_runs == 3
    assert await row_count(database_url, "fetch_runs") == 2
    assert await store.last_successful_fetch() == NOW - 31 * DAYS

    await store.record_fetch("hf", at=NOW - DAYS, ok=True, error=None, **counts)
    second = await store.prune(NOW)

    assert second.fetch_runs == 1
    assert await store.last_successful_fetch() == NOW - DAYS


async def test_pruning_again_deletes_nothing(store: Store) -> None:
    await _history(store, "e", {-30 * DAYS: 1, -20 * DAYS: 2, -HOURS: 3})
    await store.claim_event("discord", "x", at=NOW - 9 * DAYS)

    first = await store.prune(NOW)
    second = await store.prune(NOW)

    assert first == Pruned(snapshots=1, events=1, fetch_runs=0)
    assert second == Pruned(snapshots=0, events=0, fetch_runs=0) and second.total == 0


async def test_saved_searches_are_kept_a_week(store: Store) -> None:
    general = ChannelRef("slack", "T1", "C1")
    old = await store.save_search(general, "U1", "sparse attention", shown=5, at=NOW - 8 * DAYS)
    new = await store.save_search(general, "U1", "world models", shown=5, at=NOW - DAYS)

    pruned = await store.prune(NOW)

    assert pruned.searches == 1
    assert await store.saved_search(old) is None
    latest = await store.latest_search(general, "U1")
    assert latest is not None and (latest.id, latest.query) == (new, "world models")


async def test_what_is_exactly_as_old_as_its_retention_stays(
    store: Store, database_url: str
) -> None:
    general = ChannelRef("slack", "T1", "C1")
    await _history(store, "a", {-9 * DAYS: 1, -8 * DAYS: 2, -HOURS: 3})
    await store.claim_event("slack", "week-old", at=NOW - 7 * DAYS)
    counts = {"fetched": 1, "stored": 1, "skipped": 0}
    await store.record_fetch("hf", at=NOW - 30 * DAYS, ok=False, error="HTTP 500", **counts)
    await store.save_search(general, "U1", "world models", shown=5, at=NOW - 7 * DAYS)

    pruned = await store.prune(NOW)

    # a: -9d goes, -8d is exactly at the cutoff and is its baseline
    assert pruned == Pruned(snapshots=1, events=0, fetch_runs=0, searches=0)
    assert await row_count(database_url, "upvote_snapshots") == 2
    assert await store.momentum(["a"], now=NOW - 7 * DAYS) == {"a": 0}


async def test_without_a_good_fetch_every_old_run_goes(store: Store, database_url: str) -> None:
    counts = {"fetched": 0, "stored": 0, "skipped": 0}
    for days in (40, 35, 31):
        await store.record_fetch("hf", at=NOW - days * DAYS, ok=False, error="HTTP 500", **counts)
    await store.record_fetch("hf", at=NOW - 2 * DAYS, ok=False, error="HTTP 500", **counts)

    pruned = await store.prune(NOW)

    assert pruned.fetch_runs == 3
    assert await row_count(database_url, "fetch_runs") == 1
    assert await store.last_successful_fetch() is None


async def test_pruning_says_what_it_deleted_from_each_table(store: Store) -> None:
    general = ChannelRef("slack", "T1", "C1")
    await _history(store, "a", {-20 * DAYS: 1, -10 * DAYS: 2, -HOURS: 3})
    for event_id in ("e1", "e2"):
        await store.claim_event("slack", event_id, at=NOW - 9 * DAYS)
    counts = {"fetched": 1, "stored": 1, "skipped": 0}
    for days in (50, 40, 35):
        await store.record_fetch("hf", at=NOW - days * DAYS, ok=False, error="x", **counts)
    for query in ("a", "b", "c", "d"):
        await store.save_search(general, "U1", query, shown=5, at=NOW - 8 * DAYS)

    with structlog.testing.capture_logs() as logs:
        pruned = await store.prune(NOW)

    assert pruned == Pruned(snapshots=1, events=2, fetch_runs=3, searches=4)
    assert pruned.total == 10
    assert [log for log in logs if log["event"] == "store_pruned"] == [
        {
            "event": "store_pruned",
            "log_level": "info",
            "snapshots": 1,
            "events": 2,
            "fetch_runs": 3,
            "searches": 4,
        }
    ]


async def test_pruning_nothing_logs_nothing(store: Store) -> None:
    with structlog.testing.capture_logs() as logs:
        pruned = await store.prune(NOW)

    assert pruned == Pruned(snapshots=0, events=0, fetch_runs=0, searches=0)
    assert [log for log in logs if log["event"] == "store_pruned"] == []


async def test_only_searches_pruned_still_count_and_log(store: Store) -> None:
    general = ChannelRef("slack", "T1", "C1")
    await store.save_search(general, "U1", "world models", shown=5, at=NOW - 8 * DAYS)

    with structlog.testing.capture_logs() as logs:
        pruned = await store.prune(NOW)

    assert (pruned.total, [log["searches"] for log in logs if log["event"] == "store_pruned"]) == (
        1,
        [1],
    )


async def test_old_failed_runs_after_the_last_good_one_go_too(
    store: Store, database_url: str
) -> None:
    counts = {"fetched": 1, "stored": 1, "skipped": 0}
    await store.record_fetch("hf", at=NOW - 40 * DAYS, ok=True, error=None, **counts)
    await store.record_fetch("hf", at=NOW - 35 * DAYS, ok=False, error="HTTP 500", **counts)

    pruned = await store.prune(NOW)

    assert pruned.fetch_runs == 1
    assert await row_count(database_url, "fetch_runs") == 1
    assert await store.last_successful_fetch() == NOW - 40 * DAYS
