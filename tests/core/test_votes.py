"""Reactions on the bot's own digest messages become votes, once each, and move the ranking."""

from __future__ import annotations

from bot.models import Vote
from tests.core.conftest import GENERAL, TODAY, Harness


async def _posted_digest(harness: Harness) -> tuple[str, dict[int, str]]:
    """Post today's digest; return the header's message id and item message ids by rank."""
    await harness.delivery.deliver(GENERAL, TODAY)
    posted = harness.adapter.posted
    items = {message.item.rank: f"m{n}" for n, (_, message) in enumerate(posted, 1) if message.item}
    return "m1", items


async def test_a_thumbs_up_on_a_paper_counts_for_that_paper(harness: Harness) -> None:
    _, items = await _posted_digest(harness)

    recorded = await harness.service.record_vote(Vote(GENERAL, items[2], "U7", "+1", event_id="E1"))

    tallies = await harness.store.vote_tallies("console", "local")
    assert recorded
    assert tallies["2606.00004"].weight == 1


async def test_a_retried_event_is_applied_once(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    vote = Vote(GENERAL, items[1], "U7", "fire", event_id="E1")

    assert await harness.service.record_vote(vote)
    assert not await harness.service.record_vote(vote)
    assert (await harness.store.vote_tallies("console", "local"))["2606.00005"].weight == 2


async def test_removing_a_reaction_takes_the_vote_back(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    await harness.service.record_vote(Vote(GENERAL, items[1], "U7", "+1", event_id="E1"))

    await harness.service.record_vote(
        Vote(GENERAL, items[1], "U7", "+1", removed=True, event_id="E2")
    )

    tally = (await harness.store.vote_tallies("console", "local")).get("2606.00005")
    assert tally is None or tally.weight == 0


async def test_a_keycap_on_the_header_votes_for_that_rank(harness: Harness) -> None:
    header, _ = await _posted_digest(harness)

    assert await harness.service.record_vote(Vote(GENERAL, header, "U7", "keycap:3"))

    assert (await harness.store.vote_tallies("console", "local"))["2606.00003"].weight == 1


async def test_reactions_elsewhere_or_with_other_emoji_are_ignored(harness: Harness) -> None:
    header, items = await _posted_digest(harness)

    assert not await harness.service.record_vote(Vote(GENERAL, "someone-elses", "U7", "+1"))
    assert not await harness.service.record_vote(Vote(GENERAL, items[1], "U7", "tada"))
    assert not await harness.service.record_vote(Vote(GENERAL, header, "U7", "keycap:9"))
    assert not await harness.service.record_vote(Vote(GENERAL, header, "U7", "+1"))
    assert await harness.store.vote_tallies("console", "local") == {}


async def test_votes_move_the_ranking(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    before = await harness.run("why 2606.00001")
    for user in ("U1", "U2", "U3"):
        await harness.service.record_vote(Vote(GENERAL, items[5], user, "fire"))

    after = await harness.run("why 2606.00001")

    assert before.text != after.text
    assert "team" in after.text.lower() or "vote" in after.text.lower()
