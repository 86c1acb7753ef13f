"""Rendering: embeds within Discord's limits for any text, and paper text that pings nobody."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.adapter import nonce_for
from adapters.discord.render import (
    DiscordMessage,
    choice_name,
    escape,
    item_embed,
    render_header,
    render_item,
    render_reply,
    shorten,
    shows_the_same,
)
from bot.models import Layout, PaperLinks, Reply, ReplyKind
from tests.adapters.discord.conftest import make_digest, make_item

HUGE_TITLE = "Scaling " + "attention " * 1000
RTL_TITLE = "\u202eتعلم الآلة للجميع\u202c with עברית"
MENTIONS = ("@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<@112233445566778899>")
PIECES = ["@everyone", "@here ", "<@123>", "*", "_", "`", "[", "]", "\\", "🔥", "\u202e", "\n"]
hostile_text = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from([*PIECES, "attention " * 700, "🔥" * 3000]),
    ),
    max_size=12,
).map("".join)
"""Any text, with mentions, markdown, bidi overrides, emoji and runs of thousands of characters."""


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def within_limits(embed: discord.Embed) -> None:
    """Every limit Discord puts on an embed, in characters and in UTF-16 code units."""
    data: dict[str, Any] = embed.to_dict()
    fields = data.get("fields", [])
    parts = [
        data.get("title", ""),
        data.get("description", ""),
        data.get("footer", {}).get("text", ""),
        data.get("author", {}).get("name", ""),
        *(f["name"] for f in fields),
        *(f["value"] for f in fields),
    ]
    units: Callable[[str], int]
    for units in (len, utf16):
        assert units(data.get("title", "")) <= 256
        assert units(data.get("description", "")) <= 4096
        assert units(data.get("footer", {}).get("text", "")) <= 2048
        assert units(data.get("author", {}).get("name", "")) <= 256
        assert len(fields) <= 25
        assert all(units(f["name"]) <= 256 and units(f["value"]) <= 1024 for f in fields)
        assert all(f["name"] and f["value"] for f in fields)
        assert sum(units(part) for part in parts) <= 6000


def message_within_limits(message: DiscordMessage) -> None:
    assert message.content or message.embeds
    assert len(message.embeds) <= 10
    assert len(message.content or "") <= 2000
    for embed in message.embeds:
        within_limits(embed)


def test_a_followed_author_is_a_field_of_the_paper() -> None:
    item = make_item(1, followed=("Yann LeCun", "NVIDIA"))

    fields = render_item(item).embeds[0].to_dict()["fields"]

    assert {"name": "⭐ You follow", "value": "Yann LeCun, NVIDIA", "inline": True} in fields
    assert all(
        "follow" not in f["name"] for f in render_item(make_item(1)).embeds[0].to_dict()["fields"]
    )


def test_a_huge_title_is_cut_at_a_word_with_an_ellipsis() -> None:
    embed = item_embed(make_item(1, title=HUGE_TITLE))

    assert embed.title is not None
    assert len(embed.title) <= 256
    assert embed.title.endswith("attention…")
    within_limits(embed)


def test_mentions_in_paper_text_are_defused_everywhere() -> None:
    text = " ".join(MENTIONS)
    item = make_item(
        1, title=text, summary=text, authors=(text,), keywords=(text,), note=text, followed=(text,)
    )
    rendered = [
        str(render_item(item).embeds[0].to_dict()),
        str(render_header(make_digest(item)).embeds[0].to_dict()),
        str(render_reply(Reply(ReplyKind.PAPERS, text, items=(item,))).embeds[0].to_dict()),
        render_reply(Reply(ReplyKind.ERROR, text, lines=(text,))).content or "",
    ]
    for output in rendered:
        for mention in MENTIONS:
            assert mention not in output


def test_markdown_in_a_title_shows_as_typed() -> None:
    item = make_item(1, title="**Bold** _claims_ [click](https://evil.example) `code`")
    description = render_header(make_digest(item)).embeds[0].description or ""

    assert r"\*\*Bold\*\* \_claims\_ \[click\](https://evil.example) \`code\`" in description
    assert "](https://huggingface.co/papers/2606.10001)" in description


def test_bidi_overrides_are_removed_and_right_to_left_text_is_kept() -> None:
    embed = item_embed(make_item(1, title=RTL_TITLE))

    assert embed.title == "1. تعلم الآلة للجميع with עברית"


def test_emoji_count_double_toward_the_limits() -> None:
    embed = item_embed(make_item(1, title="🔥" * 300))

    assert embed.title is not None
    assert utf16(embed.title) <= 256
    within_limits(embed)


def test_odd_links_become_no_link_and_no_button() -> None:
    item = make_item(
        1,
        links=PaperLinks(
            hf="javascript:alert(1)",
            arxiv="https://arxiv.org/abs/2606.10001",
            pdf="https://arxiv.org/pdf/2606 10001",
            code="ftp://example.com/code",
        ),
        thumbnail="data:image/png;base64,AAAA",
    )
    message = render_item(item)
    embed = message.embeds[0]

    assert embed.url is None
    assert embed.thumbnail.url is None
    assert message.view is not None
    assert [button.label for button in message.view.children] == ["arXiv", "Similar"]  # type: ignore[attr-defined]
    assert "[" not in (render_header(make_digest(item)).embeds[0].description or "")


def test_the_header_numbers_the_titles_and_says_how_to_vote() -> None:
    embed = render_header(make_digest()).embeds[0]

    assert embed.title == "📰 Papers for Saturday 13 June 2026"
    assert embed.description == (
        "3 picks for <#1100000000000000200> (Europe/Berlin time).\n"
        "\n"
        "**1.** [Paper number 1](https://huggingface.co/papers/2606.10001)\n"
        "**2.** [Paper number 2](https://huggingface.co/papers/2606.10002)\n"
        "**3.** [Paper number 3](https://huggingface.co/papers/2606.10003)\n"
        "\n"
        "React 👍 🔥 👎 on a paper in the thread, or 1️⃣-3️⃣ on this message."
    )


def test_the_vote_hint_names_the_configured_emoji() -> None:
    digest = make_digest(make_item(1), layout=Layout.CHANNEL)
    embed = render_header(digest, vote_emoji=("⬆️", "⬇️")).embeds[0]

    assert (embed.description or "").endswith("React ⬆️ ⬇️ on a paper below, or 1️⃣ on this message.")


def test_every_reply_kind_renders() -> None:
    item = make_item(1, note="matches attention")
    replies = [
        Reply(ReplyKind.TEXT, "Subscribed: 09:30 Europe/Berlin on weekdays."),
        Reply(ReplyKind.ERROR, "That time doesn't look right; use HH:MM, e.g. 09:30."),
        Reply(ReplyKind.HELP, "papers-bot commands", lines=("/papers today - Show today.",)),
        Reply(ReplyKind.DIGEST, "Today's picks: 3 papers.", digest=make_digest()),
        Reply(ReplyKind.PAPERS, "Papers matching “attention”.", items=(item,)),
        Reply(ReplyKind.PAPER, "Paper number 1", items=(item,)),
        Reply(ReplyKind.SETTINGS, "Settings for this channel", lines=("Size: 5 papers",)),
        Reply(ReplyKind.EXPLANATION, "Ranked 2nd: 312 upvotes.", lines=("Paper number 1",)),
    ]
    for reply in replies:
        message = render_reply(reply)
        message_within_limits(message)
    papers = render_reply(replies[4]).embeds[0].description or ""
    assert "↳ matches attention\n312 upvotes on Hugging Face" in papers


def test_autocomplete_names_fit_in_a_hundred_characters() -> None:
    name = choice_name("2606.13392", HUGE_TITLE)
    assert len(name) <= 100
    assert name.startswith("2606.13392 · Scaling attention")


def test_nonces_fit_discords_25_characters() -> None:
    assert len(nonce_for("discord:1:2:2026-06-13:item:" + "x" * 500)) <= 25
    assert nonce_for("a") != nonce_for("b")


@settings(max_examples=60, deadline=None)
@given(
    title=hostile_text,
    summary=hostile_text,
    authors=st.lists(hostile_text, max_size=20),
    keywords=st.lists(hostile_text, max_size=20),
    organization=st.one_of(st.none(), hostile_text),
    upvotes=st.one_of(st.none(), st.integers(0, 10**12)),
    team_votes=st.integers(-(10**6), 10**6),
)
def test_a_paper_embed_keeps_every_limit_for_any_text(
    title: str,
    summary: str,
    authors: list[str],
    keywords: list[str],
    organization: str | None,
    upvotes: int | None,
    team_votes: int,
) -> None:
    item = make_item(
        10,
        title=title,
        summary=summary,
        authors=tuple(authors),
        keywords=tuple(keywords),
        organization=organization,
        upvotes=upvotes,
        team_votes=team_votes,
    )
    embed = item_embed(item)
    within_limits(embed)
    text = str(embed.to_dict())
    assert "@everyone" not in text
    assert "<@123>" not in text


@settings(max_examples=40, deadline=None)
@given(titles=st.lists(hostile_text, min_size=1, max_size=10), timezone=hostile_text)
def test_a_header_keeps_every_limit_for_any_titles(titles: list[str], timezone: str) -> None:
    items = [make_item(rank, title=title) for rank, title in enumerate(titles, start=1)]
    digest = dataclasses.replace(make_digest(*items), timezone=timezone)
    message_within_limits(render_header(digest))


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(list(ReplyKind)),
    text=hostile_text,
    lines=st.lists(hostile_text, max_size=12),
    titles=st.lists(hostile_text, max_size=10),
)
def test_every_reply_keeps_every_limit_for_any_text(
    kind: ReplyKind, text: str, lines: list[str], titles: list[str]
) -> None:
    items = tuple(make_item(rank, title=t, note=t) for rank, t in enumerate(titles, start=1))
    reply = Reply(kind, text, lines=tuple(lines), items=items, digest=make_digest())
    message_within_limits(render_reply(reply))


@settings(deadline=None)
@given(text=hostile_text, limit=st.integers(2, 5000))
def test_shorten_never_passes_the_limit_and_leaves_short_text_alone(text: str, limit: int) -> None:
    cut = shorten(text, limit)
    assert utf16(cut) <= limit
    if utf16(text) <= limit:
        assert cut == text
    else:
        assert cut.endswith("…")


@settings(deadline=None)
@given(text=hostile_text)
def test_escaped_text_never_ends_in_a_dangling_backslash(text: str) -> None:
    escaped = escape(text, 100)
    trailing = len(escaped.removesuffix("…")) - len(escaped.removesuffix("…").rstrip("\\"))
    assert trailing % 2 == 0


def posted(message: DiscordMessage) -> list[discord.Embed]:
    """The embeds as Discord hands them back in a channel's history."""
    return [discord.Embed.from_dict(embed.to_dict()) for embed in message.embeds]


