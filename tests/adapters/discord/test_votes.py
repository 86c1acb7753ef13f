"""Reactions become neutral votes, applied in order; clearing reactions withdraws them;
leaving a server pauses it."""

from __future__ import annotations

import pytest

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.emoji import VoteEmoji, keycap_number, normalize
from bot.models import MessageRole, OutgoingMessage
from tests.adapters.discord.conftest import CHANNEL, Clear, RecordingCore, make_digest
from tests.fakes.discord import (
    BOT_USER_ID,
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    reaction,
    reaction_clear,
    text_channel,
    thread_channel,
)

MESSAGE_ID = 1_400_000_000_000_000_001
MARKER_USER_ID = USER_ID + 999
SLOW_LOOKUP_SECONDS = 0.15
SLOW_WRITE_SECONDS = 0.1


async def react(
    fake: FakeDiscord, core: RecordingCore, payload: dict, *, removed: bool = False
) -> None:
    """Send a reaction event and wait until the core has one more vote."""
    before = len(core.votes)
    event = "MESSAGE_REACTION_REMOVE" if removed else "MESSAGE_REACTION_ADD"
    await fake.dispatch(event, payload)
    await core.wait_for(lambda: len(core.votes) > before)


async def ignored(fake: FakeDiscord, core: RecordingCore, payload: dict) -> None:
    """Send a reaction event that should be ignored, then a real vote, and wait for that one.

    discord.py runs each event's handler as its own task; an ignored reaction returns
    before its first await, so it is done once the vote sent after it arrives.
    """
    await fake.dispatch("MESSAGE_REACTION_ADD", payload)
    await react(fake, core, reaction("👍", MESSAGE_ID, user_id=MARKER_USER_ID))
    core.votes[:] = [vote for vote in core.votes if vote.user_id != str(MARKER_USER_ID)]


@pytest.mark.parametrize(
    ("emoji", "name"),
    [
        ("👍", "+1"),
        ("🔥", "fire"),
        ("👎", "-1"),
        ("👍🏽", "+1"),
        ("3️⃣", "keycap:3"),
        ("🔟", "keycap:10"),
    ],
)
async def test_a_reaction_is_a_vote_by_its_neutral_name(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore, emoji: str, name: str
) -> None:
    await react(fake, core, reaction(emoji, MESSAGE_ID))

    (vote,) = core.votes
    assert vote.channel == CHANNEL
    assert (vote.message_id, vote.user_id, vote.emoji) == (str(MESSAGE_ID), str(USER_ID), name)
    assert vote.removed is False


