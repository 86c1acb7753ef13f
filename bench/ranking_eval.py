"""Does voting teach the ranking? A simulation of teams voting on their daily digests.

Run by hand: `.venv/bin/python bench/ranking_eval.py [--corpus FILE ...] [--days 20]
[--teams 50] [--seed S] [--per-day 30]`.

The corpus is Hugging Face daily-papers answers (default: the recordings in
tests/fixtures). A recording holds a few dozen papers, too few for weeks of digests, so
each paper is also the seed of `--variants` look-alikes (its sentences shuffled and
thinned, a sentence and a title word of another paper mixed in, some of its authors
kept, upvotes drawn afresh from the corpus): related papers, as a lab's follow-ups are.
The papers are then spread over the days, `--per-day` a day.

Each team has hidden interests: two papers of the corpus; a paper is relevant to the
team when its seed is among the fifth of seeds most like those two (TF-IDF cosine), so
about one paper in five is. Each day every team gets a digest of five papers from the
last three days' papers it has not been shown, chosen by one of three rankers, and its
three members vote with noise (a relevant paper gets 👍 with probability 0.7 from each,
sometimes 🔥; an irrelevant one 👎 with probability 0.2, or 👍 by mistake with 0.05):

  (a) upvotes: Hugging Face upvotes only;
  (b) svm: arxiv-sanity-lite's recipe, a linear SVM on TF-IDF with the team's liked papers
      as positives and every other paper seen so far as negatives (upvotes before any
      like);
  (c) papers-bot: bot.ranking's score with the team's taste model (bot.ranking.taste),
      built exactly as the bot builds it from votes, deliveries and unseen papers.

Each ranker's teams vote only on what that ranker showed them. Printed: mean precision@5
per day for each ranker, then `day10 p@5 ratio vs upvotes-only: X.XX, vs svm: Y.YY`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.models import ChannelRef, ChannelSettings, Paper, TeamVote
from bot.ranking import rank
from bot.ranking.taste import TasteView, fit_taste, taste_examples
from bot.ranking.vectors import PaperVectors, paper_text
from bot.sources import parse_daily_papers

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
START = date(2026, 3, 2)
DIGEST = 5
WINDOW_DAYS = 3
MEMBERS = 3
P_LIKE, P_FIRE, P_DISLIKE, P_MISTAKE = 0.7, 0.3, 0.2, 0.05
RELEVANT_SHARE = 0.2
POOL_SAMPLE = 400
HALF_LIFE_DAYS = 60.0
CHANNEL = ChannelRef("console", "sim", "papers")
SETTINGS = ChannelSettings(CHANNEL, max_age_days=WINDOW_DAYS, size=DIGEST)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def load_corpus(files: Sequence[Path]) -> list[Paper]:
    """Every paper of the given daily-papers answers, once each."""
    papers: dict[str, Paper] = {}
    for path in files:
        report = parse_daily_papers(json.loads(path.read_text(encoding="utf-8")), what=str(path))
        for paper in report.papers:
            papers.setdefault(paper.id, paper)
    return list(papers.values())


def variant(base: Paper, other: Paper, number: int, rng: random.Random, upvotes: int) -> Paper:
    """A look-alike of `base`: its sentences shuffled and thinned, one of `other` mixed in."""
    sentences = _SENTENCES.split(base.abstract) or [base.abstract]
    kept = rng.sample(sentences, max(1, round(len(sentences) * 0.7)))
    kept.insert(rng.randrange(len(kept) + 1), rng.choice(_SENTENCES.split(other.abstract)))
    words = base.title.split()
    if len(words) > 3:
        words[rng.randrange(len(words))] = rng.choice(other.title.split())
    authors = [a for a in base.authors if rng.random() < 0.6] or list(base.authors[:1])
    return replace(
        base,
        id=f"{base.id}v{number}",
        title=" ".join(words),
        abstract=" ".join(kept),
        authors=tuple(authors),
        upvotes=upvotes,
        ai_keywords=tuple(k for k in base.ai_keywords if rng.random() < 0.7),
    )


@dataclass
class World:
    """The papers of every day, and which seed each paper came from."""

    days: list[list[Paper]]
    seed_of: dict[str, str]
    seeds: list[Paper]


def build_world(corpus: list[Paper], days: int, per_day: int, variants: int, seed: int) -> World:
    """Spread the corpus and its variants over `days`, `per_day` papers a day."""
    rng = random.Random(seed)
    upvote_pool = [paper.upvotes or 0 for paper in corpus]
    papers: list[Paper] = []
    seed_of: dict[str, str] = {}
    for base in corpus:
        for number in range(variants + 1):
            if number == 0:
                made = replace(base, upvotes=rng.choice(upvote_pool))
            else:
                made = variant(base, rng.choice(corpus), number, rng, rng.choice(upvote_pool))
            papers.append(made)
            seed_of[made.id] = base.id
    rng.shuffle(papers)
    spread = []
    for day in range(days):
        featured = START + timedelta(days=day)
        chunk = papers[day * per_day : (day + 1) * per_day]
        spread.append([replace(paper, featured_on=featured) for paper in chunk])
    return World(spread, seed_of, corpus)


def relevant_seeds(world: World, rng: random.Random) -> set[str]:
    """A team's hidden interests: the fifth of seeds most like two seeds drawn at random."""
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [paper_text(paper) for paper in world.seeds]
    )
    chosen = rng.sample(range(len(world.seeds)), 2)
    similarity = (vectors @ vectors[chosen].T).toarray().max(axis=1)
    cutoff = np.quantile(similarity, 1 - RELEVANT_SHARE)
    return {
        paper.id for paper, value in zip(world.seeds, similarity, strict=True) if value >= cutoff
    }


