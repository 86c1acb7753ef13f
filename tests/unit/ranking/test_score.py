"""Ranking: scores a person can check, whole-word topic filters, team votes, stable order."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import (
    ChannelRef,
    ChannelSettings,
    Follow,
    FollowKind,
    Paper,
    ScoreComponent,
    ScoreExplanation,
    VoteTally,
)
from bot.ranking.score import (
    CLIMBING_MIN_GAIN,
    EXCLUDED_BY_KEYWORD,
    age_days,
    explain_in_words,
    matched_words,
    rank,
    score,
    taste_strength,
    utc_date,
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

CHANNEL = ChannelSettings(ChannelRef("console", "local", "general"))


def channel(**changes: object) -> ChannelSettings:
    """The test channel with some settings changed."""
    return ChannelSettings(CHANNEL.channel, **changes)  # type: ignore[arg-type]


def components(explanation: ScoreExplanation) -> dict[str, tuple[float, str]]:
    """Each component's value and detail, by name."""
    return {c.name: (c.value, c.detail) for c in explanation.components}


def ids(ranked: list[tuple[Paper, ScoreExplanation]]) -> list[str]:
    """The paper ids of a ranking, in order."""
    return [paper.id for paper, _ in ranked]


# --- matched_words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paper", "words", "expected"),
    [
        pytest.param(make_paper(title="World models"), ["rl"], [], id="rl-not-inside-world"),
        pytest.param(
            make_paper(abstract="We fine-tune with RL and DPO."), ["rl"], ["rl"], id="rl-a-word"
        ),
        pytest.param(
            make_paper(abstract="An RL-based planner."), ["rl"], ["rl"], id="hyphen-ends-word"
        ),
        pytest.param(
            make_paper(categories=("cs.CL", "cs.LG")), ["cs.LG"], ["cs.LG"], id="category"
        ),
        pytest.param(make_paper(categories=("cs.CL",)), ["cs.LG"], [], id="other-category"),
        pytest.param(
            MINIMAX_SPARSE_ATTENTION, ["SPARSE ATTENTION"], ["SPARSE ATTENTION"], id="any-case"
        ),
        pytest.param(MINIMAX_SPARSE_ATTENTION, ["attention sparse"], [], id="phrase-in-order"),
        pytest.param(
            LLM_ADAPTABILITY,
            ["mixture of experts"],
            ["mixture of experts"],
            id="phrase-matches-hyphenated",
        ),
        pytest.param(
            LLM_ADAPTABILITY, ["LLM-as-a-judge"], ["LLM-as-a-judge"], id="hyphenated-keyword"
        ),
        pytest.param(make_paper(title="Diffusions everywhere"), ["diffusion"], [], id="plural"),
        pytest.param(
            make_paper(ai_keywords=("graph", "neural rendering"), abstract="", title="X"),
            ["graph neural"],
            [],
            id="phrase-not-across-keywords",
        ),
        pytest.param(
            MINIMAX_SPARSE_ATTENTION,
            ["sparse attention", "rl", "GQA"],
            ["sparse attention", "GQA"],
            id="order-kept",
        ),
        pytest.param(MINIMAX_SPARSE_ATTENTION, [], [], id="no-words"),
        pytest.param(MINIMAX_SPARSE_ATTENTION, ["", "  ", "-", "|"], [], id="no-letters"),
        pytest.param(
            make_paper(abstract="", ai_keywords=(), categories=("cs.LG",)),
            ["| |"],
            [],
            id="no-letters-between-fields",
        ),
        pytest.param(
            make_paper(title="Fused +++ ops"),
            ["++ ops"],
            ["++ ops"],
            id="starts-inside-a-symbol-run",
        ),
        pytest.param(make_paper(title="C++ kernels"), ["c++"], ["c++"], id="symbols-in-word"),
        pytest.param(MINIMAX_SPARSE_ATTENTION, ["GQA", "gqa"], ["GQA"], id="repeats-count-once"),
    ],
)
def test_matched_words(paper: Paper, words: list[str], expected: list[str]) -> None:
    assert matched_words(paper, words) == expected


LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(word=LETTERS, before=LETTERS, after=LETTERS)
def test_a_word_never_matches_inside_another_word(word: str, before: str, after: str) -> None:
    paper = make_paper(
        title=f"{before}{word} and {word}{after} and {before}{word}{after}",
        abstract="",
        ai_keywords=(),
    )
    assert matched_words(paper, [word]) == []


@given(word=LETTERS, left=st.sampled_from(" (-\"'/"), right=st.sampled_from(" ),.:;-!?'/"))
def test_a_word_between_punctuation_matches(word: str, left: str, right: str) -> None:
    paper = make_paper(title=f"Some{left}{word.upper()}{right}thing", abstract="", ai_keywords=())
    assert matched_words(paper, [word]) == [word]


# --- score and its components ----------------------------------------------------------------


def test_score_of_a_recorded_paper_lists_every_component() -> None:
    explanation = score(
        MINIMAX_SPARSE_ATTENTION,
        channel(topics=("sparse attention",)),
        now=NOW + timedelta(days=2),
        momentum=40,
        tally=VoteTally(MINIMAX_SPARSE_ATTENTION.id, weight=3, voters=2),
    )
    assert components(explanation) == {
        "upvotes": (4.6, "103 upvotes on Hugging Face"),
        "momentum": (3.0, "+40 upvotes in the last 24 h"),
        "stars": (1.7, "251 GitHub stars"),
        "age": (-0.9, "featured 2 days ago"),
        "topics": (2.0, "matches your topic 'sparse attention'"),
        "follows": (0.0, "this channel follows no authors or organizations"),
        "team_votes": (2.1, "team votes +3 from 2 people"),
        "taste": (0.0, "no votes from your team to learn from yet"),
    }
    assert explanation.total == 12.5
    assert explanation.excluded is None


@pytest.mark.parametrize(
    ("paper", "now", "name", "expected"),
    [
        (make_paper(upvotes=1), NOW, "upvotes", (0.7, "1 upvote on Hugging Face")),
        (make_paper(upvotes=0), NOW, "upvotes", (0.0, "no upvotes on Hugging Face yet")),
        (make_paper(upvotes=None), NOW, "upvotes", (0.0, "no upvotes on Hugging Face yet")),
        (make_paper(upvotes=1234), NOW, "upvotes", (7.1, "1,234 upvotes on Hugging Face")),
        (make_paper(github_stars=1), NOW, "stars", (0.2, "1 GitHub star")),
        (make_paper(github_stars=None), NOW, "stars", (0.0, "no GitHub stars")),
        (make_paper(github_stars=None, github_repo=None), NOW, "stars", (0.0, "no code linked")),
        (make_paper(), NOW, "age", (0.0, "featured today")),
        (make_paper(), NOW + timedelta(days=1), "age", (-0.5, "featured yesterday")),
        (make_paper(), NOW + timedelta(days=3), "age", (-1.4, "featured 3 days ago")),
        (make_paper(), NOW - timedelta(days=1), "age", (0.0, "featured today")),
        (
            make_paper(featured_on=None, published_at=NOW - timedelta(days=2, hours=1)),
            NOW,
            "age",
            (-0.9, "published 2 days ago"),
        ),
        (make_paper(featured_on=None, published_at=None), NOW, "age", (0.0, "date unknown")),
        (make_paper(), NOW.replace(tzinfo=None), "age", (0.0, "featured today")),
    ],
)
def test_one_component(paper: Paper, now: datetime, name: str, expected: tuple) -> None:
    assert components(score(paper, CHANNEL, now=now))[name] == expected


@pytest.mark.parametrize(
    ("momentum", "expected"),
    [
        (0, (0.0, "no new upvotes in the last 24 h")),
        (-3, (0.0, "no new upvotes in the last 24 h")),
        (1, (0.6, "+1 upvote in the last 24 h")),
        (CLIMBING_MIN_GAIN, (1.9, "+10 upvotes in the last 24 h")),
    ],
)
def test_momentum_component(momentum: int, expected: tuple) -> None:
    explanation = score(MINIMAX_SPARSE_ATTENTION, CHANNEL, now=NOW, momentum=momentum)
    assert components(explanation)["momentum"] == expected