async def test_removing_a_reaction_takes_the_vote_back(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    payload = reaction("🔥", MESSAGE_ID)
    del payload["member"]  # Discord sends no member on removal
    await react(fake, core, payload, removed=True)

    (vote,) = core.votes
    assert (vote.emoji, vote.removed) == ("fire", True)


async def clear(fake: FakeDiscord, core: RecordingCore, payload: dict) -> None:
    """Send a reaction-clear event (one emoji when the payload names it) and wait for it."""
    before = len(core.clears)
    event = "MESSAGE_REACTION_REMOVE_EMOJI" if "emoji" in payload else "MESSAGE_REACTION_REMOVE_ALL"
    await fake.dispatch(event, payload)
    await core.wait_for(lambda: len(core.clears) > before)


def uncached_thread(fake: FakeDiscord, *, slow: bool) -> str:
    """A digest thread the bot has not seen since it started; Discord answers its lookup late."""
    thread = thread_channel(fake.new_id(), CHANNEL_ID, "Papers for 10 June 2026")
    fake.channels[int(thread["id"])] = thread
    if slow:
        fake.add_delay("GET", rf"/channels/{thread['id']}", SLOW_LOOKUP_SECONDS)
    return thread["id"]


@pytest.mark.parametrize(
    "payload",
    [
        reaction("👍", MESSAGE_ID, user_id=BOT_USER_ID),
        reaction("👍", MESSAGE_ID, user_id=USER_ID + 1, bot=True),
        reaction("🎉", MESSAGE_ID),
        reaction("0️⃣", MESSAGE_ID),
    ],
    ids=["the bot's own", "another bot's", "not a vote emoji", "keycap zero"],
)
async def test_reactions_that_are_not_votes_are_ignored(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore, payload: dict
) -> None:
    await ignored(fake, core, payload)
    assert core.votes == []


async def test_a_vote_in_a_digest_thread_counts_for_the_digests_channel(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, OutgoingMessage("k:header", MessageRole.HEADER, digest))
    await react(fake, core, reaction("👍", MESSAGE_ID, channel_id=head.thread_id or ""))

    assert core.votes[0].channel == CHANNEL


async def test_a_thread_known_only_from_the_gateway_maps_to_its_parent(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread = thread_channel(fake.new_id(), CHANNEL_ID, "Papers for 12 June 2026")
    await fake.dispatch("THREAD_CREATE", thread)
    await react(fake, core, reaction("👍", MESSAGE_ID, channel_id=thread["id"]))

    assert core.votes[0].channel == CHANNEL
    assert not fake.calls_to("GET", r"/channels/\d+")


async def test_an_uncached_thread_is_looked_up_once(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread = thread_channel(fake.new_id(), CHANNEL_ID, "Papers for 11 June 2026")
    fake.channels[int(thread["id"])] = thread
    for _ in range(2):
        await react(fake, core, reaction("👍", MESSAGE_ID, channel_id=thread["id"]))

    assert [vote.channel for vote in core.votes] == [CHANNEL, CHANNEL]
    assert len(fake.calls_to("GET", rf"/channels/{thread['id']}")) == 1


async def test_a_vote_in_a_plain_channel_stays_in_it(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    other = 1_100_000_000_000_000_299
    fake.channels[other] = text_channel(other, "elsewhere")
    await react(fake, core, reaction("👎", MESSAGE_ID, channel_id=other))

    assert core.votes[0].channel.channel == str(other)


async def test_a_reaction_taken_back_at_once_ends_without_the_vote(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    # discord.py sends the second lookup of a new channel only after the first came back, so
    # the race is between applying the first vote (slow) and the second (quick).
    thread_id = uncached_thread(fake, slow=True)
    core.vote_delays = [SLOW_WRITE_SECONDS]
    added = reaction("🔥", MESSAGE_ID, channel_id=thread_id)
    removed = reaction("🔥", MESSAGE_ID, channel_id=thread_id)
    del removed["member"]
    await fake.dispatch("MESSAGE_REACTION_ADD", added)
    await fake.dispatch("MESSAGE_REACTION_REMOVE", removed)
    await core.wait_for(lambda: len(core.votes) == 2)

    assert [vote.removed for vote in core.votes] == [False, True]
    assert all(vote.channel == CHANNEL for vote in core.votes)
    assert core.standing() == set()


async def test_a_quick_add_remove_add_ends_with_the_vote(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread_id = uncached_thread(fake, slow=True)
    core.vote_delays = [SLOW_WRITE_SECONDS]
    for event in ("MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_ADD"):
        await fake.dispatch(event, reaction("👍", MESSAGE_ID, channel_id=thread_id))
    await core.wait_for(lambda: len(core.votes) == 3)

    assert [vote.removed for vote in core.votes] == [False, True, False]
    assert core.standing() == {(str(MESSAGE_ID), str(USER_ID), "+1")}


async def test_clearing_right_after_a_reaction_leaves_no_vote(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread_id = uncached_thread(fake, slow=True)
    core.vote_delays = [SLOW_WRITE_SECONDS]
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction("👍", MESSAGE_ID, channel_id=thread_id))
    await fake.dispatch(
        "MESSAGE_REACTION_REMOVE_ALL", reaction_clear(MESSAGE_ID, channel_id=thread_id)
    )
    await core.wait_for(lambda: core.votes and core.clears)

    assert [type(change).__name__ for change in core.applied] == ["Vote", "Clear"]
    assert core.standing() == set()


async def test_votes_on_different_messages_do_not_wait_for_each_other(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    slow_thread = uncached_thread(fake, slow=True)
    await fake.dispatch("MESSAGE_REACTION_ADD", reaction("👍", MESSAGE_ID, channel_id=slow_thread))
    await react(fake, core, reaction("👎", MESSAGE_ID + 1))

    assert [vote.emoji for vote in core.votes] == ["-1"], (
        "the slow lookup holds up only its message"
    )
    await core.wait_for(lambda: len(core.votes) == 2)


async def test_clearing_all_reactions_withdraws_every_vote_on_the_message(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    await clear(fake, core, reaction_clear(MESSAGE_ID))

    assert core.clears == [Clear(CHANNEL, str(MESSAGE_ID), None)]


@pytest.mark.parametrize(
    ("emoji", "name"), [("🔥", "fire"), ("👍🏽", "+1"), ("3️⃣", "keycap:3"), ("🔟", "keycap:10")]
)
async def test_clearing_one_emoji_withdraws_the_votes_it_stood_for(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore, emoji: str, name: str
) -> None:
    await clear(fake, core, reaction_clear(MESSAGE_ID, emoji=emoji))

    assert core.clears == [Clear(CHANNEL, str(MESSAGE_ID), name)]


async def test_clearing_an_emoji_that_is_not_a_vote_changes_nothing(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    await fake.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", reaction_clear(MESSAGE_ID, emoji="🎉"))
    await clear(fake, core, reaction_clear(MESSAGE_ID + 1))

    assert core.clears == [Clear(CHANNEL, str(MESSAGE_ID + 1), None)]


async def test_clearing_reactions_in_a_digest_thread_counts_for_the_digests_channel(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread_id = uncached_thread(fake, slow=False)
    await clear(fake, core, reaction_clear(MESSAGE_ID, channel_id=thread_id))
    await clear(fake, core, reaction_clear(MESSAGE_ID, channel_id=thread_id, emoji="👎"))

    assert core.clears == [
        Clear(CHANNEL, str(MESSAGE_ID), None),
        Clear(CHANNEL, str(MESSAGE_ID), "-1"),
    ]


async def test_leaving_a_server_pauses_its_subscriptions(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    await fake.dispatch("GUILD_DELETE", {"id": str(GUILD_ID)})
    await core.wait_for(lambda: core.removed_workspaces)

    assert core.removed_workspaces == [
        ("discord", str(GUILD_ID), "the bot was removed from this server")
    ]


async def test_a_server_outage_is_not_leaving_it(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    await fake.dispatch("GUILD_DELETE", {"id": str(GUILD_ID), "unavailable": True})
    await ignored(fake, core, reaction("🎉", MESSAGE_ID))

    assert core.removed_workspaces == []


def test_custom_server_emoji_vote_by_name() -> None:
    emoji = VoteEmoji({"👍": "+1", "upvote": "+1"})
    assert emoji.shown == ("👍",)
    assert normalize("👍🏿") == "👍"
    assert keycap_number("1\u20e3") == 1
    assert keycap_number("👍") is None
