"""ArxivSource and its Atom parser: the recorded feeds, day paging, pacing, hostile feeds."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from itertools import pairwise

import httpx
import pytest

from bot.ids import BadPaperId
from bot.sources import ArxivSource, UpstreamError
from bot.sources.arxiv import ArxivFeedError, parse_feed
from bot.sources.http import RetryPolicy
from tests.fakes import RecordingSleep, fixture_path
from tests.fakes.upstream import (
    ARXIV_CATEGORIES_FEED,
    ARXIV_TRANSFORMER_FEED,
    FakeUpstream,
    atom_entry,
    atom_feed,
    load_arxiv_entries,
    raw_body,
    server_error,
    truncated,
)
from tests.sources import hostile

CATEGORIES = ("cs.AI", "cs.LG", "cs.CL")
RECORDED_DAY = date(2026, 7, 30)


def make_source(
    client: httpx.AsyncClient,
    upstream: FakeUpstream,
    retry: RetryPolicy,
    *,
    interval: float = 0.0,
    page_size: int = 25,
) -> ArxivSource:
    return ArxivSource(client, upstream.url, CATEGORIES, interval, retry=retry, page_size=page_size)


@pytest.fixture
def arxiv(client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy) -> ArxivSource:
    return make_source(client, upstream, retry)


def three_days() -> list[str]:
    """Ten entries, newest first: three on 07-31, four on 07-30, three on 07-29."""
    stamps = ["31T12", "31T09", "31T01", "30T23", "30T15", "30T08", "30T00", "29T20", "29T10"]
    stamps.append("29T02")
    return [
        atom_entry(f"2607.{10010 - n:05d}", f"Paper {n}", f"2026-07-{stamp}:00:00Z")
        for n, stamp in enumerate(stamps)
    ]


# --- parsing the recorded feeds ------------------------------------------------------------


def test_the_recorded_category_feed_parses():
    feed = parse_feed(fixture_path(ARXIV_CATEGORIES_FEED).read_bytes())

    assert (len(feed.papers), feed.entries, feed.skipped, feed.error) == (25, 25, 0, None)
    first = feed.papers[0]
    assert first.id == "2607.28628"
    assert first.title == "Learning to Trace Seiberg Dualities"
    assert first.abstract.startswith("Dualities play an important role")
    assert first.authors == (
        "Jonathan J. Heckman",
        "Shani Meynet",
        "Alessandro Mininno",
        "Gary Shiu",
    )
    assert first.published_at == datetime(2026, 7, 30, 17, 59, 56, tzinfo=UTC)
    assert first.categories == ("hep-th", "cs.AI", "cs.LG", "hep-ph")  # primary first
    assert first.sources == ("arxiv",)
    assert first.upvotes is None and first.featured_on is None
    assert all(paper.published_at.date() == RECORDED_DAY for paper in feed.papers)


def test_the_recorded_transformer_feed_parses():
    feed = parse_feed(fixture_path(ARXIV_TRANSFORMER_FEED).read_bytes())

    assert [paper.id for paper in feed.papers] == [
        "2606.13677",
        "2606.13591",
        "2606.13568",
        "2606.13515",
        "2606.13501",
    ]
    mana = feed.papers[0]
    assert mana.title == "Mana: Dexterous Manipulation of Articulated Tools"
    assert mana.categories[0] == "cs.RO" and "cs.LG" in mana.categories
    assert "(<1 minute per tool)" in mana.abstract  # the &lt; entity is decoded


def test_titles_and_abstracts_have_their_whitespace_collapsed():
    entry = atom_entry("2607.00001", "  A title\n      over two lines ", "2026-07-30T10:00:00Z")
    entry = entry.replace("An abstract.", "An\n   abstract   that\twraps.")

    [paper] = parse_feed(atom_feed([entry])).papers

    assert paper.title == "A title over two lines"
    assert paper.abstract == "An abstract that wraps."


def test_entries_without_id_or_title_are_skipped_and_counted():
    good = atom_entry("2607.00002", "Good", "2026-07-30T10:00:00Z")
    no_title = atom_entry("2607.00003", "", "2026-07-30T10:00:00Z")
    no_id = atom_entry("2607.00004", "No id", "2026-07-30T10:00:00Z").replace(
        "<id>http://arxiv.org/abs/2607.00004v1</id>", ""
    )
    junk_id = atom_entry("2607.00005", "Junk id", "2026-07-30T10:00:00Z").replace(
        "2607.00005v1", "not-an-id"
    )
    bad_date = atom_entry("2607.00006", "Bad date", "yesterday")

    feed = parse_feed(atom_feed([good, no_title, no_id, junk_id, bad_date]))

    assert [paper.id for paper in feed.papers] == ["2607.00002", "2607.00006"]
    assert feed.papers[1].published_at is None
    assert (feed.entries, feed.skipped) == (5, 3)


def test_an_api_error_entry_is_reported():
    error = (
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>"
        "<title>Error</title><summary>incorrect id format for 1234</summary></entry>"
    )

    feed = parse_feed(atom_feed([error]))

    assert (feed.papers, feed.entries, feed.error) == ((), 0, "incorrect id format for 1234")


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY boom "boom">]><feed/>',
        b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
        b'{"not": "xml"}',
        b"<rss><channel/></rss>",
    ],
)
def test_unsafe_or_unreadable_feeds_are_refused(body: bytes):
    with pytest.raises(ArxivFeedError):
        parse_feed(body)


# --- fetching a day ------------------------------------------------------------------------


async def test_fetch_day_reads_the_recorded_feed(arxiv: ArxivSource, upstream: FakeUpstream):
    upstream.arxiv_entries = load_arxiv_entries(ARXIV_CATEGORIES_FEED)

    report = await arxiv.fetch_day(RECORDED_DAY)

    assert (len(report.papers), report.skipped, report.errors) == (25, 0, ())
    assert report.papers[1].title.startswith("ReToken: One Token")
    first, second = upstream.requests
    assert first.path == "/api/query"
    assert first.query == {
        "search_query": "cat:cs.AI OR cat:cs.LG OR cat:cs.CL",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": "0",
        "max_results": "25",
    }
    assert second.query["start"] == "25"  # a full page of the day: look further


async def test_fetch_day_pages_back_to_the_day_and_keeps_only_it(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.arxiv_entries = three_days()
    arxiv = make_source(client, upstream, retry, page_size=2)

    report = await arxiv.fetch_day(date(2026, 7, 30))

    assert [paper.title for paper in report.papers] == [f"Paper {n}" for n in (3, 4, 5, 6)]
    # pages: [31, 31] [31, 30] [30, 30] [30, 29] - the last reaches before the day
    assert [r.query["start"] for r in upstream.requests] == ["0", "2", "4", "6"]


async def test_a_day_without_submissions_is_empty(arxiv: ArxivSource, upstream: FakeUpstream):
    upstream.arxiv_entries = three_days()

    report = await arxiv.fetch_day(date(2026, 8, 1))

    assert report.papers == () and report.errors == ()
    assert len(upstream.requests) == 1


async def test_a_failing_page_keeps_what_came_before(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.arxiv_entries = three_days()
    arxiv = make_source(client, upstream, retry, page_size=2)
    upstream.add_fault(truncated(query={"start": "4"}))

    report = await arxiv.fetch_day(date(2026, 7, 30))

    assert [paper.title for paper in report.papers] == ["Paper 3"]
    [error] = report.errors
    assert error.startswith("arxiv newest submissions for 2026-07-30 page 2 answered an unreadable")


async def test_a_doctype_answer_is_an_error_not_an_exception(
    arxiv: ArxivSource, upstream: FakeUpstream
):
    upstream.add_fault(raw_body(b'<!DOCTYPE x [<!ENTITY a "a">]><feed/>'))

    report = await arxiv.fetch_day(RECORDED_DAY)

    assert report.papers == ()
    assert report.errors == (
        "arxiv newest submissions for 2026-07-30 page 0 answered an unreadable feed: "
        "it declares a DOCTYPE or ENTITY",
    )


async def test_server_errors_are_retried(
    arxiv: ArxivSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.arxiv_entries = load_arxiv_entries(ARXIV_CATEGORIES_FEED)
    upstream.add_fault(server_error(503))

    report = await arxiv.fetch_day(RECORDED_DAY)

    assert (len(report.papers), report.errors) == (25, ())
    assert len(sleeps.waits) == 1


async def test_an_api_error_answer_is_reported(arxiv: ArxivSource, upstream: FakeUpstream):
    error = (
        "<entry><id>http://arxiv.org/api/errors#max_results_too_big</id><title>Error</title>"
        "<summary>max_results must be less than 30001</summary></entry>"
    )
    upstream.add_fault(raw_body(atom_feed([error])))

    report = await arxiv.fetch_day(RECORDED_DAY)

    assert report.errors == (
        "arxiv newest submissions for 2026-07-30 page 0 failed: "
        "arXiv said 'max_results must be less than 30001'",
    )


# --- one paper, search ---------------------------------------------------------------------


async def test_fetch_paper_asks_by_id_list(arxiv: ArxivSource, upstream: FakeUpstream):
    upstream.arxiv_entries = load_arxiv_entries(ARXIV_TRANSFORMER_FEED)

    paper = await arxiv.fetch_paper("https://arxiv.org/pdf/2606.13591v1")

    assert (
        paper is not None
        and paper.title == "Multiagent Protocols with Aggregated Confidence Signals"
    )
    assert upstream.requests[0].query == {"id_list": "2606.13591", "max_results": "1"}


async def test_fetch_paper_unknown_is_none(arxiv: ArxivSource, upstream: FakeUpstream):
    upstream.arxiv_entries = load_arxiv_entries(ARXIV_TRANSFORMER_FEED)

    assert await arxiv.fetch_paper("2606.00001") is None


async def test_fetch_paper_refuses_junk_and_raises_on_failure(
    arxiv: ArxivSource, upstream: FakeUpstream
):
    with pytest.raises(BadPaperId):
        await arxiv.fetch_paper("cs.LG")
    upstream.add_fault(server_error(500), times=3)
    with pytest.raises(UpstreamError, match=r"arxiv paper 2606\.13591 failed: HTTP 500"):
        await arxiv.fetch_paper("2606.13591")


async def test_search_asks_for_every_word_in_the_categories(
    arxiv: ArxivSource, upstream: FakeUpstream
):
    upstream.arxiv_entries = load_arxiv_entries(ARXIV_TRANSFORMER_FEED)

    report = await arxiv.search('diffusion "transformer" (vision)', 3)

    assert len(report.papers) == 3
    assert upstream.requests[0].query == {
        "search_query": "(all:diffusion AND all:transformer AND all:vision) "
        "AND (cat:cs.AI OR cat:cs.LG OR cat:cs.CL)",
        "sortBy": "relevance",
        "max_results": "3",
    }


async def test_search_with_no_words_asks_nothing(arxiv: ArxivSource, upstream: FakeUpstream):
    report = await arxiv.search(" ()! ", 5)

    assert report.papers == () and upstream.requests == []


def test_a_source_needs_categories(client: httpx.AsyncClient):
    with pytest.raises(ValueError, match="at least one category"):
        ArxivSource(client, "http://127.0.0.1:1", (), 3.0)


# --- pacing --------------------------------------------------------------------------------


async def test_requests_are_spaced_by_the_minimum_interval(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    interval = 0.2
    upstream.arxiv_entries = three_days()
    arxiv = make_source(client, upstream, retry, interval=interval, page_size=2)

    await asyncio.gather(
        arxiv.fetch_paper("2607.10010"),
        arxiv.fetch_paper("2607.10009"),
        arxiv.fetch_paper("2607.10008"),
    )

    arrivals = [request.at for request in upstream.requests]
    assert len(arrivals) == 3
    assert all(later - earlier >= interval - 0.01 for earlier, later in pairwise(arrivals))


def test_a_timestamp_outside_what_datetime_holds_is_unknown():
    feed = parse_feed(atom_feed(list(hostile.ARXIV_HOSTILE)))

    assert [paper.published_at for paper in feed.papers] == [None, None]
    assert (feed.entries, feed.skipped) == (2, 0)


async def test_fetch_day_keeps_the_good_entries_beside_unplaceable_timestamps(
    arxiv: ArxivSource, upstream: FakeUpstream
):
    upstream.arxiv_entries = hostile.arxiv_entries()

    report = await arxiv.fetch_day(hostile.DAY)

    assert [paper.title for paper in report.papers] == ["Good one", "Good two"]
    assert report.errors == ()
