"""What the console shows in which style: titles bold and linked, metadata dim, bylines and
reasons italic, links cyan and clickable, and paper text in the terminal's own colours."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, RenderableType
from rich.style import Style

from adapters.console.render import render_header, render_item, render_reply
from bot.models import Digest, DigestItem, PaperLinks, Reply, ReplyKind

MakeItem = Callable[..., DigestItem]
HF = "https://huggingface.co/papers/2401.0000"
LINK = "cyan"


def styles(renderable: RenderableType) -> dict[str, Style | None]:
    """Each piece of text a colour terminal draws (borders left out), with its style."""
    console = Console(width=100, force_terminal=True, color_system="truecolor")
    shown: dict[str, Style | None] = {}
    for segment in console.render(renderable):
        text = segment.text.strip(" ─╭╮╰╯│")
        if text:
            shown.setdefault(text, segment.style)
    return shown


def test_the_header_title_is_bold_its_paper_titles_bold_and_linked_the_hint_dim(
    digest: Digest,
) -> None:
    shown = styles(render_header(digest))

    assert shown["📰 Papers for Tuesday 3 December 2024"] == Style(bold=True)
    assert not shown["3 picks for general (Europe/Berlin)."]
    for rank in (1, 2, 3):
        assert shown[f"Paper number {rank}"] == Style(bold=True, link=f"{HF}{rank}")
    assert shown["Vote with +1 N, -1 N or fire N."] == Style(dim=True)


def test_a_day_without_papers_has_a_bold_title_and_a_plain_sentence(digest: Digest) -> None:
    empty = Digest(digest.id, digest.channel, digest.date, digest.timezone, items=())

    shown = styles(render_header(empty))

    assert shown["📰 Papers for Tuesday 3 December 2024"] == Style(bold=True)
    assert not shown["No new papers for general on this day."]


def test_a_paper_in_full_bold_linked_title_italic_byline_dim_facts_and_cyan_links(
    item_factory: MakeItem,
) -> None:
    shown = styles(render_item(item_factory(1)))

    assert shown["1."] == Style(bold=True)
    assert shown["Paper number 1"] == Style(bold=True, link=f"{HF}1")
    assert shown["Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"] == Style(
        italic=True
    )
    assert not shown["A short summary of what the paper does."]
    facts = "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · keywords: a, b, c"
    assert shown[facts] == Style(dim=True)
    for label, url in (
        ("Paper page", f"{HF}1"),
        ("arXiv", "https://arxiv.org/abs/2401.00001"),
        ("PDF", "https://arxiv.org/pdf/2401.00001"),
        ("Code", "https://github.com/example/repo"),
    ):
        assert shown[label] == Style(color=LINK, underline=True, link=url), label
    assert shown["·"] == Style(dim=True)
    assert shown[f"{HF}1"] == Style(dim=True, link=f"{HF}1")


def test_a_paper_without_a_safe_page_has_a_bold_title_that_links_nowhere(
    item_factory: MakeItem,
) -> None:
    links = PaperLinks(hf="javascript:alert(1)", arxiv="https://arxiv.org/abs/1", pdf="")
    unsafe = item_factory(1, links=links)

    shown = styles(render_item(unsafe))

    assert shown["Paper number 1"] == Style(bold=True)
    assert "javascript:alert(1)" not in shown


def test_a_listing_marks_ranked_and_unranked_entries_in_bold_reasons_italic_facts_dim(
    item_factory: MakeItem,
) -> None:
    items = (item_factory(1, note="matches diffusion"), item_factory(0))
    reply = Reply(ReplyKind.PAPERS, "2 papers match diffusion.", items=items, more=True)

    shown = styles(render_reply(reply))

    assert not shown["2 papers match diffusion."]
    assert shown["1."] == Style(bold=True)
    assert shown["•"] == Style(bold=True)
    assert shown["Paper number 1"] == Style(bold=True, link=f"{HF}1")
    assert shown["matches diffusion"] == Style(italic=True)
    assert shown["312 upvotes on Hugging Face"] == Style(dim=True)
    assert shown[f"{HF}0"] == Style(color=LINK, link=f"{HF}0")
    assert shown["Type more for the next results."] == Style(dim=True)


def test_a_paper_reply_and_a_digest_reply_dim_their_closing_lines(
    digest: Digest, item_factory: MakeItem
) -> None:
    paper = Reply(ReplyKind.PAPER, "", lines=("Ranked 1st today.",), items=(item_factory(1),))
    whole = Reply(
        ReplyKind.DIGEST, "Today's picks.", lines=("Next digest at 09:00.",), digest=digest
    )

    assert styles(render_reply(paper))["Ranked 1st today."] == Style(dim=True)
    assert styles(render_reply(whole))["Next digest at 09:00."] == Style(dim=True)
    assert not styles(render_reply(whole))["Today's picks."]


def test_an_error_is_red_help_is_bold_and_settings_have_a_bold_title() -> None:
    error = Reply(ReplyKind.ERROR, "That time doesn't look right.", lines=("Use HH:MM.",))
    helps = Reply(ReplyKind.HELP, "papers-bot commands", lines=("/papers today",))
    settings = Reply(ReplyKind.SETTINGS, "Settings for general", lines=("Size: 5 papers",))

    assert styles(render_reply(error))["That time doesn't look right."] == Style(color="red")
    assert not styles(render_reply(error))["Use HH:MM."]
    assert styles(render_reply(helps))["papers-bot commands"] == Style(bold=True)
    assert not styles(render_reply(helps))["/papers today"]
    assert styles(render_reply(settings))["Settings for general"] == Style(bold=True)
    assert not styles(render_reply(settings))["Size: 5 papers"]
