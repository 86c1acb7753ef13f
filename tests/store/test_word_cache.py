"""The vocabulary memory trusts an entry for a minute and forgets everything on request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.models import Paper
from bot.search.query import parse_query
from bot.store import Store, open_store
from bot.store.word_cache import MAX_ENTRIES, TTL_SECONDS, WordCache

AT = datetime(2026, 6, 13, tzinfo=UTC)


def test_an_entry_is_trusted_for_a_minute_then_asked_again() -> None:
    now = [100.0]
    cache = WordCache(clock=lambda: now[0])
    cache.put("papers", 42)

    now[0] += TTL_SECONDS - 1
    assert cache.get("papers") == 42
    now[0] += 2
    assert cache.get("papers") is None


def test_an_entry_exactly_a_minute_old_is_still_trusted() -> None:
    now = [100.0]
    cache = WordCache(clock=lambda: now[0])
    cache.put("papers", 42)

    now[0] += TTL_SECONDS
    assert cache.get("papers") == 42


def test_a_full_memory_starts_afresh_before_taking_one_more() -> None:
    cache = WordCache()
    for n in range(MAX_ENTRIES):
        cache.put(("count", f"word{n}"), n)
    assert cache.get(("count", "word0")) == 0

    cache.put(("count", "one-more"), 1)

    assert cache.get(("count", "word0")) is None
    assert cache.get(("count", "one-more")) == 1


def test_forgetting_drops_every_entry() -> None:
    cache = WordCache()
    cache.put(("count", "diffusion"), 3)

    cache.forget()

    assert cache.get(("count", "diffusion")) is None


async def test_new_papers_make_the_store_forget_what_it_remembered(store: Store) -> None:
    await store.upsert_papers([Paper(id="2606.00001", title="Robot arms")], at=AT)
    assert await found(store, "robot") == ["2606.00001"]

    await store.upsert_papers([Paper(id="2606.00002", title="Robots walking")], at=AT)

    assert sorted(await found(store, "robot")) == ["2606.00001", "2606.00002"]


async def test_the_words_a_prefix_starts_are_remembered_while_this_process_stores_none(
    store: Store, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's tsquery matches a prefix itself, not the words it starts")
    await store.upsert_papers([Paper(id="2606.00001", title="Robot arms")], at=AT)
    assert await found(store, "rob*") == ["2606.00001"]
    other_process = await open_store(database_url)
    try:
        await other_process.upsert_papers([Paper(id="2606.00002", title="Robin songs")], at=AT)
    finally:
        await other_process.close()

    assert await found(store, "rob*") == ["2606.00001"]
    await store.upsert_papers([Paper(id="2606.00003", title="Sailing")], at=AT)
    assert sorted(await found(store, "rob*")) == ["2606.00001", "2606.00002"]


async def test_how_many_papers_there_are_is_remembered_too(store: Store, database_url: str) -> None:
    await store.upsert_papers([Paper(id="2606.00001", title="Robot arms")], at=AT)
    [before] = await store.search_index(parse_query("robot"))
    other_process = await open_store(database_url)
    try:
        others = [Paper(id=f"2606.1{n:04d}", title="Sailing") for n in range(5)]
        await other_process.upsert_papers(others, at=AT)
    finally:
        await other_process.close()

    [after] = await store.search_index(parse_query("robot"))

    assert after.relevance == before.relevance


async def test_how_many_papers_hold_a_word_is_remembered(store: Store, database_url: str) -> None:
    sailing = [Paper(id=f"2606.2{n:04d}", title="Sailing") for n in range(10)]
    await store.upsert_papers([Paper(id="2606.00001", title="Robot arm"), *sailing], at=AT)
    [before] = await store.search_index(parse_query("arm robot"))
    other_process = await open_store(database_url)
    try:
        others = [Paper(id=f"2606.1{n:04d}", title="Arm") for n in range(5)]
        await other_process.upsert_papers(others, at=AT)
    finally:
        await other_process.close()

    [after] = await store.search_index(parse_query("arm robot"))

    assert after.relevance == before.relevance


async def found(store: Store, text: str) -> list[str]:
    return [hit.paper.id for hit in await store.search_index(parse_query(text))]