@pytest.mark.parametrize(
    ("tally", "expected"),
    [
        (None, (0.0, "no votes from your team yet")),
        (VoteTally("x", weight=1, voters=1), (1.0, "team votes +1 from 1 person")),
        (VoteTally("x", weight=-2, voters=1), (-1.6, "team votes -2 from 1 person")),
        (VoteTally("x", weight=0, voters=2), (0.0, "team votes +0 from 2 people")),
        (VoteTally("x", weight=0, voters=0), (0.0, "no votes from your team yet")),
        (VoteTally("x", weight=10, voters=5), (3.6, "team votes +10 from 5 people")),
    ],
)
def test_team_votes_component(tally: VoteTally | None, expected: tuple) -> None:
    explanation = score(MINIMAX_SPARSE_ATTENTION, CHANNEL, now=NOW, tally=tally)
    assert components(explanation)["team_votes"] == expected


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        ((), (0.0, "no topics set for this channel")),
        (("diffusion",), (0.0, "matches none of your topics")),
        (("GQA",), (2.0, "matches your topic 'GQA'")),
        (
            ("prefill", "diffusion", "GPU", "Top-k"),
            (2.0, "matches your topics 'prefill', 'GPU' and 'Top-k'"),
        ),
    ],
)
def test_topics_component(topics: tuple[str, ...], expected: tuple) -> None:
    explanation = score(MINIMAX_SPARSE_ATTENTION, channel(topics=topics), now=NOW)
    assert components(explanation)["topics"] == expected


def test_an_excluded_paper_is_marked_and_says_why() -> None:
    explanation = score(EVOARENA, channel(excludes=("survey", "Benchmark Suite")), now=NOW)
    assert explanation.excluded == EXCLUDED_BY_KEYWORD
    assert explanation.total == 0.0
    assert explain_in_words(explanation) == (
        "Hidden in this channel because it matches your excluded word 'Benchmark Suite'."
    )


