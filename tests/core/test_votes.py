"""Reactions on the bot's own digest messages become votes, once each, and move the ranking."""

from __future__ import annotations

from datetime import timedelta

import structlog

from bot.metrics import NAMESPACE
from bot.models import ChannelRef, ChannelSettings, Vote
from tests.core.conftest import GENERAL, NOW, TODAY, Harness
from tests.fakes.papers import make_paper


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


async def test_a_removed_workspace_pauses_its_channels(harness: Harness) -> None:
    await harness.run("subscribe 09:00 UTC")

    paused = await harness.service.workspace_removed("console", "local", "the app was uninstalled")

    settings = await harness.store.get_channel(GENERAL)
    assert paused == 1
    assert settings is not None and settings.paused_reason == "the app was uninstalled"


async def test_a_removed_channel_is_paused_with_its_reason(harness: Harness) -> None:
    await harness.service.channel_removed(GENERAL, "the channel was deleted")

    reply = await harness.run("settings")

    assert any("paused: the channel was deleted" in line for line in reply.lines)


async def test_paper_suggestions_come_from_the_channels_digests(harness: Harness) -> None:
    assert await harness.service.suggest_papers(GENERAL, "") == []
    await harness.delivery.deliver(GENERAL, TODAY)

    everything = await harness.service.suggest_papers(GENERAL, "")
    by_id = await harness.service.suggest_papers(GENERAL, "2606.00003")
    by_title = await harness.service.suggest_papers(GENERAL, "paper 2606.00004")

    assert [paper_id for paper_id, _ in everything] == [f"2606.0000{n}" for n in (5, 4, 3, 2, 1)]
    assert by_id == [("2606.00003", "Paper 2606.00003")]
    assert by_title == [("2606.00004", "Paper 2606.00004")]


async def test_clearing_a_messages_reactions_takes_its_votes_back(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    for user, emoji in (("U1", "+1"), ("U2", "fire"), ("U3", "+1")):
        await harness.service.record_vote(Vote(GENERAL, items[1], user, emoji))
    await harness.service.record_vote(Vote(GENERAL, items[2], "U1", "+1"))

    only_thumbs = await harness.service.clear_votes(GENERAL, items[1], "+1")
    everything = await harness.service.clear_votes(GENERAL, items[1], None)

    tallies = await harness.store.vote_tallies("console", "local")
    assert (only_thumbs, everything) == (2, 1)
    assert "2606.00005" not in tallies or tallies["2606.00005"].weight == 0
    assert tallies["2606.00004"].weight == 1


async def test_vote_outcomes_are_counted_as_before(harness: Harness) -> None:
    header, items = await _posted_digest(harness)
    votes = [
        Vote(GENERAL, items[1], "U7", "+1", event_id="E1"),  # recorded
        Vote(GENERAL, items[1], "U7", "+1", event_id="E1"),  # duplicate
        Vote(GENERAL, items[1], "U7", "+1", event_id="E2"),  # unchanged
        Vote(GENERAL, items[1], "U7", "tada", event_id="E3"),  # ignored_emoji
        Vote(GENERAL, "elsewhere", "U7", "+1", event_id="E4"),  # not_ours
        Vote(GENERAL, header, "U7", "+1", event_id="E5"),  # no_paper
    ]

    metrics = harness.parts.metrics

    with structlog.testing.capture_logs() as logs:
        results = [await harness.service.record_vote(vote) for vote in votes]

    assert [bool(result) for result in results] == [True, False, False, False, False, False]
    outcomes = ("recorded", "duplicate", "unchanged", "ignored_emoji", "not_ours", "no_paper")
    counted = {
        outcome: metrics.registry.get_sample_value(
            f"{NAMESPACE}_votes_total", {"platform": "console", "outcome": outcome}
        )
        for outcome in outcomes
    }
    assert counted == dict.fromkeys(outcomes, 1.0)
    assert [entry["event"] for entry in logs].count("vote_recorded") == 1


async def test_top_shows_the_teams_most_voted_first_with_their_votes(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    await harness.service.record_vote(Vote(GENERAL, items[5], "U7", "fire"))
    await harness.service.record_vote(Vote(GENERAL, items[5], "U8", "+1"))
    await harness.service.record_vote(Vote(GENERAL, items[4], "U7", "+1"))
    await harness.service.record_vote(Vote(GENERAL, items[3], "U7", "-1"))

    reply = await harness.run("top week")
    elsewhere = await harness.run("top week", channel=ChannelRef("console", "other", "general"))

    assert reply.text.startswith("Your team's most voted in the last week")
    assert [(item.paper_id, item.note) for item in reply.items[:2]] == [
        ("2606.00001", "your team: +3 from 2 people"),
        ("2606.00002", "your team: +1 from 1 person"),
    ]
    rest = [item.paper_id for item in reply.items[2:]]
    assert rest == ["2606.00005", "2606.00004", "2606.00003"]
    assert reply.items[2].note == "50 upvotes on Hugging Face"
    assert [item.team_votes for item in reply.items[2:]] == [0, 0, -1]
    assert elsewhere.text.startswith("Most upvoted on Hugging Face")
    assert elsewhere.items[0].paper_id == "2606.00005"


async def test_top_shows_five_team_favourites_then_fills_ten_rows_from_hugging_face(
    harness: Harness,
) -> None:
    await harness.store.save_channel(ChannelSettings(GENERAL, size=10))
    await harness.store.upsert_papers(
        [make_paper(id=f"2606.000{n:02d}", upvotes=n - 5, featured_on=TODAY) for n in range(6, 11)],
        at=NOW,
    )
    _, items = await _posted_digest(harness)
    for rank in range(1, 7):
        await harness.service.record_vote(Vote(GENERAL, items[rank], "U7", "+1"))
    popular = [f"2606.9{n:04d}" for n in range(10, 0, -1)]
    await harness.store.upsert_papers(
        [
            make_paper(id=paper_id, upvotes=1000 - n, featured_on=TODAY)
            for n, paper_id in enumerate(popular)
        ],
        at=NOW,
    )

    reply = await harness.run("top week")

    assert reply.text == (
        "Your team's most voted in the last week, then the most upvoted on Hugging Face."
    )
    notes = [item.note for item in reply.items]
    assert notes[:5] == ["your team: +1 from 1 person"] * 5
    assert [item.team_votes for item in reply.items[:5]] == [1] * 5
    assert [item.paper_id for item in reply.items[5:]] == popular[:5]
    assert len(reply.items) == 10


async def test_top_of_the_day_leaves_out_votes_cast_before_it(harness: Harness) -> None:
    _, items = await _posted_digest(harness)
    await harness.service.record_vote(Vote(GENERAL, items[1], "U7", "+1"))
    harness.clock.now += timedelta(days=2)

    reply = await harness.run("top day")

    assert reply.text == "No papers stored from the last day yet."
