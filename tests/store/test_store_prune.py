"""Pruning keeps the history tables short without changing what the bot reads from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