def test_a_posted_paper_is_known_by_its_link_to_its_page() -> None:
    first, second = render_item(make_item(1)), render_item(make_item(2))
    assert shows_the_same(posted(first), first)
    assert not shows_the_same(posted(second), first)
    assert not shows_the_same([], first)


def test_a_posted_header_is_known_by_its_headline_and_the_papers_it_lists() -> None:
    digest = make_digest()
    header = render_header(digest)
    reordered = render_header(dataclasses.replace(digest, items=digest.items[::-1]))
    fewer = render_header(dataclasses.replace(digest, items=digest.items[:2]))
    other_hint = render_header(digest, vote_emoji=("⭐",))
    assert shows_the_same(posted(header), header)
    assert shows_the_same(posted(other_hint), header), "the voting line may change"
    assert not shows_the_same(posted(reordered), header)
    assert not shows_the_same(posted(fewer), header)
    assert not shows_the_same(posted(render_item(make_item(1))), header)


def test_a_header_of_papers_without_links_must_match_word_for_word() -> None:
    unlinked = make_item(1, links=PaperLinks(hf="", arxiv="", pdf=""))
    header = render_header(make_digest(unlinked))
    other = render_header(make_digest(dataclasses.replace(unlinked, title="Another paper")))
    assert shows_the_same(posted(header), header)
    assert not shows_the_same(posted(other), header)


def test_search_results_with_a_next_page_carry_a_more_button() -> None:
    reply = Reply(ReplyKind.PAPERS, "Papers.", items=(make_item(1),), more="more k3J9xQ:5")

    view = render_reply(reply).view

    assert view is not None
    (button,) = view.children
    assert isinstance(button, discord.ui.Button)
    assert (button.label, button.custom_id) == ("More", "papers:more k3J9xQ:5")
    assert render_reply(Reply(ReplyKind.PAPERS, "Papers.", items=(make_item(1),))).view is None
