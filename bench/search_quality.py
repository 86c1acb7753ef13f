"""Benchmark of search quality on real papers: do a few remembered words, or a description in
other words, put the paper meant on top?

The recorded papers (the Hugging Face and arXiv answers in tests/fixtures, read by the bot's
own parsers) are stored among `--distractors` synthetic papers made as bench/pipeline.py
makes them (from the same recorded vocabulary, so they compete for every word), and each
query of bench/data/search_queries.json runs through `Searcher.search(text, limit=5)`, as
`/papers search` and `papers-bot search --limit 5` run it. Two kinds of query per paper:

- words: 2 to 4 words from the paper's own title or abstract;
- description: 8 to 25 words describing the paper in other words, without its title, its
  coined names or acronyms (how someone who half-remembers it would ask).

The queries were written by a language model from the recorded abstracts (see
bench/data/README.md). For each kind it prints MRR@5 (the mean of 1/rank of the paper
meant, 0 when it is not in the top 5), hit@1 and hit@5, and with `--misses` every query
whose paper was not first. It always exits 0: it is a report.

    .venv/bin/python bench/search_quality.py
    .venv/bin/python bench/search_quality.py --distractors 20000 --misses
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline import FIXTURES, ROOT, PaperFactory, load_vocabulary, say

from bot.logging import configure_logging
from bot.models import Paper
from bot.search.engine import Searcher
from bot.sources.arxiv import parse_feed
from bot.sources.hf import parse_daily_papers
from bot.store import open_store, upgrade_database

QUERIES = ROOT / "bench" / "data" / "search_queries.json"
NEGATIVES = ROOT / "bench" / "data" / "search_negatives.json"
ARXIV_FIXTURES = (
    ROOT / "tests" / "fixtures" / "arxiv_api_query_cats_2026-08-02.xml",
    ROOT / "tests" / "fixtures" / "arxiv_api_query_transformer_2026-06-13.xml",
)
KINDS = ("words", "description")
LIMIT = 5
BATCH_SIZE = 1_000


@dataclass(frozen=True, slots=True)
class Judged:
    """One query's outcome: the paper meant, its rank in the top 5 (or None), the top ids."""

    kind: str
    text: str
    target: str
    rank: int | None
    top: tuple[str, ...]
    ms: float


def recorded_papers() -> dict[str, Paper]:
    """Every recorded paper, by id (Hugging Face first: it has the richer record)."""
    found: dict[str, Paper] = {}
    for path in FIXTURES:
        for paper in parse_daily_papers(json.loads(path.read_text(encoding="utf-8"))).papers:
            found.setdefault(paper.id, paper)
    for path in ARXIV_FIXTURES:
        for paper in parse_feed(path.read_bytes()).papers:
            found.setdefault(paper.id, paper)
    return found


def hard_negatives(real: dict[str, Paper]) -> list[Paper]:
    """The written neighbours of the recorded papers (bench/data/README.md) as papers of
    their own, featured on the same day as the paper each is near."""
    negatives = []
    for number, entry in enumerate(json.loads(NEGATIVES.read_text(encoding="utf-8"))):
        near = real.get(entry["near"])
        negatives.append(
            Paper(
                id=f"2605.{number:05d}",
                title=entry["title"],
                abstract=entry["abstract"],
                featured_on=near.featured_on if near else None,
                published_at=near.published_at if near else None,
                upvotes=near.upvotes if near else None,
            )
        )
    return negatives


async def build_store(folder: Path, real: Sequence[Paper], distractors: int, seed: int) -> str:
    """A fresh SQLite store holding the real papers and their written neighbours among
    `distractors` synthetic ones."""
    url = f"sqlite+aiosqlite:///{folder / 'quality.db'}"
    await asyncio.to_thread(upgrade_database, url)
    store = await open_store(url)
    now = datetime.now(UTC)
    factory = PaperFactory(load_vocabulary(FIXTURES), random.Random(seed), now, count=distractors)
    try:
        for batch in factory.batches(distractors, BATCH_SIZE):
            await store.upsert_papers(batch, at=now - timedelta(hours=2))
        await store.upsert_papers(list(real), at=now - timedelta(hours=1))
        await store.upsert_papers(hard_negatives({p.id: p for p in real}), at=now)
    finally:
        await store.close()
    return url


async def judge(url: str, queries: Sequence[dict[str, str]]) -> list[Judged]:
    """Every query of every kind through `Searcher.search`, with where its paper ranked."""
    store = await open_store(url)
    searcher = Searcher(store)
    judged: list[Judged] = []
    try:
        for entry in queries:
            for kind in KINDS:
                started = time.perf_counter()
                result = await searcher.search(entry[kind], limit=LIMIT)
                ms = (time.perf_counter() - started) * 1000
                top = tuple(found.paper.id for found in result.found)
                rank = top.index(entry["id"]) + 1 if entry["id"] in top else None
                judged.append(Judged(kind, entry[kind], entry["id"], rank, top, ms))
    finally:
        await store.close()
    return judged


def report(judged: Sequence[Judged], *, misses: bool) -> None:
    """MRR@5, hit@1 and hit@5 by kind (and the misses, when asked)."""
    for kind in KINDS:
        runs = [j for j in judged if j.kind == kind]
        mrr = sum(1 / j.rank for j in runs if j.rank) / len(runs)
        first = sum(j.rank == 1 for j in runs) / len(runs)
        five = sum(j.rank is not None for j in runs) / len(runs)
        slowest = max(j.ms for j in runs)
        say(
            f"  {kind:<12} {len(runs):>4} queries  MRR@5 {mrr:.3f}  hit@1 {first:.3f}  "
            f"hit@5 {five:.3f}  slowest {slowest:,.0f} ms"
        )
    if misses:
        for j in judged:
            if j.rank != 1:
                say(f"  miss {j.kind:<12} rank {j.rank}  {j.target}  {j.text!r}  top {j.top[:3]}")


async def run(args: argparse.Namespace) -> None:
    """Build the corpus, run the queries, print the figures."""
    real = recorded_papers()
    queries = [q for q in json.loads(QUERIES.read_text(encoding="utf-8")) if q["id"] in real]
    say(
        f"papers-bot search quality: {len(queries)} recorded papers with queries among "
        f"{args.distractors:,} synthetic ones and {len(hard_negatives(real))} written neighbours "
        f"({len(real)} recorded papers stored in all)"
    )
    with tempfile.TemporaryDirectory(prefix="papers-quality-") as folder:
        started = time.perf_counter()
        url = await build_store(Path(folder), list(real.values()), args.distractors, args.seed)
        say(f"  corpus built in {time.perf_counter() - started:,.1f} s")
        report(await judge(url, queries), misses=args.misses)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--misses", action="store_true", help="print every query not first")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; always 0 (it is a report)."""
    configure_logging("console", "warning")
    asyncio.run(run(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
