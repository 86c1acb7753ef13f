"""Block Kit rendering: what a digest looks like in Slack, Block Kit's limits for any input,
and paper text that can never notify anyone."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import render
from bot.models import (
    Digest,
    DigestItem,
    MessageRole,
    OutgoingMessage,
    PaperLinks,
    Reply,
    ReplyKind,
)
from tests.adapters.slack.conftest import make_digest, make_item

VOTES = ("+1", "fire", "-1")
HOSTILE_TITLE = "<!channel> Attention <@U024BE7LH> & <#C024BE7LR|general> <!here> @everyone"
HOSTILE_PIECES = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U024BE7LH>",
    "<#C024BE7LR>",
    "<!subteam^SAZ94GDB8>",
    "<https://evil.example|click me>",
    "@channel",
    "&amp;",
    "&lt;",
    "&",
    "<",
    ">",
    "|",
    "*bold*",
    "`code`",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "שלום עולם",
    "👍🏽",
    "👨‍👩‍👧",
    "\n",
    "\x00",
    "\x1b[31m",
    "\ud800",
    "\u2028",
)
_OUR_LINK = re.compile(r"<(https?://[^|<>\s]+)\|([^<>]*)>")


# --------------------------------------------------------------------------- checks


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn text of a message, the fallback `text` included."""
    found = [message["text"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                assert node.get("verbatim") is True, node
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


def assert_inert(message: dict[str, Any]) -> None:
    """No mention, channel link or broadcast can fire: the only `<...>` are our own links."""
    assert "link_names" not in message
    assert "parse" not in message
    for text in mrkdwn_texts(message):
        outside_links = _OUR_LINK.sub("", text)
        assert "<" not in outside_links and ">" not in outside_links, text
        for label in (match.group(2) for match in _OUR_LINK.finditer(text)):
            assert "<" not in label and ">" not in label, text
        assert not re.search(r"&(?!amp;|lt;|gt;)", _OUR_LINK.sub("", text)), text
    dumped = json.dumps(message, ensure_ascii=False)
    for mention in ("<!channel", "<!here", "<!everyone", "<@U", "<#C", "<!subteam"):
        assert mention not in dumped


def assert_within_limits(message: dict[str, Any]) -> None:
    """Every Block Kit limit the message could break."""
    assert 0 < units(message["text"]) <= render.MAX_FALLBACK_TEXT
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            assert 0 < units(block["text"]["text"]) <= 3000
            accessory = block.get("accessory")
            if accessory:
                assert len(accessory["image_url"]) <= 3000
                assert 0 < units(accessory["alt_text"]) <= 2000
        elif kind == "header":
            assert 0 < units(block["text"]["text"]) <= 150
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(0 < units(element["text"]) <= 3000 for element in block["elements"])
        elif kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
            ids = [button["action_id"] for button in block["elements"]]
            assert len(ids) == len(set(ids))
            for button in block["elements"]:
                assert 0 < units(button["text"]["text"]) <= 75
                if "url" in button:
                    assert len(button["url"]) <= 3000
                    assert button["url"].startswith(("http://", "https://"))
                else:
                    assert button["value"].startswith(("more ", "similar "))
        else:
            assert kind == "divider"


def posted(digest: Digest) -> list[dict[str, Any]]:
    """The header and every item of `digest` as chat.postMessage arguments."""
    messages = [
        render.digest_message(
            OutgoingMessage(key="k:header", role=MessageRole.HEADER, digest=digest), VOTES
        )
    ]
    for item in digest.items:
        messages.append(
            render.digest_message(
                OutgoingMessage(key="k:item", role=MessageRole.ITEM, digest=digest, item=item),
                VOTES,
            )
        )
    return messages


def replies(digest: Digest, text: str) -> list[dict[str, Any]]:
    """A reply of every kind built from `digest` and `text`."""
    lines = (text, *(item.title for item in digest.items))
    return [
        render.reply_message(
            Reply(kind, text, lines=lines, items=digest.items, digest=digest), VOTES
        )
        for kind in ReplyKind
    ]


# --------------------------------------------------------------------------- examples


def test_the_header_lists_numbered_linked_titles_and_how_to_vote() -> None:
    message = render.header_message(make_digest(), VOTES)

    head, titles, facts = message["blocks"]
    assert head == {
        "type": "header",
        "text": {"type": "plain_text", "text": "📰 Papers for Friday 12 June 2026"},
    }
    assert titles["text"]["text"].splitlines() == [
        f"{n}. <https://huggingface.co/papers/2606.1000{n}|Sparse attention, part {n}>"
        for n in (1, 2, 3)
    ]
    assert facts["elements"][0]["text"] == (
        "3 picks for this channel · React :+1: :fire: :-1: on a paper, "
        "or :one:-:three: here to vote."
    )


def test_a_paper_message_has_its_title_byline_summary_facts_thumbnail_and_links() -> None:
    item = make_item(2, team_votes=3)

    message = render.item_message(item)

    title, summary, facts, actions = message["blocks"]
    assert message["text"] == "2. Sparse attention, part 2"
    assert title["text"]["text"] == (
        "*2. <https://huggingface.co/papers/2606.10002|Sparse attention, part 2>*\n"
        "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
    )
    assert title["accessory"]["type"] == "image"
    assert title["accessory"]["image_url"].endswith("/2606.10002.png")
    assert summary["text"]["text"] == "A short summary of what the paper does."
    assert facts["elements"][0]["text"] == (
        "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · team votes +3 · "
        "keywords: sparse attention, GQA"
    )
    *links, similar = actions["elements"]
    assert [(b["text"]["text"], b["url"]) for b in links] == [
        ("Paper page", "https://huggingface.co/papers/2606.10002"),
        ("arXiv", "https://arxiv.org/abs/2606.10002"),
        ("PDF", "https://arxiv.org/pdf/2606.10002"),
        ("Code", "https://github.com/example/repo"),
    ]
    assert all(b["action_id"].startswith(render.LINK_ACTION_PREFIX) for b in links)
    assert (similar["action_id"], similar["value"]) == (
        render.SIMILAR_ACTION,
        "similar 2606.10002",
    )


def test_a_paper_without_summary_facts_or_thumbnail_leaves_those_blocks_out() -> None:
    item = make_item(
        summary="", upvotes=None, stars=None, climbing=False, keywords=(), thumbnail=None
    )

    blocks = render.item_message(item)["blocks"]

    assert [block["type"] for block in blocks] == ["section", "actions"]
    assert "accessory" not in blocks[0]


def test_a_hostile_title_renders_as_inert_text_everywhere() -> None:
    item = make_item(1, title=HOSTILE_TITLE, authors=("<@U1> Mallory",), keywords=("<!here>",))
    digest = make_digest(item)

    for message in [*posted(digest), *replies(digest, HOSTILE_TITLE)]:
        assert_inert(message)
        assert_within_limits(message)
    header_text = render.header_message(digest, VOTES)["blocks"][1]["text"]["text"]
    assert header_text == (
        "1. <https://huggingface.co/papers/2606.10001|&lt;!channel&gt; Attention "
        "&lt;@U024BE7LH&gt; &amp; &lt;#C024BE7LR|general&gt; &lt;!here&gt; @everyone>"
    )


def test_a_ten_thousand_character_title_is_cut_at_a_word() -> None:
    title = " ".join(["transformers"] * 900)
    digest = make_digest(*(make_item(rank, title=title, summary=title) for rank in range(1, 11)))

    messages = posted(digest)

    for message in [*messages, *replies(digest, title)]:
        assert_within_limits(message)
    linked = messages[1]["blocks"][0]["text"]["text"]
    label = _OUR_LINK.search(linked)
    assert label is not None
    assert label.group(2).endswith("transformers…")
    assert units(label.group(2)) <= render.MAX_TITLE_CHARS


def test_escaping_never_pushes_text_over_a_limit() -> None:
    assert units(render.fit("&" * 5000, 3000)) <= 3000
    assert render.fit("&" * 5000, 3000).endswith("&amp;…")
    assert render.fit("a < b", 100) == "a &lt; b"


def test_emoji_and_right_to_left_text_stay_but_bidi_overrides_go() -> None:
    item = make_item(title="שלום 👨‍👩‍👧 مرحبا \u202etxt.exe\u202c")

    label = _OUR_LINK.search(render.item_message(item)["blocks"][0]["text"]["text"])

    assert label is not None
    assert label.group(2) == "שלום 👨‍👩‍👧 مرحبا txt.exe"


def test_only_plain_web_addresses_become_links_and_buttons() -> None:
    links = PaperLinks(
        hf="javascript:alert(1)",
        arxiv="https://arxiv.org/abs/2606.10001|<!channel>",
        pdf="https://arxiv.org/pdf/x y",
        code="ftp://example.org/code",
    )
    item = make_item(links=links, thumbnail="data:image/png;base64,AAAA")

    message = render.item_message(item)

    title = message["blocks"][0]
    assert title["text"]["text"].startswith("*1. Sparse attention, part 1*")
    assert "accessory" not in title
    [button, similar] = message["blocks"][-1]["elements"]
    assert button["url"] == "https://arxiv.org/abs/2606.10001%7C%3C!channel%3E"
    assert similar["value"] == "similar 2606.10001"
    assert_inert(message)


def test_help_lines_show_their_angle_brackets_escaped() -> None:
    reply = Reply(ReplyKind.HELP, "papers-bot commands", lines=("/papers search <words> - Find",))

    message = render.reply_message(reply, VOTES)

    assert message["blocks"][0]["text"]["text"] == "*papers-bot commands*"
    assert message["blocks"][1]["text"]["text"] == "• /papers search &lt;words&gt; - Find"
    assert message["response_type"] == "ephemeral"


def test_a_digest_reply_of_ten_papers_fits_in_one_message() -> None:
    digest = make_digest(*(make_item(rank) for rank in range(1, 11)))
    reply = Reply(ReplyKind.DIGEST, "Today's picks for this channel: 10 papers.", digest=digest)

    message = render.reply_message(reply, VOTES)

    assert_within_limits(message)
    assert sum(block["type"] == "divider" for block in message["blocks"]) == 10
    assert ":one:-:keycap_ten:" in json.dumps(message)


def test_search_results_say_why_each_paper_matched() -> None:
    items = (make_item(1, note="matches sparse, attention"), make_item(2, note=""))
    reply = Reply(ReplyKind.PAPERS, "Papers matching “sparse attention”.", items=items)

    blocks = render.reply_message(reply, VOTES)["blocks"]

    assert blocks[1]["text"]["text"].splitlines() == [
        "*1. <https://huggingface.co/papers/2606.10001|Sparse attention, part 1>*",
        "matches sparse, attention",
        "312 upvotes on Hugging Face",
    ]
    assert len(blocks) == 3


def test_search_results_with_a_next_page_end_in_a_more_button() -> None:
    reply = Reply(ReplyKind.PAPERS, "Papers.", items=(make_item(1),), more="more k3J9xQ:5")

    blocks = render.reply_message(reply, VOTES)["blocks"]

    assert blocks[-1] == {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": render.MORE_ACTION,
                "text": {"type": "plain_text", "text": "More"},
                "value": "more k3J9xQ:5",
            }
        ],
    }


