"""Benchmark of paper search: latency, memory and quality of `Searcher.search` on SQLite FTS5,
against a linear scan with rank_bm25.

What it does, in a temporary folder:

1. corpus: `--papers` synthetic papers (made as bench/pipeline.py makes them, from the
   recorded abstracts' vocabulary) written through `Store.upsert_papers` in batches of
   1,000 into a fresh SQLite file, whose triggers fill the FTS5 index as they go; it
   reports the time of the store calls (ingest and index build together), the file's size
   and, when SQLite has `dbstat`, the FTS5 index's share of it. When `--baseline-papers`
   is smaller, the first that many papers also go into a second, small store, so the
   indexed search can be compared with the baseline at the same size;
2. queries: `--queries` queries made (seeded) from papers of the corpus, each from one
   "target" paper: 1 to 4 of its words (4 letters or more, from its title or abstract),
   a quoted phrase of 2 or 3 consecutive words of its abstract, words whose last one is
   cut to 4-6 letters (a prefix), words with one of 6 letters or more misspelt (two
   neighbouring letters swapped, or one left out, anywhere in the word), author:"..." of
   the paper (with a word of its title half the time), and words with filters the paper
   passes (has:code, since:, min-upvotes:);
3. latency: every `Searcher.search(text, limit=5)` timed on its own, after the meaning
   model is loaded (the bot loads it at start) and 10 warm-up queries; p50/p95/p99 by
   kind and overall, the slowest queries, and the peak resident memory of the searching
   process (ru_maxrss). The searches run in a child process of their own, as in the bot's
   process: in the process that made a million papers they ran about a tenth slower;
4. quality: for the word, phrase, prefix and misspelling queries, MRR@5 and hit@1 of the
   target paper. The synthetic papers are bags of words from a small vocabulary (about
   3,300 distinct words), so a few words often match hundreds of papers as well as they
   match the target, which caps the MRR; the queries are therefore also split by how many
   papers hold all their words (the query as the target's own words, before any prefix
   cut or misspelling);
5. baseline: the same word, phrase, prefix and misspelling queries through rank_bm25's
   `BM25Okapi` over the title and abstract of the first `--baseline-papers` papers
   (folded into words as the index folds them; the query's words as `parse_query` reads
   them), a linear scan per query, in a child process; its p50/p95 against the indexed
   search over the same papers (the main store when the sizes are equal, else the small
   store).

The small vocabulary also makes every word common: at 1,000,000 papers the index holds
about 3,600 distinct words, and a topic word such as "diffusion" is in 14% of the papers
("memory" 51%, "model" 78%), where real abstracts give it a few percent at most. Since
FTS5 scores every paper that matches before it keeps the best, the latencies here are a
pessimistic bound for word queries on real papers.

`--keep` leaves the databases in place (and says where); `--reuse FOLDER` then searches
them again without rebuilding (same --papers, --seed and --baseline-papers; the papers
are made again, unstored, to find the targets), for profiling a change to the search.

rank_bm25 is not a dependency of the project: install it into the venv for the run
(`.venv/bin/python -m pip install rank_bm25`), or skip the baseline with
`--baseline-papers 0`. The script prints what it measured and always exits 0.

Run it by hand from the project folder:

    .venv/bin/python bench/search_bench.py                      # 100,000 papers
    .venv/bin/python bench/search_bench.py --papers 1000000     # the issue's target run
    .venv/bin/python bench/search_bench.py --papers 20000 --baseline-papers 20000 --queries 300
    .venv/bin/python bench/search_bench.py --papers 1000000 --keep --folder /tmp
    .venv/bin/python bench/search_bench.py --papers 1000000 --reuse /tmp/papers-search-XXXX
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import math
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pipeline import FIXTURES, PaperFactory, Vocabulary, load_vocabulary, peak_rss_mb, say

from bot.folding import folded_words
from bot.logging import configure_logging
from bot.models import Paper
from bot.search import meaning
from bot.search.engine import Searcher
from bot.search.query import parse_query
from bot.store import Store, open_store, upgrade_database
from bot.store.fulltext import exact_forms, fts5_match

T = TypeVar("T")

BATCH_SIZE = 1_000
LIMIT = 5
WARM_UP = 10
SLOWEST_SHOWN = 10
PROGRESS_EVERY = 250
MATCH_COUNT_CAP = 1_000
"""Counting a query's matching papers stops here (the count is a diagnostic)."""
FTS_TABLES = ("papers_fts_data", "papers_fts_idx", "papers_fts_docsize", "papers_fts_config")

