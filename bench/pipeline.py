"""Benchmark of the paper pipeline: ingest into the store, then compose digests.

What it measures, on a fresh SQLite database in a temporary folder:

1. ingest: 100,000 synthetic papers written through `Store.upsert_papers` in batches of
   1,000, as the fetcher writes them (papers/s); then 10,000 of them fetched again with
   fresh upvotes, which takes the read-merge-update path (papers/s);
2. composition, pure: `compose_digest` for 1,000 channels of varied settings over the
   3,000 most upvoted recent papers, with momentum and team votes loaded once
   (digests/s, the figure judged);
3. composition through the store: `DigestComposer.compose` for all 1,000 channels at the
   same minute, as scheduled posts run (candidates and momentum are read once a minute;
   history and team votes for every channel), stopping after 30 s (digests/s, for
   information), and one cold digest timed step by step;
4. the process's peak resident memory.

The papers are made up with `random.Random(42)` from the words, AI keywords, author names
and organizations of the recorded Hugging Face answers in tests/fixtures, so the text
matching of topics and excluded words sees realistic vocabulary. Each figure is printed
with its target and PASS or FAIL; the script always exits 0, it is a report.

Run it by hand from the project folder (or through `make bench`):

    .venv/bin/python bench/pipeline.py
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.composer import DigestComposer, local_date  # noqa: E402
from bot.digest import compose_digest  # noqa: E402
from bot.ids import normalize_paper_id  # noqa: E402
from bot.logging import configure_logging  # noqa: E402
from bot.models import ChannelRef, ChannelSettings, Paper, Vote, VoteTally  # noqa: E402
from bot.store import Store, open_store, upgrade_database  # noqa: E402

SEED = 42
FIXTURES = (
    ROOT / "tests" / "fixtures" / "hf_daily_papers_limit30_2026-06-13.json",
    ROOT / "tests" / "fixtures" / "hf_daily_papers_limit30_2026-08-02.json",
)

PAPER_COUNT = 100_000
BATCH_SIZE = 1_000
REFETCH_COUNT = 10_000
FEATURED_DAYS = 130
ARXIV_ONLY_SHARE = 0.05
"""Papers that come from arXiv alone: no HF upvotes, never featured, with categories."""

CHANNEL_COUNT = 1_000
WORKSPACE_COUNT = 25
CANDIDATE_COUNT = 3_000
CANDIDATE_MAX_AGE_DAYS = 3
STORE_COMPOSE_CHANNELS = CHANNEL_COUNT
STORE_COMPOSE_BUDGET_S = 30.0
"""Stop the through-the-store composition early after this long, to bound the run."""
VOTE_COUNT = 600

INGEST_TARGET = 5_000.0
DIGEST_TARGET = 200.0
RSS_TARGET_MB = 300.0

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
_CATEGORIES = ("cs.CL", "cs.LG", "cs.CV", "cs.AI", "cs.RO", "stat.ML", "cs.IR", "eess.AS")
_PLATFORMS = ("slack", "discord", "console")
_TIMEZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What synthetic papers are made of, taken from the recorded HF answers.

    `words` keeps repeats, so sampling from it follows the words' real frequencies.
    """

    words: tuple[str, ...]
    topic_words: tuple[str, ...]
    keywords: tuple[str, ...]
    authors: tuple[str, ...]
    organizations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """One printed result: a rate or size, and the target it is judged by (if any)."""

    label: str
    value: float
    unit: str
    detail: str = ""
    target: float | None = None
    higher_is_better: bool = True

    @property
    def passed(self) -> bool | None:
        """True or False against the target; None when the figure is for information."""
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def line(self) -> str:
        """The figure as one aligned report line."""
        value = f"{self.value:>10,.1f} {self.unit:<9}"
        if self.target is None:
            verdict = "(information)"
        else:
            sign = ">=" if self.higher_is_better else "<="
            verdict = f"target {sign} {self.target:,.0f}  {'PASS' if self.passed else 'FAIL'}"
        return f"  {self.label:<28}{value} {verdict:<28} {self.detail}"


