"""The console renderers: what a person reads in the terminal, and that paper text stays text."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import replace

import pytest
from rich.cells import cell_len
from rich.console import Console, RenderableType

from adapters.console.render import (
    context_line,
    links_line,
    render_header,
    render_item,
    render_recap,
    render_reply,
)
from bot.models import (
    Digest,
    DigestItem,
    PaperLinks,
    Reply,
    ReplyKind,
    ScoreComponent,
    ScoreExplanation,
)
from tests.fakes.items import make_recap

MakeItem = Callable[..., DigestItem]
HOSTILE = (
    "[bold red]x[/] [link=https://evil.example]click[/link] \x1b[2J\x1b]8;;https://evil.example\x07"
)


def as_text(renderable: RenderableType) -> str:
    """What a person sees: plain text at 100 columns, no colours, no hyperlinks."""
    console = Console(file=io.StringIO(), record=True, width=100, force_terminal=False)
    console.print(renderable)
    return console.export_text()


def as_terminal(renderable: RenderableType) -> str:
    """The raw bytes a colour terminal receives, escape sequences and hyperlinks included."""
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=True, color_system="truecolor").print(renderable)
    return out.getvalue()


def test_header_shows_date_count_numbered_titles_and_how_to_vote(digest: Digest) -> None:
    text = as_text(render_header(digest))

    assert "📰 Papers for Tuesday 3 December 2024" in text
    assert "3 picks for general (Europe/Berlin)." in text
    assert "1. Paper number 1" in text
    assert "3. Paper number 3" in text
    assert text.index("1. Paper") < text.index("2. Paper") < text.index("3. Paper")
    assert "Vote with +1 N, -1 N or fire N." in text


def test_header_titles_link_to_their_hugging_face_pages(digest: Digest) -> None:
    raw = as_terminal(render_header(digest))

    assert raw.count("\x1b]8;id=") >= 3
    for rank in (1, 2, 3):
        assert f";https://huggingface.co/papers/2401.0000{rank}\x1b\\" in raw


def test_header_of_a_single_pick_says_pick(digest: Digest, item_factory: MakeItem) -> None:
    one = dataclasses.replace(digest, timezone="UTC", items=(item_factory(1),))

    assert "1 pick for general (UTC)." in as_text(render_header(one))


def test_item_shows_byline_summary_context_and_links(item_factory: MakeItem) -> None:
    text = as_text(render_item(item_factory(2)))

    assert "2. Paper number 2" in text
    assert "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab" in text
    assert "A short summary of what the paper does." in text
    expected = "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · keywords: a, b, c"
    assert expected in text
    assert "Paper page · arXiv · PDF · Code" in text
    assert "https://huggingface.co/papers/2401.00002" in text


def test_item_links_point_at_each_destination(item_factory: MakeItem) -> None:
    raw = as_terminal(render_item(item_factory(1)))

    for url in (
        "https://huggingface.co/papers/2401.00001",
        "https://arxiv.org/abs/2401.00001",
        "https://arxiv.org/pdf/2401.00001",
        "https://github.com/example/repo",
    ):
        assert f";{url}\x1b\\" in raw


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · keywords: a, b, c"),
        (
            {"upvotes": 1, "stars": None, "climbing": False},
            "1 upvote on Hugging Face · keywords: a, b, c",
        ),
        (
            {"upvotes": None, "stars": 1, "keywords": (), "team_votes": -2},
            "1 GitHub star · 📈 climbing · team votes -2",
        ),
        (
            {"upvotes": 12345, "stars": 0, "climbing": False, "team_votes": 3},
            "12,345 upvotes on Hugging Face · 0 GitHub stars · team votes +3 · keywords: a, b, c",
        ),
        (
            {"keywords": tuple("uvwxyz"), "stars": None, "climbing": False},
            "312 upvotes on Hugging Face · keywords: u, v, w, x, y",
        ),
        ({"upvotes": None, "stars": None, "climbing": False, "keywords": ()}, ""),
        (
            {"stars": None, "climbing": False, "keywords": (), "followed": ("Yann LeCun", "Meta")},
            "312 upvotes on Hugging Face · ⭐ you follow Yann LeCun and Meta",
        ),
    ],
)
def test_context_line_says_what_each_number_is_and_leaves_out_the_unknown(
    item_factory: MakeItem, changes: dict[str, object], expected: str
) -> None:
    assert context_line(item_factory(1, **changes)) == expected


def test_byline_without_more_authors_has_no_et_al(item_factory: MakeItem) -> None:
    item = item_factory(1, authors=("Ada Lovelace",), more_authors=False, organization=None)

    text = as_text(render_item(item))

    assert "Ada Lovelace" in text
    assert "et al." not in text
    assert "Example Lab" not in text


def test_links_line_leaves_out_a_missing_code_link(item_factory: MakeItem) -> None:
    links = PaperLinks(hf="https://hf.co/p/1", arxiv="https://arxiv.org/abs/1", pdf="https://a/1")

    assert links_line(item_factory(1, links=links)).plain == "Paper page · arXiv · PDF"


def test_links_line_goes_on_past_a_missing_link(item_factory: MakeItem) -> None:
    links = PaperLinks(hf="https://hf.co/p/1", arxiv="", pdf="https://a/1", code="https://a/2")

    assert links_line(item_factory(1, links=links)).plain == "Paper page · PDF · Code"


def test_links_line_includes_a_project_page(item_factory: MakeItem) -> None:
    item = item_factory(1)
    links = dataclasses.replace(item.links, project="https://example.org/project")

    assert links_line(item_factory(1, links=links)).plain == (
        "Paper page · arXiv · PDF · Code · Project"
    )


def test_unsafe_links_are_not_made_clickable(item_factory: MakeItem) -> None:
    links = PaperLinks(
        hf="https://huggingface.co/papers/1",
        arxiv="javascript:alert(1)",
        pdf="https://arxiv.org/pdf/1\x1b\\evil",
        code="file:///etc/passwd",
    )
    raw = as_terminal(render_item(item_factory(1, links=links)))

    assert "Paper page" in raw
    assert "javascript" not in raw
    assert "file://" not in raw
    assert "evil" not in raw


def test_hostile_title_is_shown_literally_never_interpreted(
    digest: Digest, item_factory: MakeItem
) -> None:
    item = item_factory(1, title=HOSTILE, summary=HOSTILE, authors=(HOSTILE,))
    hostile = dataclasses.replace(digest, items=(item,))

    for renderable in (render_header(hostile), render_item(item)):
        text = as_text(renderable)
        raw = as_terminal(renderable)
        assert "[bold red]x[/] [link=https://evil.example]click[/link]" in text
        assert "evil.example\x1b\\" not in raw
        assert "\x1b[2J" not in raw
        assert "\x1b]8;;https://evil" not in raw


def test_hostile_text_in_every_reply_kind_stays_literal(
    digest: Digest, item_factory: MakeItem
) -> None:
    item = item_factory(1, title=HOSTILE)
    for kind in ReplyKind:
        reply = Reply(kind, HOSTILE, lines=(HOSTILE,), items=(item,), digest=digest)
        text = as_text(render_reply(reply))
        assert "[bold red]x[/]" in text, kind
        assert "\x1b[2J" not in as_terminal(render_reply(reply)), kind


def test_a_10000_character_title_is_clipped_and_still_renders(item_factory: MakeItem) -> None:
    item = item_factory(1, title="Attention " * 1000)

    text = as_text(render_item(item))

    assert "Attention Attention" in text
    assert "…" in text
    assert len(text) < 2000
    assert "312 upvotes on Hugging Face" in text


def test_text_reply_shows_the_sentence_and_its_lines() -> None:
    reply = Reply(ReplyKind.TEXT, "Subscribed.", lines=("Next digest: Monday 09:00.",))

    assert as_text(render_reply(reply)).splitlines() == [
        "Subscribed.",
        "Next digest: Monday 09:00.",
    ]


def test_error_reply_says_what_to_do_instead() -> None:
    reply = Reply(ReplyKind.ERROR, "That time doesn't look right; use HH:MM, e.g. 09:30.")

    assert "That time doesn't look right; use HH:MM, e.g. 09:30." in as_text(render_reply(reply))


def test_help_reply_lists_one_line_per_subcommand() -> None:
    lines = ("/papers today - today's picks", "/papers search diffusion - find papers")
    text = as_text(render_reply(Reply(ReplyKind.HELP, "papers-bot commands", lines=lines)))

    assert text.splitlines() == ["papers-bot commands", *lines]


def test_digest_reply_shows_header_then_every_item(digest: Digest) -> None:
    text = as_text(render_reply(Reply(ReplyKind.DIGEST, "Today's picks.", digest=digest)))

    assert text.startswith("Today's picks.")
    assert "📰 Papers for Tuesday 3 December 2024" in text
    assert text.count("312 upvotes on Hugging Face") == 3
    assert text.index("📰") < text.index("A short summary")


def test_digest_reply_without_a_digest_falls_back_to_its_sentence() -> None:
    text = as_text(render_reply(Reply(ReplyKind.DIGEST, "Nothing new today.")))

    assert text.strip() == "Nothing new today."


def test_papers_reply_lists_title_why_upvotes_and_link(item_factory: MakeItem) -> None:
    items = (
        replace(item_factory(1), note="matches diffusion"),
        item_factory(2, upvotes=0, team_votes=3),
    )
    reply = Reply(ReplyKind.PAPERS, "2 papers match diffusion.", lines=("Type more.",), items=items)

    assert as_text(render_reply(reply)).splitlines() == [
        "2 papers match diffusion.",
        "1. Paper number 1",
        "   matches diffusion",
        "   312 upvotes on Hugging Face",
        "   https://huggingface.co/papers/2401.00001",
        "2. Paper number 2",
        "   0 upvotes on Hugging Face · team votes +3",
        "   https://huggingface.co/papers/2401.00002",
        "Type more.",
    ]


def test_paper_reply_shows_the_paper_in_detail(item_factory: MakeItem) -> None:
    reply = Reply(ReplyKind.PAPER, "", items=(item_factory(0, title="One paper"),))
    text = as_text(render_reply(reply))

    assert "One paper" in text
    assert "0. One paper" not in text
    assert "Ada Lovelace, Alan Turing, Grace Hopper et al." in text
    assert "Paper page · arXiv · PDF · Code" in text


def test_paper_reply_shows_the_title_once(item_factory: MakeItem) -> None:
    reply = Reply(ReplyKind.PAPER, "One paper", items=(item_factory(0, title="One paper"),))

    assert as_text(render_reply(reply)).count("One paper") == 1


def test_paper_reply_without_the_paper_shows_its_sentence() -> None:
    reply = Reply(ReplyKind.PAPER, "Paper 2401.00001 can't be shown right now.")

    assert as_text(render_reply(reply)).strip() == "Paper 2401.00001 can't be shown right now."


def test_why_reply_names_the_paper_before_explaining_it() -> None:
    reply = Reply(
        ReplyKind.EXPLANATION,
        "Ranked high mostly for its 312 upvotes on Hugging Face.",
        lines=("Sparse Attention Revisited",),
    )

    assert as_text(render_reply(reply)).splitlines() == [
        "Sparse Attention Revisited",
        "Ranked high mostly for its 312 upvotes on Hugging Face.",
    ]


def test_settings_reply_shows_every_line_in_one_view() -> None:
    lines = ("Schedule: 09:00 Europe/Berlin, Mon-Fri", "Size: 5 papers", "Layout: thread")
    text = as_text(render_reply(Reply(ReplyKind.SETTINGS, "Settings for general", lines=lines)))

    assert "Settings for general" in text
    for line in lines:
        assert line in text


def test_explanation_reply_shows_each_part_of_the_score(item_factory: MakeItem) -> None:
    explanation = ScoreExplanation(
        2.5,
        (
            ScoreComponent("upvotes", 2.0, "312 upvotes on Hugging Face"),
            ScoreComponent("team", 0.5, "2 team votes"),
        ),
    )
    item = item_factory(2, explanation=explanation)
    reply = Reply(ReplyKind.EXPLANATION, "Item 2 ranks high mostly for its upvotes.", items=(item,))
    text = as_text(render_reply(reply))

    assert "Item 2 ranks high mostly for its upvotes." in text
    assert "Part of the score" in text
    assert "Points" in text
    assert "+2.00" in text
    assert "312 upvotes on Hugging Face" in text
    assert "Total score" in text
    assert "2.50" in text


def test_the_recap_is_a_text_bar_chart_with_each_papers_votes() -> None:
    recap = make_recap()

    shown = as_text(render_recap(recap)).splitlines()

    assert "📊 Your team's week in papers, 6-12 June 2026" in shown[0]
    rows = [line for line in shown if "from" in line]
    assert len(rows) == 3
    assert "1. Sparse Attention Revisited" in rows[0] and "+5 from 3 people" in rows[0]
    bars = [row.count("█") for row in rows]
    assert bars[0] == 24 and bars[0] > bars[1] > bars[2] >= 1
    assert "Costs $O(n)$ & *more*" in rows[2]


def test_an_explanation_is_the_title_the_sentence_and_a_table_of_parts(
    item_factory: MakeItem,
) -> None:
    explanation = ScoreExplanation(
        2.5,
        (
            ScoreComponent("upvotes", 2.0, "312 upvotes on Hugging Face"),
            ScoreComponent("team", 0.5, "2 team votes"),
        ),
        excluded="keyword 'robotics'",
    )
    reply = Reply(
        ReplyKind.EXPLANATION,
        "Item 2 ranks high mostly for its upvotes.",
        lines=("Sparse Attention Revisited",),
        items=(item_factory(2, explanation=explanation),),
    )

    shown = [line.rstrip() for line in as_text(render_reply(reply)).splitlines()]
    terminal = as_terminal(render_reply(reply))

    assert shown == [
        "Sparse Attention Revisited",
        "Item 2 ranks high mostly for its upvotes.",
        "Paper number 2",
        "┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Part of the score ┃ Points ┃ Why                         ┃",
        "┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ upvotes           │  +2.00 │ 312 upvotes on Hugging Face │",
        "│ team              │  +0.50 │ 2 team votes                │",
        "│ Total score       │   2.50 │                             │",
        "│ Hidden by filter  │        │ keyword 'robotics'          │",
        "└───────────────────┴────────┴─────────────────────────────┘",
    ]
    assert "\x1b[1mSparse Attention Revisited" in terminal
    assert "\x1b[1mTotal score" in terminal


def test_the_recap_panel_line_by_line() -> None:
    shown = as_text(render_recap(make_recap())).splitlines()

    assert shown == [
        "╭─ 📊 Your team's week in papers, 6-12 June 2026 " + "─" * 50 + "╮",
        "│ 1. Sparse Attention Revisited                 "
        + "█" * 24
        + " +5 from 3 people"
        + " " * 10
        + "│",
        "│ 2. World Models at Scale <@U123> <@123> @here "
        + "█" * 14
        + " " * 11
        + "+3 from 2 people"
        + " " * 10
        + "│",
        "│ 3. Costs $O(n)$ & *more*                      "
        + "█" * 5
        + " " * 20
        + "+1 from 1 person"
        + " " * 10
        + "│",
        "╰" + "─" * 98 + "╯",
    ]


def test_the_recap_title_is_bold_the_bars_cyan_the_votes_dim_and_each_paper_linked() -> None:
    terminal = as_terminal(render_recap(make_recap()))

    assert "\x1b[1m 📊 Your team's week in papers" in terminal
    assert "\x1b[36m" + "█" * 24 + "\x1b[0m" in terminal
    assert "\x1b[2m+5 from 3 people\x1b[0m" in terminal
    assert "https://huggingface.co/papers/2606.20001\x1b\\1. Sparse Attention Revisited" in terminal


def test_a_paper_with_few_votes_next_to_many_still_gets_one_block() -> None:
    recap = make_recap()
    first, _, last = recap.entries
    few = replace(recap, entries=(replace(first, votes=100), replace(last, votes=1)))

    rows = as_text(render_recap(few)).splitlines()[1:3]

    assert [row.count("█") for row in rows] == [24, 1]


def test_a_recap_without_papers_is_an_empty_panel() -> None:
    shown = as_text(render_recap(replace(make_recap(), entries=()))).splitlines()

    assert shown[0].startswith("╭─ 📊 Your team's week in papers, 6-12 June 2026")
    assert shown[1].strip("│ ") == ""


def boxed(*lines: str) -> list[str]:
    """Lines as a 100-column panel draws them between its borders (an emoji is two columns)."""
    return [f"│ {line}{' ' * (96 - cell_len(line))} │" for line in lines]


def test_the_header_line_by_line(digest: Digest) -> None:
    shown = as_text(render_header(digest)).splitlines()

    assert shown == [
        "╭─ 📰 Papers for Tuesday 3 December 2024 " + "─" * 58 + "╮",
        *boxed(
            "3 picks for general (Europe/Berlin).",
            "",
            "1. Paper number 1",
            "2. Paper number 2",
            "3. Paper number 3",
            "",
            "Vote with +1 N, -1 N or fire N.",
        ),
        "╰" + "─" * 98 + "╯",
    ]


def test_the_header_of_a_day_without_papers_line_by_line(digest: Digest) -> None:
    shown = as_text(render_header(replace(digest, items=()))).splitlines()

    assert shown == [
        "╭─ 📰 Papers for Tuesday 3 December 2024 " + "─" * 58 + "╮",
        *boxed("No new papers for general on this day."),
        "╰" + "─" * 98 + "╯",
    ]


def test_a_paper_in_full_line_by_line(item_factory: MakeItem) -> None:
    shown = as_text(render_item(item_factory(1))).splitlines()

    assert shown == [
        "╭" + "─" * 98 + "╮",
        *boxed(
            "1. Paper number 1",
            "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab",
            "",
            "A short summary of what the paper does.",
            "",
            "312 upvotes on Hugging Face · 45 GitHub stars · 📈 climbing · keywords: a, b, c",
            "Paper page · arXiv · PDF · Code",
        ),
        "╰" + "─" * 55 + " https://huggingface.co/papers/2401.00001 ─╯",
    ]


def test_an_unranked_paper_with_nothing_but_a_title_and_links_line_by_line(
    item_factory: MakeItem,
) -> None:
    bare = item_factory(
        0,
        authors=(),
        organization=None,
        summary="",
        upvotes=None,
        stars=None,
        climbing=False,
        keywords=(),
    )

    assert as_text(render_item(bare)).splitlines() == [
        "╭" + "─" * 98 + "╮",
        *boxed("Paper number 0", "", "Paper page · arXiv · PDF · Code"),
        "╰" + "─" * 55 + " https://huggingface.co/papers/2401.00000 ─╯",
    ]


def test_a_byline_shows_the_first_three_authors_and_skips_blank_ones(
    item_factory: MakeItem,
) -> None:
    authors = ("Ada Lovelace", " ", "Alan Turing", "Grace Hopper")
    item = item_factory(1, authors=authors, more_authors=False, organization=" ")

    shown = as_text(render_item(item)).splitlines()

    assert shown[2] == boxed("Ada Lovelace, Alan Turing")[0]


def test_a_listing_numbers_ranked_papers_and_bullets_the_others(item_factory: MakeItem) -> None:
    items = (item_factory(1), item_factory(0, upvotes=None))
    reply = Reply(ReplyKind.PAPERS, "", items=items, more=True)

    assert as_text(render_reply(reply)).splitlines() == [
        "1. Paper number 1",
        "   312 upvotes on Hugging Face",
        "   https://huggingface.co/papers/2401.00001",
        "• Paper number 0",
        "   https://huggingface.co/papers/2401.00000",
        "Type more for the next results.",
    ]


def test_the_settings_panel_line_by_line() -> None:
    lines = ("Schedule: 09:00 Europe/Berlin, Mon-Fri", "Size: 5 papers")
    reply = Reply(ReplyKind.SETTINGS, "Settings for general", lines=lines)

    assert as_text(render_reply(reply)).splitlines() == [
        "╭─ Settings for general " + "─" * 75 + "╮",
        *boxed(*lines),
        "╰" + "─" * 98 + "╯",
    ]


@pytest.mark.parametrize("kind", [ReplyKind.TEXT, ReplyKind.ERROR, ReplyKind.HELP])
def test_a_reply_without_a_sentence_starts_with_its_first_line(kind: ReplyKind) -> None:
    reply = Reply(kind, "", lines=("Next digest: Monday 09:00.",))

    assert as_text(render_reply(reply)).splitlines() == ["Next digest: Monday 09:00."]
