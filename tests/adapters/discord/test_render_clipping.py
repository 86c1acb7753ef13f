"""How long a piece of text may be before a Discord message cuts it: text at its limit is
shown whole, one unit more is cut to the limit and ends in "…"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import discord
import pytest

from adapters.discord import render
from bot.models import DigestItem, PaperLinks, Reply, ReplyKind
from tests.adapters.discord.conftest import make_digest, make_item
from tests.fakes.items import make_recap


def embed_of(message: render.DiscordMessage) -> discord.Embed:
    (embed,) = message.embeds
    return embed


def description(message: render.DiscordMessage) -> str:
    return embed_of(message).description or ""


def header_of(item: DigestItem, **changes: Any) -> str:
    return description(render.render_header(dataclasses.replace(make_digest(item), **changes)))


def reply(kind: ReplyKind, text: str = "", **fields: Any) -> render.DiscordMessage:
    return render.render_reply(Reply(kind, text, **fields))


def recap_with(**changes: Any) -> render.DiscordMessage:
    recap = make_recap()
    entry = dataclasses.replace(recap.entries[0], **changes)
    return render.render_recap(dataclasses.replace(recap, entries=(entry,)))


def recap_alt_text(text: str) -> str:
    recap = make_recap()
    chart = dataclasses.replace(recap.chart, alt_text=text)
    (attachment,) = render.render_recap(dataclasses.replace(recap, chart=chart)).attachments
    return attachment.description


def paper_field(item: DigestItem, name: str) -> str:
    fields = render.item_embed(item).fields
    return next(f.value or "" for f in fields if f.name == name)


# (what is clipped, its limit, the text shown for a given value of it)
CLIPPED: list[tuple[str, int, Callable[[str], str]]] = [
    ("paper title", 253, lambda text: render.item_embed(make_item(1, title=text)).title or ""),
    (
        "unnumbered title",
        256,
        lambda text: render.item_embed(make_item(1, title=text), numbered=False).title or "",
    ),
    ("summary", 1500, lambda text: render.item_embed(make_item(1, summary=text)).description or ""),
    (
        "followed name",
        100,
        lambda text: paper_field(make_item(1, followed=(text,)), "⭐ You follow"),
    ),
    ("keyword", 60, lambda text: paper_field(make_item(1, keywords=(text,)), "Keywords")),
    ("header title", 200, lambda text: header_of(make_item(1, title=text))),
    ("time zone", 64, lambda text: header_of(make_item(1), timezone=text)),
    (
        "search note",
        300,
        lambda text: description(reply(ReplyKind.PAPERS, items=(make_item(1, note=text),))),
    ),
    ("reply line", 500, lambda text: reply(ReplyKind.TEXT, lines=(text,)).content or ""),
    ("embed title", 256, lambda text: embed_of(reply(ReplyKind.SETTINGS, text)).title or ""),
    (
        "digest reply text",
        500,
        lambda text: description(reply(ReplyKind.DIGEST, text, digest=make_digest())),
    ),
    ("recap title", 200, lambda text: description(recap_with(title=text))),
    ("recap alt text", 1024, recap_alt_text),
    ("autocomplete name", 100 - len("2606.1 · "), lambda text: render.choice_name("2606.1", text)),
]


@pytest.mark.parametrize(("field", "limit", "shown"), CLIPPED, ids=[c[0] for c in CLIPPED])
def test_text_at_its_limit_is_whole_and_one_unit_more_is_cut(
    field: str, limit: int, shown: Callable[[str], str]
) -> None:
    assert "q" * limit in shown("q" * limit)
    assert "q" * limit + "…" not in shown("q" * limit)

    cut = shown("q" * (limit + 1))

    assert "q" * (limit - 1) + "…" in cut
    assert "q" * limit not in cut


def test_a_reply_is_whole_up_to_two_units_short_of_its_limit_and_then_ends_in_an_ellipsis() -> None:
    assert reply(ReplyKind.TEXT, "q" * 1998).content == "q" * 1998
    assert reply(ReplyKind.TEXT, "q" * 1999).content == "…"
    assert reply(ReplyKind.TEXT, "q" * 1000, lines=("r" * 497, "s" * 499)).content == (
        "q" * 1000 + "\n" + "r" * 497 + "\n" + "s" * 499
    )
    assert reply(ReplyKind.TEXT, "q" * 1000, lines=("r" * 497, "s" * 500)).content == (
        "q" * 1000 + "\n" + "r" * 497 + "\n…"
    )
    assert description(reply(ReplyKind.EXPLANATION, "q" * 4094)) == "q" * 4094
    assert description(reply(ReplyKind.EXPLANATION, "q" * 4095)) == "…"


def test_the_vote_hint_is_cut_at_200_units() -> None:
    digest = make_digest(make_item(1))
    hint = "React {} on a paper in the thread, or 1️⃣ on this message."
    fits = "q" * (200 - len(hint.format("").encode("utf-16-le")) // 2)

    assert header_of(make_item(1)).endswith(hint.format("👍 🔥 👎"))
    assert description(render.render_header(digest, vote_emoji=(fits,))).endswith(hint.format(fits))
    longer = description(render.render_header(digest, vote_emoji=(fits + "q",)))
    assert longer.endswith(" on a paper in the thread, or 1️⃣ on this…")


def test_a_byline_cuts_each_name_at_a_hundred_characters() -> None:
    item = make_item(1, authors=("a" * 101,), more_authors=False, organization="o" * 101)

    assert render.item_embed(item).author.name == "a" * 100 + " · " + "o" * 100


def test_a_byline_is_cut_at_256_units() -> None:
    names = ("a" * 100, "b" * 100, "c" * 52)
    fits = make_item(1, authors=names, more_authors=False, organization=None)
    over = make_item(1, authors=(*names[:2], "c" * 53), more_authors=False, organization=None)

    assert render.item_embed(fits).author.name == ", ".join(names)
    assert render.item_embed(over).author.name == f"{'a' * 100}, {'b' * 100},…"


def test_a_paper_without_a_title_is_named_by_the_first_64_characters_of_its_id() -> None:
    item = dataclasses.replace(make_item(1, title=""), paper_id="p" * 70)

    assert render.item_embed(item).title == "1. " + "p" * 64
    assert f"**1.** [{'p' * 63}…](" in header_of(item)


def test_the_footer_is_cut_at_2048_units() -> None:
    fits = dataclasses.replace(make_item(1), paper_id="p" * (2048 - 6))
    over = dataclasses.replace(make_item(1), paper_id="p" * (2048 - 5))

    assert render.item_embed(fits).footer.text == "arXiv " + "p" * 2042
    assert render.item_embed(over).footer.text == "arXiv " + "p" * 2041 + "…"


def test_web_addresses_are_links_up_to_discords_limits() -> None:
    button_url = "https://example.org/" + "a" * (512 - 20)
    embed_url = "https://example.org/" + "a" * (2048 - 20)

    def buttons(url: str) -> list[str | None]:
        item = make_item(1, links=PaperLinks(hf="", arxiv=url, pdf=""))
        view = render.link_view(item)
        assert view is not None
        return [getattr(button, "url", None) for button in view.children]

    assert buttons(button_url) == [button_url, None]
    assert buttons(button_url + "a") == [None]
    assert render.safe_url(embed_url) == embed_url
    assert render.safe_url(embed_url + "a") is None
    assert render.item_embed(make_item(1, links=PaperLinks(embed_url, "", ""))).url == embed_url
    assert render.safe_url(None) is None


def test_a_header_keeps_the_titles_that_fit_in_its_description() -> None:
    title = "t" * 200
    digest = make_digest(*(make_item(rank, title=title) for rank in range(1, 11)))
    lines = description(render.render_header(digest)).splitlines()

    assert len("\n".join(lines)) <= 4096
    assert lines[0] == "10 picks for <#1100000000000000200> (Europe/Berlin time)."
    assert [line[:7] for line in lines[2:12]] == [f"**{rank}.** "[:7] for rank in range(1, 11)]


def test_a_numbered_title_is_cut_after_its_number_is_counted() -> None:
    title = "a" * 125 + " " + "b" * 200

    assert render.item_embed(make_item(1, title=title)).title == (
        "1. " + "a" * 125 + " " + "b" * 126 + "…"
    )
