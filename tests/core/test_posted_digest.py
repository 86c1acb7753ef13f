"""A digest that goes out is its slot's own: dated by the slot it was claimed for, and ranked
with every vote stored so far learned (a preview may use the model it has)."""

from __future__ import annotations

from datetime import timedelta

from bot.composer import DigestComposer
from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.models import ChannelSettings, MessageRole
from bot.ranking.learner import TasteLearner
from tests.core.conftest import GENERAL, NOW, TODAY, Harness
from tests.core.test_taste_learning import DAY_TWO, next_day, vote_for_diffusion


async def test_a_slot_missed_yesterday_and_posted_this_morning_is_yesterdays_digest(
    harness: Harness,
) -> None:
    yesterday = TODAY - timedelta(days=1)

    await harness.delivery.deliver(GENERAL, yesterday)

    header = harness.adapter.posted[0][1]
    assert header.role is MessageRole.HEADER
    assert header.digest.date == yesterday
    assert header.key == f"{GENERAL.key}:{yesterday.isoformat()}:header"


async def test_a_posted_digest_waits_for_the_votes_to_be_learned(harness: Harness) -> None:
    """The learner here never waits for a refit when previewing; posting must."""
    learner = TasteLearner(
        harness.store, half_life_days=60, command_wait_seconds=0, clock=harness.clock
    )
    composer = DigestComposer(harness.store, learner)
    # fitted before any vote; the next day makes it stale
    await composer.compose(ChannelSettings(GENERAL), now=NOW, fresh=True)
    await vote_for_diffusion(harness)
    await next_day(harness)
    harness.adapter.posted.clear()
    delivery = Delivery(
        harness.store,
        composer,
        {"console": harness.adapter},
        metrics=Metrics(),
        clock=harness.clock,
    )

    await delivery.deliver(GENERAL, TODAY + timedelta(days=1))

    first = harness.adapter.posted[1][1].item
    assert first is not None
    assert first.paper_id == DAY_TWO[5].id  # a diffusion paper, 20 upvotes against 300
