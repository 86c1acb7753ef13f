"""Digest: which papers a channel gets, in what order, and the words each item shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest import (
    ELLIPSIS,
    SUMMARY_MAX_CHARS,
    compose_digest,
    digest_item,
    paper_links,
    sentences,
    short_summary,
    truncate,
)
from bot.models import ChannelRef, ChannelSettings, Layout, Paper, ScoreExplanation, VoteTally
from bot.ranking.score import (
    CLIMBING_MAX_AGE_DAYS,
    CLIMBING_MIN_GAIN,
    matched_words,
    rank,
    score,
)
from tests.fakes.papers import (
    ALL,
    EVOARENA,
    FEATURED_ON,
    FLASH_GMM,
    HYDRA_X,
    LLM_ADAPTABILITY,
    MINIMAX_SPARSE_ATTENTION,
    NOW,
    ROBUST_U1,
    make_paper,
)

REF = ChannelRef("slack", "T024BE7LD", "C0PAPERS")
CHANNEL = ChannelSettings(REF, subscribed=True, timezone="Europe/Berlin")
SLOT = date(2026, 6, 12)


def channel(**changes: object) -> ChannelSettings:
    """The test channel with some settings changed."""
    return ChannelSettings(REF, subscribed=True, timezone="Europe/Berlin", **changes)  # type: ignore[arg-type]


def compose(
    candidates: list[Paper] | tuple[Paper, ...] = ALL,
    settings_: ChannelSettings = CHANNEL,
    *,
    now: datetime = NOW,
    delivered: set[str] | None = None,
    momentum: dict[str, int] | None = None,
    tallies: dict[str, VoteTally] | None = None,
) -> list[str]:
    """The paper ids of the digest composed from these inputs, in rank order."""
    digest = compose_digest(
        settings_,
        candidates,
        now=now,
        slot_date=SLOT,
        delivered=delivered or set(),
        momentum=momentum or {},
        tallies=tallies or {},
    )
    return [item.paper_id for item in digest.items]


# --- compose_digest --------------------------------------------------------------------------


def test_the_recorded_day_makes_a_digest_of_five() -> None:
    digest = compose_digest(
        channel(layout=Layout.CHANNEL),
        ALL,
        now=NOW,
        slot_date=SLOT,
        delivered=set(),
        momentum={HYDRA_X.id: 20},
        tallies={ROBUST_U1.id: VoteTally(ROBUST_U1.id, weight=2, voters=2)},
    )
    assert digest.id == "slack:T024BE7LD:C0PAPERS:2026-06-12"
    assert (digest.channel, digest.date, digest.timezone) == (REF, SLOT, "Europe/Berlin")
    assert digest.layout is Layout.CHANNEL
    assert [(item.rank, item.paper_id) for item in digest.items] == [
        (1, ROBUST_U1.id),  # 5.6 and the team's +2 (+1.6)
        (2, MINIMAX_SPARSE_ATTENTION.id),
        (3, HYDRA_X.id),  # 3.3 and +20 upvotes in 24 h (+2.4)
        (4, EVOARENA.id),
        (5, FLASH_GMM.id),
    ]
    robust, _, hydra, *_ = digest.items
    assert (robust.team_votes, robust.climbing) == (2, False)
    assert (hydra.team_votes, hydra.climbing) == (0, True)
    assert robust.explanation == score(
        ROBUST_U1, CHANNEL, now=NOW, tally=VoteTally(ROBUST_U1.id, weight=2, voters=2)
    )


OLD = make_paper(id="2606.00001", featured_on=FEATURED_ON - timedelta(days=4))
THREE_DAYS = make_paper(id="2606.00002", featured_on=FEATURED_ON - timedelta(days=3))
ARXIV_ONLY = make_paper(
    id="2606.00003", featured_on=None, upvotes=None, published_at=NOW - timedelta(hours=30)
)
NO_DATE = make_paper(id="2606.00004", featured_on=None, published_at=None)
OLD_ARXIV = make_paper(
    id="2606.00005", featured_on=None, published_at=NOW - timedelta(days=4, hours=10)
)


@pytest.mark.parametrize(
    ("candidates", "settings_changes", "delivered", "expected"),
    [
        pytest.param(ALL[:3], {}, {EVOARENA.id}, ALL[1:3], id="delivered-before"),
        pytest.param([OLD, THREE_DAYS], {}, set(), [THREE_DAYS], id="older-than-3-days"),
        pytest.param([OLD, THREE_DAYS], {"max_age_days": 4}, set(), [THREE_DAYS, OLD], id="age-4"),
        pytest.param([ARXIV_ONLY, OLD_ARXIV], {}, set(), [ARXIV_ONLY], id="published-if-not-hf"),
        pytest.param([NO_DATE, HYDRA_X], {}, set(), [HYDRA_X], id="no-date-no-digest"),
        pytest.param(
            [ARXIV_ONLY, LLM_ADAPTABILITY, FLASH_GMM],
            {"min_upvotes": 1},
            set(),
            [FLASH_GMM],
            id="unknown-upvotes-count-as-0",
        ),
        pytest.param(
            ALL, {"min_upvotes": 100}, set(), [MINIMAX_SPARSE_ATTENTION, EVOARENA], id="min-100"
        ),
        pytest.param(
            ALL,
            {"excludes": ("benchmark", "sparse attention", "multimodal")},
            set(),
            [FLASH_GMM, LLM_ADAPTABILITY],
            id="excluded-keywords",
        ),
        pytest.param(ALL, {"size": 2}, set(), [MINIMAX_SPARSE_ATTENTION, ROBUST_U1], id="size-2"),
        pytest.param(ALL, {"size": 0}, set(), [], id="size-0"),
        pytest.param([HYDRA_X, HYDRA_X], {}, set(), [HYDRA_X], id="listed-twice"),
        pytest.param([], {}, set(), [], id="nothing-new"),
    ],
)
def test_which_papers_are_eligible(
    candidates: list[Paper],
    settings_changes: dict,
    delivered: set[str],
    expected: list[Paper],
) -> None:
    picked = compose(candidates, channel(**settings_changes), delivered=delivered)
    assert picked == [paper.id for paper in expected]


def test_a_paper_featured_tomorrow_in_utc_counts_as_today() -> None:
    tomorrow = make_paper(featured_on=FEATURED_ON + timedelta(days=1))
    assert compose([tomorrow]) == [tomorrow.id]


@pytest.mark.parametrize(
    ("gain", "climbing"), [(CLIMBING_MIN_GAIN - 1, False), (CLIMBING_MIN_GAIN, True)]
)
def test_climbing_starts_at_the_minimum_gain(gain: int, climbing: bool) -> None:
    digest = compose_digest(
        CHANNEL,
        [HYDRA_X],
        now=NOW,
        slot_date=SLOT,
        delivered=set(),
        momentum={HYDRA_X.id: gain},
        tallies={},
    )
    assert digest.items[0].climbing is climbing


@pytest.mark.parametrize(
    ("days_old", "gain", "picked"),
    [
        (10, CLIMBING_MIN_GAIN, True),
        (CLIMBING_MAX_AGE_DAYS, CLIMBING_MIN_GAIN + 30, True),
        (10, CLIMBING_MIN_GAIN - 1, False),
        (CLIMBING_MAX_AGE_DAYS + 1, CLIMBING_MIN_GAIN + 30, False),
    ],
)
def test_an_older_paper_climbing_fast_is_picked_again(
    days_old: int, gain: int, picked: bool
) -> None:
    older = make_paper(featured_on=FEATURED_ON - timedelta(days=days_old))

    chosen = compose([older], momentum={older.id: gain})

    assert chosen == ([older.id] if picked else [])


WORDS = ["agents", "sparse attention", "multimodal", "kernel", "benchmark", "rl"]


@st.composite
def candidate_papers(draw: st.DrawFn) -> list[Paper]:
    """Up to 30 papers (ids may repeat) built from the recorded ones with other numbers."""
    return [
        make_paper(
            draw(st.sampled_from(ALL)),
            id=f"2606.{draw(st.integers(0, 40)):05d}",
            upvotes=draw(st.one_of(st.none(), st.integers(0, 200))),
            featured_on=draw(st.one_of(st.none(), st.dates(date(2026, 6, 5), date(2026, 6, 13)))),
        )
        for _ in range(draw(st.integers(0, 30)))
    ]


@settings(max_examples=80, deadline=None)
@given(
    candidates=candidate_papers(),
    delivered=st.sets(st.integers(0, 40).map(lambda n: f"2606.{n:05d}"), max_size=15),
    excludes=st.lists(st.sampled_from(WORDS), max_size=2),
    topics=st.lists(st.sampled_from(WORDS), max_size=2),
    size=st.integers(0, 8),
    min_upvotes=st.integers(0, 50),
    max_age_days=st.integers(0, 5),
)
def test_a_digest_keeps_the_channel_rules(
    candidates: list[Paper],
    delivered: set[str],
    excludes: list[str],
    topics: list[str],
    size: int,
    min_upvotes: int,
    max_age_days: int,
) -> None:
    settings_ = channel(
        size=size,
        min_upvotes=min_upvotes,
        max_age_days=max_age_days,
        excludes=tuple(excludes),
        topics=tuple(topics),
    )
    digest = compose_digest(
        settings_,
        candidates,
        now=NOW,
        slot_date=SLOT,
        delivered=delivered,
        momentum={},
        tallies={},
    )
    items = digest.items
    assert len(items) <= size
    assert [item.rank for item in items] == list(range(1, len(items) + 1))
    assert len({item.paper_id for item in items}) == len(items)
    first_seen = list({paper.id: paper for paper in reversed(candidates)}.values())[::-1]
    by_id = {paper.id: paper for paper in first_seen}
    for item in items:
        paper = by_id[item.paper_id]
        assert item.paper_id not in delivered
        assert not matched_words(paper, excludes)
        assert (paper.upvotes or 0) >= min_upvotes
        assert item.explanation.excluded is None
    totals = [item.explanation.total for item in items]
    assert totals == sorted(totals, reverse=True)
    # The same picks as ranking every eligible paper by hand.
    eligible = [
        paper
        for paper in first_seen
        if paper.id not in delivered
        and (paper.upvotes or 0) >= min_upvotes
        and (day := featured_or_published(paper)) is not None
        and (FEATURED_ON - day).days <= max_age_days
    ]
    by_hand = rank(eligible, settings_, now=NOW, momentum={}, tallies={})[:size]
    assert [item.paper_id for item in items] == [paper.id for paper, _ in by_hand]


def featured_or_published(paper: Paper) -> date | None:
    """The day a paper was featured, else the day it was published, else None."""
    if paper.featured_on is not None:
        return paper.featured_on
    return paper.published_at.date() if paper.published_at is not None else None


# --- digest_item -----------------------------------------------------------------------------


def test_an_item_shows_the_recorded_paper() -> None:
    explanation = ScoreExplanation(6.3)
    item = digest_item(
        ROBUST_U1, rank=2, explanation=explanation, momentum=CLIMBING_MIN_GAIN, team_votes=-1
    )
    assert item.rank == 2
    assert item.paper_id == "2606.08063"
    assert item.title == (
        "Robust-U1: Can MLLMs Self-Recover Corrupted Visual Content for Robust Understanding?"
    )
    assert item.authors == ("Jiaqi Tang", "Jianmin Chen", "Youyang Zhai")
    assert item.more_authors is True
    assert item.summary == ROBUST_U1.ai_summary
    assert item.links.hf == "https://huggingface.co/papers/2606.08063"
    assert item.links.code == "https://github.com/jqtangust/Robust-U1"
    assert item.links.project == "https://huggingface.co/spaces/Jiaqi-hkust/Robust-U1"
    assert (item.upvotes, item.stars) == (74, 86)
    assert item.keywords == (
        "multimodal large language models",
        "visual corruptions",
        "robustness enhancement",
        "supervised fine-tuning",
        "reinforcement learning",
    )
    assert item.thumbnail == (
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.08063.png"
    )
    assert item.organization is None
    assert (item.climbing, item.team_votes, item.explanation) == (True, -1, explanation)


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"title": "  MiniMax\n  Sparse\tAttention "}, "title", "MiniMax Sparse Attention"),
        ({"title": "a < b & <b>c</b>"}, "title", "a < b & <b>c</b>"),
        (
            {"authors": ("A. Author", "B. Author", "C. Author")},
            "authors",
            ("A. Author", "B. Author", "C. Author"),
        ),
        ({"authors": ("A. Author", "B. Author", "C. Author")}, "more_authors", False),
        ({"authors": ("A. Author", " ", "B.\nAuthor")}, "authors", ("A. Author", "B. Author")),
        ({"authors": ()}, "more_authors", False),
        ({"ai_keywords": ("GQA", "gqa", " Top-k ", "")}, "keywords", ("GQA", "Top-k")),
        ({"upvotes": None, "github_stars": None}, "upvotes", None),
        ({"organization": " MiniMax "}, "organization", "MiniMax"),
        ({"organization": ""}, "organization", None),
        ({"thumbnail": ""}, "thumbnail", None),
        ({"featured_on": date(2026, 6, 13)}, "featured_on", date(2026, 6, 13)),
        (
            {"featured_on": None, "published_at": datetime(2026, 6, 10, 17, 0, tzinfo=UTC)},
            "published_on",
            date(2026, 6, 10),
        ),
        ({"published_at": None}, "published_on", None),
        ({}, "team_votes", 0),
        ({}, "climbing", False),
    ],
)
def test_item_fields(changes: dict, field: str, expected: object) -> None:
    item = digest_item(make_paper(**changes), rank=1, explanation=ScoreExplanation(0.0))
    assert getattr(item, field) == expected


@pytest.mark.parametrize(
    ("changes", "code", "project"),
    [
        ({}, "https://github.com/MiniMax-AI/MSA", None),
        ({"github_repo": "MiniMax-AI/MSA"}, "https://github.com/MiniMax-AI/MSA", None),
        (
            {"github_repo": None, "project_page": "https://msa.example.org"},
            None,
            "https://msa.example.org",
        ),
        ({"github_repo": "javascript:alert(1)", "project_page": "ftp://x"}, None, None),
        ({"github_repo": "not a repo"}, None, None),
        ({"github_repo": " /acme/ToolX/ "}, "https://github.com/acme/ToolX", None),
        (
            {"github_repo": None, "project_page": " http://msa.example.org "},
            None,
            "http://msa.example.org",
        ),
    ],
)
def test_links(changes: dict, code: str | None, project: str | None) -> None:
    links = paper_links(make_paper(**changes))
    assert links.hf == "https://huggingface.co/papers/2606.13392"
    assert links.arxiv == "https://arxiv.org/abs/2606.13392"
    assert links.pdf == "https://arxiv.org/pdf/2606.13392"
    assert (links.code, links.project) == (code, project)


# --- summaries -------------------------------------------------------------------------------


def test_the_summary_is_the_ai_summary_when_there_is_one() -> None:
    assert short_summary(HYDRA_X) == HYDRA_X.ai_summary


def test_without_ai_summary_the_abstract_gives_two_sentences() -> None:
    assert short_summary(make_paper(HYDRA_X, ai_summary=None)) == (
        "Holistic visual tokenizers are fundamental to unified multimodal models (UMMs) as they "
        "map diverse visual inputs into a unified representation space. In this paper, we "
        "present HYDRA-X, the first UMM that unifies image and video tokenization within a "
        "single Vision Transformer (ViT)."
    )


def test_a_long_summary_is_cut_at_a_word_with_an_ellipsis() -> None:
    summary = short_summary(make_paper(LLM_ADAPTABILITY, ai_summary=None))
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert summary.endswith("additional information in prompts…")


def test_neither_summary_nor_abstract_gives_an_empty_summary() -> None:
    assert short_summary(make_paper(ai_summary=None, abstract=" \n ")) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "We use LLMs, e.g. GPT-4 and Llama. Results improve.",
            ["We use LLMs, e.g. GPT-4 and Llama.", "Results improve."],
            id="e.g.",
        ),
        pytest.param(
            "Unlike i.e. Transformers we scale. It works.",
            ["Unlike i.e. Transformers we scale.", "It works."],
            id="i.e.",
        ),
        pytest.param(
            "As shown by Smith et al. Their method fails. We fix it.",
            ["As shown by Smith et al. Their method fails.", "We fix it."],
            id="et-al.",
        ),
        pytest.param(
            "The rescue rate is only 34.8%. High-confidence errors resist.",
            ["The rescue rate is only 34.8%.", "High-confidence errors resist."],
            id="decimal",
        ),
        pytest.param(
            "See Fig. 2 for details. Eq. 3 gives the loss. Done.",
            ["See Fig. 2 for details.", "Eq. 3 gives the loss.", "Done."],
            id="fig-eq",
        ),
        pytest.param(
            "Work by R. Michael Alvarez. Then more.",
            ["Work by R. Michael Alvarez.", "Then more."],
            id="initial",
        ),
        pytest.param(
            "Data from the U.S. Census shows this. Next.",
            ["Data from the U.S. Census shows this.", "Next."],
            id="dotted-initials",
        ),
        pytest.param(
            'Can MLLMs recover? We show they can! (This is new.) "Quoted" too.',
            ["Can MLLMs recover?", "We show they can!", "(This is new.)", '"Quoted" too.'],
            id="question-exclamation-brackets",
        ),
        pytest.param(
            "It runs in 5 ms. then stops.", ["It runs in 5 ms. then stops."], id="lowercase-next"
        ),
        pytest.param(
            "It runs in 5 ms. then stops. The code is public.",
            ["It runs in 5 ms. then stops.", "The code is public."],
            id="lowercase-next-then-a-sentence",
        ),
        pytest.param(
            "Strong encoders (e.g. BERT) help. They win.",
            ["Strong encoders (e.g. BERT) help.", "They win."],
            id="abbreviation-in-brackets",
        ),
        pytest.param(
            ". A stray period opens it. Then more.",
            [".", "A stray period opens it.", "Then more."],
            id="stray-period-first",
        ),
        pytest.param(
            "Latency drops to 5 ms. The code is public.",
            ["Latency drops to 5 ms.", "The code is public."],
            id="unit-ends-sentence",
        ),
        pytest.param("One sentence without a stop", ["One sentence without a stop"], id="no-stop"),
        pytest.param("", [], id="empty"),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_the_recorded_abstract_splits_after_the_decimal_not_inside_it() -> None:
    found = sentences(LLM_ADAPTABILITY.abstract)
    assert found[2].endswith("of only 34.8%.")
    assert found[3] == "High-confidence errors prove especially resistant to correction."
    assert len(found) == 8


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 20, "short enough"),
        ("exactly twenty chars", 20, "exactly twenty chars"),
        ("cut this sentence at a word", 20, "cut this sentence…"),
        ("a list, with commas, and more", 21, "a list, with commas…"),
        ("Supercalifragilisticexpialidocious words", 20, "Supercalifragilisti…"),
        # a word boundary in the first half would throw away too much: cut inside the word
        ("a supercalifragilisticexpialidocious", 20, "a supercalifragilis…"),
        ("tenletters supercalifragilistic", 20, "tenletters supercal…"),
        ("twelve chars supercalifragilisticexpialidocious", 30, "twelve chars supercalifragili…"),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


PROSE = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC.,;:!?()-'0123456789", min_size=1, max_size=14),
    max_size=120,
).map(" ".join)


@given(text=PROSE, limit=st.integers(10, 500))
def test_a_cut_text_fits_and_ends_at_a_word(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text
    else:
        kept = cut.removesuffix(ELLIPSIS)
        assert cut.endswith(ELLIPSIS)
        assert text.startswith(kept)


@given(abstract=PROSE, ai_summary=st.one_of(st.none(), PROSE))
def test_a_summary_never_exceeds_the_cap(abstract: str, ai_summary: str | None) -> None:
    summary = short_summary(make_paper(abstract=abstract, ai_summary=ai_summary))
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert "\n" not in summary


@given(text=PROSE)
def test_sentences_keep_every_word(text: str) -> None:
    assert " ".join(sentences(text)).split() == text.split()


def test_naive_now_is_taken_as_utc() -> None:
    naive = datetime(2026, 6, 15, 9, 0)
    aware = naive.replace(tzinfo=UTC)
    assert (
        compose(ALL, now=naive)
        == compose(ALL, now=aware)
        == [MINIMAX_SPARSE_ATTENTION.id, ROBUST_U1.id, EVOARENA.id, HYDRA_X.id, FLASH_GMM.id]
    )