def test_age_days_prefers_the_featured_day_over_the_publication() -> None:
    paper = make_paper(featured_on=date(2026, 6, 10), published_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert age_days(paper, date(2026, 6, 12)) == 2
    assert age_days(make_paper(featured_on=None), date(2026, 6, 12)) == 1
    assert age_days(make_paper(featured_on=None, published_at=None), date(2026, 6, 12)) is None


COUNTS = st.one_of(st.none(), st.integers(min_value=0, max_value=100_000))
TALLIES = st.one_of(
    st.none(),
    st.builds(
        VoteTally,
        paper_id=st.just("x"),
        weight=st.integers(-40, 40),
        voters=st.integers(0, 20),
    ),
)


@given(
    upvotes=COUNTS,
    stars=COUNTS,
    momentum=st.integers(-50, 5000),
    days=st.integers(-2, 30),
    tally=TALLIES,
    topics=st.lists(st.sampled_from(["sparse attention", "GQA", "diffusion", "rl"]), max_size=3),
)
def test_the_total_is_the_sum_of_its_components(
    upvotes: int | None,
    stars: int | None,
    momentum: int,
    days: int,
    tally: VoteTally | None,
    topics: list[str],
) -> None:
    paper = make_paper(upvotes=upvotes, github_stars=stars)
    explanation = score(
        paper,
        channel(topics=tuple(topics)),
        now=NOW + timedelta(days=days),
        momentum=momentum,
        tally=tally,
    )
    assert explanation.total == round(sum(c.value for c in explanation.components), 1)
    assert [c.name for c in explanation.components] == [
        "upvotes",
        "momentum",
        "stars",
        "age",
        "topics",
        "follows",
        "team_votes",
        "taste",
    ]


@given(upvotes=st.integers(0, 10_000), more=st.integers(1, 10_000), days=st.integers(0, 10))
def test_more_upvotes_never_lower_and_age_never_raises_the_score(
    upvotes: int, more: int, days: int
) -> None:
    fewer = score(make_paper(upvotes=upvotes), CHANNEL, now=NOW).total
    assert score(make_paper(upvotes=upvotes + more), CHANNEL, now=NOW).total >= fewer
    older = score(make_paper(upvotes=upvotes), CHANNEL, now=NOW + timedelta(days=days)).total
    assert older <= fewer


# --- rank ------------------------------------------------------------------------------------


def test_the_recorded_day_ranks_by_upvotes_and_stars() -> None:
    ranked = rank(ALL, CHANNEL, now=NOW, momentum={}, tallies={})
    assert ids(ranked) == [
        MINIMAX_SPARSE_ATTENTION.id,  # 103 upvotes (+4.6), 251 stars (+1.7)
        ROBUST_U1.id,  # 74 upvotes (+4.3), 86 stars (+1.3)
        EVOARENA.id,  # 118 upvotes (+4.8), 9 stars (+0.7)
        HYDRA_X.id,
        FLASH_GMM.id,
        LLM_ADAPTABILITY.id,
    ]
    assert [e.total for _, e in ranked] == [6.3, 5.6, 5.5, 3.3, 1.9, 0.0]


@pytest.mark.parametrize(
    ("settings_changes", "momentum", "tallies", "first_three"),
    [
        pytest.param(
            {"topics": ("gaussian mixture models",)},
            {},
            {},
            [MINIMAX_SPARSE_ATTENTION, ROBUST_U1, EVOARENA],
            id="topic-boost-is-not-enough-for-2-upvotes",
        ),
        pytest.param(
            {"topics": ("LLM agents", "memory evolution")},
            {},
            {},
            [EVOARENA, MINIMAX_SPARSE_ATTENTION, ROBUST_U1],
            id="topic-lifts-evoarena",
        ),
        pytest.param(
            {"excludes": ("sparse attention",)},
            {},
            {},
            [ROBUST_U1, EVOARENA, HYDRA_X],
            id="exclude-drops-minimax",
        ),
        pytest.param(
            {},
            {HYDRA_X.id: 60},
            {},
            [HYDRA_X, MINIMAX_SPARSE_ATTENTION, ROBUST_U1],
            id="momentum-lifts-hydra",
        ),
        pytest.param(
            {},
            {},
            {MINIMAX_SPARSE_ATTENTION.id: VoteTally(MINIMAX_SPARSE_ATTENTION.id, -2, 1)},
            [ROBUST_U1, EVOARENA, MINIMAX_SPARSE_ATTENTION],
            id="team-downvote-sinks-minimax",
        ),
        pytest.param(
            {},
            {},
            {FLASH_GMM.id: VoteTally(FLASH_GMM.id, 12, 6)},
            [MINIMAX_SPARSE_ATTENTION, FLASH_GMM, ROBUST_U1],
            id="team-upvotes-lift-flash-gmm",
        ),
    ],
)
def test_rank_with_channel_preferences(
    settings_changes: dict,
    momentum: dict[str, int],
    tallies: dict[str, VoteTally],
    first_three: list[Paper],
) -> None:
    ranked = rank(ALL, channel(**settings_changes), now=NOW, momentum=momentum, tallies=tallies)
    assert ids(ranked)[:3] == [paper.id for paper in first_three]


def test_excluded_papers_are_dropped_from_the_ranking() -> None:
    # Whole words: "LLM" hides neither "LLMs" nor "MLLMs".
    ranked = rank(ALL, channel(excludes=("LLM",)), now=NOW, momentum={}, tallies={})
    assert ids(ranked) == [MINIMAX_SPARSE_ATTENTION.id, ROBUST_U1.id, FLASH_GMM.id]
    ranked = rank(ALL, channel(excludes=("LLM", "LLMs")), now=NOW, momentum={}, tallies={})
    assert ids(ranked) == [ROBUST_U1.id, FLASH_GMM.id]


def test_ties_go_to_more_upvotes_then_the_smaller_id() -> None:
    # ln(101) and ln(102) both round to 4.6 points: the scores tie.
    papers = [
        make_paper(id="2606.00003", upvotes=100, github_stars=None),
        make_paper(id="2606.00002", upvotes=100, github_stars=None),
        make_paper(id="2606.00001", upvotes=101, github_stars=None),
    ]
    ranked = rank(papers, CHANNEL, now=NOW, momentum={}, tallies={})
    assert {e.total for _, e in ranked} == {4.6}
    assert ids(ranked) == ["2606.00001", "2606.00002", "2606.00003"]


WORDS = ["diffusion", "rl", "sparse attention", "agents", "cs.LG", "benchmark", "kernel"]


@st.composite
def candidate_papers(draw: st.DrawFn) -> list[Paper]:
    """Up to 40 papers with distinct ids, built from the recorded ones with other numbers."""
    count = draw(st.integers(0, 40))
    return [
        make_paper(
            draw(st.sampled_from(ALL)),
            id=f"2606.{index:05d}",
            upvotes=draw(st.one_of(st.none(), st.integers(0, 300))),
            github_stars=draw(st.one_of(st.none(), st.integers(0, 3000))),
            featured_on=draw(st.one_of(st.none(), st.dates(date(2026, 6, 5), date(2026, 6, 13)))),
            categories=tuple(draw(st.lists(st.sampled_from(["cs.LG", "cs.CL", "cs.CV"]))))[:2],
        )
        for index in range(count)
    ]


@settings(max_examples=60, deadline=None)
@given(
    papers=candidate_papers(),
    topics=st.lists(st.sampled_from(WORDS), max_size=3),
    excludes=st.lists(st.sampled_from(WORDS), max_size=2),
    limit=st.integers(0, 8),
    data=st.data(),
)
def test_a_limited_ranking_is_the_top_of_the_full_ranking(
    papers: list[Paper],
    topics: list[str],
    excludes: list[str],
    limit: int,
    data: st.DataObject,
) -> None:
    paper_ids = st.sampled_from([paper.id for paper in papers] or ["2606.99999"])
    momentum = data.draw(st.dictionaries(paper_ids, st.integers(0, 80)))
    weights = data.draw(st.dictionaries(paper_ids, st.integers(-6, 6)))
    tallies = {pid: VoteTally(pid, weight, abs(weight)) for pid, weight in weights.items()}
    settings_ = channel(topics=tuple(topics), excludes=tuple(excludes))
    full = rank(papers, settings_, now=NOW, momentum=momentum, tallies=tallies)
    top = rank(papers, settings_, now=NOW, momentum=momentum, tallies=tallies, limit=limit)
    assert top == full[:limit]
    assert all(not matched_words(paper, excludes) for paper, _ in full)
    totals = [e.total for _, e in full]
    assert totals == sorted(totals, reverse=True)
    shuffled = data.draw(st.permutations(papers))
    assert rank(shuffled, settings_, now=NOW, momentum=momentum, tallies=tallies) == full


# --- explain_in_words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paper", "settings_", "now", "momentum", "expected"),
    [
        pytest.param(
            MINIMAX_SPARSE_ATTENTION,
            channel(topics=("sparse attention",)),
            NOW,
            40,
            "Ranked by 103 upvotes on Hugging Face (+4.6), +40 upvotes in the last 24 h (+3.0), "
            "251 GitHub stars (+1.7), featured today (0), "
            "matches your topic 'sparse attention' (+2.0).\n"
            "Score 11.3, the sum of the numbers in brackets.",
            id="everything",
        ),
        pytest.param(
            LLM_ADAPTABILITY,
            CHANNEL,
            NOW + timedelta(days=2),
            0,
            "Ranked by no upvotes on Hugging Face yet (0), featured 2 days ago (-0.9).\n"
            "Score -0.9, the sum of the numbers in brackets.",
            id="nothing-but-age",
        ),
    ],
)
def test_explain_in_words(
    paper: Paper, settings_: ChannelSettings, now: datetime, momentum: int, expected: str
) -> None:
    assert explain_in_words(score(paper, settings_, now=now, momentum=momentum)) == expected