@dataclass
class Team:
    """One simulated team under one ranker: what it was shown and how it voted."""

    relevant: set[str]
    rng: random.Random
    shown: dict[str, date] = field(default_factory=dict)
    votes: list[TeamVote] = field(default_factory=list)

    def vote(self, digest: list[Paper], seed_of: dict[str, str], day: date) -> float:
        """Every member reacts to each paper; returns the digest's precision."""
        at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
        hits = 0
        for paper in digest:
            self.shown[paper.id] = day
            relevant = seed_of[paper.id] in self.relevant
            hits += relevant
            for member in range(MEMBERS):
                weight = self._reaction(relevant)
                if weight:
                    self.votes.append(TeamVote(CHANNEL.key, f"U{member}", paper.id, weight, at))
        return hits / DIGEST

    def _reaction(self, relevant: bool) -> int:
        roll = self.rng.random()
        if relevant:
            if roll < P_LIKE:
                return 2 if self.rng.random() < P_FIRE else 1
            return 0
        if roll < P_DISLIKE:
            return -1
        return 1 if roll < P_DISLIKE + P_MISTAKE else 0

    def liked(self) -> set[str]:
        """Papers with a net positive vote."""
        net: dict[str, int] = {}
        for vote in self.votes:
            net[vote.paper_id] = net.get(vote.paper_id, 0) + vote.weight
        return {paper_id for paper_id, weight in net.items() if weight > 0}


Ranker = Callable[[Team, list[Paper], list[Paper], date], list[Paper]]


def by_upvotes(_team: Team, candidates: list[Paper], _seen: list[Paper], _day: date) -> list[Paper]:
    """(a) Hugging Face upvotes only."""
    return sorted(candidates, key=lambda paper: (-(paper.upvotes or 0), paper.id))[:DIGEST]


def by_svm(team: Team, candidates: list[Paper], seen: list[Paper], day: date) -> list[Paper]:
    """(b) arxiv-sanity-lite: a linear SVM on TF-IDF, liked papers against all others."""
    liked = team.liked()
    if not liked:
        return by_upvotes(team, candidates, seen, day)
    pool = [paper for paper in seen if paper.id in team.shown] + candidates
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2))
    vectors = vectorizer.fit_transform([paper_text(paper) for paper in pool])
    labels = np.array([paper.id in liked for paper in pool], dtype=int)
    if labels.min() == labels.max():
        return by_upvotes(team, candidates, seen, day)
    svm = LinearSVC(class_weight="balanced", C=0.1, max_iter=10_000).fit(vectors, labels)
    scores = svm.decision_function(vectors[-len(candidates) :])
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i].id))
    return [candidates[i] for i in order[:DIGEST]]