MIX = (
    ("words", 0.30),
    ("phrase", 0.15),
    ("prefix", 0.15),
    ("misspelt", 0.15),
    ("author", 0.10),
    ("filters", 0.15),
)
"""Each kind of query and its share of the queries."""
RANKED_KINDS = ("words", "phrase", "prefix", "misspelt")
"""The kinds judged by where their target paper ranks, and run through the baseline."""

P95_TARGET_MS = 20.0
P99_TARGET_MS = 50.0
RSS_TARGET_MB = 300.0
SPEED_UP_TARGET = 100.0


@dataclass(frozen=True, slots=True)
class Query:
    """One query made from a target paper.

    `clean` is the query in the target's own words (before a prefix cut or misspelling),
    used to count how many papers match it as well; `variant` tells misspellings in the
    first two letters ("early") from the others ("late").
    """

    kind: str
    text: str
    target: str
    target_number: int
    clean: str
    variant: str = ""


@dataclass(slots=True)
class Outcome:
    """What one timed search gave: milliseconds, the target's rank (1-5, or None) and
    whether the query was corrected."""

    query: Query
    ms: float
    rank: int | None
    corrected: bool
    matches: int | None = None


@dataclass(slots=True)
class Corpus:
    """The stores built and what building them cost."""

    main_path: Path
    small_path: Path | None
    targets: dict[int, Paper]
    papers: int
    baseline_papers: int
    ingest_seconds: float
    small_ingest_seconds: float
    making_seconds: float
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BaselineRun:
    """What the rank_bm25 child measured: per query milliseconds and top-5 ids."""

    build_seconds: float
    ms: tuple[float, ...]
    top: tuple[tuple[str, ...], ...]
    peak_rss_mb: float
    documents: int


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of `values` (`share` in 0-1); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as uptime shows them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _content_words(text: str) -> list[str]:
    """The distinct words of `text` a person would type: letters only, 4 or more of them."""
    return list(dict.fromkeys(w for w in folded_words(text) if len(w) >= 4 and w.isalpha()))


def _misspelt(word: str, rng: random.Random) -> tuple[str, str]:
    """`word` with two neighbouring letters swapped or one left out, anywhere in it; and
    "early" when the change touches its first two letters, else "late"."""
    for _ in range(10):
        if rng.random() < 0.5:
            at = rng.randrange(len(word) - 1)
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            early = at < 2
        else:
            at = rng.randrange(len(word))
            typo = word[:at] + word[at + 1 :]
            early = at < 2
        if typo != word:
            return typo, "early" if early else "late"
    return word[:-1], "late"


def make_query(kind: str, number: int, paper: Paper, rng: random.Random) -> Query:
    """One query of `kind` made from `paper` (the `number`th of the corpus)."""
    title = _content_words(paper.title)
    abstract = _content_words(paper.abstract)
    source = title if title and rng.random() < 0.5 else abstract

    def query(text: str, clean: str | None = None, variant: str = "") -> Query:
        return Query(kind, text, paper.id, number, clean or text, variant)

    if kind == "phrase":
        words = folded_words(paper.abstract)
        length = rng.randint(2, 3)
        for _ in range(20):
            start = rng.randrange(len(words) - length)
            phrase = words[start : start + length]
            if any(len(word) >= 4 for word in phrase):
                break
        return query('"' + " ".join(phrase) + '"')
    if kind == "prefix":
        long = [word for word in source if len(word) >= 7] or [w for w in abstract if len(w) >= 7]
        word = rng.choice(long)
        rest = [w for w in source if w != word]
        others = rng.sample(rest, min(len(rest), rng.randint(0, 2)))
        cut = word[: rng.randint(4, min(6, len(word) - 1))]
        return query(" ".join([*others, cut]), " ".join([*others, word]))
    if kind == "misspelt":
        long = [word for word in source if len(word) >= 6] or [w for w in abstract if len(w) >= 6]
        word = rng.choice(long)
        rest = [w for w in source if w != word]
        words = [word, *rng.sample(rest, min(len(rest), rng.randint(0, 2)))]
        rng.shuffle(words)
        typo, variant = _misspelt(word, rng)
        text = " ".join(typo if w == word else w for w in words)
        return query(text, " ".join(words), variant)
    if kind == "author":
        text = f'author:"{rng.choice(paper.authors)}"'
        if title and rng.random() < 0.5:
            text = f"{rng.choice(title)} {text}"
        return query(text)
    words = rng.sample(source, min(len(source), rng.randint(1, 4 if kind == "words" else 2)))
    if kind == "words":
        return query(" ".join(words))
    filters = []
    if paper.github_repo:
        filters.append("has:code")
    if paper.upvotes:
        filters.append(f"min-upvotes:{rng.randint(1, paper.upvotes)}")
    day = paper.featured_on or (paper.published_at.date() if paper.published_at else None)
    if day is not None:
        filters.append(f"since:{day - timedelta(days=rng.randrange(15)):%Y-%m-%d}")
    chosen = rng.sample(filters, min(len(filters), 2 if rng.random() < 0.25 else 1))
    return query(" ".join([*words, *chosen]))


