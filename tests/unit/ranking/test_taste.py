"""The taste model: it learns what a team votes for, 👎 means less like this, cold start is
neutral, and the evidence decides how much taste may move the world's order."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from bot.models import ChannelRef, ChannelSettings, Paper, TeamVote
from bot.ranking import rank, score
from bot.ranking.taste import (
    UNIT_SCALE_QUANTILE,
    Kind,
    Leaning,
    TasteExample,
    TasteModel,
    TasteView,
    decay,
    taste_examples,
)
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


LIKED = [paper("diffusion", n) for n in range(3)]
DISLIKED = [paper("robotics", n) for n in range(2)]


def _liking_diffusion() -> TasteModel:
    model = fit_taste([voted(p, 1) for p in LIKED] + unseen(POOL), votes=3)
    assert model is not None
    return model


def _disliking_robotics() -> TasteModel:
    model = fit_taste([voted(p, -1) for p in DISLIKED] + unseen(POOL), votes=2)
    assert model is not None
    return model


def _liking_and_disliking() -> TasteModel:
    examples = [voted(p, 1) for p in LIKED] + [voted(p, -1) for p in DISLIKED]
    model = fit_taste(examples + unseen(POOL), votes=5)
    assert model is not None
    return model


def test_the_reason_names_the_most_similar_liked_paper_first() -> None:
    twin = make_paper(LIKED[2], id="2606.twin1")

    assert _liking_diffusion().reason(twin, 0.5) == (
        "your team liked 'Diffusion study 2: denoising' and 2 similar papers"
    )


def test_a_liked_paper_is_not_its_own_reason_and_dissimilar_ones_do_not_count() -> None:
    examples = [voted(p, 1) for p in LIKED] + [voted(paper("speech", 1), 1)]
    model = fit_taste(examples + unseen(POOL), votes=4)
    assert model is not None

    assert model.reason(paper("diffusion", 40), 0.5) == (
        "your team liked 'Diffusion study 0: diffusion' and 2 similar papers"
    )
    assert model.reason(LIKED[0], 0.5) == (
        "your team liked 'Diffusion study 1: models' and 1 similar paper"
    )


def test_the_reason_names_a_similar_paper_the_team_voted_down() -> None:
    assert _liking_and_disliking().reason(paper("robotics", 40), -0.5) == (
        "like 'Robotics study 0: robot', which your team voted down"
    )


def test_without_a_similar_voted_paper_the_reason_names_the_words_that_push() -> None:
    assert _disliking_robotics().reason(paper("diffusion", 40), 0.5) == (
        "your team likes papers on 'diffusion', 'models'"
    )
    assert _liking_diffusion().reason(paper("robotics", 40), -0.5) == (
        "your team votes down papers on 'robotics', 'robot'"
    )


def test_a_neutral_taste_is_explained_by_words_not_by_voted_papers() -> None:
    # A taste of exactly 0 names neither a liked nor a disliked paper, even a similar one.
    assert _liking_diffusion().reason(paper("diffusion", 40), 0.0) == (
        "your team likes papers on 'diffusion', 'models'"
    )
    neutral = _liking_and_disliking().reason(paper("robotics", 40), 0.0)
    assert neutral.startswith("your team likes papers on '")
    assert "voted down" not in neutral


@pytest.mark.parametrize("unit", [0.1, 0.0, -0.1])
def test_a_paper_the_votes_know_nothing_about_gets_a_plain_reason(unit: float) -> None:
    # Unknown words, and an author whose hashed column lies past every learned one.
    stranger = make_paper(
        id="2606.odd01",
        title="Zebra quartz",
        abstract="",
        ai_keywords=(),
        categories=(),
        authors=("Pia Guest",),
        organization=None,
    )

    assert _liking_diffusion().reason(stranger, unit) == "your team's votes say little about it"


def test_the_leaning_lists_words_and_people_each_way_strongest_first() -> None:
    examples = [voted(p, 1) for p in LIKED] + [voted(p, -1) for p in DISLIKED]
    model = fit_taste(examples, votes=5)
    assert model is not None

    assert model.leaning() == Leaning(
        up_terms=("diffusion", "models", "denoising", "image", "sampler"),
        down_terms=("robotics", "manipulation", "robot", "grasping", "embodied"),
        up_people=("author diffusion 2", "author diffusion 0", "author diffusion 1"),
        down_people=("author robotics 1", "author robotics 0"),
    )
    assert model.leaning(limit=1) == Leaning(
        ("diffusion",), ("robotics",), ("author diffusion 2",), ("author robotics 1",)
    )


def test_examples_sum_each_papers_votes_cap_them_and_weigh_them_by_age() -> None:
    a, b, c, d, e, f, g, h, u = (paper("language", n) for n in range(1, 10))
    here, there = LAB.key, "slack:T1:C2"
    ten_days_ago = NOW - timedelta(days=10)
    votes = [
        TeamVote(here, "U1", a.id, 1, NOW),
        TeamVote(here, "U2", a.id, 1, ten_days_ago),
        TeamVote(there, "U1", b.id, 2, ten_days_ago),
        TeamVote(here, "U1", "2606.gone1", 1, NOW),  # a paper no longer stored
        TeamVote(here, "U3", c.id, 0, NOW),  # a vote taken back
        *(TeamVote(here, f"U{n}", e.id, 2, NOW) for n in range(4)),
        *(TeamVote(here, f"U{n}", f.id, -2, NOW) for n in range(2)),
        TeamVote(here, "U1", d.id, 1, NOW),
        TeamVote(here, "U2", d.id, -1, NOW),
    ]
    delivered = {
        a.id: TODAY - timedelta(days=1),
        b.id: TODAY - timedelta(days=1),
        g.id: TODAY - timedelta(days=2),
        h.id: TODAY,  # delivered today: not ignored yet
        "2606.gone2": TODAY - timedelta(days=1),
    }
    stored = {p.id: p for p in (a, b, c, d, e, f, g, h)}

    examples, evidence = taste_examples(
        here, votes, delivered, stored, [a, g, h, u, d], today=TODAY, half_life_days=10
    )

    assert [(x.paper.id, x.kind, x.target) for x in examples] == [
        (a.id, Kind.VOTED, 2.0),
        (b.id, Kind.VOTED, 1.0),  # another channel's +2 counts half
        (e.id, Kind.VOTED, 3.0),  # +8, capped
        (f.id, Kind.VOTED, -3.0),  # -4, capped
        (g.id, Kind.IGNORED, -0.5),
        (u.id, Kind.UNSEEN, -0.2),
    ]
    assert [x.weight for x in examples] == pytest.approx(
        [1.0, 0.5 * 0.5, 1.0, 1.0, 0.5 * 0.5 ** (2 / 10), 0.3]
    )
    assert evidence == pytest.approx(1 + 0.5 + 0.25 + 4 + 2 + 2)


@pytest.mark.parametrize(
    ("age_days", "expected"), [(-3.0, 1.0), (0.0, 1.0), (10.0, 0.5), (30.0, 0.125)]
)
def test_decay_halves_every_half_life_and_never_grows(age_days: float, expected: float) -> None:
    assert decay(age_days, 10.0) == pytest.approx(expected)


def test_one_similar_liked_paper_is_named_alone_and_a_long_title_is_cut() -> None:
    long_title = "Diffusion sampler with a denoising trick" + " " * 5 + "for image generation tasks"
    liked = make_paper(paper("diffusion", 1), title=long_title)
    model = fit_taste([voted(liked, 1), *unseen(POOL)], votes=1)
    assert model is not None

    assert model.reason(paper("diffusion", 40), 0.5) == (
        "your team liked 'Diffusion sampler with a denoising trick for image generati…'"
    )


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        pytest.param("D" * 60, "D" * 60, id="sixty-kept"),
        pytest.param("D" * 61, "D" * 59 + "…", id="sixty-one-cut"),
        pytest.param("D" * 58 + " xyz", "D" * 58 + "…", id="cut-at-a-space"),
    ],
)
def test_a_liked_papers_title_is_quoted_within_sixty_characters(title: str, quoted: str) -> None:
    liked = make_paper(paper("diffusion", 1), title=title)
    model = fit_taste([voted(liked, 1), *unseen(POOL)], votes=1)
    assert model is not None

    assert model.reason(paper("diffusion", 40), 0.5) == f"your team liked '{quoted}'"


def test_a_view_gives_a_paper_outside_its_candidates_the_models_taste() -> None:
    model = _liking_diffusion()
    inside, outside = paper("diffusion", 41), paper("diffusion", 42)

    view = TasteView(model, [inside])

    assert view.unit(inside) == model.units([inside])[inside.id]
    assert view.unit(outside) == model.units([outside])[outside.id]
    assert view.unit(outside) > 0.3
    assert view.reason(outside).startswith("your team liked 'Diffusion study")


def test_tastes_are_scaled_so_the_voted_papers_reach_tanh_1_at_their_90th_percentile() -> None:
    liked = [paper("diffusion", n) for n in range(6)]
    disliked = [paper("robotics", n) for n in range(5)]
    examples = [voted(p, 1) for p in liked] + [voted(p, -1) for p in disliked]
    model = fit_taste(examples + unseen(POOL), votes=11)
    assert model is not None
    stranger = make_paper(
        id="2606.odd01",
        title="Zebra quartz",
        abstract="",
        ai_keywords=(),
        categories=(),
        authors=("Pia Guest",),
        organization=None,
    )

    strengths = [abs(unit) for unit in model.units(liked + disliked).values()]

    assert np.quantile(strengths, UNIT_SCALE_QUANTILE) == pytest.approx(math.tanh(1), abs=1e-4)
    # Taste is measured from a typical unvoted paper, so one the votes know nothing of is
    # about neutral.
    assert abs(model.units([stranger])[stranger.id]) < 0.1


def test_without_unvoted_papers_the_taste_is_measured_from_zero() -> None:
    examples = [voted(paper("diffusion", 1), 1), voted(paper("robotics", 1), -1)]
    model = fit_taste(examples, votes=2)
    assert model is not None

    units = model.units([paper("diffusion", 40), paper("robotics", 40)])

    assert units["2606.dif40"] > 0.3
    assert units["2606.rob40"] < -0.3


def test_a_heavier_example_outweighs_a_lighter_one() -> None:
    older, newer = paper("diffusion", 1), paper("diffusion", 2)
    candidate = paper("diffusion", 40)

    def taste(liked_weight: float, disliked_weight: float) -> float:
        model = fit_taste(
            [
                TasteExample(older, 1, liked_weight, Kind.VOTED),
                TasteExample(newer, -1, disliked_weight, Kind.VOTED),
                *unseen(POOL),
            ],
            votes=1,
        )
        assert model is not None
        return model.units([candidate])[candidate.id]

    assert taste(1.0, 0.05) > 0.3
    assert taste(0.05, 1.0) < -0.3


def test_a_half_counted_like_is_still_a_like() -> None:
    # Another channel's 👍 gives a target of 0.5: the paper is liked, never "voted down".
    liked = paper("diffusion", 1)
    model = fit_taste([TasteExample(liked, 0.5, 0.5, Kind.VOTED), *unseen(POOL)], votes=0.5)
    assert model is not None

    reason = model.reason(paper("diffusion", 40), -0.5)

    assert reason.startswith("your team votes down papers on")
    assert "which your team voted down" not in reason


@pytest.mark.parametrize("sign", [1, -1])
def test_the_leaning_names_people_only_among_the_twenty_strongest_features_per_name(
    sign: int,
) -> None:
    # One voted paper of 20 words by Ann Both, who also wrote 8 of 12 papers that pull the
    # other way: her weight is the 21st strongest, so a leaning of one name each way skips
    # her; one of two names looks at the 40 strongest and finds her.
    def written(paper_id: str, words: str, author: str) -> Paper:
        return make_paper(
            id=paper_id,
            title="",
            abstract=words,
            ai_keywords=(),
            categories=(),
            authors=(author,),
            organization=None,
        )

    voted_on = written("2606.M1", " ".join(f"w{n}x" for n in range(20)), "Ann Both")
    others = [
        written(f"2606.U{k}", f"u{k}a u{k}b", "Ann Both" if k < 8 else f"Someone {k}")
        for k in range(12)
    ]
    kind = Kind.UNSEEN if sign > 0 else Kind.VOTED
    examples = [TasteExample(voted_on, 2 * sign, 1.0, Kind.VOTED)]
    examples += [TasteExample(other, -0.2 * sign, 0.3, kind) for other in others]
    model = fit_over(examples, PaperVectors([voted_on, *others]), votes=1)
    assert model is not None

    one, two = model.leaning(limit=1), model.leaning(limit=2)

    people_one = one.up_people if sign > 0 else one.down_people
    people_two = two.up_people if sign > 0 else two.down_people
    assert people_one == ()
    assert "ann both" in people_two
