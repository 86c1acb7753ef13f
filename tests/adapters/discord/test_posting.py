"""Posting a digest: header, thread, one embed per paper; nonces, no mentions, errors."""

from __future__ import annotations

import dataclasses
import re

import pytest
from structlog.testing import capture_logs

from adapters.discord.adapter import (
    GONE_REASON,
    NO_ACCESS_REASON,
    NO_THREADS_REASON,
    DiscordAdapter,
    nonce_for,
)
from bot.models import ChannelRef, Digest, Layout, MessageRole, OutgoingMessage, PostRef
from bot.ports import ChannelUnavailable
from tests.adapters.discord.conftest import CHANNEL, make_digest, make_item
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    PERSON,
    FakeDiscord,
    Fault,
    forbidden,
    not_found,
    rate_limited,
)
from tests.fakes.items import make_recap

CHANNEL_MESSAGES = rf"/channels/{CHANNEL_ID}/messages"


def header(digest: Digest, *, resumed: bool = False) -> OutgoingMessage:
    return OutgoingMessage(f"{digest.id}:header", MessageRole.HEADER, digest, resumed=resumed)


def item(
    digest: Digest, rank: int, thread: PostRef | None, *, resumed: bool = False
) -> OutgoingMessage:
    paper = digest.items[rank - 1]
    key = f"{digest.id}:item:{paper.paper_id}"
    return OutgoingMessage(
        key, MessageRole.ITEM, digest, item=paper, thread=thread, resumed=resumed
    )


async def post_digest(adapter: DiscordAdapter, digest: Digest) -> list[PostRef]:
    """Post a digest the way delivery does: the header, then each item in its thread."""
    head = await adapter.post(CHANNEL, header(digest))
    thread = head if digest.layout is Layout.THREAD else None
    items = [await adapter.post(CHANNEL, item(digest, i.rank, thread)) for i in digest.items]
    return [head, *items]


