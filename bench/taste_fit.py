"""How long one taste refit takes: 10,000 votes over a store of 100,000 papers.

Run by hand: `.venv/bin/python bench/taste_fit.py`. Ingests 100,000 synthetic papers (made
as bench/pipeline.py makes them) into a fresh SQLite file, records 10,000 votes of 40
people on 3,000 of the recent papers in one workspace (two thirds in the channel under
test), plans 20 days of digests for it, then times the whole refit the bot runs after
votes (`TasteLearner` reading the votes, deliveries and pool from the store and fitting
the model in a worker thread), three times, after the warm-up the bot runs at start (the
day's vocabulary, then the subscribed channels' models, fitted ahead of the first vote); the
warm-up is timed too. Target: under 2 s.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline import FIXTURES, PaperFactory, load_vocabulary

from bot.models import ChannelRef, Vote
from bot.ranking.learner import TasteLearner
from bot.store import open_store, upgrade_database

PAPERS = 100_000
VOTES = 10_000
VOTED_PAPERS = 3_000
PEOPLE = 40
DIGEST_DAYS = 20
TARGET_SECONDS = 2.0
CHANNEL = ChannelRef("slack", "T1", "C-lab")
OTHER = ChannelRef("slack", "T1", "C-reading")


async def run(folder: Path) -> list[float]:
    """Build the store, then time three refits; returns their seconds."""
    url = f"sqlite+aiosqlite:///{folder / 'taste.db'}"
    await asyncio.to_thread(upgrade_database, url)
    store = await open_store(url)
    rng = random.Random(7)
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    factory = PaperFactory(load_vocabulary(FIXTURES), rng, now)
    started = time.perf_counter()
    recent = []
    for batch in factory.batches(PAPERS, 2_000):
        await store.upsert_papers(batch, at=now - timedelta(hours=2))
        recent.extend(
            p for p in batch if p.featured_on and p.featured_on >= (now - timedelta(days=25)).date()
        )
    print(f"stored {PAPERS:,} papers in {time.perf_counter() - started:.1f} s")
    voted = rng.sample(recent, min(VOTED_PAPERS, len(recent)))
    for _ in range(VOTES):
        paper = rng.choice(voted)
        channel = CHANNEL if rng.random() < 2 / 3 else OTHER
        emoji = rng.choice(("+1", "+1", "fire", "-1"))
        vote = Vote(channel, f"m-{paper.id}", f"U{rng.randrange(PEOPLE)}", emoji)
        weight = {"+1": 1, "fire": 2, "-1": -1}[emoji]
        await store.add_vote(
            vote, paper_id=paper.id, weight=weight, at=now - timedelta(days=rng.randrange(20))
        )
    for day in range(DIGEST_DAYS):
        slot = (now - timedelta(days=day + 1)).date().isoformat()
        await store.claim_slot(CHANNEL, slot, at=now)
        picks = [paper.id for paper in rng.sample(voted, 5)]
        await store.plan_slot(CHANNEL, slot, digest_id=f"d{day}", paper_ids=picks)
    print(f"recorded {VOTES:,} votes on {len(voted):,} papers, {DIGEST_DAYS} digests planned")
    learner = TasteLearner(store, half_life_days=60, clock=lambda: now)
    started = time.perf_counter()
    await learner.warm_up([])
    print(f"warm-up at start, the day's vocabulary: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    await learner.warm_up([CHANNEL])
    print(f"warm-up at start, the channel's model: {time.perf_counter() - started:.2f} s")
    seconds = []
    for _ in range(3):
        learner.votes_changed(CHANNEL.platform, CHANNEL.workspace)
        started = time.perf_counter()
        view = await learner.view(CHANNEL, recent[:3_000], now=now, fresh=True)
        seconds.append(time.perf_counter() - started)
        assert view is not None
    await learner.close()
    await store.close()
    return seconds


def main() -> None:
    """Run and print each refit's time and the median against the target."""
    with tempfile.TemporaryDirectory() as folder:
        seconds = asyncio.run(run(Path(folder)))
    print("refits: " + ", ".join(f"{s:.2f} s" for s in seconds))
    median = statistics.median(seconds)
    print(
        f"taste refit, 10,000 votes / 100,000 papers: {median:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s)"
    )


if __name__ == "__main__":
    main()
