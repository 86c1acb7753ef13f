"""The words every platform shows alike: each number says what it counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.models import ChannelRef, Digest, DigestItem, PaperLinks
from bot.wording import (
    count,
    format_date,
    headline,
    is_web_url,
    item_facts,
    listing_facts,
    one_line,
)

ITEM = DigestItem(
    rank=1,
    paper_id="2606.13392",
    title="MiniMax Sparse Attention",
    authors=("Xunhao Lai",),
    more_authors=False,
    summary="Sparse attention for long contexts.",
    links=PaperLinks(
        "https://hf.co/papers/x", "https://arxiv.org/abs/x", "https://arxiv.org/pdf/x"
    ),
    upvotes=1204,
    stars=1,
)


@pytest.mark.parametrize(
    ("n", "noun", "said"),
    [(1, "pick", "1 pick"), (0, "upvote", "0 upvotes"), (1204, "star", "1,204 stars")],
)
def test_count_says_what_it_counts(n: int, noun: str, said: str) -> None:
    assert count(n, noun) == said


def test_headline_carries_the_icon_and_the_date_as_people_write_it() -> None:
    digest = Digest("d", ChannelRef("console", "local", "x"), date(2024, 12, 3), "UTC", ())

    assert format_date(date(2024, 12, 3)) == "Tuesday 3 December 2024"
    assert headline(digest) == "📰 Papers for Tuesday 3 December 2024"


def test_item_facts_name_each_number() -> None:
    climbing = replace(ITEM, climbing=True, team_votes=-2)

    assert item_facts(ITEM) == ["1,204 upvotes on Hugging Face", "1 GitHub star"]
    assert item_facts(climbing)[2:] == ["📈 climbing", "team votes -2"]
    assert listing_facts(climbing) == ["1,204 upvotes on Hugging Face", "team votes -2"]
    assert item_facts(replace(ITEM, upvotes=None, stars=None)) == []


def test_a_listed_paper_says_its_day() -> None:
    featured = replace(ITEM, featured_on=date(2026, 6, 12), published_on=date(2026, 6, 10))
    published = replace(ITEM, published_on=date(2026, 6, 10))

    assert listing_facts(featured) == ["1,204 upvotes on Hugging Face", "featured 2026-06-12"]
    assert listing_facts(published) == ["1,204 upvotes on Hugging Face", "published 2026-06-10"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("  Attention\n\tis   all ", "Attention is all"),
        ("\x1b[31mred\x1b[0m", "[31mred [0m"),
        ("\u202eevil\u202c title", "evil title"),
        ("שלום world 👨\u200d👩\u200d👧", "שלום world 👨\u200d👩\u200d👧"),
    ],
)
def test_one_line_keeps_words_and_drops_what_could_trick_a_reader(text: str, line: str) -> None:
    assert one_line(text) == line


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://huggingface.co/papers/2606.13392", True),
        ("http://arxiv.org/abs/1", True),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://exa mple.com", False),
        (None, False),
    ],
)
def test_is_web_url_accepts_only_plain_http_addresses(url: str | None, ok: bool) -> None:
    assert is_web_url(url) is ok
