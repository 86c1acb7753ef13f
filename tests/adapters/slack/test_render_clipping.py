"""How long a piece of text may be before Block Kit rendering cuts it: text at its limit is
shown whole, one unit more is cut to the limit and ends in "…"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from adapters.slack import render
from bot.models import DigestItem, PaperLinks, Reply, ReplyKind
from tests.adapters.slack.conftest import make_digest, make_item
from tests.fakes.items import make_recap

VOTES = ("+1", "fire", "-1")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def sections(message: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


def reply_sections(kind: ReplyKind, text: str = "", **fields: Any) -> list[str]:
    return sections(render.reply_message(Reply(kind, text, **fields), VOTES))


def label(text: str) -> str:
    """The label of the one `<url|label>` link in `text`."""
    return text.split("|", 1)[1].split(">", 1)[0]


def with_links(item: DigestItem, hf: str) -> DigestItem:
    return dataclasses.replace(item, links=PaperLinks(hf=hf, arxiv="", pdf=""))


def listed(title: str) -> str:
    """A search result's linked title."""
    return label(reply_sections(ReplyKind.PAPERS, items=(make_item(1, title=title),))[0])


def compact(item: DigestItem) -> str:
    """A paper's first section in a digest reply."""
    return render.compact_item_blocks(item)[0]["text"]["text"]


def recap_with(**changes: Any) -> dict[str, Any]:
    recap = make_recap()
    entry = dataclasses.replace(recap.entries[0], **changes)
    return render.recap_upload(dataclasses.replace(recap, entries=(entry,)))


def with_alt_text(text: str) -> dict[str, Any]:
    recap = make_recap()
    chart = dataclasses.replace(recap.chart, alt_text=text)
    return render.recap_upload(dataclasses.replace(recap, chart=chart))


