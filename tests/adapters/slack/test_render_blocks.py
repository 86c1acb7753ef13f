"""What each Slack message is made of, block by block: the header, a paper, every reply kind,
the posted digest's metadata and the weekly recap."""

from __future__ import annotations

import dataclasses
from typing import Any

from adapters.slack import render
from bot.models import MessageRole, OutgoingMessage, PaperLinks, Reply, ReplyKind
from tests.adapters.slack.conftest import make_digest, make_item
from tests.fakes.items import make_recap

VOTES = ("+1", "fire", "-1")
SUMMARY = "A short summary of what the paper does."
BYLINE = "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
FACTS = (
    "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · keywords: sparse attention, GQA"
)


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def title_line(rank: int) -> str:
    return f"<https://huggingface.co/papers/2606.1000{rank}|Sparse attention, part {rank}>"


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The mrkdwn text of each section and context block, in order."""
    shown = []
    for block in blocks:
        if block["type"] == "section":
            shown.append(block["text"]["text"])
        elif block["type"] == "context":
            shown.append(block["elements"][0]["text"])
    return shown


def reply(kind: ReplyKind, text: str = "", **fields: Any) -> dict[str, Any]:
    return render.reply_message(Reply(kind, text, **fields), VOTES)


# ------------------------------------------------------------------------ posted digest


def test_the_posted_header_carries_the_digest_and_its_papers_in_its_metadata() -> None:
    digest = make_digest()
    header = OutgoingMessage(key="k:header", role=MessageRole.HEADER, digest=digest)

    message = render.digest_message(header, VOTES)

    assert message["text"] == "📰 Papers for Friday 12 June 2026: 3 picks"
    assert message["metadata"] == {
        "event_type": "papers_digest",
        "event_payload": {
            "digest_id": "slack:T1:C1:2026-06-12",
            "role": "header",
            "key": "k:header",
            "paper_ids": "2606.10001,2606.10002,2606.10003",
        },
    }


def test_a_posted_paper_carries_its_paper_id_in_its_metadata() -> None:
    digest = make_digest()
    item = digest.items[1]
    posted = OutgoingMessage(key="k:item:2", role=MessageRole.ITEM, digest=digest, item=item)

    message = render.digest_message(posted, VOTES)

    assert message["text"] == "2. Sparse attention, part 2"
    assert message["blocks"] == render.item_blocks(item)
    assert message["metadata"] == {
        "event_type": "papers_digest",
        "event_payload": {
            "digest_id": "slack:T1:C1:2026-06-12",
            "role": "item",
            "key": "k:item:2",
            "paper_id": "2606.10002",
        },
    }


def test_a_posted_message_without_its_paper_is_the_header() -> None:
    digest = make_digest()
    orphan = OutgoingMessage(key="k:item", role=MessageRole.ITEM, digest=digest)

    message = render.digest_message(orphan, VOTES)

    assert message["blocks"] == render.header_blocks(digest, VOTES)
    assert message["metadata"]["event_payload"]["paper_ids"] == "2606.10001,2606.10002,2606.10003"


def test_a_posted_paper_without_thumbnails_has_no_image_and_keeps_the_rest() -> None:
    digest = make_digest()
    item = digest.items[0]
    posted = OutgoingMessage(key="k:item", role=MessageRole.ITEM, digest=digest, item=item)

    with_image = render.digest_message(posted, VOTES)
    without = render.digest_message(posted, VOTES, thumbnails=False)

    assert with_image["blocks"][0]["accessory"] == {
        "type": "image",
        "image_url": (
            "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.10001.png"
        ),
        "alt_text": "Hugging Face card of arXiv 2606.10001",
    }
    assert without["blocks"][0] == section(f"*1. {title_line(1)}*\n{BYLINE}")
    assert without["blocks"][1:] == with_image["blocks"][1:]
    assert without["metadata"] == with_image["metadata"]


# ------------------------------------------------------------------------------ header


def test_a_header_without_papers_says_so() -> None:
    digest = dataclasses.replace(make_digest(), items=())

    message = render.header_message(digest, VOTES)

    assert message["text"] == "📰 Papers for Friday 12 June 2026: 0 picks"
    assert message["blocks"] == [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "📰 Papers for Friday 12 June 2026"},
        },
        section("No new papers for this channel today."),
    ]


def test_a_header_of_one_paper_offers_one_keycap() -> None:
    message = render.header_message(make_digest(make_item(1)), VOTES)

    assert message["text"] == "📰 Papers for Friday 12 June 2026: 1 pick"
    assert texts(message["blocks"]) == [
        f"1. {title_line(1)}",
        "1 pick for this channel · React :+1: :fire: :-1: on a paper, or :one: here to vote.",
    ]


def test_a_header_without_vote_emoji_offers_only_the_keycaps() -> None:
    blocks = render.header_blocks(make_digest(), ())

    assert blocks[-1] == context("3 picks for this channel · :one:-:three: here to vote.")


def test_the_vote_line_names_only_valid_reactions_and_at_most_ten_keycaps() -> None:
    assert render.vote_line(12, ("+1", "Thumbs Up", "x" * 101, "x" * 100, "fire")) == (
        f"React :+1: :{'x' * 100}: :fire: on a paper, or :one:-:keycap_ten: here to vote."
    )
    assert render.vote_line(10, ()) == ":one:-:keycap_ten: here to vote."
    assert render.vote_line(0, ("+1",)) == "React :+1: on a paper to vote."
    assert render.vote_line(0, ("",)) == ""


# ------------------------------------------------------------------------------- paper


def test_a_paper_with_every_link_has_a_button_for_each() -> None:
    links = PaperLinks(
        hf="https://hf.example/p",
        arxiv="https://arxiv.example/a",
        pdf="https://arxiv.example/p.pdf",
        code="https://code.example/c",
        project="https://project.example/",
    )

    buttons = render.link_buttons(make_item(1, links=links))

    assert buttons == [
        {
            "type": "button",
            "action_id": f"papers_link_{name}",
            "text": {"type": "plain_text", "text": label},
            "url": url,
        }
        for name, label, url in (
            ("hf", "Paper page", links.hf),
            ("arxiv", "arXiv", links.arxiv),
            ("pdf", "PDF", links.pdf),
            ("code", "Code", links.code),
            ("project", "Project", links.project),
        )
    ] + [
        {
            "type": "button",
            "action_id": "papers_similar",
            "text": {"type": "plain_text", "text": "Similar"},
            "value": "similar 2606.10001",
        }
    ]


def test_a_paper_of_few_authors_or_no_organization_has_a_shorter_byline() -> None:
    two = make_item(1, authors=("Ada Lovelace", "", "Alan Turing"), more_authors=False)
    team = make_item(1, authors=(), organization="Example Lab")
    alone = make_item(1, authors=("A", "B", "C", "D"), more_authors=True, organization=None)
    nobody = make_item(1, authors=(), more_authors=True, organization=None)

    assert (
        texts(render.item_blocks(two))[0].splitlines()[1]
        == "Ada Lovelace, Alan Turing · Example Lab"
    )
    assert texts(render.item_blocks(team))[0].splitlines()[1] == "Example Lab"
    assert texts(render.item_blocks(alone))[0].splitlines()[1] == "A, B, C et al."
    assert texts(render.item_blocks(nobody))[0] == f"*1. {title_line(1)}*"


def test_plain_text_fields_are_not_escaped() -> None:
    item = dataclasses.replace(make_item(1), paper_id="2606.1 <&>")

    assert render.header("Q&A <1>")["text"]["text"] == "Q&A <1>"
    assert render.item_blocks(item)[0]["accessory"]["alt_text"] == (
        "Hugging Face card of arXiv 2606.1 <&>"
    )


def test_a_paper_without_a_title_is_named_by_its_arxiv_id() -> None:
    item = make_item(3, title=" \n ")

    assert render.item_message(item)["text"] == "3. arXiv 2606.10003"
    assert texts(render.item_blocks(item))[0].startswith(
        "*3. <https://huggingface.co/papers/2606.10003|arXiv 2606.10003>*"
    )


def test_an_unranked_paper_has_no_number() -> None:
    item = dataclasses.replace(make_item(1), rank=0)

    assert render.item_message(item)["text"] == "Sparse attention, part 1"
    assert texts(render.item_blocks(item))[0] == f"*{title_line(1)}*\n{BYLINE}"


def test_a_paper_lists_its_first_five_keywords() -> None:
    item = make_item(
        1,
        upvotes=None,
        stars=None,
        climbing=False,
        keywords=("a & b", " ", "c", "d", "e", "f", "g"),
    )

    assert render.facts_line(item) == "keywords: a &amp; b, c, d, e"


def test_a_paper_without_facts_or_keywords_has_no_facts_line() -> None:
    item = make_item(1, upvotes=None, stars=None, climbing=False, keywords=("", " "))

    assert render.facts_line(item) == ""
    assert [block["type"] for block in render.item_blocks(item)] == [
        "section",
        "section",
        "actions",
    ]


# ------------------------------------------------------------------------------ replies


def test_a_reply_is_ephemeral_unless_the_core_says_otherwise() -> None:
    private = render.reply_message(Reply(ReplyKind.TEXT, "Done."), VOTES)
    public = render.reply_message(Reply(ReplyKind.TEXT, "Done.", ephemeral=False), VOTES)

    assert private == {"text": "Done.", "blocks": [section("Done.")], "response_type": "ephemeral"}
    assert public["response_type"] == "in_channel"


def test_a_reply_without_any_text_still_has_a_fallback_and_a_block() -> None:
    message = reply(ReplyKind.TEXT, " ")

    assert message["text"] == "papers-bot"
    assert message["blocks"] == [section("papers-bot")]


def test_a_text_or_error_reply_shows_its_sentence_then_its_lines() -> None:
    for kind in (ReplyKind.TEXT, ReplyKind.ERROR):
        message = reply(kind, "No such paper.", lines=("Try /papers search", "", "a < b"))

        assert message["text"] == "No such paper."
        assert message["blocks"] == [
            section("No such paper."),
            section("Try /papers search\na &lt; b"),
        ]


def test_help_and_settings_replies_have_a_bold_title() -> None:
    help_blocks = reply(ReplyKind.HELP, "Commands", lines=("/papers today", "/papers help"))[
        "blocks"
    ]
    settings_blocks = reply(ReplyKind.SETTINGS, "Settings", lines=("Size: 5", "Time: 09:00"))[
        "blocks"
    ]

    assert help_blocks == [section("*Commands*"), section("• /papers today\n• /papers help")]
    assert settings_blocks == [section("*Settings*"), section("Size: 5\nTime: 09:00")]


def test_an_explanation_shows_its_titles_in_bold_then_the_reason() -> None:
    blocks = reply(ReplyKind.EXPLANATION, "Ranked by upvotes.", lines=("One", "", "Two"))["blocks"]

    assert blocks == [section("*One*"), section("*Two*"), section("Ranked by upvotes.")]


def test_a_digest_reply_shows_the_header_then_each_paper_in_short() -> None:
    digest = make_digest(make_item(1), make_item(2, summary=""))
    message = reply(ReplyKind.DIGEST, "Today's picks.", digest=digest, lines=("Next at 09:00",))

    assert message["blocks"] == [
        section("Today's picks."),
        *render.header_blocks(digest, VOTES),
        {"type": "divider"},
        section(f"*1. {title_line(1)}*\n{BYLINE}\n{SUMMARY}"),
        context(FACTS),
        {"type": "divider"},
        section(f"*2. {title_line(2)}*\n{BYLINE}"),
        context(FACTS),
        section("Next at 09:00"),
    ]


def test_a_digest_reply_without_a_digest_is_plain_text() -> None:
    message = reply(ReplyKind.DIGEST, "Nothing yet.", lines=("Try later",))

    assert message["blocks"] == [section("Nothing yet."), section("Try later")]


def test_a_short_paper_in_a_listing_keeps_only_what_it_has() -> None:
    item = make_item(1, summary="", upvotes=None, stars=None, climbing=False, keywords=())

    assert render.compact_item_blocks(item) == [section(f"*1. {title_line(1)}*\n{BYLINE}")]


def test_listed_papers_show_only_the_facts_they_have_then_the_lines() -> None:
    bare = make_item(1, upvotes=None, note="")
    noted = dataclasses.replace(
        make_item(2, upvotes=5, note="matches <sparse>", team_votes=-2), rank=0
    )

    message = reply(ReplyKind.PAPERS, "", items=(bare, noted), lines=("2 papers",))

    assert message["blocks"] == [
        section(f"*1. {title_line(1)}*"),
        section(
            f"*{title_line(2)}*\nmatches &lt;sparse&gt;\n5 upvotes on Hugging Face · team votes -2"
        ),
        section("2 papers"),
    ]


def test_a_paper_reply_shows_each_paper_in_full_then_the_lines() -> None:
    first, second = make_item(1), make_item(2)

    message = reply(ReplyKind.PAPER, "Found.", items=(first, second), lines=("See also",))

    assert message["blocks"] == [
        *render.item_blocks(first),
        *render.item_blocks(second),
        section("See also"),
    ]


def test_a_paper_reply_without_a_paper_shows_its_sentence() -> None:
    message = reply(ReplyKind.PAPER, "No paper 2606.99999.", lines=("Try /papers search",))

    assert message["blocks"] == [section("No paper 2606.99999."), section("Try /papers search")]


def test_replies_without_thumbnails_show_no_image_anywhere() -> None:
    item = make_item(1)
    digest = make_digest(item)
    answer = Reply(ReplyKind.PAPER, "", items=(item,), digest=digest)

    shown = render.reply_message(answer, VOTES)
    bare = render.reply_message(answer, VOTES, thumbnails=False)
    bare_digest = render.reply_message(
        Reply(ReplyKind.DIGEST, "", digest=digest), VOTES, thumbnails=False
    )

    assert "accessory" in shown["blocks"][0]
    assert bare["blocks"][0] == section(f"*1. {title_line(1)}*\n{BYLINE}")
    assert bare["blocks"][1:] == shown["blocks"][1:]
    assert bare_digest == render.reply_message(Reply(ReplyKind.DIGEST, "", digest=digest), VOTES)
    assert render.reply_message(
        Reply(ReplyKind.TEXT, "Done."), VOTES, thumbnails=False
    ) == render.reply_message(Reply(ReplyKind.TEXT, "Done."), VOTES)


# ------------------------------------------------------------------------------- recap


def test_the_recap_shares_its_chart_with_the_ranked_titles() -> None:
    recap = make_recap()

    upload = render.recap_upload(recap)

    assert upload["file"] == recap.chart.png
    assert upload["filename"] == "recap.png"
    assert upload["title"] == "Your team's votes, 6-12 June 2026"
    assert upload["alt_txt"] == recap.chart.alt_text
    assert upload["initial_comment"].splitlines() == [
        "*📊 Your team's week in papers, 6-12 June 2026*",
        "1. <https://huggingface.co/papers/2606.20001|Sparse Attention Revisited>"
        " · +5 from 3 people",
        "2. <https://huggingface.co/papers/2606.20002|World Models at Scale &lt;@U123&gt; "
        "&lt;@123&gt; @here> · +3 from 2 people",
        "3. <https://huggingface.co/papers/2606.20003|Costs $O(n)$ &amp; *more*>"
        " · +1 from 1 person",
    ]
    assert set(upload) == {"file", "filename", "title", "alt_txt", "initial_comment"}