def test_settings_and_explanations_keep_their_lines() -> None:
    settings_reply = Reply(ReplyKind.SETTINGS, "Settings for this channel", lines=("Size: 5",))
    why = Reply(ReplyKind.EXPLANATION, "Ranked by 103 upvotes.", lines=("MiniMax Sparse",))

    settings_blocks = render.reply_message(settings_reply, VOTES)["blocks"]
    why_blocks = render.reply_message(why, VOTES)["blocks"]

    assert [b["text"]["text"] for b in settings_blocks] == [
        "*Settings for this channel*",
        "Size: 5",
    ]
    assert [b["text"]["text"] for b in why_blocks] == ["*MiniMax Sparse*", "Ranked by 103 upvotes."]


def test_many_lines_are_split_over_sections_and_capped_at_fifty_blocks() -> None:
    reply = Reply(ReplyKind.TEXT, "Lots.", lines=tuple("x" * 2000 for _ in range(80)))

    message = render.reply_message(reply, VOTES)

    assert_within_limits(message)
    assert message["blocks"][-1]["elements"][0]["text"] == render.TOO_LONG
    assert sum(block["type"] == "section" for block in message["blocks"]) == 49


# --------------------------------------------------------------------------- any input

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=12)), max_size=25
).map("".join)
long_text = st.one_of(
    hostile_text,
    st.tuples(hostile_text, st.integers(0, 2500)).map(lambda pair: (pair[0] * pair[1])[:12_000]),
)
urls = st.one_of(
    st.none(),
    st.just("https://huggingface.co/papers/2606.00001"),
    hostile_text.map(lambda text: "https://example.org/" + text),
    st.integers(2900, 3100).map(lambda n: "https://example.org/" + "a" * n),
)