def test_an_explanation_without_components_still_reads() -> None:
    assert explain_in_words(ScoreExplanation(0.0)) == "Score 0.0."


BRACKETED = re.compile(r"\(([+-]?\d+(?:\.\d)?)\)")


@given(
    paper=st.sampled_from(ALL),
    momentum=st.integers(0, 500),
    days=st.integers(0, 5),
    weight=st.integers(-10, 10),
    topics=st.lists(st.sampled_from(WORDS), max_size=2),
)
def test_the_words_add_up_and_keep_the_voice(
    paper: Paper, momentum: int, days: int, weight: int, topics: list[str]
) -> None:
    explanation = score(
        paper,
        channel(topics=tuple(topics)),
        now=NOW + timedelta(days=days),
        momentum=momentum,
        tally=VoteTally(paper.id, weight, abs(weight)),
    )
    words = explain_in_words(explanation)
    first, second = words.split("\n")
    assert round(sum(float(n) for n in BRACKETED.findall(first)), 1) == explanation.total
    assert second == f"Score {explanation.total:.1f}, the sum of the numbers in brackets."
    assert "!" not in words
    assert FEATURED_ON.isoformat() not in words


# --- taste -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedTaste:
    """A learned taste that gives every paper the same value, as the score reads it."""

    votes: float
    value: float

    def unit(self, paper: Paper) -> float:
        """The same taste for every paper."""
        return self.value

    def reason(self, paper: Paper) -> str:
        """A fixed reason."""
        return "your team likes papers on 'attention'"