async def test_a_digest_is_a_header_a_thread_from_it_and_one_message_per_paper(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    head, *items = await post_digest(adapter, make_digest())

    (header_call,) = fake.calls_to("POST", CHANNEL_MESSAGES)
    (embed,) = header_call.body["embeds"]
    assert embed["title"] == "📰 Papers for Saturday 13 June 2026"
    assert (
        "**2.** [Paper number 2](https://huggingface.co/papers/2606.10002)" in embed["description"]
    )
    (thread_call,) = fake.calls_to(
        "POST", rf"/channels/{CHANNEL_ID}/messages/{head.message_id}/threads"
    )
    assert thread_call.body["name"] == "Papers for 13 June 2026"
    assert head.thread_id == head.message_id, "a thread started from a message has its id"
    in_thread = fake.calls_to("POST", rf"/channels/{head.thread_id}/messages")
    assert [call.body["embeds"][0]["title"] for call in in_thread] == [
        "1. Paper number 1",
        "2. Paper number 2",
        "3. Paper number 3",
    ]
    assert all(ref.channel == CHANNEL and ref.thread_id == head.thread_id for ref in items)
    assert len({ref.message_id for ref in [head, *items]}) == 4


async def test_layout_channel_posts_the_papers_in_the_channel(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    head, *items = await post_digest(adapter, make_digest(layout=Layout.CHANNEL))

    assert len(fake.calls_to("POST", CHANNEL_MESSAGES)) == 4
    assert not fake.calls_to("POST", r"/channels/\d+/messages/\d+/threads")
    assert head.thread_id is None and all(ref.thread_id is None for ref in items)
    header_text = fake.calls_to("POST", CHANNEL_MESSAGES)[0].body["embeds"][0]["description"]
    assert "on a paper below, or 1️⃣-3️⃣ on this message" in header_text


async def test_a_paper_message_is_an_embed_with_link_buttons(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    await post_digest(adapter, make_digest(make_item(1), layout=Layout.CHANNEL))

    body = fake.calls_to("POST", CHANNEL_MESSAGES)[1].body
    (embed,) = body["embeds"]
    assert embed["url"] == "https://huggingface.co/papers/2606.10001"
    assert embed["author"]["name"] == "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
    assert embed["description"] == "A short summary of what the paper does."
    assert {field["name"]: field["value"] for field in embed["fields"]} == {
        "Hugging Face": "312 upvotes",
        "GitHub": "45 stars",
        "Trend": "📈 climbing",
        "Keywords": "sparse attention, long context",
    }
    assert embed["thumbnail"]["url"].endswith("/2606.10001.png")
    (row,) = body["components"]
    *links, similar = row["components"]
    assert [(b["label"], b["style"], b["url"]) for b in links] == [
        ("Paper page", 5, "https://huggingface.co/papers/2606.10001"),
        ("arXiv", 5, "https://arxiv.org/abs/2606.10001"),
        ("PDF", 5, "https://arxiv.org/pdf/2606.10001"),
        ("Code", 5, "https://github.com/example/repo"),
    ]
    assert (similar["label"], similar["custom_id"]) == ("Similar", "papers:similar 2606.10001")


async def test_every_message_carries_a_nonce_from_its_key_and_no_mentions(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    await post_digest(adapter, digest)

    posts = fake.calls_to("POST", r"/channels/\d+/messages")
    assert [call.body["nonce"] for call in posts] == [
        nonce_for(header(digest).key),
        *(nonce_for(item(digest, rank, None).key) for rank in (1, 2, 3)),
    ]
    for call in posts:
        assert re.fullmatch(r"[0-9a-f]{24}", call.body["nonce"])
        assert call.body["enforce_nonce"] is True
        assert call.body["allowed_mentions"] == {"parse": []}


async def test_a_title_with_mentions_pings_nobody(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    hostile = make_item(1, title="@everyone @here <@123> <@&456> look", summary="@everyone!")
    await post_digest(adapter, make_digest(hostile))

    for call in fake.calls_to("POST", r"/channels/\d+/messages"):
        assert call.body["allowed_mentions"] == {"parse": []}
        text = str(call.body["embeds"])
        for mention in ("@everyone", "@here", "<@123>", "<@&456>"):
            assert mention not in text


async def test_a_rate_limited_post_waits_and_is_retried(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.add_fault(rate_limited("POST", CHANNEL_MESSAGES, retry_after=0.1))
    head = await adapter.post(CHANNEL, header(make_digest(layout=Layout.CHANNEL)))

    first, second = fake.calls_to("POST", CHANNEL_MESSAGES)
    assert first.body == second.body
    assert int(head.message_id) in fake.messages


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (forbidden("POST", CHANNEL_MESSAGES), NO_ACCESS_REASON),
        (not_found("POST", CHANNEL_MESSAGES), GONE_REASON),
    ],
)
async def test_a_channel_discord_refuses_is_unavailable(
    adapter: DiscordAdapter, fake: FakeDiscord, fault: object, reason: str
) -> None:
    fake.add_fault(fault)  # type: ignore[arg-type]
    with pytest.raises(ChannelUnavailable) as refused:
        await adapter.post(CHANNEL, header(make_digest()))
    assert refused.value.reason == reason


async def test_a_deleted_channel_is_unavailable(adapter: DiscordAdapter, fake: FakeDiscord) -> None:
    del fake.channels[CHANNEL_ID]
    with pytest.raises(ChannelUnavailable, match="deleted"):
        await adapter.post(CHANNEL, header(make_digest()))


async def test_no_right_to_start_threads_says_what_to_do(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.add_fault(forbidden("POST", r"/channels/\d+/messages/\d+/threads"))
    with pytest.raises(ChannelUnavailable) as refused:
        await adapter.post(CHANNEL, header(make_digest()))
    assert refused.value.reason == NO_THREADS_REASON
    assert "/papers set layout channel" in refused.value.reason


async def test_a_resumed_digest_starts_the_missing_thread_before_posting_in_it(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, header(make_digest(layout=Layout.CHANNEL)))
    # A crash came between the header and its thread; delivery remembers only the header.
    remembered = PostRef(CHANNEL, head.message_id)
    ref = await adapter.post(CHANNEL, item(digest, 1, remembered))

    assert ref.thread_id == head.message_id
    assert fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages/{head.message_id}/threads")
    assert fake.calls_to("POST", rf"/channels/{head.message_id}/messages")


async def test_a_thread_started_already_is_used_as_it_is(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, header(digest))
    fake.add_fault(not_found("POST", rf"/channels/{head.thread_id}/messages"))
    ref = await adapter.post(CHANNEL, item(digest, 1, PostRef(CHANNEL, head.message_id)))

    assert ref.thread_id == head.thread_id
    assert len(fake.calls_to("POST", rf"/channels/{head.thread_id}/messages")) == 2


async def test_a_thread_discord_could_not_start_is_started_by_the_first_paper(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    fake.add_fault(
        Fault("POST", r"/channels/\d+/messages/\d+/threads", 503, {"message": "unavailable"})
    )
    head = await adapter.post(CHANNEL, header(digest))
    assert head.thread_id is None, "the header is posted and kept"

    ref = await adapter.post(CHANNEL, item(digest, 1, head))
    assert ref.thread_id == head.message_id
    assert len(fake.calls_to("POST", r"/channels/\d+/messages/\d+/threads")) == 2


# -- resumed digests: what went out before a crash is found, not posted again ---------------


async def test_a_resumed_header_already_posted_is_found_not_posted_again(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, header(digest))
    newer = make_digest(make_item(4), make_item(5), layout=Layout.CHANNEL)
    await adapter.post(CHANNEL, header(newer))  # another digest of the day, posted since

    again = await adapter.post(CHANNEL, header(digest, resumed=True))

    assert again == head
    assert len(fake.calls_to("POST", CHANNEL_MESSAGES)) == 2
    assert len(fake.calls_to("POST", r"/channels/\d+/messages/\d+/threads")) == 1
    (lookup,) = fake.calls_to("GET", CHANNEL_MESSAGES)
    assert lookup.query["limit"] == "50"


async def test_a_resumed_header_whose_thread_was_not_started_starts_it(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    fake.add_fault(
        Fault("POST", r"/channels/\d+/messages/\d+/threads", 503, {"message": "unavailable"})
    )
    head = await adapter.post(CHANNEL, header(digest))
    assert head.thread_id is None

    again = await adapter.post(CHANNEL, header(digest, resumed=True))

    assert again.message_id == head.message_id
    assert again.thread_id == head.message_id
    assert len(fake.calls_to("POST", CHANNEL_MESSAGES)) == 1


async def test_a_resumed_item_already_posted_is_found_not_posted_again(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, header(digest))
    first = await adapter.post(CHANNEL, item(digest, 1, head))
    second = await adapter.post(CHANNEL, item(digest, 2, head))

    again = await adapter.post(CHANNEL, item(digest, 1, head, resumed=True))

    assert again == first != second
    assert len(fake.calls_to("POST", rf"/channels/{head.thread_id}/messages")) == 2
    assert fake.calls_to("GET", rf"/channels/{head.thread_id}/messages")


async def test_resumed_messages_not_posted_yet_are_posted(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    head = await adapter.post(CHANNEL, header(digest, resumed=True))
    await adapter.post(CHANNEL, item(digest, 1, head))

    ref = await adapter.post(CHANNEL, item(digest, 2, head, resumed=True))

    assert len(fake.calls_to("POST", CHANNEL_MESSAGES)) == 1
    in_thread = fake.calls_to("POST", rf"/channels/{head.thread_id}/messages")
    assert [call.body["embeds"][0]["url"] for call in in_thread] == [
        "https://huggingface.co/papers/2606.10001",
        "https://huggingface.co/papers/2606.10002",
    ]
    assert int(ref.message_id) in fake.messages


async def test_a_resumed_header_is_not_mistaken_for_a_similar_one(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    digest = make_digest()
    same_day = dataclasses.replace(digest, items=(make_item(1), make_item(4)))
    await adapter.post(CHANNEL, header(same_day))  # the same headline, other papers
    elsewhere = ChannelRef("discord", str(GUILD_ID), str(OTHER_CHANNEL_ID))
    copy = await adapter.post(elsewhere, header(dataclasses.replace(digest, channel=elsewhere)))
    copied = fake.messages[int(copy.message_id)]["embeds"]
    fake.add_message(CHANNEL_ID, {"embeds": copied}, author=PERSON)  # the same, not the bot's

    await adapter.post(CHANNEL, header(digest, resumed=True))

    assert len(fake.calls_to("POST", CHANNEL_MESSAGES)) == 2


async def test_a_failed_lookup_is_logged_and_the_message_posted(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.add_fault(forbidden("GET", CHANNEL_MESSAGES))  # no Read Message History here
    with capture_logs() as logs:
        head = await adapter.post(CHANNEL, header(make_digest(), resumed=True))

    assert int(head.message_id) in fake.messages
    assert [entry["event"] for entry in logs] == ["discord_resume_lookup_failed"]
    assert logs[0]["error"] == "Forbidden"


async def test_the_recap_is_an_embed_with_its_chart_attached(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    recap = make_recap(CHANNEL)

    ref = await adapter.post_recap(CHANNEL, recap)

    (call,) = fake.calls_to("POST", CHANNEL_MESSAGES)
    assert int(ref.message_id) in fake.messages
    assert call.body["nonce"] == nonce_for(recap.id)
    assert call.body["allowed_mentions"] == {"parse": []}
    (attachment,) = call.body["attachments"]
    assert (attachment["filename"], attachment["description"]) == (
        "recap.png",
        recap.chart.alt_text,
    )
    (uploaded,) = call.files
    assert (uploaded.filename, uploaded.data) == ("recap.png", recap.chart.png)
    (embed,) = call.body["embeds"]
    assert embed["title"] == "📊 Your team's week in papers, 6-12 June 2026"
    assert embed["image"]["url"] == "attachment://recap.png"
    lines = embed["description"].splitlines()
    assert lines[0] == (
        "**1.** [Sparse Attention Revisited](https://huggingface.co/papers/2606.20001)"
        " · +5 from 3 people"
    )
    for mention in ("<@123>", "@here"):
        assert mention not in embed["description"]


async def test_a_recap_discord_refuses_is_unavailable(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.add_fault(forbidden("POST", CHANNEL_MESSAGES))
    with pytest.raises(ChannelUnavailable) as refused:
        await adapter.post_recap(CHANNEL, make_recap(CHANNEL))
    assert refused.value.reason == NO_ACCESS_REASON