def make_queries(targets: dict[int, Paper], kinds: Sequence[str], seed: int) -> list[Query]:
    """One query of each kind in `kinds` from the target paper at the same position."""
    rng = random.Random(seed)
    return [
        make_query(kind, number, targets[number], rng)
        for kind, number in zip(kinds, sorted(targets), strict=True)
    ]


def plan_kinds(count: int, rng: random.Random) -> list[str]:
    """`count` query kinds in the shares of `MIX`, in a seeded random order."""
    kinds: list[str] = []
    for kind, share in MIX:
        kinds.extend([kind] * round(count * share))
    while len(kinds) < count:
        kinds.append(MIX[0][0])
    kinds = kinds[:count]
    rng.shuffle(kinds)
    return kinds


async def build_corpus(
    folder: Path,
    papers: int,
    baseline_papers: int,
    wanted: set[int],
    seed: int,
    now: datetime,
    *,
    reuse: bool = False,
) -> Corpus:
    """Make `papers` papers and write them into a fresh store (and the first
    `baseline_papers` into a small one when that is fewer); keep the `wanted` ones.

    With `reuse`, the stores in `folder` were built by an earlier run with the same papers,
    seed and baseline (see --keep): the papers are only made again, to find the targets.
    """
    vocabulary: Vocabulary = load_vocabulary(FIXTURES)
    say(
        f"vocabulary: {len(vocabulary.words):,} words ({len(set(vocabulary.words)):,} distinct, "
        f"{len({w.lower() for w in vocabulary.words}):,} ignoring case), "
        f"{len(vocabulary.authors)} authors, {len(vocabulary.organizations)} organizations"
    )
    main_path = folder / "search.db"
    small_path = folder / "baseline.db" if 0 < baseline_papers < papers else None
    paths = [path for path in (main_path, small_path) if path is not None]
    if reuse:
        check_reused(main_path, papers)
        if small_path is not None:
            check_reused(small_path, baseline_papers)
    else:
        for path in paths:
            await asyncio.to_thread(upgrade_database, sqlite_url(path))
    main = None if reuse else await open_store(sqlite_url(main_path))
    small = None if reuse or small_path is None else await open_store(sqlite_url(small_path))
    factory = PaperFactory(vocabulary, random.Random(seed), now, count=papers)
    at = now - timedelta(hours=2)
    targets: dict[int, Paper] = {}
    made = 0
    main_seconds = small_seconds = 0.0
    started = time.perf_counter()
    step = max(BATCH_SIZE, (papers // 10) // BATCH_SIZE * BATCH_SIZE)
    try:
        for batch in factory.batches(papers, BATCH_SIZE):
            targets.update((made + i, p) for i, p in enumerate(batch) if made + i in wanted)
            if main is not None:
                clock = time.perf_counter()
                await main.upsert_papers(batch, at=at)
                main_seconds += time.perf_counter() - clock
            if small is not None and made < baseline_papers:
                clock = time.perf_counter()
                await small.upsert_papers(batch[: baseline_papers - made], at=at)
                small_seconds += time.perf_counter() - clock
            made += len(batch)
            if main is not None and (made % step == 0 or made == papers):
                say(
                    f"  {made:>10,} papers stored, {made / main_seconds:,.0f} papers/s "
                    f"into the store; {time.perf_counter() - started:,.0f} s in all; "
                    f"peak RSS {peak_rss_mb():.0f} MB; load {load_average()}"
                )
    finally:
        for store in (main, small):
            if store is not None:
                await store.close()
    making = time.perf_counter() - started - main_seconds - small_seconds
    corpus = Corpus(
        main_path,
        small_path,
        targets,
        papers,
        min(baseline_papers, papers),
        math.nan if reuse else main_seconds,
        math.nan if reuse else small_seconds,
        making,
    )
    corpus.sizes = await asyncio.to_thread(measure_sizes, main_path)
    if small_path is not None:
        small_sizes = await asyncio.to_thread(measure_sizes, small_path, fts=False)
        corpus.sizes["small file"] = small_sizes["file"]
    return corpus


def check_reused(path: Path, papers: int) -> None:
    """Refuse a kept store that is missing or holds another number of papers."""
    if not path.exists():
        raise SystemExit(f"--reuse: {path} is not there; build it first with --keep")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        stored = connection.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        connection.close()
    if stored != papers:
        raise SystemExit(f"--reuse: {path} holds {stored:,} papers, not {papers:,}")


def sqlite_url(path: Path) -> str:
    """The store URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def measure_sizes(path: Path, *, fts: bool = True) -> dict[str, int]:
    """The file's size in bytes after a checkpoint, and (with `fts`, when SQLite has
    dbstat) the bytes of each of the FTS5 index's tables."""
    sizes: dict[str, int] = {}
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes["file"] = path.stat().st_size
        if fts:
            try:
                for name in FTS_TABLES:
                    # Page by page: dbstat's aggregate mode wraps past 2 GiB (SQLite 3.40).
                    row = connection.execute(
                        "SELECT sum(pgsize) FROM dbstat WHERE name = ?", (name,)
                    ).fetchone()
                    sizes[name] = int(row[0] or 0)
            except sqlite3.OperationalError as error:
                say(f"  no FTS index size: dbstat is not available ({error})")
    finally:
        connection.close()
    return sizes


async def time_searches(store: Store, queries: Sequence[Query], now: datetime) -> list[Outcome]:
    """Run each query through `Searcher.search` (limit 5), timing each call on its own,
    after the meaning model is loaded (as the bot loads it at start) and `WARM_UP` untimed
    queries."""
    await asyncio.to_thread(meaning.SHARED.warm_up)
    searcher = Searcher(store, clock=lambda: now)
    for query in queries[:WARM_UP]:
        await searcher.search(query.text, limit=LIMIT)
    outcomes = []
    for query in queries:
        started = time.perf_counter()
        result = await searcher.search(query.text, limit=LIMIT)
        ms = (time.perf_counter() - started) * 1_000
        ids = [found.paper.id for found in result.found]
        rank = ids.index(query.target) + 1 if query.target in ids else None
        outcomes.append(Outcome(query, ms, rank, result.corrected is not None))
        if len(outcomes) % PROGRESS_EVERY == 0 and len(outcomes) < len(queries):
            spent = sum(outcome.ms for outcome in outcomes) / 1_000
            say(f"  {len(outcomes):>6,} queries, {spent:,.0f} s searching; load {load_average()}")
    return outcomes


def searches_in_child(
    path: str, queries: Sequence[Query], now: datetime
) -> tuple[list[Outcome], float]:
    """`time_searches` over the store at `path`, and the peak RSS of the process. Runs in a
    child process."""
    configure_logging("console", "warning")

    async def searched() -> list[Outcome]:
        store = await open_store(sqlite_url(Path(path)))
        try:
            return await time_searches(store, queries, now)
        finally:
            await store.close()

    outcomes = asyncio.run(searched())
    return outcomes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_searches(
    path: Path, queries: Sequence[Query], now: datetime
) -> tuple[list[Outcome], float]:
    """`searches_in_child` in a fresh child process: the searches run as in the bot's
    process, not in the one that made a million papers (whose heap slowed them by about a
    tenth), and the peak RSS is the searching process's own."""
    return in_child(searches_in_child, str(path), list(queries), now)


def in_child(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a fresh (spawned) child process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def count_matches(path: Path, outcomes: Iterable[Outcome]) -> None:
    """Set each ranked outcome's `matches`: how many papers hold all the words of its clean
    query (the index's own matching, up to `MATCH_COUNT_CAP`)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for outcome in outcomes:
            if outcome.query.kind not in RANKED_KINDS:
                continue
            clean = parse_query(outcome.query.clean)
            match = fts5_match(clean, exact_forms(clean))
            if match is None:
                continue
            row = connection.execute(
                "SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)",
                (match, MATCH_COUNT_CAP + 1),
            ).fetchone()
            outcome.matches = int(row[0])
    finally:
        connection.close()


def bm25_baseline(path: str, documents: int, queries: Sequence[str]) -> BaselineRun:
    """rank_bm25's BM25Okapi over title and abstract of the first `documents` papers of the
    SQLite file at `path`, then each query scored against every paper (a linear scan) and
    its top 5 taken, each timed on its own. Runs in a child process."""
    try:
        import numpy as np
        from rank_bm25 import BM25Okapi
    except ImportError as error:
        raise RuntimeError(
            f"the baseline needs rank_bm25 ({error}): install it with "
            "`.venv/bin/python -m pip install rank_bm25`, or pass --baseline-papers 0"
        ) from None
    fold = folded_words  # abstracts are longer than the cached texts (bot.folding)
    started = time.perf_counter()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT id, title, abstract FROM papers ORDER BY rowid LIMIT ?", (documents,)
        ).fetchall()
    finally:
        connection.close()
    ids = [row[0] for row in rows]
    bm25 = BM25Okapi([list(fold(f"{row[1]} {row[2]}")) for row in rows])
    del rows
    build = time.perf_counter() - started
    timings: list[float] = []
    tops: list[tuple[str, ...]] = []
    for text in queries[:WARM_UP]:
        bm25.get_scores(list(parse_query(text).words))
    for text in queries:
        started = time.perf_counter()
        scores = bm25.get_scores(list(parse_query(text).words))
        best = np.argpartition(-scores, LIMIT)[:LIMIT]
        best = best[np.argsort(-scores[best], kind="stable")]
        timings.append((time.perf_counter() - started) * 1_000)
        tops.append(tuple(ids[i] for i in best if scores[i] > 0))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BaselineRun(build, tuple(timings), tuple(tops), rss, len(ids))


def run_baseline(path: Path, documents: int, queries: Sequence[str]) -> BaselineRun:
    """`bm25_baseline` in a fresh child process, so its memory is not this process's."""
    return in_child(bm25_baseline, str(path), documents, list(queries))


def latency_rows(groups: dict[str, list[float]]) -> list[str]:
    """The latency table: one line per group of milliseconds."""
    lines = [f"  {'kind':<22}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}"]
    for name, values in groups.items():
        lines.append(
            f"  {name:<22}{len(values):>6}{percentile(values, 0.5):>9.2f}"
            f"{percentile(values, 0.95):>9.2f}{percentile(values, 0.99):>9.2f}"
            f"{max(values, default=math.nan):>9.2f}"
        )
    return lines


def reciprocal_ranks(ranks: Iterable[int | None]) -> tuple[int, float, float, float]:
    """How many ranks, their MRR@5, hit@1 and hit@5."""
    ranks = list(ranks)
    if not ranks:
        return 0, math.nan, math.nan, math.nan
    mrr = sum(1 / rank for rank in ranks if rank) / len(ranks)
    hit1 = sum(rank == 1 for rank in ranks) / len(ranks)
    hit5 = sum(rank is not None for rank in ranks) / len(ranks)
    return len(ranks), mrr, hit1, hit5


def quality_rows(outcomes: Sequence[Outcome]) -> list[str]:
    """The quality table: MRR@5, hit@1 and hit@5 of the target paper by kind, and by how
    many papers match the clean query as well as the target does."""
    ranked = [o for o in outcomes if o.query.kind in RANKED_KINDS]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in ranked:
        groups[outcome.query.kind].append(outcome)
        if outcome.query.variant:
            groups[f"  typo {outcome.query.variant}"].append(outcome)
    few = [o for o in ranked if o.matches is not None and o.matches <= LIMIT]
    many = [o for o in ranked if o.matches is not None and o.matches > LIMIT]
    lines = [f"  {'queries':<34}{'n':>6}{'MRR@5':>8}{'hit@1':>8}{'hit@5':>8}"]
    for name, group in [
        *sorted(groups.items(), key=lambda item: _kind_order(item[0])),
        ("all ranked kinds", ranked),
        (f"clean query matches <= {LIMIT} papers", few),
        (f"clean query matches > {LIMIT} papers", many),
    ]:
        count, mrr, hit1, hit5 = reciprocal_ranks(o.rank for o in group)
        lines.append(f"  {name:<34}{count:>6}{mrr:>8.3f}{hit1:>8.3f}{hit5:>8.3f}")
    if ranked and any(o.matches is not None for o in ranked):
        counts = sorted(o.matches for o in ranked if o.matches is not None)
        lines.append(
            f"  papers matching a clean query: median {percentile(counts, 0.5):,.0f}, "
            f"p90 {percentile(counts, 0.9):,.0f} (counted up to {MATCH_COUNT_CAP:,})"
        )
    corrected = [o for o in outcomes if o.query.kind == "misspelt"]
    if corrected:
        share = sum(o.corrected for o in corrected) / len(corrected)
        lines.append(f"  misspelt queries answered with a correction: {share:.0%}")
    return lines


def _kind_order(name: str) -> int:
    """Where a quality row goes: the kinds in RANKED_KINDS order, typo rows after theirs."""
    kind = "misspelt" if name.strip().startswith("typo") else name
    return RANKED_KINDS.index(kind) * 2 + name.startswith(" ")


def megabytes(size: int) -> str:
    """Bytes as MB with one decimal."""
    return f"{size / 1e6:,.1f} MB"


@dataclass(slots=True)
class Measured:
    """Everything a run measured, for the report."""

    corpus: Corpus
    outcomes: list[Outcome]
    rss_ingest: float
    rss_search: float
    load_search: str
    baseline: BaselineRun | None = None
    indexed_small: list[Outcome] = field(default_factory=list)

    @property
    def ranked(self) -> list[Outcome]:
        """The outcomes of the kinds judged by their target's rank (and run by the baseline)."""
        return [o for o in self.outcomes if o.query.kind in RANKED_KINDS]


async def measure(args: argparse.Namespace, folder: Path) -> Measured:
    """Build the corpus, time the searches and, if asked, the baseline."""
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    papers = args.papers
    baseline_papers = min(args.baseline_papers, papers)
    if baseline_papers and importlib.util.find_spec("rank_bm25") is None:
        say(
            "rank_bm25 is not installed, so the baseline is skipped: install it with "
            "`.venv/bin/python -m pip install rank_bm25`, or pass --baseline-papers 0"
        )
        baseline_papers = 0
    plan = random.Random(args.seed + 1)
    wanted = set(plan.sample(range(papers), min(args.queries, papers)))
    kinds = plan_kinds(len(wanted), plan)

    if args.reuse is None:
        say(f"building {papers:,} papers in batches of {BATCH_SIZE:,} ...")
    else:
        say(f"reusing the stores in {folder}; making the {papers:,} papers again ...")
    corpus = await build_corpus(
        folder, papers, baseline_papers, wanted, args.seed, now, reuse=args.reuse is not None
    )
    rss_ingest = peak_rss_mb()
    queries = make_queries(corpus.targets, kinds, args.seed + 2)
    corpus.targets.clear()

    say(f"searching: {len(queries):,} queries (after {WARM_UP} warm-up), in a child process ...")
    outcomes, rss_search = await asyncio.to_thread(run_searches, corpus.main_path, queries, now)
    measured = Measured(corpus, outcomes, rss_ingest, rss_search, load_average())
    await asyncio.to_thread(count_matches, corpus.main_path, outcomes)
    if not baseline_papers:
        return measured

    ranked = measured.ranked
    if corpus.small_path is not None:
        say(f"searching the {baseline_papers:,}-paper store with the ranked queries ...")
        measured.indexed_small, _ = await asyncio.to_thread(
            run_searches, corpus.small_path, [o.query for o in ranked], now
        )
    else:
        measured.indexed_small = ranked
    say(f"baseline: rank_bm25 over {baseline_papers:,} papers, {len(ranked):,} queries ...")
    started = time.perf_counter()
    measured.baseline = await asyncio.to_thread(
        run_baseline,
        corpus.small_path or corpus.main_path,
        baseline_papers,
        [o.query.text for o in ranked],
    )
    say(f"  baseline done in {time.perf_counter() - started:.0f} s")
    return measured


def print_corpus(corpus: Corpus) -> None:
    """What the corpus cost to build, and its sizes."""
    print(f"corpus: {corpus.papers:,} papers")
    if math.isnan(corpus.ingest_seconds):
        print("  ingest not measured: the stores of an earlier run were reused (--reuse)")
    else:
        print(
            f"  ingest + FTS5 index build (store calls): {corpus.ingest_seconds:,.1f} s, "
            f"{corpus.papers / corpus.ingest_seconds:,.0f} papers/s; "
            f"making the papers {corpus.making_seconds:,.1f} s more"
        )
    line = f"  database file: {megabytes(corpus.sizes['file'])}"
    fts = {name: corpus.sizes[name] for name in FTS_TABLES if name in corpus.sizes}
    if fts:
        parts = ", ".join(
            f"{name.removeprefix('papers_fts_')} {megabytes(n)}" for name, n in fts.items()
        )
        line += f"; FTS5 index {megabytes(sum(fts.values()))} ({parts})"
    else:
        line += "; FTS5 index size not measured (no dbstat)"
    print(line)
    if corpus.small_path is not None:
        ingest = ""
        if not math.isnan(corpus.small_ingest_seconds):
            ingest = f"ingest {corpus.small_ingest_seconds:.1f} s, "
        print(
            f"  baseline store: {corpus.baseline_papers:,} papers, {ingest}"
            f"file {megabytes(corpus.sizes['small file'])}"
        )


def print_latency(outcomes: Sequence[Outcome]) -> None:
    """The latency table by kind, and the slowest queries."""
    print(f"search latency, ms ({len(outcomes):,} queries, limit {LIMIT}, after {WARM_UP} warm-up)")
    by_kind: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    for outcome in outcomes:
        by_kind[outcome.query.kind].append(outcome.ms)
    corrected = [o.ms for o in outcomes if o.corrected]
    groups = {**by_kind, "(answered corrected)": corrected, "all": [o.ms for o in outcomes]}
    for line in latency_rows(groups):
        print(line)
    print()
    print(f"slowest {SLOWEST_SHOWN} queries")
    for outcome in sorted(outcomes, key=lambda o: -o.ms)[:SLOWEST_SHOWN]:
        notes = "" if outcome.matches is None else f", clean query matches {outcome.matches:,}"
        notes += ", corrected" if outcome.corrected else ""
        print(f"  {outcome.ms:>8.1f} ms  {outcome.query.kind:<9} {outcome.query.text!r}{notes}")


def print_baseline(measured: Measured) -> str:
    """The baseline's table; returns the speed-up for the last line."""
    baseline = measured.baseline
    if baseline is None:
        return "baseline skipped"
    ranked = measured.ranked
    print(
        f"baseline at {baseline.documents:,} papers: the {len(ranked):,} word, phrase, "
        "prefix and misspelling queries"
    )
    print(
        f"  rank_bm25 index built in {baseline.build_seconds:.1f} s in a child process "
        f"(its peak RSS {baseline.peak_rss_mb:,.0f} MB)"
    )
    indexed_ms = [o.ms for o in measured.indexed_small]
    where = "small store" if measured.corpus.small_path is not None else "main store"
    rows = {"rank_bm25, linear scan": list(baseline.ms), f"indexed ({where})": indexed_ms}
    for line in latency_rows(rows):
        print(line)
    inside = [
        i for i, o in enumerate(ranked) if o.query.target_number < measured.corpus.baseline_papers
    ]
    bm25_ranks = [
        baseline.top[i].index(ranked[i].query.target) + 1
        if ranked[i].query.target in baseline.top[i]
        else None
        for i in inside
    ]
    small_ranks = [measured.indexed_small[i].rank for i in inside]
    print(f"  quality on the {len(inside):,} queries whose target is among these papers:")
    print(f"  {'engine':<34}{'n':>6}{'MRR@5':>8}{'hit@1':>8}{'hit@5':>8}")
    for name, ranks in (("rank_bm25", bm25_ranks), ("indexed", small_ranks)):
        count, mrr, hit1, hit5 = reciprocal_ranks(ranks)
        print(f"  {name:<34}{count:>6}{mrr:>8.3f}{hit1:>8.3f}{hit5:>8.3f}")
    p50 = percentile(baseline.ms, 0.5) / percentile(indexed_ms, 0.5)
    p95 = percentile(baseline.ms, 0.95) / percentile(indexed_ms, 0.95)
    print(f"  indexed search against the linear scan: {faster(p50)} at p50, {faster(p95)} at p95")
    return f"vs rank_bm25 at {baseline.documents:,}: {faster(p50)} (p50; {faster(p95)} at p95)"


def faster(ratio: float) -> str:
    """A ratio of the baseline's time to the indexed search's, in words."""
    if ratio >= 1:
        return f"{ratio:,.1f}x faster"
    return f"{1 / ratio:,.1f}x slower"


def report(measured: Measured) -> None:
    """Print every table, then the one line the run is judged by."""
    print()
    print_corpus(measured.corpus)
    print()
    print_latency(measured.outcomes)
    print()
    print("quality: rank of the target paper in the top 5")
    for line in quality_rows(measured.outcomes):
        print(line)
    print()
    speed_up = print_baseline(measured)
    all_ms = [o.ms for o in measured.outcomes]
    _, mrr, _, _ = reciprocal_ranks(o.rank for o in measured.ranked)
    print()
    print(
        f"peak RSS: {measured.rss_ingest:,.0f} MB in the process that made (and stored) the "
        f"papers, {measured.rss_search:,.0f} MB in the process that searched (each search "
        "and the baseline ran in a child of their own)"
    )
    print(f"load average during the searches: {measured.load_search}; now {load_average()}")
    print(
        f"targets: p95 <= {P95_TARGET_MS:.0f} ms, p99 <= {P99_TARGET_MS:.0f} ms, "
        f"peak RSS <= {RSS_TARGET_MB:.0f} MB, >= {SPEED_UP_TARGET:.0f}x faster than rank_bm25"
    )
    print(
        f"search at {measured.corpus.papers:,} papers: p95 {percentile(all_ms, 0.95):.1f} ms, "
        f"p99 {percentile(all_ms, 0.99):.1f} ms, peak RSS {measured.rss_search:,.0f} MB, "
        f"MRR@5 {mrr:.3f}; {speed_up}"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the corpus")
    parser.add_argument("--queries", type=int, default=1_000, help="queries to time")
    parser.add_argument("--seed", type=int, default=42, help="seed of the corpus and queries")
    parser.add_argument(
        "--baseline-papers",
        type=int,
        default=100_000,
        help="papers for the rank_bm25 baseline (0 skips it)",
    )
    parser.add_argument(
        "--folder", type=Path, default=None, help="where to put the temporary databases"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (for profiling) and say where"
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="search the stores kept by an earlier --keep run of the same --papers, --seed "
        "and --baseline-papers instead of building them (ingest is then not measured)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark in a temporary folder and print the report; always returns 0."""
    args = parse_args(argv)
    configure_logging("console", "warning")
    say(
        f"papers-bot search benchmark: {args.papers:,} papers, {args.queries:,} queries, "
        f"seed {args.seed}, baseline {args.baseline_papers:,} papers; "
        f"{os.cpu_count()} CPUs, load {load_average()}"
    )
    started = time.perf_counter()
    if args.reuse is not None:
        report(asyncio.run(measure(args, args.reuse)))
    elif args.keep:
        folder = Path(tempfile.mkdtemp(prefix="papers-search-", dir=args.folder))
        report(asyncio.run(measure(args, folder)))
        print(f"databases kept in {folder}")
    else:
        with tempfile.TemporaryDirectory(prefix="papers-search-", dir=args.folder) as name:
            report(asyncio.run(measure(args, Path(name))))
    print(f"whole run {time.perf_counter() - started:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