@pytest.mark.parametrize(
    ("votes", "expected"),
    [(-2.0, 0.0), (0.0, 0.0), (1.0, 1 / 26), (25.0, 0.5), (50.0, 2 / 3)],
)
def test_taste_strength_grows_with_the_votes_from_nothing(votes: float, expected: float) -> None:
    assert taste_strength(votes) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("taste", "expected"),
    [
        pytest.param(
            FixedTaste(votes=0, value=1.0),
            (0.0, "no votes from your team to learn from yet"),
            id="cold-start",
        ),
        pytest.param(
            FixedTaste(votes=1, value=1.0),
            (1.5, "your team likes papers on 'attention'"),
            id="one-vote",  # 40 * 1/26
        ),
        pytest.param(
            FixedTaste(votes=0.5, value=1.0),
            (0.8, "your team likes papers on 'attention'"),
            id="half-a-vote-from-another-channel",  # 40 * 0.5/25.5
        ),
        pytest.param(
            FixedTaste(votes=25, value=-0.5),
            (-10.0, "your team likes papers on 'attention'"),
            id="half-strength",  # 40 * 1/2 * -1/2
        ),
    ],
)
def test_taste_component(taste: FixedTaste, expected: tuple) -> None:
    explanation = score(MINIMAX_SPARSE_ATTENTION, CHANNEL, now=NOW, taste=taste)
    assert components(explanation)["taste"] == expected
    assert explanation.total == round(sum(c.value for c in explanation.components), 1)


# --- rank with a limit -----------------------------------------------------------------------


def plain(paper_id: str, upvotes: int | None, **changes: object) -> Paper:
    """A paper featured today with only upvotes to its name, about nothing in WORDS."""
    fields: dict[str, object] = {
        "id": paper_id,
        "title": f"Paper {paper_id}",
        "abstract": "Nothing to see.",
        "ai_keywords": (),
        "categories": (),
        "authors": (f"Author {paper_id}",),
        "organization": None,
        "upvotes": upvotes,
        "github_stars": None,
        "github_repo": None,
        "featured_on": FEATURED_ON,
    }
    fields.update(changes)
    return make_paper(**fields)  # type: ignore[arg-type]


