"""The taste model: it learns what a team votes for, 👎 means less like this, cold start is
neutral, and the evidence decides how much taste may move the world's order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.models import ChannelRef, ChannelSettings, Paper, TeamVote
from bot.ranking import rank, score
from bot.ranking.taste import Kind, TasteExample, TasteModel, TasteView, taste_examples
from bot.ranking.taste import fit_taste as fit_over
from bot.ranking.vectors import PaperVectors
from tests.fakes.papers import make_paper

TODAY = date(2026, 6, 13)
NOW = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)
LAB = ChannelRef("slack", "T1", "C1")
SETTINGS = ChannelSettings(LAB)

TOPICS = {
    "diffusion": "diffusion models denoising image generation score matching sampler",
    "robotics": "robot manipulation grasping policy embodied control arm",
    "language": "language model tokens pretraining instruction tuning text",
    "speech": "speech recognition audio acoustic waveform speaker",
}


def paper(topic: str, n: int, *, upvotes: int = 50, authors: tuple[str, ...] = ()) -> Paper:
    """A paper about `topic` (its words repeated with a number), featured today."""
    words = TOPICS[topic]
    return make_paper(
        id=f"2606.{topic[:3]}{n:02d}",
        title=f"{topic.title()} study {n}: {words.split()[n % 5]}",
        abstract=f"We study {words}. Variant {n} of {words.split()[(n + 1) % 5]} methods.",
        ai_keywords=(topic,),
        categories=("cs.LG",),
        authors=authors or (f"Author {topic} {n}",),
        organization=None,
        upvotes=upvotes,
        featured_on=TODAY,
        github_stars=None,
    )


def voted(target_paper: Paper, target: float) -> TasteExample:
    return TasteExample(target_paper, target, 1.0, Kind.VOTED)


def unseen(papers: list[Paper]) -> list[TasteExample]:
    return [TasteExample(p, -0.2, 0.3, Kind.UNSEEN) for p in papers]


POOL = [paper(topic, n) for topic in TOPICS for n in range(10, 16)]
VECTORS = PaperVectors(POOL)


def fit_taste(examples: list[TasteExample], *, votes: float) -> TasteModel | None:
    """Fit over the vocabulary of the test pool, as the bot fits over the day's papers."""
    return fit_over(examples, VECTORS, votes=votes)


def test_without_votes_there_is_no_model_and_the_ranking_is_the_worlds() -> None:
    assert fit_taste(unseen(POOL), votes=0) is None

    ranked = rank(POOL, SETTINGS, now=NOW, momentum={}, tallies={}, taste=None)
    assert [p.id for p, e in ranked] == [
        p.id for p, e in rank(POOL, SETTINGS, now=NOW, momentum={}, tallies={})
    ]
    assert all(e.components[-1].value == 0 for _, e in ranked)


def test_papers_like_the_liked_ones_rise_and_others_do_not() -> None:
    liked = [paper("diffusion", n) for n in range(3)]
    model = fit_taste([voted(p, 1) for p in liked] + unseen(POOL), votes=3)
    assert model is not None

    units = model.units([paper("diffusion", 20), paper("robotics", 20), paper("speech", 20)])

    assert units["2606.dif20"] > 0.3
    assert units["2606.dif20"] > max(units["2606.rob20"], units["2606.spe20"]) + 0.3


def test_a_thumbs_down_lowers_similar_papers_not_only_that_one() -> None:
    disliked = [paper("robotics", n) for n in range(2)]
    model = fit_taste([voted(p, -1) for p in disliked] + unseen(POOL), votes=2)
    assert model is not None

    units = model.units([paper("robotics", 21), paper("language", 21)])

    assert units["2606.rob21"] < units["2606.lan21"]
    assert units["2606.rob21"] < 0


def test_a_shared_author_carries_taste_to_their_other_papers() -> None:
    liked = [paper("speech", n, authors=("Yann LeCun",)) for n in range(2)]
    model = fit_taste([voted(p, 2) for p in liked] + unseen(POOL), votes=2)
    assert model is not None
    by_them = paper("language", 30, authors=("Yann LeCun",))
    by_others = paper("language", 31)

    units = model.units([by_them, by_others])

    assert units[by_them.id] > units[by_others.id]
    assert "yann lecun" in model.leaning().up_people


def _taste_points(votes: float) -> float:
    liked = [paper("diffusion", n) for n in range(3)]
    model = fit_taste([voted(p, 1) for p in liked] + unseen(POOL), votes=votes)
    assert model is not None
    candidate = paper("diffusion", 40)
    explanation = score(candidate, SETTINGS, now=NOW, taste=TasteView(model, [candidate]))
    return next(c.value for c in explanation.components if c.name == "taste")


def test_the_taste_component_grows_with_the_evidence() -> None:
    few, many = _taste_points(3), _taste_points(50)

    assert 0 < few < many
    assert few <= 4.0
    assert many >= 15.0


def test_three_votes_do_not_overturn_a_large_upvote_lead_and_fifty_can() -> None:
    popular = paper("speech", 50, upvotes=400)
    liked_kind = paper("diffusion", 50, upvotes=8)

    def first(votes: int) -> str:
        liked = [voted(paper("diffusion", n), 2) for n in range(min(votes, 20))]
        model = fit_taste(liked + unseen(POOL), votes=votes)
        assert model is not None
        view = TasteView(model, [popular, liked_kind])
        ranked = rank([popular, liked_kind], SETTINGS, now=NOW, momentum={}, tallies={}, taste=view)
        return ranked[0][0].id

    assert first(3) == popular.id
    assert first(50) == liked_kind.id


def test_the_components_add_up_and_the_reason_names_a_liked_paper() -> None:
    liked = [paper("diffusion", n) for n in range(3)]
    model = fit_taste([voted(p, 1) for p in liked] + unseen(POOL), votes=12)
    assert model is not None
    candidate = paper("diffusion", 60)

    explanation = score(candidate, SETTINGS, now=NOW, taste=TasteView(model, [candidate]))

    assert explanation.total == round(sum(c.value for c in explanation.components), 1)
    detail = next(c.detail for c in explanation.components if c.name == "taste")
    assert detail.startswith("your team liked 'Diffusion study")
    assert "similar paper" in detail


def test_examples_weigh_this_channels_votes_over_the_rest_of_the_workspace() -> None:
    here, there = paper("diffusion", 1), paper("robotics", 1)
    shown = paper("speech", 1)
    at = NOW - timedelta(days=1)
    votes = [
        TeamVote(LAB.key, "U1", here.id, 1, at),
        TeamVote("slack:T1:C2", "U2", there.id, 1, at),
    ]
    papers = {p.id: p for p in (here, there, shown)}

    examples, evidence = taste_examples(
        LAB.key,
        votes,
        {shown.id: TODAY - timedelta(days=1), here.id: TODAY - timedelta(days=1)},
        papers,
        [paper("language", 1)],
        today=TODAY,
        half_life_days=60,
    )

    by_id = {example.paper.id: example for example in examples}
    assert by_id[here.id].weight > by_id[there.id].weight
    assert by_id[shown.id].kind == Kind.IGNORED and by_id[shown.id].target < 0
    assert by_id["2606.lan01"].kind == Kind.UNSEEN
    assert evidence == pytest.approx((1 + 0.5) * 0.5 ** (1 / 60))
