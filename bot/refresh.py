"""The fetch use case: pull recent papers from every source into the store.

Every run re-reads the last days of the Hugging Face feed, so upvotes and stars of recent
papers are refreshed and a snapshot kept (momentum is ranked from them). A failing upstream
costs one log line; the bot keeps serving what is stored, and says once that it is offline.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog

from bot.clock import Clock, utc_now
from bot.metrics import Metrics
from bot.models import FetchReport, Paper
from bot.ports import PaperSource
from bot.sources import HuggingFaceSource, UpstreamError
from bot.store import Store

log = structlog.get_logger(__name__)

REFRESH_DAYS = {"hf": 7, "arxiv": 3}
TRENDING_LIMIT = 100


@dataclass
class RefreshSummary:
    """What a refresh did, in the shape `papers-bot fetch --json` prints."""

    fetched: int = 0
    stored: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: RefreshSummary) -> None:
        """Fold another summary into this one."""
        self.fetched += other.fetched
        self.stored += other.stored
        self.skipped += other.skipped
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, object]:
        """The summary as plain JSON-ready data."""
        return {
            "fetched": self.fetched,
            "stored": self.stored,
            "skipped": self.skipped,
            "errors": list(self.errors),
        }


def recent_days(today: date, count: int) -> list[date]:
    """`count` days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


class Refresher:
    """Fetches papers from the configured sources and stores them."""

    def __init__(
        self,
        store: Store,
        sources: Sequence[PaperSource],
        *,
        metrics: Metrics,
        on_stored: Callable[[], None] = lambda: None,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._on_stored = on_stored
        self._sources = {source.name: source for source in sources}
        self._metrics = metrics
        self._clock = clock
        self._offline = False

    @property
    def source_names(self) -> list[str]:
        """The names of the configured sources, e.g. ["hf", "arxiv"]."""
        return list(self._sources)

    async def refresh(
        self, days: Sequence[date] | None = None, *, sources: Sequence[str] | None = None
    ) -> RefreshSummary:
        """Fetch `days` from `sources` (default: all) and store them.

        By default Hugging Face is read for the last week, which refreshes upvotes and stars,
        and arXiv for the last three days, since it announces papers a day or more late.
        """
        today = self._clock().date()
        summary = RefreshSummary()
        for name in sources or self.source_names:
            source = self._sources[name]
            wanted = days or recent_days(today, REFRESH_DAYS.get(name, 1))
            for day in wanted:
                summary.add(await self._timed(source.name, self._fetch_day(source, day)))
            if days is None and isinstance(source, HuggingFaceSource):
                summary.add(await self._timed(source.name, self._fetch_trending(source)))
        self._note_connectivity(summary)
        return summary

    async def store_report(self, source: str, report: FetchReport) -> RefreshSummary:
        """Store an already parsed report (e.g. a saved response imported from a file)."""
        return await self._store_papers(source, report)

    async def remember(self, papers: Sequence[Paper]) -> None:
        """Store papers met on the way (search results, a paper looked up on demand)."""
        if papers:
            await self._store.upsert_papers(papers, at=self._clock())
            self._on_stored()

    async def _timed(self, source: str, fetching: Awaitable[RefreshSummary]) -> RefreshSummary:
        started = time.perf_counter()
        summary = await fetching
        self._metrics.fetch_seconds.labels(source).observe(time.perf_counter() - started)
        self._metrics.fetches.labels(source, "error" if summary.errors else "ok").inc()
        self._metrics.papers_stored.inc(summary.stored)
        if summary.errors:
            self._metrics.fetch_errors.labels(source).inc(len(summary.errors))
        return summary

    async def _fetch_trending(self, source: HuggingFaceSource) -> RefreshSummary:
        try:
            report = await source.fetch_trending(TRENDING_LIMIT)
        except UpstreamError as error:
            return await self._failed(source.name, f"{source.name} trending: {error}")
        return await self._store_papers(source.name, report)

    async def _fetch_day(self, source: PaperSource, day: date) -> RefreshSummary:
        try:
            report = await source.fetch_day(day)
        except UpstreamError as error:
            return await self._failed(source.name, f"{source.name} {day.isoformat()}: {error}")
        return await self._store_papers(source.name, report)

    async def _failed(self, source: str, message: str) -> RefreshSummary:
        await self._store.record_fetch(
            source, at=self._clock(), ok=False, fetched=0, stored=0, skipped=0, error=message
        )
        log.debug("fetch_failed", source=source, error=message)
        return RefreshSummary(errors=[message])

    async def _store_papers(self, source: str, report: FetchReport) -> RefreshSummary:
        now = self._clock()
        stored = await self._store.upsert_papers(report.papers, at=now) if report.papers else 0
        if stored:
            self._on_stored()
        ok = not report.errors
        await self._store.record_fetch(
            source,
            at=now,
            ok=ok,
            fetched=len(report.papers),
            stored=stored,
            skipped=report.skipped,
            error="; ".join(report.errors) or None,
        )
        if report.skipped:
            log.info("fetch_entries_skipped", source=source, skipped=report.skipped)
        for error in report.errors:
            log.debug("fetch_failed", source=source, error=error)
        return RefreshSummary(
            fetched=len(report.papers),
            stored=stored,
            skipped=report.skipped,
            errors=list(report.errors),
        )

    def _note_connectivity(self, summary: RefreshSummary) -> None:
        """One line per refresh at most: offline (said once), back online, or what failed."""
        failed = bool(summary.errors) and summary.fetched == 0
        if failed and not self._offline:
            log.warning(
                "upstream_unreachable",
                detail="serving the papers already stored",
                error=summary.errors[0],
            )
        elif not failed and self._offline:
            log.info("upstream_reachable_again")
        elif summary.errors and not failed:
            log.warning("fetch_incomplete", errors=len(summary.errors), first=summary.errors[0])
        self._offline = failed