TOPICAL = [
    plain("2606.00001", 300),  # 5.7
    plain("2606.00002", 100),  # 4.6
    plain("2606.00003", 50, title="Sparse attention"),  # 3.9 + 2.0
    plain("2606.00004", 99, title="A survey"),  # excluded
    plain("2606.00005", 20, title="Sparse attention again"),  # 3.0 + 2.0
    plain("2606.00006", 10),  # 2.4
    plain("2606.00007", 100),  # 4.6, a tie with 2606.00002
    plain("2606.00008", None),  # 0
]
TOPICAL_ORDER = [
    "2606.00003",
    "2606.00001",
    "2606.00005",
    "2606.00002",
    "2606.00007",
    "2606.00006",
    "2606.00008",
]


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 5, 6, 7, 8, 20])
def test_a_limited_ranking_lets_topics_lift_papers_and_drops_the_excluded(limit: int) -> None:
    settings_ = channel(topics=("sparse attention",), excludes=("survey",))

    ranked = rank(TOPICAL, settings_, now=NOW, momentum={}, tallies={}, limit=limit)

    assert ids(ranked) == TOPICAL_ORDER[:limit]
    assert ranked == rank(TOPICAL, settings_, now=NOW, momentum={}, tallies={})[:limit]


def test_a_limited_ranking_without_topics_or_excludes_is_by_score() -> None:
    ranked = rank(TOPICAL, CHANNEL, now=NOW, momentum={}, tallies={}, limit=3)
    assert ids(ranked) == ["2606.00001", "2606.00002", "2606.00007"]


@dataclass(frozen=True)
class TasteFor:
    """A learned taste that likes some papers (1) and is neutral on the rest (0)."""

    liked: frozenset[str]
    votes: float = 25.0

    def unit(self, paper: Paper) -> float:
        """1 for a liked paper, else 0."""
        return 1.0 if paper.id in self.liked else 0.0

    def reason(self, paper: Paper) -> str:
        """A fixed reason."""
        return "your team liked it"


LEADER = plain("2606.00001", 300)  # 5.7 points, all from upvotes
FOLLOWED = Follow(FollowKind.AUTHOR, "Ada Lovelace")


@pytest.mark.parametrize(
    ("other", "changes", "momentum", "tallies", "taste"),
    [
        pytest.param(plain("2606.00002", 50), {}, {"2606.00002": 60}, {}, None, id="momentum"),
        pytest.param(
            plain("2606.00002", 80, github_stars=3000, github_repo="o/r"),
            {},
            {},
            {},
            None,
            id="stars",
        ),
        pytest.param(
            plain("2606.00002", 120), {}, {}, {}, None, id="age"
        ),  # the leader is five days old below
        pytest.param(
            plain("2606.00002", 60, authors=("Ada Lovelace",)),
            {"follows": (FOLLOWED,)},
            {},
            {},
            None,
            id="follows",
        ),
        pytest.param(
            plain("2606.00002", 150),
            {},
            {},
            {"2606.00002": VoteTally("2606.00002", 3, 3)},
            None,
            id="team-votes",
        ),
        pytest.param(
            plain("2606.00002", 100),
            {},
            {},
            {},
            TasteFor(frozenset({"2606.00002"})),
            id="taste",
        ),
    ],
)
def test_each_component_can_lift_a_paper_to_the_top_of_a_limited_ranking(
    other: Paper,
    changes: dict[str, object],
    momentum: dict[str, int],
    tallies: dict[str, VoteTally],
    taste: TasteFor | None,
) -> None:
    leader = LEADER
    if other.upvotes == 120:
        leader = plain(LEADER.id, 300, featured_on=FEATURED_ON - timedelta(days=5))
    papers = [leader, other]
    settings_ = channel(**changes)

    top = rank(papers, settings_, now=NOW, momentum=momentum, tallies=tallies, taste=taste, limit=1)
    full = rank(papers, settings_, now=NOW, momentum=momentum, tallies=tallies, taste=taste)

    assert ids(top) == [other.id]
    assert top == full[:1]
    assert ids(full) == [other.id, leader.id]


def test_a_limited_ranking_with_a_taste_of_no_votes_is_the_worlds() -> None:
    taste = TasteFor(frozenset({"2606.00002"}), votes=0)
    ranked = rank(TOPICAL, CHANNEL, now=NOW, momentum={}, tallies={}, taste=taste, limit=2)
    assert ids(ranked) == ["2606.00001", "2606.00002"]


