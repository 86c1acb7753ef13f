"""A team's taste, learned from its votes. Pure: no store, no clock, no I/O.

A paper is described by the TF-IDF of its words and by one token for each of the things
a team expresses taste with: its authors, its organization, its arXiv categories (the
vocabulary every channel shares, bot.ranking.vectors). A ridge regression (scikit-learn)
over those features learns what the team wants from:

- the papers it voted on: the target is the team's net vote (👍 +1, 🔥 +2, 👎 -1, each
  person counted between -2 and +2), so 👎 pulls similar papers down, not only that one;
- papers delivered to the channel and ignored for a day: a weak negative;
- papers from the pool nobody was shown, sampled: unlabelled, a weaker negative still
  (Scholar Inbox's recipe), which keeps the model from liking everything;

each weighted by how long ago it happened (a half-life). `TasteModel.unit` gives a paper's
taste between -1 and 1; the score (bot.ranking.score) scales it by the evidence, so cold
start is neutral and a few votes cannot overturn the world's signal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from bot.models import Paper, TeamVote
from bot.ranking.vectors import PEOPLE_PREFIXES, PaperVectors, shown

if TYPE_CHECKING:
    from sklearn.linear_model import Ridge

IGNORED_TARGET = -0.5
"""The target of a paper delivered and left without a vote for a day."""
UNSEEN_TARGET = -0.2
"""The target of a pool paper nobody was shown."""
IGNORED_WEIGHT = 0.5
UNSEEN_WEIGHT = 0.3
"""Sample weights of the weak examples, relative to a vote's 1."""
RIDGE_ALPHA = 10.0
"""Strong regularization: with a few dozen votes, a smooth model beats a sharp one."""
UNIT_SCALE_QUANTILE = 0.9
"""Taste is the prediction less that of a typical unvoted paper (the baseline), over this
quantile of the voted papers' distances from the baseline, squashed by tanh: a paper like
what the team voted for is near 1 (or -1), one it never voted near is near 0."""
SIMILAR_MIN = 0.12
"""Cosine similarity of words at which a voted paper counts as similar to another."""
OTHER_CHANNELS = 0.5
"""How much a vote in another channel of the workspace counts for this channel."""
VOTE_TARGET_CAP = 3.0
"""A paper's target is the team's net vote, capped at this many points either way."""
TITLE_CHARS = 60


class Kind:
    """What an example is (the values name them in `TasteExample.kind`)."""

    VOTED = "voted"
    IGNORED = "ignored"
    UNSEEN = "unseen"


@dataclass(frozen=True, slots=True)
class TasteExample:
    """One paper the model learns from: its target, its weight and what kind it is."""

    paper: Paper
    target: float
    weight: float
    kind: str


@dataclass(frozen=True, slots=True)
class Leaning:
    """What a model learned: the features pushing papers up and down, strongest first."""

    up_terms: tuple[str, ...]
    down_terms: tuple[str, ...]
    up_people: tuple[str, ...]
    down_people: tuple[str, ...]