def load_vocabulary(paths: Sequence[Path]) -> Vocabulary:
    """Read the recorded answers with plain json and collect their words and names."""
    words: list[str] = []
    keywords: dict[str, None] = {}
    authors: dict[str, None] = {}
    organizations: dict[str, None] = {}
    for path in paths:
        for entry in json.loads(path.read_text(encoding="utf-8")):
            paper = entry.get("paper", {})
            for text in (paper.get("title") or "", paper.get("summary") or ""):
                words.extend(_WORD.findall(text))
            keywords.update(dict.fromkeys(k.strip() for k in paper.get("ai_keywords") or ()))
            for author in paper.get("authors") or ():
                name = " ".join(str(author.get("name", "")).split())
                if name:
                    authors[name] = None
            organization = entry.get("organization") or paper.get("organization")
            if isinstance(organization, dict) and organization.get("fullname"):
                organizations[organization["fullname"]] = None
    keywords.pop("", None)
    counts = Counter(word.lower() for word in words)
    # Topics a person would type: words of some length, neither ubiquitous nor one-offs.
    topic_words = tuple(
        sorted(word for word, n in counts.items() if len(word) >= 5 and 2 <= n <= 40)
    )
    return Vocabulary(
        words=tuple(words),
        topic_words=topic_words,
        keywords=tuple(keywords),
        authors=tuple(authors),
        organizations=tuple(organizations),
    )


def synthetic_id(number: int) -> str:
    """The arXiv id of the `number`th synthetic paper: 2611.NNNNN for the first 100,000,
    then 100,000 a month going back (2610.NNNNN, ..., 2512.NNNNN, ...)."""
    month_back, rest = divmod(number, 100_000)
    year, month = divmod(26 * 12 + 10 - month_back, 12)
    return f"{year:02d}{month + 1:02d}.{rest:05d}"


