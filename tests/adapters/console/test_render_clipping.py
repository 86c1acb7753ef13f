"""How long a piece of paper text may be before the console cuts it: text at its limit is shown
whole, one character more is cut to the limit and ends in "…"."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import pytest
from rich.console import Console, RenderableType

from adapters.console.render import (
    context_line,
    render_header,
    render_item,
    render_recap,
    render_reply,
)
from bot.models import (
    ChannelRef,
    Digest,
    DigestItem,
    Reply,
    ReplyKind,
    ScoreComponent,
    ScoreExplanation,
)
from tests.adapters.console.conftest import make_item
from tests.fakes.items import make_recap

MakeItem = Callable[..., DigestItem]


def shown(renderable: RenderableType) -> str:
    """The plain text, on a terminal wide enough that no line wraps."""
    console = Console(file=io.StringIO(), record=True, width=2500, force_terminal=False)
    console.print(renderable)
    return console.export_text()


def header_with(digest: Digest, **changes: object) -> str:
    return shown(render_header(dataclasses.replace(digest, **changes)))


def explanation_of(component: ScoreComponent) -> str:
    item = make_item(1, explanation=ScoreExplanation(1.0, (component,)))
    return shown(render_reply(Reply(ReplyKind.EXPLANATION, "", items=(item,))))


# (what is clipped, its limit, the rendered text for a given value of it)
CLIPPED: list[tuple[str, int, Callable[[str], str]]] = [
    ("paper title", 300, lambda text: shown(render_item(make_item(1, title=text)))),
    ("author", 100, lambda text: shown(render_item(make_item(1, authors=(text,))))),
    ("organization", 100, lambda text: shown(render_item(make_item(1, organization=text)))),
    ("summary", 2000, lambda text: shown(render_item(make_item(1, summary=text)))),
    ("keyword", 60, lambda text: context_line(make_item(1, keywords=(text,)))),
    (
        "search note",
        300,
        lambda text: shown(
            render_reply(Reply(ReplyKind.PAPERS, "", items=(make_item(1, note=text),)))
        ),
    ),
    ("reply sentence", 2000, lambda text: shown(render_reply(Reply(ReplyKind.TEXT, text)))),
    ("reply line", 300, lambda text: shown(render_reply(Reply(ReplyKind.TEXT, "", lines=(text,))))),
    ("settings title", 300, lambda text: shown(render_reply(Reply(ReplyKind.SETTINGS, text)))),
    ("score part", 60, lambda text: explanation_of(ScoreComponent(text, 1.0, "why"))),
    ("score reason", 300, lambda text: explanation_of(ScoreComponent("part", 1.0, text))),
]


@pytest.mark.parametrize(("field", "limit", "render"), CLIPPED, ids=[c[0] for c in CLIPPED])
def test_text_at_its_limit_is_whole_and_one_character_more_is_cut(
    field: str, limit: int, render: Callable[[str], str]
) -> None:
    assert "q" * limit in render("q" * limit)
    assert "q" * limit + "…" not in render("q" * limit)

    cut = render("q" * (limit + 1))
    assert "q" * (limit - 1) + "…" in cut
    assert "q" * limit not in cut


def test_a_header_cuts_the_channel_at_300_characters_and_the_time_zone_at_60(
    digest: Digest,
) -> None:
    channel = ChannelRef("console", "local", "c" * 300)
    assert f"3 picks for {'c' * 300} (Europe/Berlin)." in header_with(digest, channel=channel)
    channel = ChannelRef("console", "local", "c" * 301)
    assert f"3 picks for {'c' * 299}… (Europe/Berlin)." in header_with(digest, channel=channel)

    assert f"3 picks for general ({'z' * 60})." in header_with(digest, timezone="z" * 60)
    assert f"3 picks for general ({'z' * 59}…)." in header_with(digest, timezone="z" * 61)


def test_a_day_without_papers_cuts_the_channel_at_300_characters(digest: Digest) -> None:
    channel = ChannelRef("console", "local", "c" * 301)

    text = header_with(digest, channel=channel, items=())

    assert f"No new papers for {'c' * 299}… on this day." in text


def test_an_explanation_table_cuts_its_paper_title_at_300_characters_and_its_filter_at_300(
    item_factory: MakeItem,
) -> None:
    explanation = ScoreExplanation(1.0, (), excluded="f" * 301)
    item = item_factory(1, title="t" * 301, explanation=explanation)

    text = shown(render_reply(Reply(ReplyKind.EXPLANATION, "", items=(item,))))

    assert "t" * 299 + "…" in text and "t" * 300 not in text
    assert "f" * 299 + "…" in text and "f" * 300 not in text


def test_a_recap_cuts_each_title_at_60_characters() -> None:
    recap = make_recap()
    first, second, third = recap.entries
    entries = (
        dataclasses.replace(first, title="r" * 60),
        dataclasses.replace(second, title="s" * 61),
    )

    text = shown(render_recap(dataclasses.replace(recap, entries=(*entries, third))))

    assert "1. " + "r" * 60 + " " in text
    assert "2. " + "s" * 59 + "… " in text