class _Weights:
    """A fitted ridge's coefficients, kept only where they are not zero (the features of
    the papers it learned from), so a thousand channels' models stay small."""

    def __init__(self, ridge: Ridge) -> None:
        dense = np.asarray(ridge.coef_, dtype=np.float32)
        self.columns = np.flatnonzero(dense).astype(np.int32)
        self.values = dense[self.columns]
        self.intercept = float(ridge.intercept_)

    def predict(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """The ridge's predictions for the rows of `matrix`."""
        return np.asarray(matrix[:, self.columns] @ self.values).ravel() + self.intercept

    def of(self, column: int) -> float:
        """One feature's coefficient (0 where the model learned nothing)."""
        found = np.searchsorted(self.columns, column)
        if found < len(self.columns) and self.columns[found] == column:
            return float(self.values[found])
        return 0.0


class TasteModel:
    """A fitted taste: a value per paper, the reason in words, and what pushes papers."""

    def __init__(
        self,
        vectors: PaperVectors,
        ridge: Ridge,
        baseline: float,
        scale: float,
        liked: Sequence[Paper],
        disliked: Sequence[Paper],
        votes: float,
    ) -> None:
        self._vectors = vectors
        self._weights = _Weights(ridge)
        self._baseline = baseline
        self._scale = scale
        self._liked = list(liked)
        self._disliked = list(disliked)
        self.votes = votes
        """The evidence behind the model: votes, those of other channels counting less."""

    def units(self, papers: Sequence[Paper]) -> dict[str, float]:
        """Each paper's taste between -1 (what the team votes down) and 1 (what it likes)."""
        if not papers:
            return {}
        predicted = self._weights.predict(self._vectors.matrix(papers))
        squashed = np.tanh((predicted - self._baseline) / self._scale)
        return {paper.id: float(value) for paper, value in zip(papers, squashed, strict=True)}

    def reason(self, paper: Paper, unit: float) -> str:
        """Why the paper has this taste, in words a team can check."""
        if unit > 0:
            similar = self._similar(paper, self._liked)
            if similar:
                return _liked_words(similar)
        elif unit < 0:
            similar = self._similar(paper, self._disliked)
            if similar:
                return f"like {_quote(similar[0])}, which your team voted down"
        terms = self._terms_in(paper, up=unit >= 0)
        if not terms:
            return "your team's votes say little about it"
        direction = "your team likes" if unit >= 0 else "your team votes down"
        return f"{direction} papers on {', '.join(repr(term) for term in terms)}"

    def _similar(self, paper: Paper, voted: list[Paper]) -> list[Paper]:
        if not voted:
            return []
        words = self._vectors.words
        vector = words(self._vectors.matrix([paper]))
        similarity = (words(self._vectors.matrix(voted)) @ vector.T).toarray()[:, 0]
        order = np.argsort(-similarity)
        return [voted[i] for i in order if similarity[i] >= SIMILAR_MIN and voted[i].id != paper.id]

    def _terms_in(self, paper: Paper, *, up: bool, limit: int = 2) -> list[str]:
        features = self._vectors.matrix([paper]).tocoo()
        weight, name = self._weights.of, self._vectors.name
        scored = sorted(
            (
                (weight(column) * value, name(column))
                for column, value in zip(features.col, features.data, strict=True)
            ),
            reverse=up,
        )
        pushing = [found for value, found in scored if (value > 0 if up else value < 0)]
        return [shown(found) for found in pushing[:limit] if found]

    def leaning(self, limit: int = 5) -> Leaning:
        """The words and the people (authors, organizations) that push papers most."""
        columns, values, name = self._weights.columns, self._weights.values, self._vectors.name
        order = np.argsort(values)
        ups = [name(columns[i]) for i in order[::-1][: limit * 20] if values[i] > 0]
        downs = [name(columns[i]) for i in order[: limit * 20] if values[i] < 0]

        def pick(found: list[str], people: bool) -> tuple[str, ...]:
            chosen = [shown(n) for n in found if n and n.startswith(PEOPLE_PREFIXES) == people]
            return tuple(chosen[:limit])

        return Leaning(pick(ups, False), pick(downs, False), pick(ups, True), pick(downs, True))


def _quote(paper: Paper) -> str:
    title = " ".join(paper.title.split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    return f"'{title}'"


def _liked_words(similar: list[Paper]) -> str:
    more = len(similar) - 1
    if more == 0:
        return f"your team liked {_quote(similar[0])}"
    noun = "paper" if more == 1 else "papers"
    return f"your team liked {_quote(similar[0])} and {more} similar {noun}"


def fit_taste(
    examples: Sequence[TasteExample], vectors: PaperVectors, *, votes: float
) -> TasteModel | None:
    """Fit a team's taste over the shared `vectors`; None while no example carries a vote
    (cold start: neutral). scikit-learn is imported here, on first use, so the command
    line does not pay for it."""
    from sklearn.linear_model import Ridge

    voted = [example for example in examples if example.kind == Kind.VOTED and example.target]
    if not voted:
        return None
    features = vectors.matrix([example.paper for example in examples])
    ridge = Ridge(alpha=RIDGE_ALPHA)
    ridge.fit(
        features,
        np.array([example.target for example in examples]),
        sample_weight=np.array([example.weight for example in examples]),
    )
    predicted = ridge.predict(features)
    unlabelled = [i for i, example in enumerate(examples) if example.kind != Kind.VOTED]
    baseline = float(np.median(predicted[unlabelled])) if unlabelled else 0.0
    on_voted = [i for i, example in enumerate(examples) if example.kind == Kind.VOTED]
    spread = np.abs(predicted[on_voted] - baseline)
    scale = max(float(np.quantile(spread, UNIT_SCALE_QUANTILE)), 0.05)
    liked = [example.paper for example in voted if example.target > 0]
    disliked = [example.paper for example in voted if example.target < 0]
    return TasteModel(vectors, ridge, baseline, scale, liked, disliked, votes)


def decay(age_days: float, half_life_days: float) -> float:
    """How much an example `age_days` old still counts: halved every `half_life_days`."""
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def taste_examples(
    channel_key: str,
    votes: Sequence[TeamVote],
    delivered: Mapping[str, date],
    papers: Mapping[str, Paper],
    pool: Sequence[Paper],
    *,
    today: date,
    half_life_days: float,
) -> tuple[list[TasteExample], float]:
    """A channel's training examples and the evidence behind them.

    The channel's own votes count fully and the rest of its workspace's at OTHER_CHANNELS,
    so a new channel of a team that voted elsewhere is not cold, and its own votes soon
    lead. Papers delivered here before `today` that no one in the workspace voted on are
    ignored ones; pool papers neither voted on nor delivered are unseen ones.
    """
    targets: dict[str, float] = {}
    weights: dict[str, float] = {}
    evidence = 0.0
    for vote in votes:
        if vote.paper_id not in papers or vote.weight == 0:
            continue
        share = 1.0 if vote.channel_key == channel_key else OTHER_CHANNELS
        age = (today - vote.at.date()).days
        recency = decay(age, half_life_days)
        targets[vote.paper_id] = targets.get(vote.paper_id, 0.0) + vote.weight * share
        weights[vote.paper_id] = max(weights.get(vote.paper_id, 0.0), share * recency)
        evidence += share * recency
    examples = [
        TasteExample(
            papers[pid],
            max(-VOTE_TARGET_CAP, min(VOTE_TARGET_CAP, target)),
            weights[pid],
            Kind.VOTED,
        )
        for pid, target in sorted(targets.items())
        if target
    ]
    for paper_id, day in sorted(delivered.items()):
        if day < today and paper_id not in targets and paper_id in papers:
            recency = decay((today - day).days, half_life_days)
            examples.append(
                TasteExample(
                    papers[paper_id], IGNORED_TARGET, IGNORED_WEIGHT * recency, Kind.IGNORED
                )
            )
    known = set(targets) | set(delivered)
    examples.extend(
        TasteExample(paper, UNSEEN_TARGET, UNSEEN_WEIGHT, Kind.UNSEEN)
        for paper in pool
        if paper.id not in known
    )
    return examples, evidence


class TasteView:
    """A fitted model read for one digest: the taste of each candidate, computed at once,
    and of any other paper when asked (the `Taste` the score reads)."""

    def __init__(self, model: TasteModel, candidates: Sequence[Paper]) -> None:
        self.model = model
        self.votes = model.votes
        self._units = model.units(candidates)

    def unit(self, paper: Paper) -> float:
        """The paper's taste between -1 and 1."""
        found = self._units.get(paper.id)
        if found is None:
            found = self._units[paper.id] = self.model.units([paper])[paper.id]
        return found

    def reason(self, paper: Paper) -> str:
        """Why the paper has its taste."""
        return self.model.reason(paper, self.unit(paper))