class PaperFactory:
    """Makes synthetic papers one at a time from a seeded random generator.

    Ids are `count` ids in a shuffled order: 2611.00000-2611.99999 for the first 100,000
    (the default count), then 100,000 a month in the months before; featured days are
    spread over the `FEATURED_DAYS` days up to `now` (about 3,000 in a 4-day window, as
    with the four default arXiv categories, at the default count), published a day or two
    before.
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        rng: random.Random,
        now: datetime,
        *,
        count: int = PAPER_COUNT,
    ) -> None:
        self._vocabulary = vocabulary
        self._rng = rng
        self._today = now.date()
        numbers = list(range(count))
        rng.shuffle(numbers)
        # Compact: 8 bytes an id, not an int object each (a million ids cost 8 MB).
        self._numbers = array("l", numbers)
        self._made = 0

    def _sentence_words(self, count: int) -> str:
        """`count` words as prose: sentences of 8-24 words, capitalized, with periods."""
        rng = self._rng
        chosen = rng.choices(self._vocabulary.words, k=count)
        parts: list[str] = []
        start = 0
        while start < count:
            end = min(count, start + rng.randint(8, 24))
            sentence = chosen[start:end]
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            parts.append(" ".join(sentence) + ".")
            start = end
        return " ".join(parts)

    def make(self) -> Paper:
        """The next paper."""
        rng = self._rng
        vocabulary = self._vocabulary
        paper_id = normalize_paper_id(synthetic_id(self._numbers[self._made]))
        self._made += 1
        title_words = rng.choices(vocabulary.words, k=rng.randint(6, 14))
        title = " ".join(title_words)
        title = title[:1].upper() + title[1:]
        abstract = self._sentence_words(rng.randint(120, 220))
        authors = tuple(rng.sample(vocabulary.authors, rng.randint(3, 8)))
        day = self._today - timedelta(days=rng.randrange(FEATURED_DAYS))
        published = datetime.combine(
            day - timedelta(days=rng.randint(1, 2)), datetime.min.time(), tzinfo=UTC
        )
        if rng.random() < ARXIV_ONLY_SHARE:
            return Paper(
                id=paper_id,
                title=title,
                abstract=abstract,
                authors=authors,
                published_at=published,
                categories=tuple(rng.sample(_CATEGORIES, rng.randint(1, 3))),
                sources=("arxiv",),
            )
        has_code = rng.random() < 0.35
        keywords = rng.sample(vocabulary.keywords, rng.randint(3, 12)) if rng.random() < 0.7 else []
        return Paper(
            id=paper_id,
            title=title,
            abstract=abstract,
            authors=authors,
            published_at=published,
            featured_on=day,
            upvotes=min(int(rng.paretovariate(1.1)) - 1, 5_000),
            comments=rng.randint(0, 6),
            ai_summary=self._sentence_words(rng.randint(18, 40)) if keywords else None,
            ai_keywords=tuple(keywords),
            github_repo=f"https://github.com/lab{rng.randrange(500)}/{paper_id}"
            if has_code
            else None,
            github_stars=min(int(rng.paretovariate(0.9)) - 1, 50_000) if has_code else None,
            project_page=f"https://lab.example/{paper_id}" if rng.random() < 0.3 else None,
            thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper_id}.png",
            organization=rng.choice(vocabulary.organizations) if rng.random() < 0.5 else None,
            sources=("hf",),
        )

    def batches(self, total: int, size: int) -> Iterator[list[Paper]]:
        """`total` new papers in lists of `size`, made as they are asked for."""
        for start in range(0, total, size):
            yield [self.make() for _ in range(min(size, total - start))]


def refetched(paper: Paper, rng: random.Random) -> Paper:
    """The paper as a later fetch brings it: more upvotes, maybe more stars and comments."""
    if paper.upvotes is None:
        return replace(paper, categories=(*paper.categories, "cs.AI"))
    return replace(
        paper,
        upvotes=paper.upvotes + int(rng.paretovariate(1.3)) - 1,
        comments=(paper.comments or 0) + rng.randint(0, 2),
        github_stars=None
        if paper.github_stars is None
        else paper.github_stars + rng.randint(0, 30),
    )


def make_channels(vocabulary: Vocabulary, rng: random.Random) -> list[ChannelSettings]:
    """Channels of varied settings: a third with topics, some with excluded words."""
    channels = []
    for index in range(CHANNEL_COUNT):
        workspace = index % WORKSPACE_COUNT
        ref = ChannelRef(
            _PLATFORMS[workspace % len(_PLATFORMS)], f"W{workspace:03d}", f"C{index:05d}"
        )
        topics: tuple[str, ...] = ()
        if index % 3 == 0:
            pool = vocabulary.keywords if rng.random() < 0.4 else vocabulary.topic_words
            topics = tuple(rng.sample(pool, rng.randint(1, 3)))
        excludes: tuple[str, ...] = ()
        if rng.random() < 0.2:
            excludes = tuple(rng.sample(vocabulary.topic_words, rng.randint(1, 2)))
        channels.append(
            ChannelSettings(
                channel=ref,
                subscribed=True,
                timezone=rng.choice(_TIMEZONES),
                size=rng.randint(3, 10),
                min_upvotes=rng.choice((0, 0, 0, 1, 2, 5, 10, 25)),
                max_age_days=rng.choice((2, 3, 3, 3)),
                topics=topics,
                excludes=excludes,
            )
        )
    return channels


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(text: str) -> None:
    """Print a progress line at once, so a slow phase shows where it is."""
    print(text, flush=True)


async def ingest(
    store: Store, batches: Iterator[list[Paper]], *, at: datetime
) -> tuple[int, float]:
    """Write every batch with `upsert_papers`; returns papers written and seconds spent.

    Only the store calls are timed, not the making of the papers.
    """
    written = 0
    spent = 0.0
    for batch in batches:
        started = time.perf_counter()
        written += await store.upsert_papers(batch, at=at)
        spent += time.perf_counter() - started
    return written, spent


async def seed_votes(
    store: Store,
    channels: Sequence[ChannelSettings],
    papers: Sequence[Paper],
    rng: random.Random,
    *,
    now: datetime,
) -> None:
    """Team votes on some of the candidates, so the tallies are not all empty."""
    emojis = ("+1", "fire", "-1")
    for number in range(VOTE_COUNT):
        settings = rng.choice(channels)
        paper = rng.choice(papers[:500])
        emoji = rng.choice(emojis)
        vote = Vote(
            channel=settings.channel,
            message_id=f"m-{paper.id}",
            user_id=f"U{rng.randrange(40):03d}",
            emoji=emoji,
            event_id=f"e{number}",
        )
        await store.add_vote(vote, paper_id=paper.id, weight=-1 if emoji == "-1" else 1, at=now)


async def compose_pure(
    store: Store,
    channels: Sequence[ChannelSettings],
    candidates: Sequence[Paper],
    *,
    now: datetime,
) -> tuple[float, int, int]:
    """Time `compose_digest` for every channel over the same candidates.

    Momentum and each workspace's tallies are read once, before the clock starts. Returns
    seconds, items chosen in all, and how many digests came out empty.
    """
    ids = [paper.id for paper in candidates]
    momentum = await store.momentum(ids, now=now)
    tallies: dict[tuple[str, str], dict[str, VoteTally]] = {}
    for settings in channels:
        key = (settings.channel.platform, settings.channel.workspace)
        if key not in tallies:
            tallies[key] = await store.vote_tallies(*key, ids)
    slot_date = now.date()
    items = empty = 0
    started = time.perf_counter()
    for settings in channels:
        ref = settings.channel
        digest = compose_digest(
            settings,
            candidates,
            now=now,
            slot_date=slot_date,
            delivered=set(),
            momentum=momentum,
            tallies=tallies[(ref.platform, ref.workspace)],
        )
        items += len(digest.items)
        empty += not digest.items
    return time.perf_counter() - started, items, empty


async def compose_through_store(
    store: Store, channels: Sequence[ChannelSettings], *, now: datetime
) -> tuple[int, float]:
    """Time `DigestComposer.compose` per channel until done or out of time budget.

    Returns digests composed and seconds spent.
    """
    composer = DigestComposer(store)
    composed = 0
    started = time.perf_counter()
    for settings in channels:
        await composer.compose(settings, now=now, slot_date=local_date(settings, now))
        composed += 1
        if time.perf_counter() - started > STORE_COMPOSE_BUDGET_S:
            break
    return composed, time.perf_counter() - started


async def store_steps(
    store: Store, settings: ChannelSettings, *, now: datetime
) -> tuple[int, dict[str, float]]:
    """The steps of `DigestComposer.compose` for one channel, each timed on its own.

    Returns the channel's candidate count and seconds per step, to show where (b) goes.
    """
    steps: dict[str, float] = {}
    started = time.perf_counter()
    candidates = await DigestComposer(store).candidates(settings, now)
    ids = [paper.id for paper in candidates]
    steps["recent_papers"] = time.perf_counter() - started
    ref = settings.channel
    started = time.perf_counter()
    delivered = await store.delivered_paper_ids(ref)
    steps["delivered_paper_ids"] = time.perf_counter() - started
    started = time.perf_counter()
    momentum = await store.momentum(ids, now=now)
    steps["momentum"] = time.perf_counter() - started
    started = time.perf_counter()
    tallies = await store.vote_tallies(ref.platform, ref.workspace, ids)
    steps["vote_tallies"] = time.perf_counter() - started
    started = time.perf_counter()
    compose_digest(
        settings,
        candidates,
        now=now,
        slot_date=local_date(settings, now),
        delivered=delivered,
        momentum=momentum,
        tallies=tallies,
    )
    steps["compose_digest"] = time.perf_counter() - started
    return len(candidates), steps


async def run(url: str, now: datetime) -> list[Figure]:
    """Every phase against the database at `url`; returns the figures to report."""
    rng = random.Random(SEED)
    vocabulary = load_vocabulary(FIXTURES)
    say(
        f"vocabulary: {len(vocabulary.words):,} words ({len(set(vocabulary.words)):,} distinct), "
        f"{len(vocabulary.keywords)} AI keywords, {len(vocabulary.authors)} authors, "
        f"{len(vocabulary.organizations)} organizations"
    )
    figures: list[Figure] = []
    store = await open_store(url)
    try:
        factory = PaperFactory(vocabulary, rng, now)
        refetch_picks = set(rng.sample(range(PAPER_COUNT), REFETCH_COUNT))
        kept: list[Paper] = []

        def fresh_batches() -> Iterator[list[Paper]]:
            """New papers by the batch, keeping the ones picked to be fetched again."""
            made = 0
            for batch in factory.batches(PAPER_COUNT, BATCH_SIZE):
                kept.extend(p for i, p in enumerate(batch, start=made) if i in refetch_picks)
                made += len(batch)
                yield batch

        first_fetch = now - timedelta(hours=25)
        say(f"ingesting {PAPER_COUNT:,} new papers in batches of {BATCH_SIZE:,} ...")
        written, seconds = await ingest(store, fresh_batches(), at=first_fetch)
        figures.append(
            Figure(
                "ingest, new papers",
                written / seconds,
                "papers/s",
                f"{written:,} in {seconds:.1f} s",
                INGEST_TARGET,
            )
        )
        rss_ingest = peak_rss_mb()

        say(f"re-ingesting {REFETCH_COUNT:,} stored papers with fresh upvotes ...")
        again = [refetched(paper, rng) for paper in kept]
        kept.clear()
        refetch = (again[i : i + BATCH_SIZE] for i in range(0, len(again), BATCH_SIZE))
        written, seconds = await ingest(store, refetch, at=now - timedelta(hours=1))
        figures.append(
            Figure(
                "ingest, merge of stored",
                written / seconds,
                "papers/s",
                f"{written:,} in {seconds:.1f} s",
                INGEST_TARGET,
            )
        )
        del again
        rss_reingest = peak_rss_mb()

        say(f"saving {CHANNEL_COUNT:,} channels and {VOTE_COUNT} team votes ...")
        channels = make_channels(vocabulary, rng)
        for settings in channels:
            await store.save_channel(settings)
        since = now - timedelta(days=CANDIDATE_MAX_AGE_DAYS + 1)
        started = time.perf_counter()
        candidates = await store.recent_papers(since, limit=CANDIDATE_COUNT)
        load_seconds = time.perf_counter() - started
        await seed_votes(store, channels, candidates, rng, now=now)

        say(f"composing {CHANNEL_COUNT:,} digests over {len(candidates):,} candidates ...")
        seconds, items, empty = await compose_pure(store, channels, candidates, now=now)
        figures.append(
            Figure(
                "compose (a), pure",
                len(channels) / seconds,
                "digests/s",
                f"{len(channels):,} in {seconds:.2f} s; {items:,} items, {empty} empty; "
                f"candidates loaded once in {load_seconds:.2f} s",
                DIGEST_TARGET,
            )
        )
        rss_pure = peak_rss_mb()

        say(f"composing up to {STORE_COMPOSE_CHANNELS} digests through DigestComposer ...")
        count, steps = await store_steps(store, channels[0], now=now)
        composed, seconds = await compose_through_store(
            store, channels[:STORE_COMPOSE_CHANNELS], now=now
        )
        figures.append(
            Figure(
                "compose (b), via the store",
                composed / seconds,
                "digests/s",
                f"{composed} in {seconds:.1f} s (budget {STORE_COMPOSE_BUDGET_S:.0f} s); "
                "candidates = the whole max-age window, no limit",
            )
        )
        breakdown = ", ".join(f"{name} {spent:.3f} s" for name, spent in steps.items())
        say(
            f"  one digest via the store, {channels[0].channel.key} "
            f"(max_age_days {channels[0].max_age_days}, {count:,} candidates): {breakdown}"
        )
        rss_store = peak_rss_mb()
    finally:
        await store.close()
    say(
        f"peak RSS after each phase: ingest {rss_ingest:.0f} MB, re-ingest {rss_reingest:.0f} MB, "
        f"compose (a) {rss_pure:.0f} MB, compose (b) {rss_store:.0f} MB"
    )
    figures.append(
        Figure("peak RSS", peak_rss_mb(), "MB", "ru_maxrss of the whole run", RSS_TARGET_MB, False)
    )
    return figures


def main() -> int:
    """Run the benchmark in a temporary folder, print the report; always returns 0."""
    configure_logging("console", "warning")
    now = datetime.now(UTC)
    say(f"papers-bot pipeline benchmark: seed {SEED}, now {now:%Y-%m-%d %H:%M} UTC")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="papers-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        figures = asyncio.run(run(url, now))
    print()
    print("results")
    for figure in figures:
        print(figure.line())
    judged = [figure for figure in figures if figure.passed is not None]
    failed = [figure.label for figure in judged if not figure.passed]
    verdict = "all targets met" if not failed else f"FAILED: {', '.join(failed)}"
    print(f"\n{len(judged) - len(failed)}/{len(judged)} targets met ({verdict}); ", end="")
    print(f"whole run {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
