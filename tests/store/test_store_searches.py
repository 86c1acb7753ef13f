"""Saved searches: the query behind a "More" button, read back by id or as someone's latest."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

from bot.models import ChannelRef
from bot.store import Store
from bot.store.searches import SavedSearch

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
MINUTES = timedelta(minutes=1)
GENERAL = ChannelRef("slack", "T1", "C1")
RANDOM = ChannelRef("slack", "T1", "C2")


async def test_a_saved_search_reads_back_as_it_was_saved(store: Store) -> None:
    search_id = await store.save_search(GENERAL, "U1", "sparse attention", shown=5, at=NOW)

    saved = await store.saved_search(search_id)

    assert saved == SavedSearch(
        id=search_id, channel=GENERAL, user_id="U1", query="sparse attention", shown=5
    )


async def test_each_search_gets_its_own_short_url_safe_id(store: Store) -> None:
    ids = {await store.save_search(GENERAL, "U1", "world models", shown=5, at=NOW) for _ in "abc"}

    assert len(ids) == 3
    url_safe = set(string.ascii_letters + string.digits + "-_")
    assert all(len(search_id) == 8 and set(search_id) <= url_safe for search_id in ids)


async def test_an_unknown_id_finds_no_search(store: Store) -> None:
    await store.save_search(GENERAL, "U1", "world models", shown=5, at=NOW)

    assert await store.saved_search("nosuchid") is None


async def test_the_latest_search_is_that_persons_newest_in_that_channel(store: Store) -> None:
    await store.save_search(GENERAL, "U1", "diffusion", shown=5, at=NOW - 2 * MINUTES)
    newest = await store.save_search(GENERAL, "U1", "sparse attention", shown=5, at=NOW)
    await store.save_search(GENERAL, "U1", "world models", shown=5, at=NOW - MINUTES)
    await store.save_search(GENERAL, "U2", "someone else's", shown=5, at=NOW + MINUTES)
    await store.save_search(RANDOM, "U1", "another channel", shown=5, at=NOW + MINUTES)

    latest = await store.latest_search(GENERAL, "U1")

    assert latest is not None and (latest.id, latest.query) == (newest, "sparse attention")
    assert latest.channel == GENERAL and latest.user_id == "U1"


async def test_no_latest_search_for_someone_who_saved_none(store: Store) -> None:
    await store.save_search(GENERAL, "U1", "world models", shown=5, at=NOW)

    assert await store.latest_search(GENERAL, "U2") is None
    assert await store.latest_search(RANDOM, "U1") is None


async def test_showing_more_results_is_remembered_for_that_search_only(store: Store) -> None:
    shown_more = await store.save_search(GENERAL, "U1", "world models", shown=5, at=NOW)
    untouched = await store.save_search(GENERAL, "U1", "diffusion", shown=5, at=NOW)

    await store.mark_search_shown(shown_more, 10)

    more = await store.saved_search(shown_more)
    same = await store.saved_search(untouched)
    assert more is not None and more.shown == 10
    assert same is not None and same.shown == 5


async def test_a_channel_id_holding_colons_reads_back_whole(store: Store) -> None:
    thread = ChannelRef("console", "local", "general:thread:1")
    search_id = await store.save_search(thread, "me", "world models", shown=5, at=NOW)

    saved = await store.saved_search(search_id)

    assert saved is not None and saved.channel == thread
