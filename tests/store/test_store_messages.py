"""Posted messages and the votes cast on them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.models import ChannelRef, MessageRole, PostedMessage, Vote, VoteTally
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
