"""Channels posting at the same minute share one read of the candidates, refreshed by fetches;
older papers that climb fast come back."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

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


async def test_a_paper_featured_last_week_comes_back_while_it_climbs(
    harness: Harness, store: Store
) -> None:
    week_ago = TODAY - timedelta(days=8)
    quiet = make_paper(id="2606.07777", featured_on=week_ago, upvotes=500, github_stars=None)
    climber = make_paper(id="2606.08888", featured_on=week_ago, upvotes=20, github_stars=None)
    await store.upsert_papers([quiet, climber], at=NOW - timedelta(hours=25))
    await store.upsert_papers([replace(quiet, upvotes=501), replace(climber, upvotes=260)], at=NOW)

    digest = await DigestComposer(store).compose(settings("a"), now=NOW)

    items = {item.paper_id: item for item in digest.items}
    assert climber.id in items and items[climber.id].climbing
    assert quiet.id not in items


async def test_a_past_days_digest_holds_the_papers_known_then_and_not_yet_sent(
    harness: Harness,
) -> None:
    """The five papers were featured today and posted today; a paper of tomorrow is stored."""
    general = settings("general")
    await harness.delivery.deliver(general.channel, TODAY)
    tomorrow = make_paper(id="2606.00009", featured_on=TODAY + timedelta(days=1))
    await harness.store.upsert_papers([tomorrow], at=NOW)

    today = await harness.composer.compose_on(general, TODAY)
    yesterday = await harness.composer.compose_on(general, TODAY - timedelta(days=1))

    assert today.date == TODAY
    assert [item.paper_id for item in today.items] == [f"2606.0000{n}" for n in (5, 4, 3, 2, 1)]
    assert yesterday.items == ()