@pytest.mark.parametrize("limit", [None, 2])
def test_a_tie_goes_to_one_upvote_over_none(limit: int | None) -> None:
    # 1 upvote (+0.7) ties with no upvotes and 9 stars (+0.7): the upvote wins the tie.
    upvoted = plain("2606.00002", 1)
    starred = plain("2606.00001", 0, github_stars=9, github_repo="o/r")

    ranked = rank([starred, upvoted], CHANNEL, now=NOW, momentum={}, tallies={}, limit=limit)

    assert [e.total for _, e in ranked] == [0.7, 0.7]
    assert ids(ranked) == ["2606.00002", "2606.00001"]


def test_in_a_limited_ranking_one_star_counts_and_none_does_not() -> None:
    starred = plain("2606.00002", 100, github_stars=1, github_repo="o/r")
    unstarred = plain("2606.00001", 100, github_stars=0, github_repo="o/r")
    ranked = rank([unstarred, starred], CHANNEL, now=NOW, momentum={}, tallies={}, limit=2)
    assert ids(ranked) == ["2606.00002", "2606.00001"]


def test_a_limited_ranking_counts_no_momentum_for_a_paper_without_gains() -> None:
    # 2606.00002's one new upvote (+0.6) puts it ahead of 2606.00001, which has none.
    papers = [plain("2606.00001", 100), plain("2606.00002", 100)]
    ranked = rank(papers, CHANNEL, now=NOW, momentum={"2606.00002": 1}, tallies={}, limit=2)
    assert ids(ranked) == ["2606.00002", "2606.00001"]


def test_a_limited_ranking_with_a_neutral_taste_still_counts_the_rest() -> None:
    papers = [plain("2606.00001", 100), plain("2606.00002", 50)]
    taste = TasteFor(frozenset())
    ranked = rank(
        papers, CHANNEL, now=NOW, momentum={"2606.00002": 60}, tallies={}, taste=taste, limit=1
    )
    assert ids(ranked) == ["2606.00002"]


def test_in_a_limited_ranking_a_paper_off_topic_gains_nothing_from_the_topics() -> None:
    # Both make 5.9: the on-topic one (3.9 + 2.0) by 300 upvotes four days old, the other
    # by 100 upvotes (4.6) and 75 stars (1.3); the tie goes to more upvotes.
    on_topic = plain(
        "2606.00002",
        300,
        title="Sparse attention",
        featured_on=FEATURED_ON - timedelta(days=4),
    )
    off_topic = plain("2606.00001", 100, github_stars=75, github_repo="o/r")
    settings_ = channel(topics=("sparse attention",))

    ranked = rank([off_topic, on_topic], settings_, now=NOW, momentum={}, tallies={}, limit=2)

    assert [e.total for _, e in ranked] == [5.9, 5.9]
    assert ids(ranked) == ["2606.00002", "2606.00001"]


def test_a_paper_by_no_one_the_channel_follows_says_so() -> None:
    followed = channel(follows=(Follow(FollowKind.AUTHOR, "Ada Lovelace"),))
    explanation = score(MINIMAX_SPARSE_ATTENTION, followed, now=NOW)
    assert components(explanation)["follows"] == (0.0, "by no one this channel follows")


def test_a_paper_excluded_by_two_words_names_both_and_scores_nothing() -> None:
    explanation = score(EVOARENA, channel(excludes=("Benchmark Suite", "LLM agents")), now=NOW)

    detail = "matches your excluded words 'Benchmark Suite' and 'LLM agents'"
    assert explanation == ScoreExplanation(
        0.0, (ScoreComponent("excluded", 0.0, detail),), excluded=EXCLUDED_BY_KEYWORD
    )


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is Tokyo's (UTC+9) for the test."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_east")
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(
            datetime(2026, 6, 13, 1, 0, tzinfo=timezone(timedelta(hours=2))),
            date(2026, 6, 12),
            id="aware-east-of-utc",
        ),
        pytest.param(datetime(2026, 6, 13, 1, 0), date(2026, 6, 13), id="naive-is-utc"),
    ],
)
def test_the_utc_date_never_depends_on_the_machines_time_zone(
    now: datetime, expected: date
) -> None:
    assert utc_date(now) == expected