@st.composite
def items(draw: st.DrawFn, rank: int) -> DigestItem:
    return dataclasses.replace(
        make_item(rank),
        title=draw(long_text),
        authors=tuple(draw(st.lists(hostile_text, max_size=5))),
        summary=draw(long_text),
        keywords=tuple(draw(st.lists(hostile_text, max_size=7))),
        organization=draw(st.one_of(st.none(), hostile_text)),
        note=draw(hostile_text),
        thumbnail=draw(urls),
        links=PaperLinks(
            hf=draw(urls) or "",
            arxiv=draw(urls) or "",
            pdf=draw(urls) or "",
            code=draw(urls),
            project=draw(urls),
        ),
    )


@st.composite
def digests(draw: st.DrawFn) -> Digest:
    count = draw(st.integers(0, 10))
    return (
        make_digest(*(draw(items(rank)) for rank in range(1, count + 1)))
        if count
        else (dataclasses.replace(make_digest(), items=()))
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(digest=digests(), text=long_text)
def test_any_paper_text_renders_within_limits_and_notifies_nobody(
    digest: Digest, text: str
) -> None:
    for message in [*posted(digest), *replies(digest, text)]:
        assert_within_limits(message)
        assert_inert(message)


@settings(max_examples=300, deadline=None)
@given(text=hostile_text, limit=st.integers(2, 400))
def test_fit_escapes_and_stays_within_its_limit(text: str, limit: int) -> None:
    fitted = render.fit(text, limit)

    assert units(fitted) <= limit
    assert "<" not in fitted and ">" not in fitted
    assert not re.search(r"&(?!amp;|lt;|gt;)", fitted)
