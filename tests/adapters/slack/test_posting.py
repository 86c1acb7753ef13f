"""Posting digests through the real slack_sdk client to the fake Web API: what
chat.postMessage receives, the errors that pause a channel, 429s and per-channel pace."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time

import pytest
from structlog.testing import capture_logs

from adapters.slack.errors import UNAVAILABLE, SlackCallFailed
from adapters.slack.render import METADATA_EVENT_TYPE
from bot.models import ChannelRef, MessageRole, OutgoingMessage, PostRef
from bot.ports import ChannelUnavailable
from tests.adapters.slack.conftest import CHANNEL, T1, Served, make_digest, serve
from tests.fakes.items import make_recap
from tests.fakes.slack import FakeSlack

DIGEST = make_digest()


def header() -> OutgoingMessage:
    return OutgoingMessage(key=f"{DIGEST.id}:header", role=MessageRole.HEADER, digest=DIGEST)


def item(rank: int, thread: PostRef | None) -> OutgoingMessage:
    chosen = DIGEST.items[rank - 1]
    return OutgoingMessage(
        key=f"{DIGEST.id}:item:{chosen.paper_id}",
        role=MessageRole.ITEM,
        digest=DIGEST,
        item=chosen,
        thread=thread,
    )


async def test_a_header_is_posted_with_blocks_fallback_text_and_metadata(served: Served) -> None:
    ref = await served.adapter.post(CHANNEL, header())

    [call] = served.fake.calls_to("chat.postMessage")
    assert call.token == T1.bot_token
    assert call.body["channel"] == "C1"
    assert call.body["text"] == "📰 Papers for Friday 12 June 2026: 3 picks"
    assert call.body["blocks"][0]["type"] == "header"
    assert call.body["metadata"] == {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {
            "digest_id": DIGEST.id,
            "role": "header",
            "key": f"{DIGEST.id}:header",
            "paper_ids": "2606.10001,2606.10002,2606.10003",
        },
    }
    assert "thread_ts" not in call.body
    assert call.body["unfurl_links"] is False
    assert "link_names" not in call.body
    assert "parse" not in call.body
    assert ref == PostRef(CHANNEL, call_ts(served, 0), thread_id=None)


async def test_items_go_in_the_headers_thread(served: Served) -> None:
    header_ref = await served.adapter.post(CHANNEL, header())

    ref = await served.adapter.post(CHANNEL, item(2, thread=header_ref))

    call = served.fake.calls_to("chat.postMessage")[1]
    assert call.body["thread_ts"] == header_ref.message_id
    assert call.body["metadata"]["event_payload"]["paper_id"] == "2606.10002"
    assert ref.thread_id == header_ref.message_id
    assert ref.message_id != header_ref.message_id


async def test_items_go_in_the_channel_with_the_channel_layout(served: Served) -> None:
    await served.adapter.post(CHANNEL, item(1, thread=None))

    assert "thread_ts" not in served.fake.calls_to("chat.postMessage")[0].body


@pytest.mark.parametrize("code", sorted(UNAVAILABLE))
async def test_a_refusal_that_will_not_pass_makes_the_channel_unavailable(
    served: Served, code: str
) -> None:
    served.fake.fail("chat.postMessage", code)

    with pytest.raises(ChannelUnavailable) as raised:
        await served.adapter.post(CHANNEL, header())

    assert raised.value.reason == UNAVAILABLE[code]
    assert T1.bot_token not in raised.value.reason


async def test_not_in_channel_says_how_to_invite_the_bot(served: Served) -> None:
    served.fake.fail("chat.postMessage", "not_in_channel")

    with pytest.raises(ChannelUnavailable, match="invite it with /invite @papers-bot"):
        await served.adapter.post(CHANNEL, header())


async def test_another_error_is_raised_without_the_token(served: Served) -> None:
    served.fake.fail("chat.postMessage", "internal_error")

    with pytest.raises(SlackCallFailed) as raised:
        await served.adapter.post(CHANNEL, header())

    assert str(raised.value) == "Slack chat.postMessage failed: internal_error"


async def test_a_429_is_retried_after_its_retry_after(served: Served) -> None:
    served.fake.rate_limit("chat.postMessage", retry_after=1)
    started = time.perf_counter()

    ref = await served.adapter.post(CHANNEL, header())

    assert time.perf_counter() - started >= 1.0
    assert len(served.fake.calls_to("chat.postMessage")) == 2
    assert ref.message_id == call_ts(served, 0)


async def test_posts_keep_each_channels_pace_and_another_channel_is_not_held_up(
    fake_slack: FakeSlack,
) -> None:
    other = ChannelRef("slack", "T1", "C2")
    async with serve(fake_slack, slack_messages_per_second=5) as running:
        started = time.monotonic()
        await asyncio.gather(
            *(running.adapter.post(CHANNEL, item(rank, None)) for rank in (1, 2, 3, 1, 2, 3)),
            running.adapter.post(other, header()),
        )

    posts = fake_slack.calls_to("chat.postMessage")
    in_c1 = [call.at for call in posts if call.body["channel"] == "C1"]
    in_c2 = [call.at for call in posts if call.body["channel"] == "C2"]
    assert len(in_c1) == 6 and len(in_c2) == 1
    # Evenly spaced at 5 a second: no burst, the sixth a second after the first.
    assert in_c1[-1] - started >= 0.95
    assert min(later - earlier for earlier, later in itertools.pairwise(in_c1)) >= 0.15
    assert in_c2[0] < in_c1[1]


async def test_a_digest_at_slacks_pace_is_never_refused(fake_slack: FakeSlack) -> None:
    fake_slack.channel_interval = 0.15  # 5 a second, with room for a busy machine's jitter
    async with serve(fake_slack, slack_messages_per_second=5) as running:
        head = await running.adapter.post(CHANNEL, header())
        for rank in (1, 2, 3):
            await running.adapter.post(CHANNEL, item(rank, head))

    assert fake_slack.rate_limited == 0
    assert len(fake_slack.messages) == 4


async def test_a_429_holds_its_channel_and_the_posts_after_it_keep_the_pace(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.channel_interval = 0.15
    fake_slack.rate_limit("chat.postMessage", retry_after=1)
    other = ChannelRef("slack", "T1", "C2")
    async with serve(fake_slack, slack_messages_per_second=5) as running:
        started = time.monotonic()
        await asyncio.gather(
            running.adapter.post(CHANNEL, header()),
            running.adapter.post(CHANNEL, item(1, None)),
            running.adapter.post(other, header()),
        )
        await running.adapter.post(CHANNEL, item(2, None))

    taken = fake_slack.calls_to("chat.postMessage")
    in_c1 = [call.at - started for call in taken if call.body["channel"] == "C1"]
    in_c2 = [call.at - started for call in taken if call.body["channel"] == "C2"]
    assert len(in_c1) == 4
    assert min(in_c1[1:]) >= 1.0, "nothing more went to the channel within its Retry-After"
    assert fake_slack.rate_limited == 0, "the posts after it kept the channel's pace"
    assert len(fake_slack.messages) == 4
    assert in_c2 == [pytest.approx(in_c2[0])] and in_c2[0] < 0.5, "the other channel went on"


async def test_a_workspace_budget_holds_posts_beyond_it_whatever_their_channel(
    fake_slack: FakeSlack,
) -> None:
    channels = [ChannelRef("slack", "T1", f"C{n}") for n in (1, 2, 3)]
    async with serve(fake_slack, slack_workspace_messages_per_minute=2) as running:
        first, second = (running.adapter.post(channel, header()) for channel in channels[:2])
        await asyncio.gather(first, second)
        third = asyncio.create_task(running.adapter.post(channels[2], header()))

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.shield(third), timeout=0.5)
        third.cancel()

    assert [call.body["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [
        "C1",
        "C2",
    ]


async def test_an_unreachable_slack_fails_the_post_cleanly(fake_slack: FakeSlack) -> None:
    async with serve(fake_slack) as running:
        await fake_slack.close()
        with pytest.raises(SlackCallFailed, match=r"chat\.postMessage failed"):
            await running.adapter.post(CHANNEL, header())


def call_ts(served: Served, index: int) -> str:
    """The ts the fake gave the index-th posted message (its counter starts at 1)."""
    n = index + 1
    return f"{1_700_000_000 + n}.{n:06d}"


async def test_a_resumed_post_finds_what_slack_already_took_instead_of_posting_twice(
    served: Served,
) -> None:
    head = await served.adapter.post(CHANNEL, header())
    first = await served.adapter.post(CHANNEL, item(1, head))

    again_head = await served.adapter.post(CHANNEL, dataclasses.replace(header(), resumed=True))
    again_first = await served.adapter.post(
        CHANNEL, dataclasses.replace(item(1, head), resumed=True)
    )
    second = await served.adapter.post(CHANNEL, dataclasses.replace(item(2, head), resumed=True))

    assert (again_head, again_first) == (head, first)
    assert len(served.fake.calls_to("chat.postMessage")) == 3
    assert second.message_id == call_ts(served, 2)
    assert served.fake.calls_to("conversations.history")[0].body["channel"] == "C1"
    assert served.fake.calls_to("conversations.replies")[0].body["ts"] == head.message_id


async def test_a_failed_look_up_still_posts(served: Served) -> None:
    served.fake.fail("conversations.history", "missing_scope")

    await served.adapter.post(CHANNEL, dataclasses.replace(header(), resumed=True))

    assert len(served.fake.calls_to("chat.postMessage")) == 1


async def test_a_dropped_connection_is_tried_once_more(served: Served) -> None:
    served.fake.drop("chat.postMessage")

    ref = await served.adapter.post(CHANNEL, header())

    assert len(served.fake.calls_to("chat.postMessage")) == 2
    assert [message["ts"] for message in served.fake.messages] == [ref.message_id]


async def test_a_paper_whose_thumbnail_slack_cannot_download_is_posted_without_it(
    served: Served,
) -> None:
    served.fake.refuse_images()

    with capture_logs() as logs:
        ref = await served.adapter.post(CHANNEL, item(1, thread=None))

    refused, posted = served.fake.calls_to("chat.postMessage")
    assert refused.body["blocks"][0]["accessory"]["type"] == "image"
    assert "accessory" not in posted.body["blocks"][0]
    assert posted.body["blocks"][1:] == refused.body["blocks"][1:]
    assert (posted.body["text"], posted.body["metadata"]) == (
        refused.body["text"],
        refused.body["metadata"],
    )
    assert [message["ts"] for message in served.fake.messages] == [ref.message_id]
    [dropped] = [entry for entry in logs if entry["event"] == "slack_image_dropped"]
    assert dropped["log_level"] == "warning"
    assert dropped["error"] == "invalid_blocks"
    assert "downloading image failed" in dropped["details"][0]


async def test_invalid_blocks_without_an_image_to_drop_is_not_tried_again(
    served: Served,
) -> None:
    served.fake.fail("chat.postMessage", "invalid_blocks")

    with pytest.raises(SlackCallFailed, match="invalid_blocks"):
        await served.adapter.post(CHANNEL, header())

    assert len(served.fake.calls_to("chat.postMessage")) == 1


async def test_a_paper_refused_again_without_its_image_fails_after_one_more_try(
    served: Served,
) -> None:
    served.fake.fail("chat.postMessage", "invalid_blocks", times=2)

    with pytest.raises(SlackCallFailed, match="invalid_blocks"):
        await served.adapter.post(CHANNEL, item(1, thread=None))

    assert len(served.fake.calls_to("chat.postMessage")) == 2


async def test_the_recap_is_uploaded_with_files_upload_v2_and_shared_with_its_list(
    served: Served,
) -> None:
    recap = make_recap(CHANNEL)

    ref = await served.adapter.post_recap(CHANNEL, recap)

    [uploaded] = served.fake.calls_to("files.getUploadURLExternal")
    assert uploaded.token == T1.bot_token
    (file_id, shared) = next(iter(served.fake.files.items()))
    assert ref == PostRef(CHANNEL, file_id)
    assert shared["data"] == recap.chart.png
    assert shared["filename"] == "recap.png"
    assert shared["alt_txt"] == recap.chart.alt_text
    assert shared["channel_id"] == "C1"
    assert shared["title"] == "Your team's votes, 6-12 June 2026"
    comment = shared["initial_comment"].splitlines()
    assert comment[0] == "*📊 Your team's week in papers, 6-12 June 2026*"
    assert comment[1] == (
        "1. <https://huggingface.co/papers/2606.20001|Sparse Attention Revisited> "
        "· +5 from 3 people"
    )
    assert "&lt;@U123&gt;" in comment[2] and "<@U123>" not in comment[2]
    assert "<!here>" not in shared["initial_comment"]


async def test_a_recap_slack_refuses_for_good_makes_the_channel_unavailable(
    served: Served,
) -> None:
    served.fake.fail("files.completeUploadExternal", "channel_not_found")

    with pytest.raises(ChannelUnavailable):
        await served.adapter.post_recap(CHANNEL, make_recap(CHANNEL))
