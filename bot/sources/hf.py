"""Hugging Face Daily Papers: the day's featured papers, trending papers, search, one paper.

The raw JSON is parsed here by hand rather than through huggingface_hub, whose PaperInfo
reads several fields from the wrong level and turns `upvotes=0` into None. Upstream data
is treated as hostile: a missing or mistyped optional field leaves that field empty, and
so does a value no database column could hold (see `bot.sources.values`); an entry
without a usable id or title is skipped and counted, and one bad entry never loses the
batch. Network failures and unreadable pages become FetchReport errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import httpx
import structlog

from bot.ids import normalize_paper_id, paper_key
from bot.models import FetchReport, Paper
from bot.sources import values
from bot.sources.breaker import Breaker
from bot.sources.http import LOOKUP_POLICY, RetryPolicy, UpstreamError, UpstreamUnreachable, fetch

log = structlog.get_logger(__name__)

SOURCE_NAME = "hf"
MAX_PAGE_SIZE = 100


class HuggingFaceSource:
    """Reads huggingface.co's papers API (`base_url` points elsewhere in tests).

    `page_size` (at most 100, the API's limit) and `max_pages` bound how much one fetch
    reads; the defaults cover any real day many times over. Fetches retry as `retry` says;
    search and one paper are look-ups someone waits for, one attempt each. `breaker` knows
    whether huggingface.co could be reached.
    """

    name = SOURCE_NAME

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        breaker: Breaker | None = None,
        page_size: int = MAX_PAGE_SIZE,
        max_pages: int = 10,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._retry = retry or RetryPolicy()
        self._breaker = breaker or Breaker(SOURCE_NAME)
        self._page_size = page_size
        self._max_pages = max_pages

    async def fetch_day(self, day: date) -> FetchReport:
        """The papers featured on `day`, every page of them (until an empty or short page)."""
        return await self._daily(
            {"date": day.isoformat()}, what=f"hf daily papers for {day.isoformat()}"
        )

    async def fetch_trending(self, limit: int) -> FetchReport:
        """Today's trending papers in HF's order, at most `limit`.

        The position among the usable entries becomes `trending_rank` (1 = top); HF returns
        no trending score, so upvotes and stars stay as they are.
        """
        if limit < 1:
            return FetchReport()
        return await self._daily({"sort": "trending"}, what="hf trending papers", want=limit)

    async def search(self, query: str, limit: int) -> FetchReport:
        """HF's search over papers (`/api/papers/search`), at most `limit` results."""
        query = values.clean_text(query)
        if not query or limit < 1:
            return FetchReport()
        what = f"hf search for {query[:40]!r}"
        try:
            response = await fetch(
                self._client,
                f"{self._base_url}/api/papers/search",
                what=what,
                params={"q": query, "limit": min(limit, MAX_PAGE_SIZE)},
                policy=LOOKUP_POLICY,
                breaker=self._breaker,
            )
            data = response.json()
        except UpstreamError as error:
            return FetchReport(
                errors=(str(error),), unreachable=isinstance(error, UpstreamUnreachable)
            )
        except ValueError:
            return FetchReport(errors=(f"{what} answered invalid JSON",))
        report = parse_daily_papers(data, what=what)
        return replace(report, papers=report.papers[:limit])

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        """One paper by arXiv id; None when HF does not know it (404).

        Raises BadPaperId for an id that is not one, UpstreamUnreachable when HF can't be
        reached, and UpstreamError when it fails or answers something that is not a paper.
        """
        arxiv_id = normalize_paper_id(paper_id)
        what = f"hf paper {arxiv_id}"
        try:
            response = await fetch(
                self._client,
                f"{self._base_url}/api/papers/{arxiv_id}",
                what=what,
                policy=LOOKUP_POLICY,
                breaker=self._breaker,
            )
        except UpstreamError as error:
            if error.status == 404:
                return None
            raise
        try:
            paper = parse_entry(response.json())
        except ValueError:
            raise UpstreamError(f"{what} answered invalid JSON") from None
        if paper is None:
            raise UpstreamError(f"{what} answered an entry without id or title")
        return paper

    async def _daily(
        self, params: Mapping[str, str], *, what: str, want: int | None = None
    ) -> FetchReport:
        """Read `/api/daily_papers` page by page; rank entries when `want` (trending) is set."""
        limit = self._page_size if want is None else min(self._page_size, want)
        papers: dict[str, Paper] = {}
        skipped = 0
        errors: list[str] = []
        unreachable = False
        for page in range(self._max_pages):
            try:
                response = await fetch(
                    self._client,
                    f"{self._base_url}/api/daily_papers",
                    what=f"{what} page {page}",
                    params={**params, "limit": limit, "p": page},
                    policy=self._retry,
                    breaker=self._breaker,
                )
                data = response.json()
            except UpstreamError as error:
                errors.append(str(error))
                unreachable = isinstance(error, UpstreamUnreachable)
                break
            except ValueError:
                errors.append(f"{what} page {page} answered invalid JSON")
                break
            report = parse_daily_papers(data, what=f"{what} page {page}")
            skipped += report.skipped
            errors.extend(report.errors)
            for paper in report.papers:
                if paper.id not in papers:
                    rank = len(papers) + 1 if want is not None else None
                    papers[paper.id] = replace(paper, trending_rank=rank)
            if not isinstance(data, list) or len(data) < limit:
                break
            if want is not None and len(papers) >= want:
                break
        else:
            log.warning("hf_page_cap_reached", what=what, pages=self._max_pages)
        kept = list(papers.values())
        return FetchReport(
            papers=tuple(kept if want is None else kept[:want]),
            skipped=skipped,
            errors=tuple(errors),
            unreachable=unreachable,
        )


def parse_daily_papers(data: object, *, what: str = "hf answer") -> FetchReport:
    """Parse a daily-papers (or search) answer already decoded from JSON.

    Entries without a usable id or title are skipped and counted; a later entry with an id
    already seen is dropped. An answer that is not a list counts as one skipped entry and
    one error naming `what`.
    """
    if not isinstance(data, list):
        return FetchReport(skipped=1, errors=(f"{what} answered something other than a list",))
    papers: dict[str, Paper] = {}
    skipped = 0
    for entry in data:
        paper = parse_entry(entry)
        if paper is None:
            skipped += 1
        else:
            papers.setdefault(paper.id, paper)
    return FetchReport(papers=tuple(papers.values()), skipped=skipped)


DAILY_PAPERS_SHAPE = 'a JSON list of entries like {"paper": {"id": "2606.13392", "title": "..."}}'
"""The shape of a daily_papers answer, in words for a hint."""


def is_daily_papers(data: object, report: FetchReport) -> bool:
    """Whether `data` (parsed into `report`) has the shape of a daily_papers answer: a list,
    empty or with at least one usable entry."""
    return isinstance(data, list) and (not data or bool(report.papers))


def parse_entry(entry: object) -> Paper | None:
    """One raw entry as a Paper, or None when it has no usable arXiv id or title.

    Takes a daily-papers entry (`{"paper": {...}, "thumbnail": ..., ...}`) or a bare paper
    object as `/api/papers/{id}` and search may answer. Within an entry the inner `paper`
    wins; the outer object fills what it lacks.
    """
    if not isinstance(entry, dict):
        return None
    inner = entry.get("paper")
    paper, outer = (inner, entry) if isinstance(inner, dict) else (entry, {})

    def pick(key: str, *, outer_first: bool = False) -> object:
        first, second = (outer, paper) if outer_first else (paper, outer)
        value = first.get(key)
        return second.get(key) if value is None else value

    paper_id = paper_key(values.text(paper.get("id")))
    title = values.text(pick("title"))
    if paper_id is None or title is None:
        return None
    featured = values.timestamp(paper.get("submittedOnDailyAt"))
    return Paper(
        id=paper_id,
        title=title,
        abstract=values.text(pick("summary")) or "",
        authors=_authors(paper.get("authors")),
        published_at=values.timestamp(pick("publishedAt")),
        featured_on=featured.date() if featured is not None else None,
        upvotes=values.count(paper.get("upvotes")),
        comments=values.count(pick("numComments", outer_first=True)),
        ai_summary=values.text(pick("ai_summary")),
        ai_keywords=_strings(pick("ai_keywords")),
        github_repo=values.text(pick("githubRepo")),
        github_stars=values.count(pick("githubStars")),
        project_page=values.text(pick("projectPage")),
        thumbnail=values.text(pick("thumbnail", outer_first=True)),
        organization=_organization(pick("organization")),
        sources=(SOURCE_NAME,),
    )


def _strings(value: object) -> tuple[str, ...]:
    """The non-empty strings of a list; anything else gives ()."""
    if not isinstance(value, list):
        return ()
    return tuple(text for text in map(values.text, value) if text is not None)


def _authors(value: object) -> tuple[str, ...]:
    """Author names from objects with `name` (hidden ones too) or from plain strings."""
    if not isinstance(value, list):
        return ()
    names = (
        values.text(item.get("name")) if isinstance(item, dict) else values.text(item)
        for item in value
    )
    return tuple(name for name in names if name is not None)


def _organization(value: object) -> str | None:
    """An organization's display name (`fullname`, else `name`), or a plain string."""
    if isinstance(value, dict):
        return values.text(value.get("fullname")) or values.text(value.get("name"))
    return values.text(value)
