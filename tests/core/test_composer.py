"""Channels posting at the same minute share one read of the candidates, refreshed by fetches."""

from __future__ import annotations

from bot.composer import DigestComposer
from bot.metrics import Metrics
from bot.models import ChannelRef, ChannelSettings, FetchReport
from bot.refresh import Refresher
from bot.store import Store
from tests.core.conftest import NOW, TODAY, Harness
from tests.fakes.papers import make_paper


def settings(name: str) -> ChannelSettings:
    """A channel with default settings."""
    return ChannelSettings(ChannelRef("console", "local", name))


async def test_channels_at_the_same_minute_get_the_same_candidates(harness: Harness) -> None:
    composer = DigestComposer(harness.store)

    first = await composer.candidates(settings("a"), NOW)
    second = await composer.candidates(settings("b"), NOW.replace(second=30))

    assert first is second
    assert len(first) == 5


async def test_a_new_fetch_is_seen_at_once(harness: Harness, store: Store) -> None:
    composer = DigestComposer(store)
    refresher = Refresher(store, [], metrics=Metrics(), on_stored=composer.forget)
    await composer.compose(settings("a"), now=NOW)
    await refresher.store_report(
        "hf", FetchReport(papers=(make_paper(id="2606.09999", featured_on=TODAY),))
    )

    digest = await composer.compose(ChannelSettings(settings("a").channel, size=10), now=NOW)

    assert "2606.09999" in [item.paper_id for item in digest.items]


async def test_the_next_minute_reads_again(harness: Harness, store: Store) -> None:
    composer = DigestComposer(store)
    before = await composer.candidates(settings("a"), NOW)
    await store.upsert_papers([make_paper(id="2606.09999", featured_on=TODAY)], at=NOW)

    after = await composer.candidates(settings("a"), NOW.replace(minute=1))

    assert len(after) == len(before) + 1
