"""arXiv's query API: the newest submissions in the configured categories, search, one paper.

The API answers Atom, parsed here with ElementTree; a feed that declares a DOCTYPE or an
ENTITY is refused before parsing, so no entity expansion can happen. arXiv asks for at most
one request every three seconds over one connection: every request of a source, retries
included, goes through one Pacer.

`fetch_day(day)` keeps the entries whose `<published>` timestamp (first version's
submission) falls on `day` in UTC. It reads the newest submissions page by page and stops
at the first page that reaches back before `day` (or after `max_pages`), so a recent day
costs a few requests and an older one costs the pages of the days since. arXiv announces
papers a day or so after submission, so asking for today usually gives nothing yet: a
refresh should ask for the last two or three days.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import httpx
import structlog

from bot.ids import normalize_paper_id, paper_key
from bot.models import FetchReport, Paper
from bot.sources import values
from bot.sources.breaker import Breaker
from bot.sources.http import (
    LOOKUP_POLICY,
    Pacer,
    RetryPolicy,
    UpstreamError,
    UpstreamUnreachable,
    fetch,
)

log = structlog.get_logger(__name__)

SOURCE_NAME = "arxiv"
MAX_PAGE_SIZE = 2000
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_SEARCH_WORD = re.compile(r"[\w.-]+")


class ArxivFeedError(ValueError):
    """An answer that is not a readable Atom feed (or declares a DOCTYPE / ENTITY)."""


@dataclass(frozen=True, slots=True)
class ArxivFeed:
    """One parsed API answer: the papers, how many `<entry>` elements it held, how many of
    those were unusable, and the API's own error message if it answered one.
    """

    papers: tuple[Paper, ...]
    entries: int
    skipped: int
    error: str | None = None


class ArxivSource:
    """Reads export.arxiv.org's API (`base_url` points elsewhere in tests).

    `categories` must not be empty (with none configured the app builds no arXiv source).
    `page_size` and `max_pages` bound one `fetch_day`. Fetches retry as `retry` says; search
    and one paper are look-ups someone waits for, one attempt each. `breaker` knows whether
    arXiv could be reached.
    """

    name = SOURCE_NAME

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        categories: Sequence[str],
        min_interval_seconds: float,
        *,
        retry: RetryPolicy | None = None,
        breaker: Breaker | None = None,
        page_size: int = 200,
        max_pages: int = 20,
    ) -> None:
        if not categories:
            raise ValueError("ArxivSource needs at least one category")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        self._client = client
        self._url = f"{base_url.rstrip('/')}/api/query"
        self._categories = " OR ".join(f"cat:{category}" for category in categories)
        self._pacer = Pacer(min_interval_seconds)
        self._retry = retry or RetryPolicy()
        self._breaker = breaker or Breaker(SOURCE_NAME)
        self._page_size = page_size
        self._max_pages = max_pages

    async def fetch_day(self, day: date) -> FetchReport:
        """The configured categories' submissions published on `day` (UTC)."""
        what = f"arxiv newest submissions for {day.isoformat()}"
        kept: dict[str, Paper] = {}
        skipped = 0
        errors: list[str] = []
        unreachable = False
        for page in range(self._max_pages):
            params = {
                "search_query": self._categories,
                "sortBy": "submittedDate",
                "sortOrder": "descending",
                "start": page * self._page_size,
                "max_results": self._page_size,
            }
            try:
                feed = await self._query(params, what=f"{what} page {page}", policy=self._retry)
            except UpstreamError as error:
                errors.append(str(error))
                unreachable = isinstance(error, UpstreamUnreachable)
                break
            if feed.error is not None:
                errors.append(f"{what} page {page} failed: arXiv said {feed.error!r}")
                break
            skipped += feed.skipped
            days = [_utc_day(paper) for paper in feed.papers]
            for paper, published in zip(feed.papers, days, strict=True):
                if published == day:
                    kept.setdefault(paper.id, paper)
            known = [published for published in days if published is not None]
            if feed.entries < self._page_size or (known and min(known) < day):
                break
        else:
            log.warning("arxiv_page_cap_reached", what=what, pages=self._max_pages)
        return FetchReport(
            papers=tuple(kept.values()),
            skipped=skipped,
            errors=tuple(errors),
            unreachable=unreachable,
        )

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        """One paper by arXiv id (latest version); None when arXiv does not know it.

        Raises BadPaperId for an id that is not one, UpstreamUnreachable when arXiv can't be
        reached, UpstreamError when it fails.
        """
        arxiv_id = normalize_paper_id(paper_id)
        feed = await self._query(
            {"id_list": arxiv_id, "max_results": 1},
            what=f"arxiv paper {arxiv_id}",
            policy=LOOKUP_POLICY,
        )
        if feed.error is not None:
            log.info("arxiv_paper_refused", paper_id=arxiv_id, error=feed.error)
        return next((paper for paper in feed.papers if paper.id == arxiv_id), None)

    async def search(self, query: str, limit: int) -> FetchReport:
        """Papers in the configured categories with every word of `query`, by relevance."""
        words = _SEARCH_WORD.findall(query)
        if not words or limit < 1:
            return FetchReport()
        terms = " AND ".join(f"all:{word}" for word in words)
        what = f"arxiv search for {' '.join(words)[:40]!r}"
        try:
            feed = await self._query(
                {
                    "search_query": f"({terms}) AND ({self._categories})",
                    "sortBy": "relevance",
                    "max_results": min(limit, MAX_PAGE_SIZE),
                },
                what=what,
                policy=LOOKUP_POLICY,
            )
        except UpstreamError as error:
            return FetchReport(
                errors=(str(error),), unreachable=isinstance(error, UpstreamUnreachable)
            )
        errors = () if feed.error is None else (f"{what} failed: arXiv said {feed.error!r}",)
        return FetchReport(papers=feed.papers[:limit], skipped=feed.skipped, errors=errors)

    async def _query(
        self, params: Mapping[str, str | int], *, what: str, policy: RetryPolicy
    ) -> ArxivFeed:
        """One paced API call retried as `policy` says, parsed; UpstreamError for failures
        and unreadable XML."""
        response = await fetch(
            self._client,
            self._url,
            what=what,
            params=params,
            policy=policy,
            pacer=self._pacer,
            breaker=self._breaker,
        )
        try:
            return parse_feed(response.content)
        except ArxivFeedError as error:
            raise UpstreamError(f"{what} answered an unreadable feed: {error}") from None


