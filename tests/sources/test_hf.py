"""HuggingFaceSource against the fake HF server: recorded answers, paging, hostile answers.

The real httpx client talks to a real local server; retry waits are recorded, not slept.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from bot.ids import BadPaperId
from bot.models import FetchReport, Paper
from bot.sources import UpstreamError
from bot.sources.hf import HuggingFaceSource, parse_entry
from bot.sources.http import USER_AGENT, RetryPolicy
from tests.fakes import RecordingSleep
from tests.fakes.upstream import (
    HF_DAILY_AUGUST,
    HF_DAILY_JUNE,
    FakeUpstream,
    Fault,
    load_hf_fixture,
    rate_limited,
    raw_body,
    server_error,
    slow,
    truncated,
)
from tests.sources import hostile

JUNE_DAY = date(2026, 6, 12)
AUGUST_DAY = date(2026, 7, 31)


def by_id(papers: tuple[Paper, ...]) -> dict[str, Paper]:
    return {paper.id: paper for paper in papers}


def entry(paper_id: str, **paper_fields: Any) -> dict[str, Any]:
    """A minimal daily-papers entry; `paper_fields` override or add inner fields."""
    paper = {"id": paper_id, "title": f"Paper {paper_id}", "upvotes": 1, **paper_fields}
    return {"paper": paper, "title": paper["title"], "numComments": 0}


@pytest.fixture
def hf(client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy) -> HuggingFaceSource:
    return HuggingFaceSource(client, upstream.url, retry=retry)


# --- the recorded answers ------------------------------------------------------------------


async def test_june_recording_parses_every_field(hf: HuggingFaceSource, upstream: FakeUpstream):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)

    report = await hf.fetch_day(JUNE_DAY)

    assert (len(report.papers), report.skipped, report.errors) == (30, 0, ())
    first = report.papers[0]
    assert first.id == "2606.00467"
    assert first.title.startswith("On the Limits of LLM Adaptability")
    assert first.abstract.startswith("Large Language Models (LLMs) are increasingly used")
    assert first.authors == ("Etienne Casanova", "Rafal Kocielnik", "R. Michael Alvarez")
    assert first.upvotes == 0 and first.upvotes is not None
    assert first.comments == 2
    assert first.published_at == datetime(2026, 5, 30, tzinfo=UTC)
    assert first.featured_on == JUNE_DAY
    assert first.ai_summary is not None and first.ai_summary.startswith("Large language models")
    assert "decision stickiness" in first.ai_keywords
    assert first.organization == "California institute of technology"
    assert first.github_repo is None and first.github_stars is None
    assert first.thumbnail == (
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.00467.png"
    )
    assert first.sources == ("hf",)
    assert first.trending_rank is None
    minimax = by_id(report.papers)["2606.13392"]
    assert (minimax.upvotes, minimax.github_repo, minimax.github_stars, minimax.organization) == (
        103,
        "https://github.com/MiniMax-AI/MSA",
        251,
        "MiniMax",
    )
    assert all(paper.ai_keywords and paper.ai_summary for paper in report.papers)


async def test_august_recording_has_no_ai_fields(hf: HuggingFaceSource, upstream: FakeUpstream):
    upstream.daily[AUGUST_DAY.isoformat()] = load_hf_fixture(HF_DAILY_AUGUST)

    report = await hf.fetch_day(AUGUST_DAY)

    assert (len(report.papers), report.skipped, report.errors) == (30, 0, ())
    assert report.papers[0].id == "2607.23193"
    assert all(paper.ai_keywords == () and paper.ai_summary is None for paper in report.papers)
    assert all(paper.featured_on == AUGUST_DAY for paper in report.papers)
    papers = by_id(report.papers)
    omniscope = papers["2607.23193"]
    assert omniscope.authors[0] == "Jinsen Su"
    assert (omniscope.github_repo, omniscope.github_stars, omniscope.organization) == (
        "https://github.com/MAC-AutoML/OmniScope",
        5,
        None,
    )
    assert papers["2607.16922"].upvotes == 0
    assert papers["2607.18806"].github_stars == 0
    assert papers["2607.28227"].organization == "TongyiLab"


async def test_request_carries_date_limit_page_and_user_agent(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)

    await hf.fetch_day(JUNE_DAY)

    [request] = upstream.requests
    assert request.path == "/api/daily_papers"
    assert request.query == {"date": "2026-06-12", "limit": "100", "p": "0"}
    assert request.headers["User-Agent"] == USER_AGENT


# --- paging --------------------------------------------------------------------------------


async def test_pages_are_followed_until_an_empty_page(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    hf = HuggingFaceSource(client, upstream.url, retry=retry, page_size=10)

    report = await hf.fetch_day(JUNE_DAY)

    assert [r.query["p"] for r in upstream.requests] == ["0", "1", "2", "3"]
    assert [paper.id for paper in report.papers] == [
        e["paper"]["id"] for e in load_hf_fixture(HF_DAILY_JUNE)
    ]


async def test_a_short_page_is_the_last(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)[:25]
    hf = HuggingFaceSource(client, upstream.url, retry=retry, page_size=10)

    report = await hf.fetch_day(JUNE_DAY)

    assert len(upstream.requests) == 3
    assert len(report.papers) == 25


async def test_paging_stops_at_the_page_cap(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    hf = HuggingFaceSource(client, upstream.url, retry=retry, page_size=10, max_pages=2)

    report = await hf.fetch_day(JUNE_DAY)

    assert len(upstream.requests) == 2
    assert len(report.papers) == 20


async def test_a_bad_later_page_keeps_the_earlier_ones(
    client: httpx.AsyncClient, upstream: FakeUpstream, retry: RetryPolicy
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    hf = HuggingFaceSource(client, upstream.url, retry=retry, page_size=10)
    upstream.add_fault(truncated(query={"p": "1"}))

    report = await hf.fetch_day(JUNE_DAY)

    assert len(report.papers) == 10
    assert report.errors == ("hf daily papers for 2026-06-12 page 1 answered invalid JSON",)


async def test_trending_keeps_hf_order_as_rank(hf: HuggingFaceSource, upstream: FakeUpstream):
    entries = load_hf_fixture(HF_DAILY_AUGUST)
    upstream.trending = entries

    report = await hf.fetch_trending(5)

    assert [paper.id for paper in report.papers] == [e["paper"]["id"] for e in entries[:5]]
    assert [paper.trending_rank for paper in report.papers] == [1, 2, 3, 4, 5]
    [request] = upstream.requests
    assert request.query == {"sort": "trending", "limit": "5", "p": "0"}


# --- search and single papers --------------------------------------------------------------


async def test_search_takes_wrapped_and_bare_entries(hf: HuggingFaceSource, upstream: FakeUpstream):
    june = load_hf_fixture(HF_DAILY_JUNE)
    upstream.search_results = [june[0], june[1]["paper"], june[2]]

    report = await hf.search("  annotation   priors ", 2)

    assert [paper.id for paper in report.papers] == ["2606.00467", "2606.12730"]
    assert report.papers[1].upvotes == 5
    [request] = upstream.requests
    assert request.path == "/api/papers/search"
    assert request.query == {"q": "annotation priors", "limit": "2"}


async def test_blank_search_asks_nothing(hf: HuggingFaceSource, upstream: FakeUpstream):
    assert await hf.search("   ", 5) == FetchReport()
    assert upstream.requests == []


async def test_fetch_paper_reads_a_bare_paper_by_any_id_form(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.papers["2606.13392"] = load_hf_fixture(HF_DAILY_JUNE)[21]["paper"]

    paper = await hf.fetch_paper("https://arxiv.org/abs/2606.13392v2")

    assert paper is not None
    assert (paper.id, paper.upvotes, paper.github_stars) == ("2606.13392", 103, 251)
    assert upstream.requests[0].path == "/api/papers/2606.13392"


async def test_fetch_paper_unknown_is_none(hf: HuggingFaceSource, upstream: FakeUpstream):
    assert await hf.fetch_paper("2606.99999") is None
    assert len(upstream.requests) == 1  # a 404 is an answer, not retried


async def test_fetch_paper_refuses_junk_ids_without_asking(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    with pytest.raises(BadPaperId):
        await hf.fetch_paper("not a paper")
    assert upstream.requests == []


async def test_fetch_paper_is_one_attempt_and_raises_when_hf_fails(
    hf: HuggingFaceSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.add_fault(server_error(503), times=3)

    with pytest.raises(UpstreamError, match=r"hf paper 2606\.13392 failed: HTTP 503$"):
        await hf.fetch_paper("2606.13392")
    assert len(upstream.requests) == 1 and sleeps.waits == []


# --- hostile data --------------------------------------------------------------------------


def test_missing_and_mistyped_fields_leave_those_fields_empty():
    mangled = entry(
        "2606.00001",
        upvotes="many",
        authors="Ada Lovelace, Alan Turing",
        githubStars="12",
        ai_keywords="not a list",
        organization=7,
        publishedAt="last Tuesday",
        submittedOnDailyAt=None,
    )
    mangled["numComments"] = True

    paper = parse_entry(mangled)

    assert paper == Paper(id="2606.00001", title="Paper 2606.00001", sources=("hf",))


def test_plain_string_authors_and_messy_whitespace_are_read():
    paper = parse_entry(
        entry(
            "2606.00002v3",
            title="  Attention\n   is   all\tyou need ",
            summary="One\n\nabstract.",
            authors=["Ada Lovelace", {"name": "Alan Turing", "hidden": True}, 5, {"_id": "x"}],
        )
    )

    assert paper is not None
    assert paper.id == "2606.00002"
    assert paper.title == "Attention is all you need"
    assert paper.abstract == "One abstract."
    assert paper.authors == ("Ada Lovelace", "Alan Turing")


def test_top_level_organization_is_used_when_the_paper_has_none():
    wrapped = entry("2606.00003")
    wrapped["organization"] = {"name": "acme"}

    paper = parse_entry(wrapped)

    assert paper is not None and paper.organization == "acme"


async def test_unusable_entries_are_skipped_and_counted(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    no_id = entry("2606.00010")
    del no_id["paper"]["id"]
    no_title = entry("2606.00011", title="   ")
    no_title["title"] = None
    junk_id = entry("hello-world")
    upstream.daily[JUNE_DAY.isoformat()] = [
        entry("2606.00020", upvotes="many"),
        no_id,
        no_title,
        junk_id,
        42,
        "entry",
        {"paper": "not an object"},
        entry("2606.00021", upvotes=0),
        entry("2606.00021v2"),
    ]

    report = await hf.fetch_day(JUNE_DAY)

    assert [paper.id for paper in report.papers] == ["2606.00020", "2606.00021"]
    assert report.papers[0].upvotes is None
    assert report.papers[1].upvotes == 0
    assert report.skipped == 6  # the repeated 2606.00021 is dropped, not counted
    assert report.errors == ()


async def test_an_answer_that_is_not_a_list_is_skipped_and_reported(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.add_fault(raw_body(b'{"error": "something odd"}'))

    report = await hf.fetch_day(JUNE_DAY)

    assert (report.papers, report.skipped) == ((), 1)
    assert report.errors == (
        "hf daily papers for 2026-06-12 page 0 answered something other than a list",
    )


async def test_truncated_json_is_an_error_not_an_exception(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(truncated())

    report = await hf.fetch_day(JUNE_DAY)

    assert report.papers == ()
    assert report.errors == ("hf daily papers for 2026-06-12 page 0 answered invalid JSON",)
    assert len(upstream.requests) == 1


async def test_a_refused_request_is_reported_without_retrying(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.add_fault(Fault(status=400, body=b'{"error": "Invalid date"}'))

    report = await hf.fetch_day(JUNE_DAY)

    assert report.errors == ("hf daily papers for 2026-06-12 page 0 failed: HTTP 400",)
    assert len(upstream.requests) == 1


# --- retries -------------------------------------------------------------------------------


async def test_429_with_retry_after_is_waited_out_then_succeeds(
    hf: HuggingFaceSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(rate_limited(retry_after="1"))

    report = await hf.fetch_day(JUNE_DAY)

    assert (len(report.papers), report.errors) == (30, ())
    assert len(upstream.requests) == 2
    assert sleeps.waits == [1.0]


async def test_hf_ratelimit_header_sets_the_wait(
    hf: HuggingFaceSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(rate_limited(ratelimit='"api";r=0;t=55'))
    upstream.add_fault(rate_limited(ratelimit='"api";r=0;t=290'))

    report = await hf.fetch_day(JUNE_DAY)

    assert len(report.papers) == 30
    assert sleeps.waits == [55.0, 60.0]  # the second is capped at RetryPolicy.max_wait


async def test_500_is_retried_then_reported(
    hf: HuggingFaceSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(server_error(500), times=3)

    report = await hf.fetch_day(JUNE_DAY)

    assert report.papers == ()
    assert report.errors == (
        "hf daily papers for 2026-06-12 page 0 failed: HTTP 500 after 3 attempts",
    )
    assert len(upstream.requests) == 3
    assert len(sleeps.waits) == 2
    assert all(0 <= wait <= 60 for wait in sleeps.waits)


async def test_one_500_then_success(hf: HuggingFaceSource, upstream: FakeUpstream):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(server_error(502))

    report = await hf.fetch_day(JUNE_DAY)

    assert (len(report.papers), report.errors) == (30, ())


async def test_a_timeout_is_retried(
    hf: HuggingFaceSource, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.daily[JUNE_DAY.isoformat()] = load_hf_fixture(HF_DAILY_JUNE)
    upstream.add_fault(slow(5))

    report = await hf.fetch_day(JUNE_DAY)

    assert (len(report.papers), report.errors) == (30, ())
    assert len(upstream.requests) == 2
    assert len(sleeps.waits) == 1


async def test_timeouts_every_time_are_reported(
    client: httpx.AsyncClient, upstream: FakeUpstream, sleeps: RecordingSleep
):
    hf = HuggingFaceSource(client, upstream.url, retry=RetryPolicy(retries=1, sleep=sleeps))
    upstream.add_fault(slow(5), times=2)

    report = await hf.fetch_day(JUNE_DAY)

    assert report.errors == ("hf daily papers for 2026-06-12 page 0 failed: timed out 2 times",)


async def test_an_unreachable_server_is_reported_without_retrying(
    client: httpx.AsyncClient, sleeps: RecordingSleep, unused_port: int
):
    hf = HuggingFaceSource(
        client, f"http://127.0.0.1:{unused_port}", retry=RetryPolicy(retries=3, sleep=sleeps)
    )

    report = await hf.fetch_day(JUNE_DAY)

    [error] = report.errors
    assert error.startswith("hf daily papers for 2026-06-12 page 0 failed: can't connect (")
    assert report.unreachable
    assert sleeps.waits == []


async def test_values_no_database_can_hold_leave_their_fields_empty(
    hf: HuggingFaceSource, upstream: FakeUpstream
):
    upstream.daily[hostile.DAY.isoformat()] = hostile.hf_entries()

    report = await hf.fetch_day(hostile.DAY)

    papers = by_id(report.papers)
    assert (report.skipped, report.errors) == (1, ())  # the title that was only junk
    assert set(papers) == {*hostile.GOOD_IDS, *(h.paper_id for h in hostile.HF_HOSTILE)}
    for case in hostile.HF_HOSTILE:
        paper = papers[case.paper_id]
        for name, expected in case.expected.items():
            assert getattr(paper, name) == expected, f"{case.case}: {name}"
    for paper in report.papers:
        for text in (paper.title, paper.abstract, *paper.authors, *paper.ai_keywords):
            assert "\x00" not in text
            text.encode("utf-8")
