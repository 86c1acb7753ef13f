"""The fetch use case: pull recent papers from every source into the store.

Every run re-reads the last days of the Hugging Face feed, so upvotes and stars of recent
papers are refreshed and a snapshot kept (momentum is ranked from them). An upstream that
can't be reached is given up on for the rest of the refresh after the first day that could
not connect (its breaker has said so in the log, once); one that keeps failing otherwise is
said once too. Any other failure of one fetch (a source or the store raising) is that
fetch's error: one log line, one entry in the summary's errors, and the refresh goes on
with the next day or source. After a refresh the store prunes what it no longer needs.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog

from bot.clock import Clock, utc_now
from bot.metrics import Metrics
from bot.models import FetchReport, Paper
from bot.ports import PaperSource
from bot.sources import HuggingFaceSource, UpstreamError, UpstreamUnreachable
from bot.sources.values import clean_text
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
    unreachable: list[str] = field(default_factory=list)
    """The sources that could not be reached (not in the JSON: each has its error)."""

    def add(self, other: RefreshSummary) -> None:
        """Fold another summary into this one."""
        self.fetched += other.fetched
        self.stored += other.stored
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        self.unreachable.extend(n for n in other.unreachable if n not in self.unreachable)

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
        self._failing = False

    @property
    def source_names(self) -> list[str]:
        """The names of the configured sources, e.g. ["hf", "arxiv"]."""
        return list(self._sources)

    async def refresh(
        self,
        days: Sequence[date] | None = None,
        *,
        sources: Sequence[str] | None = None,
        on_day: Callable[[], None] = lambda: None,
    ) -> RefreshSummary:
        """Fetch `days` from `sources` (default: all) and store them; `on_day` is called
        after each day of each source, asked or given up on.

        By default Hugging Face is read for the last week, which refreshes upvotes and stars,
        and arXiv for the last three days, since it announces papers a day or more late.
        A source that can't be reached is not asked for the days after the first that failed
        to connect; its one error says how many days were left.
        """
        today = self._clock().date()
        summary = RefreshSummary()
        asked = list(sources or self.source_names)
        for name in asked:
            source = self._sources[name]
            wanted = days or recent_days(today, REFRESH_DAYS.get(name, 1))
            for index, day in enumerate(wanted):
                fetched = await self._timed(source.name, self._fetch_day(source, day))
                left = len(wanted) - index - 1
                if fetched.unreachable and left:
                    fetched.errors[-1] += f"; the {left} later days were not asked"
                summary.add(fetched)
                on_day()
                if fetched.unreachable:
                    for _ in range(left):
                        on_day()
                    break
            else:
                if days is None and isinstance(source, HuggingFaceSource):
                    summary.add(await self._timed(source.name, self._fetch_trending(source)))
        self._note_failures(summary, asked)
        await self._prune()
        return summary

    async def store_report(self, source: str, report: FetchReport) -> RefreshSummary:
        """Store an already parsed report (e.g. a saved response imported from a file)."""
        return await self._store_papers(source, report, what=f"{source} import")

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
        what = f"{source.name} trending"
        try:
            report = await source.fetch_trending(TRENDING_LIMIT)
        except UpstreamError as error:
            return await self._failed(source.name, [f"{what}: {error}"], cause=error)
        except Exception as error:
            return await self._crashed(source.name, what, "fetching", error)
        return await self._store_papers(source.name, report, what=what)

    async def _fetch_day(self, source: PaperSource, day: date) -> RefreshSummary:
        what = f"{source.name} {day.isoformat()}"
        try:
            report = await source.fetch_day(day)
        except UpstreamError as error:
            return await self._failed(source.name, [f"{what}: {error}"], cause=error)
        except Exception as error:
            return await self._crashed(source.name, what, "fetching", error)
        return await self._store_papers(source.name, report, what=what)

    async def _failed(
        self,
        source: str,
        errors: list[str],
        *,
        fetched: int = 0,
        skipped: int = 0,
        cause: Exception | None = None,
    ) -> RefreshSummary:
        await self._record_fetch(
            source, ok=False, fetched=fetched, stored=0, skipped=skipped, error="; ".join(errors)
        )
        for error in errors:
            log.debug("fetch_failed", source=source, error=error)
        unreachable = [source] if isinstance(cause, UpstreamUnreachable) else []
        return RefreshSummary(
            fetched=fetched, skipped=skipped, errors=errors, unreachable=unreachable
        )

    async def _crashed(
        self,
        source: str,
        what: str,
        step: str,
        error: Exception,
        *,
        report: FetchReport | None = None,
    ) -> RefreshSummary:
        """A fetch that failed unexpectedly: one warning line, recorded as its error.

        `report` is what was fetched before storing it failed; none of it is stored.
        """
        message = f"{what}: {step} failed: {describe(error)}"
        log.warning("fetch_crashed", source=source, error=message, where=_where(error))
        if report is None:
            return await self._failed(source, [message])
        return await self._failed(
            source,
            [*report.errors, message],
            fetched=len(report.papers),
            skipped=report.skipped,
        )

    async def _store_papers(self, source: str, report: FetchReport, *, what: str) -> RefreshSummary:
        now = self._clock()
        try:
            stored = await self._store.upsert_papers(report.papers, at=now) if report.papers else 0
        except Exception as error:
            return await self._crashed(source, what, "storing", error, report=report)
        if stored:
            self._on_stored()
        # papers the database refused (see Store.upsert_papers) count as skipped entries
        skipped = report.skipped + len({paper.id for paper in report.papers}) - stored
        await self._record_fetch(
            source,
            ok=not report.errors,
            fetched=len(report.papers),
            stored=stored,
            skipped=skipped,
            error="; ".join(report.errors) or None,
        )
        if skipped:
            log.info("fetch_entries_skipped", source=source, skipped=skipped)
        for error in report.errors:
            log.debug("fetch_failed", source=source, error=error)
        return RefreshSummary(
            fetched=len(report.papers),
            stored=stored,
            skipped=skipped,
            errors=list(report.errors),
            unreachable=[source] if report.unreachable else [],
        )

    async def _record_fetch(
        self, source: str, *, ok: bool, fetched: int, stored: int, skipped: int, error: str | None
    ) -> None:
        """Remember the run for health checks; a store that can't is logged, not raised."""
        try:
            await self._store.record_fetch(
                source,
                at=self._clock(),
                ok=ok,
                fetched=fetched,
                stored=stored,
                skipped=skipped,
                error=error,
            )
        except Exception as failure:
            log.warning("fetch_run_not_recorded", source=source, error=describe(failure))

    async def _prune(self) -> None:
        """Keep the store's history tables short; a failure is logged, never raised."""
        try:
            await self._store.prune(self._clock())
        except Exception as error:
            log.warning("store_prune_failed", error=describe(error), where=_where(error))

    def _note_failures(self, summary: RefreshSummary, asked: Sequence[str]) -> None:
        """One line per refresh at most: every fetch failing (said once), working again, or
        what failed. Nothing when no source asked could be reached: each one's breaker has
        said so, once."""
        if set(asked) <= set(summary.unreachable):
            return
        failing = bool(summary.errors) and summary.fetched == 0
        if failing and not self._failing:
            log.warning("fetch_failing", error=summary.errors[0])
        elif not failing and self._failing:
            log.info("fetch_working_again")
        elif summary.errors and not failing:
            log.warning("fetch_incomplete", errors=len(summary.errors), first=summary.errors[0])
        self._failing = failing


def describe(error: BaseException) -> str:
    """An unexpected error as one short printable line: its type and first message line.

    Database errors carry their SQL and parameters in the message; only the driver's first
    line is kept, cleaned of what no terminal or database could take (NUL, lone surrogates).
    """
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return clean_text(f"{type(cause).__name__}: {lines[0] if lines else ''}")[:200]


def _where(error: BaseException) -> str:
    """`file:line` of the innermost frame an error was raised in, for the operator."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