def parse_feed(data: bytes) -> ArxivFeed:
    """Parse an API answer; raises ArxivFeedError for anything but a well-formed Atom feed."""
    if _DECLARATION.search(data):
        raise ArxivFeedError("it declares a DOCTYPE or ENTITY")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ArxivFeedError(f"invalid XML ({error})") from None
    if root.tag != f"{_ATOM}feed":
        raise ArxivFeedError(f"the root element is {root.tag!r}, not an Atom feed")
    papers: dict[str, Paper] = {}
    entries = skipped = 0
    error: str | None = None
    for entry in root.iter(f"{_ATOM}entry"):
        raw_id = _text(entry.find(f"{_ATOM}id"))
        if raw_id is not None and "arxiv.org/api/errors" in raw_id:
            error = _text(entry.find(f"{_ATOM}summary")) or "unknown error"
            continue
        entries += 1
        paper = parse_entry(entry)
        if paper is None:
            skipped += 1
        else:
            papers.setdefault(paper.id, paper)
    return ArxivFeed(papers=tuple(papers.values()), entries=entries, skipped=skipped, error=error)


def parse_entry(entry: ET.Element) -> Paper | None:
    """One Atom `<entry>` as a Paper, or None without a usable arXiv id or title."""
    paper_id = paper_key(_text(entry.find(f"{_ATOM}id")))
    title = _text(entry.find(f"{_ATOM}title"))
    if paper_id is None or title is None:
        return None
    authors = (_text(author.find(f"{_ATOM}name")) for author in entry.iter(f"{_ATOM}author"))
    primary = entry.find(f"{_ARXIV}primary_category")
    terms = [primary.get("term") if primary is not None else None]
    terms += [category.get("term") for category in entry.iter(f"{_ATOM}category")]
    categories = dict.fromkeys(term for term in map(values.text, terms) if term is not None)
    return Paper(
        id=paper_id,
        title=title,
        abstract=_text(entry.find(f"{_ATOM}summary")) or "",
        authors=tuple(name for name in authors if name is not None),
        published_at=values.timestamp(_text(entry.find(f"{_ATOM}published"))),
        categories=tuple(categories),
        sources=(SOURCE_NAME,),
    )


def _text(element: ET.Element | None) -> str | None:
    """An element's text, cleaned by `values.text`; None when absent or blank."""
    return None if element is None else values.text(element.text)


def _utc_day(paper: Paper) -> date | None:
    """The UTC calendar day a paper was first published, if known."""
    return values.utc_day(paper.published_at)