_VOCABULARIES: dict[date, PaperVectors] = {}


def vocabulary(day: date, papers: list[Paper]) -> PaperVectors:
    """The day's shared vocabulary over the papers seen so far, as the bot fits one a day."""
    if day not in _VOCABULARIES:
        _VOCABULARIES.clear()
        _VOCABULARIES[day] = PaperVectors(papers)
    return _VOCABULARIES[day]


def by_papers_bot(team: Team, candidates: list[Paper], seen: list[Paper], day: date) -> list[Paper]:
    """(c) papers-bot: the bot's score with the team's taste, built as the bot builds it."""
    now = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
    taste = None
    if team.votes:
        papers = {paper.id: paper for paper in seen + candidates}
        unseen = [paper for paper in seen if paper.id not in team.shown]
        pool = random.Random(day.toordinal()).sample(unseen, min(POOL_SAMPLE, len(unseen)))
        examples, evidence = taste_examples(
            CHANNEL.key,
            team.votes,
            team.shown,
            papers,
            pool,
            today=day,
            half_life_days=HALF_LIFE_DAYS,
        )
        model = fit_taste(examples, vocabulary(day, seen), votes=evidence)
        taste = None if model is None else TasteView(model, candidates)
    ranked = rank(candidates, SETTINGS, now=now, momentum={}, tallies={}, limit=DIGEST, taste=taste)
    return [paper for paper, _ in ranked]


RANKERS: dict[str, Ranker] = {"upvotes": by_upvotes, "svm": by_svm, "papers-bot": by_papers_bot}


def simulate(world: World, teams: int, seed: int) -> dict[str, list[float]]:
    """Mean precision@5 per day for each ranker, over `teams` teams."""
    rng = random.Random(seed)
    interests = [relevant_seeds(world, rng) for _ in range(teams)]
    results: dict[str, list[float]] = {}
    for name, ranker in RANKERS.items():
        squads = [
            Team(relevant, random.Random(seed * 1000 + n)) for n, relevant in enumerate(interests)
        ]
        per_day = []
        for day_index, _papers in enumerate(world.days):
            day = START + timedelta(days=day_index)
            recent = [
                p
                for d in world.days[max(0, day_index - WINDOW_DAYS + 1) : day_index + 1]
                for p in d
            ]
            seen = [p for d in world.days[: day_index + 1] for p in d]
            precisions = []
            for team in squads:
                candidates = [paper for paper in recent if paper.id not in team.shown]
                digest = ranker(team, candidates, seen, day)
                precisions.append(team.vote(digest, world.seed_of, day))
            per_day.append(statistics.fmean(precisions))
        results[name] = per_day
    return results


def main() -> None:
    """Parse the options, run the simulation, print the table and the day-10 ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", nargs="*", type=Path, default=sorted(FIXTURES.glob("hf_daily_papers_*.json"))
    )
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument(
        "--variants",
        type=int,
        default=None,
        help="look-alikes per paper (default: enough for every day)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = load_corpus(args.corpus)
    variants = args.variants
    if variants is None:
        variants = max(0, -(-args.days * args.per_day // len(corpus)) - 1)
    world = build_world(corpus, args.days, args.per_day, variants, args.seed)
    print(
        f"corpus: {len(corpus)} papers from {len(args.corpus)} files, {variants} variants each; "
        f"{args.days} days of {args.per_day} papers; {args.teams} teams; seed {args.seed}"
    )
    results = simulate(world, args.teams, args.seed)
    print(f"{'day':>4} " + " ".join(f"{name:>11}" for name in RANKERS))
    for day in range(args.days):
        print(f"{day + 1:>4} " + " ".join(f"{results[name][day]:>11.3f}" for name in RANKERS))
    day10 = min(10, args.days) - 1
    ours = results["papers-bot"][day10]
    vs_upvotes = ours / max(results["upvotes"][day10], 1e-9)
    vs_svm = ours / max(results["svm"][day10], 1e-9)
    print(f"took {time.perf_counter() - started:.1f} s")
    print(f"day10 p@5 ratio vs upvotes-only: {vs_upvotes:.2f}, vs svm: {vs_svm:.2f}")


if __name__ == "__main__":
    main()
