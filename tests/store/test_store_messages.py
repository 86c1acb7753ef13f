"""Posted messages and the votes cast on them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.models import ChannelRef, MessageRole, Paper, PostedMessage, TeamVote, Vote, VoteTally
from bot.store import Store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C-general")
RANDOM = ChannelRef("slack", "T1", "C-random")
DIGEST = f"{GENERAL.key}:2026-03-02"


def item_post(message_id: str, paper_id: str, channel: ChannelRef = GENERAL) -> PostedMessage:
    """A digest item message showing one paper."""
    return PostedMessage(channel, message_id, DIGEST, MessageRole.ITEM, paper_id=paper_id)


# posted messages ------------------------------------------------------------------------


async def test_a_post_is_found_by_key_and_by_message_id(store: Store) -> None:
    header = PostedMessage(GENERAL, "1700.1", DIGEST, MessageRole.HEADER, item_papers=("a", "b"))

    assert await store.record_post(header, key=f"{DIGEST}:header") is True

    assert await store.posted_by_key(f"{DIGEST}:header") == header
    assert await store.find_post(GENERAL, "1700.1") == header
    assert await store.find_post(RANDOM, "1700.1") is None
    assert await store.posted_by_key("unknown") is None


async def test_a_post_is_recorded_once_by_key_and_by_message(store: Store) -> None:
    assert await store.record_post(item_post("1700.2", "a"), key="k1") is True
    assert await store.record_post(item_post("1700.3", "a"), key="k1") is False
    assert await store.record_post(item_post("1700.2", "b"), key="k2") is False
    assert await store.record_post(item_post("1700.2", "b", RANDOM), key="k3") is True

    assert await store.find_post(GENERAL, "1700.2") == item_post("1700.2", "a")
    assert await store.find_post(GENERAL, "1700.3") is None


# votes ----------------------------------------------------------------------------------


async def test_a_vote_counts_once_until_removed(store: Store) -> None:
    vote = Vote(GENERAL, "1700.2", "U1", "+1")

    assert await store.add_vote(vote, paper_id="a", weight=1, at=AT) is True
    assert await store.add_vote(vote, paper_id="a", weight=1, at=AT) is False
    assert await store.add_vote(
        Vote(GENERAL, "1700.2", "U1", "fire"), paper_id="a", weight=2, at=AT
    )
    assert await store.vote_tallies("slack", "T1") == {"a": VoteTally("a", 2, 1)}

    assert await store.remove_vote(Vote(GENERAL, "1700.2", "U1", "+1", removed=True)) is True
    assert await store.remove_vote(vote) is False
    assert await store.vote_tallies("slack", "T1") == {"a": VoteTally("a", 2, 1)}


async def test_clearing_votes_on_a_message_removes_one_emoji_or_all(store: Store) -> None:
    for user, emoji in (("U1", "+1"), ("U2", "+1"), ("U3", "fire")):
        await store.add_vote(Vote(GENERAL, "1700.2", user, emoji), paper_id="a", weight=1, at=AT)
    await store.add_vote(Vote(GENERAL, "1700.3", "U1", "+1"), paper_id="b", weight=1, at=AT)

    assert await store.clear_votes(GENERAL, "1700.2", "+1") == 2
    assert await store.clear_votes(GENERAL, "1700.2") == 1
    assert await store.vote_tallies("slack", "T1") == {"b": VoteTally("b", 1, 1)}


async def test_concurrent_duplicate_votes_count_once(store: Store) -> None:
    vote = Vote(GENERAL, "1700.2", "U1", "+1")
    results = await asyncio.gather(
        *(store.add_vote(vote, paper_id="a", weight=1, at=AT) for _ in range(6))
    )
    assert results.count(True) == 1


async def test_tallies_clamp_each_user_and_count_distinct_voters(store: Store) -> None:
    votes = [
        (Vote(GENERAL, "m1", "U1", "+1"), "a", 1),
        (Vote(GENERAL, "m1", "U1", "fire"), "a", 2),
        (Vote(RANDOM, "m9", "U1", "+1"), "a", 1),  # U1 nets +4 on a: counts +2
        (Vote(GENERAL, "m1", "U2", "-1"), "a", -1),
        (Vote(GENERAL, "m2", "U2", "-1"), "b", -1),
        (Vote(GENERAL, "m2", "U3", "-1"), "b", -1),
        (Vote(GENERAL, "m2", "U3", "keycap:1"), "b", -2),  # U3 nets -3 on b: counts -2
        (Vote(ChannelRef("slack", "T2", "C1"), "m3", "U1", "+1"), "a", 1),  # other workspace
        (Vote(ChannelRef("discord", "T1", "C1"), "m4", "U1", "+1"), "a", 1),  # other platform
    ]
    for vote, paper_id, weight in votes:
        assert await store.add_vote(vote, paper_id=paper_id, weight=weight, at=AT)

    assert await store.vote_tallies("slack", "T1") == {
        "a": VoteTally("a", 1, 2),
        "b": VoteTally("b", -3, 2),
    }
    assert await store.vote_tallies("slack", "T1", ["b", "c"]) == {"b": VoteTally("b", -3, 2)}
    assert await store.vote_tallies("slack", "T1", []) == {}
    assert await store.vote_tallies("slack", "T2") == {"a": VoteTally("a", 1, 1)}


async def test_posts_are_found_by_any_of_their_keys(store: Store) -> None:
    await store.record_post(item_post("1700.2", "a"), key="k1")
    await store.record_post(item_post("1700.3", "b"), key="k2")
    await store.record_post(item_post("1700.4", "c"), key="k3")

    assert await store.posted_by_keys(["k1", "k3", "unknown"]) == {
        "k1": item_post("1700.2", "a"),
        "k3": item_post("1700.4", "c"),
    }
    assert await store.posted_by_keys([]) == {}


async def test_a_removal_withdraws_only_that_users_emoji_on_that_message(store: Store) -> None:
    votes = [
        Vote(GENERAL, "1700.2", "U1", "+1"),
        Vote(GENERAL, "1700.2", "U1", "fire"),  # same user and message, other emoji
        Vote(GENERAL, "1700.2", "U2", "+1"),  # same message and emoji, other user
        Vote(GENERAL, "1700.3", "U1", "+1"),  # same user and emoji, other message
        Vote(RANDOM, "1700.2", "U1", "+1"),  # same message id in another channel
        Vote(ChannelRef("discord", "T1", "C-general"), "1700.2", "U1", "+1"),  # other platform
    ]
    for n, vote in enumerate(votes):
        await store.add_vote(vote, paper_id=f"p{n}", weight=1, at=AT)

    assert await store.remove_vote(Vote(GENERAL, "1700.2", "U1", "+1", removed=True)) is True

    tallies = await store.vote_tallies("slack", "T1")
    assert sorted(tallies) == ["p1", "p2", "p3", "p4"]
    assert await store.vote_tallies("discord", "T1") == {"p5": VoteTally("p5", 1, 1)}


async def test_a_withdrawal_event_removes_only_that_users_emoji_on_that_message(
    store: Store,
) -> None:
    for user, emoji in (("U1", "+1"), ("U1", "fire"), ("U2", "+1")):
        await store.add_vote(Vote(GENERAL, "1700.2", user, emoji), paper_id="a", weight=1, at=AT)
    await store.add_vote(Vote(RANDOM, "1700.2", "U1", "+1"), paper_id="b", weight=1, at=AT)

    removal = Vote(GENERAL, "1700.2", "U1", "+1", removed=True, event_id="Ev1")
    assert await store.apply_vote(removal, paper_id="a", weight=1, at=AT)

    assert await store.vote_tallies("slack", "T1") == {
        "a": VoteTally("a", 2, 2),
        "b": VoteTally("b", 1, 1),
    }


async def test_clearing_a_message_leaves_the_same_message_id_elsewhere(store: Store) -> None:
    await store.add_vote(Vote(GENERAL, "1700.2", "U1", "+1"), paper_id="a", weight=1, at=AT)
    await store.add_vote(Vote(RANDOM, "1700.2", "U1", "+1"), paper_id="b", weight=1, at=AT)
    other_platform = ChannelRef("discord", "T1", "C-general")
    await store.add_vote(Vote(other_platform, "1700.2", "U1", "+1"), paper_id="c", weight=1, at=AT)

    assert await store.clear_votes(GENERAL, "1700.2") == 1

    assert await store.vote_tallies("slack", "T1") == {"b": VoteTally("b", 1, 1)}
    assert await store.vote_tallies("discord", "T1") == {"c": VoteTally("c", 1, 1)}


async def test_team_votes_are_each_persons_clamped_net_vote_per_paper_and_channel(
    store: Store,
) -> None:
    later = AT + timedelta(hours=3)
    votes = [
        (Vote(GENERAL, "m3", "U2", "+1"), "a", 1, AT),
        (Vote(GENERAL, "m3", "U2", "-1"), "a", -1, later),  # U2 nets 0 on a
        (Vote(GENERAL, "m1", "U1", "+1"), "a", 1, AT),
        (Vote(GENERAL, "m1", "U1", "fire"), "a", 2, later),  # U1 nets +3 on a here: +2
        (Vote(GENERAL, "m2", "U2", "-1"), "b", -1, AT),
        (Vote(GENERAL, "m2", "U2", "keycap:1"), "b", -2, AT),  # U2 nets -3 on b: -2
        (Vote(GENERAL, "m2", "U1", "+1"), "b", 1, AT),
        (Vote(RANDOM, "m9", "U1", "+1"), "a", 1, AT),  # the same paper in another channel
        (Vote(ChannelRef("slack", "T2", "C1"), "m4", "U1", "+1"), "a", 1, AT),
        (Vote(ChannelRef("discord", "T1", "C1"), "m5", "U1", "+1"), "a", 1, AT),
    ]
    for vote, paper_id, weight, at in votes:
        await store.add_vote(vote, paper_id=paper_id, weight=weight, at=at)

    assert await store.team_votes("slack", "T1") == [
        TeamVote(GENERAL.key, "U1", "a", 2, later),
        TeamVote(GENERAL.key, "U1", "b", 1, AT),
        TeamVote(GENERAL.key, "U2", "a", 0, later),
        TeamVote(GENERAL.key, "U2", "b", -2, AT),
        TeamVote(RANDOM.key, "U1", "a", 1, AT),
    ]
    assert await store.team_votes("slack", "T9") == []


async def test_a_net_vote_of_exactly_two_counts_two(store: Store) -> None:
    await store.add_vote(Vote(GENERAL, "m1", "U1", "fire"), paper_id="a", weight=2, at=AT)
    await store.add_vote(Vote(GENERAL, "m2", "U1", "keycap:1"), paper_id="b", weight=-2, at=AT)

    assert [vote.weight for vote in await store.team_votes("slack", "T1")] == [2, -2]
    assert await store.vote_tallies("slack", "T1") == {
        "a": VoteTally("a", 2, 1),
        "b": VoteTally("b", -2, 1),
    }


async def test_tallies_of_many_papers_are_read_in_chunks(store: Store) -> None:
    ids = [f"p{n:04d}" for n in range(1200)]
    for paper_id in ids[::100]:
        await store.add_vote(
            Vote(GENERAL, f"m-{paper_id}", "U1", "+1"), paper_id=paper_id, weight=1, at=AT
        )

    tallies = await store.vote_tallies("slack", "T1", [*ids, *ids[:10]])

    assert tallies == {paper_id: VoteTally(paper_id, 1, 1) for paper_id in ids[::100]}


async def test_team_favourites_count_the_votes_cast_since_a_time(store: Store) -> None:
    since = AT + timedelta(days=1)
    papers = [Paper(id=paper_id, title=f"Paper {paper_id}") for paper_id in ("a", "b", "c")]
    await store.upsert_papers(papers, at=AT)
    votes = [
        (Vote(GENERAL, "m1", "U1", "+1"), "a", 1, since - timedelta(seconds=1)),  # too early
        (Vote(GENERAL, "m1", "U2", "+1"), "a", 1, since),
        (Vote(GENERAL, "m2", "U1", "fire"), "b", 2, since + timedelta(hours=1)),
        (Vote(GENERAL, "m3", "U1", "-1"), "c", -1, since),
    ]
    for vote, paper_id, weight, at in votes:
        await store.add_vote(vote, paper_id=paper_id, weight=weight, at=at)

    favourites = await store.team_favourites(since, platform="slack", workspace="T1", limit=5)

    assert [(paper.id, tally) for paper, tally in favourites] == [
        ("b", VoteTally("b", 2, 1)),
        ("a", VoteTally("a", 1, 1)),
    ]