# (what is clipped, its limit, the text shown for a given value of it)
CLIPPED: list[tuple[str, int, Callable[[str], str]]] = [
    ("header block", 150, lambda text: render.header(text)["text"]["text"]),
    (
        "paper title",
        300,
        lambda text: label(render.item_blocks(make_item(1, title=text))[0]["text"]["text"]),
    ),
    (
        "header title",
        300,
        lambda text: label(
            render.header_blocks(make_digest(make_item(1, title=text)), VOTES)[1]["text"]["text"]
        ),
    ),
    ("listed title", 300, listed),
    ("digest reply title", 300, lambda text: label(compact(make_item(1, title=text)))),
    (
        "byline",
        300,
        lambda text: render.item_blocks(
            make_item(1, authors=(text,), more_authors=False, organization=None)
        )[0]["text"]["text"].splitlines()[1],
    ),
    ("keyword", 60, lambda text: render.facts_line(make_item(1, keywords=(text,)))),
    (
        "facts line",
        2000 - len("⭐ you follow "),
        lambda text: render.facts_line(
            make_item(1, upvotes=None, stars=None, climbing=False, keywords=(), followed=(text,))
        ),
    ),
    (
        "search note",
        300,
        lambda text: reply_sections(ReplyKind.PAPERS, items=(make_item(1, note=text),))[0],
    ),
    ("summary", 3000, lambda text: sections(render.item_message(make_item(1, summary=text)))[1]),
    ("short summary", 300, lambda text: compact(make_item(1, summary=text)).splitlines()[-1]),
    ("reply sentence", 2998, lambda text: reply_sections(ReplyKind.TEXT, text)[0]),
    ("bold sentence", 2998, lambda text: reply_sections(ReplyKind.HELP, text)[0]),
    ("reply line", 3000, lambda text: reply_sections(ReplyKind.TEXT, lines=(text,))[0]),
    ("help line", 2998, lambda text: reply_sections(ReplyKind.HELP, lines=(text,))[0]),
    (
        "explanation title",
        2998,
        lambda text: reply_sections(ReplyKind.EXPLANATION, lines=(text,))[0],
    ),
    (
        "reply fallback",
        3000,
        lambda text: render.reply_message(Reply(ReplyKind.TEXT, text), VOTES)["text"],
    ),
    (
        "paper fallback",
        2997,
        lambda text: render.item_message(make_item(1, title=text))["text"],
    ),
    (
        "thumbnail alt text",
        1973,
        lambda text: render.item_blocks(dataclasses.replace(make_item(1), paper_id=text))[0][
            "accessory"
        ]["alt_text"],
    ),
    # the whole link is at most 300 units, and this recap's paper page takes 43 of them
    ("recap title", 300 - 43, lambda text: label(recap_with(title=text)["initial_comment"])),
    ("recap alt text", 2000, lambda text: with_alt_text(text)["alt_txt"]),
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


def test_an_emoji_outside_the_basic_plane_counts_two_units() -> None:
    assert render.slack_length("a👍𐀀") == 5
    assert render.fit("𐀀" * 5, 10) == "𐀀" * 5
    assert render.fit("𐀀" * 6, 10) == "𐀀" * 4 + "…"
    assert render.fit("\uffee" * 10, 10) == "\uffee" * 10


def test_an_escaped_character_counts_its_whole_entity() -> None:
    assert render.fit("a&b<c>d", 17) == "a&amp;b&lt;c&gt;d"
    assert render.fit("a&b<c>d", 16) == "a&amp;b&lt;c…"
    assert render.fit("a&b<c>d", 7, markup=False) == "a&b<c>d"
    assert render.fit("a&b<c>d&", 7, markup=False) == "a&b<c>…"


def test_a_cut_ends_at_a_space_only_in_the_second_half() -> None:
    assert render.fit("aaaa bbbbbb", 10) == "aaaa bbbb…"
    assert render.fit("aaaaa bbbbb", 10) == "aaaaa…"
    assert render.fit("aaa bbb ccccc", 10) == "aaa bbb…"


@pytest.mark.parametrize("mark", [",", ";", ":", ".", "-", "–", "—"])
def test_a_cut_drops_the_punctuation_it_ends_on(mark: str) -> None:
    assert render.fit(f"aaaaaaaa{mark}{mark}bbb", 10) == "aaaaaaaa…"


def test_a_cut_keeps_the_letters_it_ends_on() -> None:
    assert render.fit("X" * 20, 10) == "X" * 9 + "…"


def test_a_web_address_is_usable_up_to_slacks_limit() -> None:
    longest = "https://example.org/" + "a" * 2980

    def buttons(url: str) -> list[str]:
        item = make_item(1, links=PaperLinks(hf="", arxiv=url, pdf=""))
        return [button.get("url", "") for button in render.link_buttons(item)]

    assert render.safe_url(longest) == longest
    assert buttons(longest) == [longest, ""]
    assert render.safe_url(longest + "a") is None
    assert buttons(longest + "a") == [""]
    assert render.safe_url(None) is None
    assert render.safe_url('https://example.org/a b"|<>') is None
    assert render.safe_url('https://example.org/"|<>') == "https://example.org/%22%7C%3C%3E"


def test_a_link_needs_room_for_twenty_units_of_its_label() -> None:
    url = "https://example.org/"

    assert render.link(url, "q" * 50, len(url) + 3 + 20) == f"<{url}|{'q' * 19}…>"
    assert render.link(url, "q" * 50, len(url) + 3 + 19) == "q" * 41 + "…"
    assert render.link(url, "q" * 50, 500, label_limit=10) == f"<{url}|{'q' * 9}…>"
    assert render.link(url, "a&b", 500) == f"<{url}|a&amp;b>"
    assert render.link("https://example.org/a&b", "x", 500) == "<https://example.org/a&amp;b|x>"


def test_a_papers_title_section_fits_3000_units_with_the_longest_address() -> None:
    byline = "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
    # the section is "*1. <URL|TITLE>*\nBYLINE"; this URL leaves exactly 100 units for the title
    address = 3000 - len("*1. <|>*\n") - len(byline) - 100
    url = "https://huggingface.co/papers/" + "a" * (address - 30)

    whole = render.item_blocks(with_links(make_item(1, title="q" * 100), url))[0]["text"]["text"]
    cut = render.item_blocks(with_links(make_item(1, title="q" * 101), url))[0]["text"]["text"]

    assert whole == f"*1. <{url}|{'q' * 100}>*\n{byline}"
    assert cut == f"*1. <{url}|{'q' * 99}…>*\n{byline}"


def test_an_unranked_title_without_a_byline_gets_their_room() -> None:
    url = "https://huggingface.co/papers/" + "a" * (3000 - len("*<|>*") - 100 - 30)
    item = dataclasses.replace(make_item(1, title="q" * 100, authors=(), organization=None), rank=0)

    longer = dataclasses.replace(item, title="q" * 101)

    text = render.item_blocks(with_links(item, url))[0]["text"]["text"]
    cut = render.item_blocks(with_links(longer, url))[0]["text"]["text"]

    assert text == f"*<{url}|{'q' * 100}>*"
    assert cut == f"*<{url}|{'q' * 99}…>*"


def test_a_digest_replys_paper_leaves_room_for_its_summary() -> None:
    byline = "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
    summary = "s" * 300
    address = 3000 - len("*1. <|>*\n\n") - len(byline) - len(summary) - 50
    url = "https://huggingface.co/papers/" + "a" * (address - 30)

    def shown(title: str) -> str:
        return compact(with_links(make_item(1, title=title, summary=summary), url))

    assert shown("q" * 50) == f"*1. <{url}|{'q' * 50}>*\n{byline}\n{summary}"
    assert shown("q" * 51) == f"*1. <{url}|{'q' * 49}…>*\n{byline}\n{summary}"


def test_a_listed_title_leaves_room_for_its_note_and_facts() -> None:
    url = "https://huggingface.co/papers/" + "a" * (2400 - 3 - 50 - 30)
    item = with_links(make_item(1, title="q" * 51), url)

    text = reply_sections(ReplyKind.PAPERS, items=(item,))[0]

    assert text.splitlines()[0] == f"*1. <{url}|{'q' * 49}…>*"


def test_ten_header_titles_share_one_section_equally() -> None:
    long_title = "q" * 400
    digest = make_digest(*(make_item(rank, title=long_title) for rank in range(1, 11)))

    text = render.header_blocks(digest, VOTES)[1]["text"]["text"]

    assert [units(line) for line in text.splitlines()] == [299] * 10
    assert units(text) == 2999


def test_one_header_title_keeps_its_link_with_a_long_address() -> None:
    url = "https://huggingface.co/papers/" + "a" * 2000
    digest = make_digest(with_links(make_item(1, title="q" * 400), url))

    text = render.header_blocks(digest, VOTES)[1]["text"]["text"]

    assert text == f"1. <{url}|{'q' * 299}…>"


def test_two_header_titles_with_long_addresses_share_one_section_equally() -> None:
    # each line is "N. <URL|TITLE>", within its half of the 2,999 units left by the newline
    url = "https://huggingface.co/papers/" + "a" * (1499 - len("1. <|>") - 200 - 30)
    items = [with_links(make_item(rank, title="q" * 400), url) for rank in (1, 2)]

    text = render.header_blocks(make_digest(*items), VOTES)[1]["text"]["text"]

    assert text.splitlines() == [f"{rank}. <{url}|{'q' * 199}…>" for rank in (1, 2)]


def test_lines_share_a_section_up_to_3000_units() -> None:
    fits = reply_sections(ReplyKind.TEXT, lines=("a" * 1500, "b" * 1499, "c"))
    over = reply_sections(ReplyKind.TEXT, lines=("a" * 1500, "b" * 1500, "c"))

    assert fits == ["a" * 1500 + "\n" + "b" * 1499, "c"]
    assert over == ["a" * 1500, "b" * 1500 + "\nc"]


def test_a_new_section_starts_empty_and_fills_to_3000_units() -> None:
    shown = reply_sections(ReplyKind.TEXT, lines=("a" * 3000, "b" * 1500, "c" * 1499, "d"))

    assert shown == ["a" * 3000, "b" * 1500 + "\n" + "c" * 1499, "d"]


def test_help_lines_count_their_bullets() -> None:
    fits = reply_sections(ReplyKind.HELP, lines=("a" * 1498, "b" * 1497))
    over = reply_sections(ReplyKind.HELP, lines=("a" * 1498, "b" * 1498))

    assert fits == ["• " + "a" * 1498 + "\n• " + "b" * 1497]
    assert over == ["• " + "a" * 1498, "• " + "b" * 1498]


def test_a_reply_keeps_fifty_blocks_and_cuts_the_fifty_first() -> None:
    fifty = Reply(ReplyKind.EXPLANATION, "", lines=tuple(f"line {n}" for n in range(50)))
    more = dataclasses.replace(fifty, lines=(*fifty.lines, "line 50"))

    kept = render.reply_message(fifty, VOTES)["blocks"]
    cut = render.reply_message(more, VOTES)["blocks"]

    assert [block["text"]["text"] for block in kept] == [f"*line {n}*" for n in range(50)]
    assert cut[:49] == kept[:49]
    assert cut[49] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "The rest does not fit in one Slack message.",
                "verbatim": True,
            }
        ],
    }
    assert len(cut) == 50
