"""`/papers paper` and `/papers search` fall back to the upstreams for what is not stored."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import AsyncIterator
from datetime import date

import pytest
import structlog

from bot.assembly import build_parts, build_sources, build_use_cases
from bot.commands import Commands
from bot.models import Command, FetchReport, Paper, ReplyKind
from bot.refresh import Refresher
from bot.search.query import parse_query
from bot.sources import UpstreamError, make_http_client
from bot.sources.hf import parse_entry
from bot.store import Store
from config.settings import load_settings
from tests.core.conftest import GENERAL, NOW
from tests.fakes.upstream import (
    BlackHole,
    FakeUpstream,
    atom_entry,
    load_hf_fixture,
    server_error,
    slow,
)


@contextlib.asynccontextmanager
async def commands_asking(
    store: Store, hf_url: str, arxiv_url: str
) -> AsyncIterator[tuple[Commands, Refresher]]:
    """Commands over `store` asking Hugging Face and arXiv at these addresses, built as the
    app builds them (and the refresher that fetches from them)."""
    settings = load_settings(
        hf_base_url=hf_url,
        arxiv_base_url=arxiv_url,
        arxiv_min_interval_seconds=0,
        http_retries=0,
    )
    async with make_http_client(settings) as http:
        parts = build_parts(settings, store, build_sources(settings, http), clock=lambda: NOW)

        async def nothing() -> None:
            return None

        use_cases = build_use_cases(parts, {}, schedule_changed=nothing)
        yield use_cases.commands, parts.refresher


@pytest.fixture
async def commands(store: Store) -> AsyncIterator[tuple[Commands, FakeUpstream, Refresher]]:
    """Commands over an empty store, with HF and arXiv served by the fake (and the refresher
    that fetches from it)."""
    async with (
        FakeUpstream() as upstream,
        commands_asking(store, upstream.url, upstream.url) as (
            runner,
            refresher,
        ),
    ):
        yield runner, upstream, refresher


@pytest.fixture
def refused_url(unused_port: int) -> str:
    """An address on 127.0.0.1 where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{unused_port}"


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run(commands: Commands, text: str):
    """Run `/papers <text>` in the general channel."""
    return await commands.run(Command(GENERAL, "U1", text))


async def test_an_unknown_paper_is_fetched_from_hugging_face_and_kept(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    entry = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[0]
    upstream.papers["2606.00467"] = entry["paper"]

    reply = await run(runner, "paper 2606.00467v2")

    assert reply.kind is ReplyKind.PAPER
    assert reply.items[0].paper_id == "2606.00467"
    assert await store.get_paper("2606.00467") is not None


async def test_a_paper_hugging_face_does_not_know_comes_from_arxiv(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.arxiv_entries = [
        atom_entry("2611.01234", "Sparse Experts at Scale", "2026-11-20T10:00:00Z")
    ]

    reply = await run(runner, "paper https://arxiv.org/abs/2611.01234")

    assert reply.kind is ReplyKind.PAPER
    assert reply.items[0].title == "Sparse Experts at Scale"
    assert upstream.requests_to("/api/papers/2611.01234")


async def test_a_paper_nobody_knows_gets_a_sentence(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, _, _ = commands

    reply = await run(runner, "paper 2611.09999")

    assert reply.kind is ReplyKind.TEXT
    assert "can't find paper 2611.09999" in reply.text


async def test_search_asks_hugging_face_when_nothing_is_stored(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    upstream.search_results = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[:2]

    reply = await run(runner, "search limits of adaptability")

    assert reply.kind is ReplyKind.PAPERS
    assert len(reply.items) == 2
    assert await store.search_index(parse_query("adaptability"))


async def test_offline_a_paper_lookup_says_at_once_that_nothing_could_be_reached(
    store: Store, refused_url: str
) -> None:
    async with commands_asking(store, refused_url, refused_url) as (runner, _):
        started = time.perf_counter()
        reply = await run(runner, "paper 2606.13392")
        first = time.perf_counter() - started
        again = await run(runner, "paper 2606.13392")

    assert first < 1.0
    assert (
        reply.text
        == again.text
        == (
            "I can't find paper 2606.13392 here, and Hugging Face and arXiv can't be reached "
            "right now; try again later."
        )
    )


async def test_after_a_fetch_found_hugging_face_unreachable_a_lookup_asks_it_nothing(
    store: Store, refused_url: str
) -> None:
    async with (
        FakeUpstream() as arxiv,
        commands_asking(store, refused_url, arxiv.url) as (runner, refresher),
    ):
        await refresher.refresh(sources=["hf"])
        with structlog.testing.capture_logs() as logs:
            reply = await run(runner, "paper 2611.09999")

    assert reply.text == (
        "I can't find paper 2611.09999 here or on arXiv, and Hugging Face can't be reached "
        "right now; try again later."
    )
    assert "upstream_unreachable" not in [entry["event"] for entry in logs]


async def test_a_paper_hugging_face_cannot_be_asked_for_comes_from_arxiv(
    store: Store, refused_url: str
) -> None:
    async with (
        FakeUpstream() as arxiv,
        commands_asking(store, refused_url, arxiv.url) as (runner, _),
    ):
        arxiv.arxiv_entries = [
            atom_entry("2611.01234", "Sparse Experts at Scale", "2026-11-20T10:00:00Z")
        ]
        reply = await run(runner, "paper 2611.01234")

    assert reply.kind is ReplyKind.PAPER and reply.items[0].title == "Sparse Experts at Scale"
    assert await store.get_paper("2611.01234") is not None


async def test_a_hugging_face_that_never_answers_costs_a_paper_lookup_two_seconds(
    store: Store,
) -> None:
    async with (
        BlackHole() as hanging,
        FakeUpstream() as arxiv,
        commands_asking(store, hanging.url, arxiv.url) as (runner, _),
    ):
        started = time.perf_counter()
        reply = await run(runner, "paper 2606.13392")
        elapsed = time.perf_counter() - started

    assert hanging.connections == 1
    assert elapsed < 3.0
    assert reply.text == (
        "I can't find paper 2606.13392 here, and Hugging Face did not answer within 2 s; "
        "try again later."
    )


async def test_a_failing_arxiv_is_named_not_called_ignorant(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(server_error(503, path_prefix="/api/query"))

    reply = await run(runner, "paper 2611.09999")

    assert reply.text == (
        "I can't find paper 2611.09999 here or on Hugging Face, and arXiv failed just now; "
        "try again later."
    )


async def test_offline_a_search_shows_what_is_stored_and_says_hugging_face_cant_be_reached(
    store: Store, refused_url: str
) -> None:
    entries = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
    stored = parse_entry(entries[0])  # "On the Limits of LLM Adaptability"
    assert stored is not None
    await store.upsert_papers([stored], at=NOW)
    async with commands_asking(store, refused_url, refused_url) as (runner, _):
        started = time.perf_counter()
        reply = await run(runner, "search limits of adaptability")
        elapsed = time.perf_counter() - started

    assert elapsed < 1.0
    assert [item.paper_id for item in reply.items] == ["2606.00467"]
    assert reply.lines == ("Hugging Face can't be reached right now.",)


async def test_a_search_hugging_face_never_answers_takes_two_seconds(store: Store) -> None:
    async with (
        BlackHole() as hanging,
        commands_asking(store, hanging.url, hanging.url) as (runner, _),
    ):
        started = time.perf_counter()
        reply = await run(runner, "search limits of adaptability")
        elapsed = time.perf_counter() - started

    assert elapsed < 3.0
    assert reply.text.endswith("Hugging Face did not answer within 2 s.")


async def test_a_search_with_few_stored_results_adds_what_hugging_face_knows(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    entries = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
    stored = parse_entry(entries[0])  # "On the Limits of LLM Adaptability"
    assert stored is not None
    await store.upsert_papers([stored], at=NOW)
    upstream.search_results = entries[:3]

    reply = await run(runner, "search limits of adaptability")

    assert reply.items[0].paper_id == "2606.00467"
    assert len(reply.items) == 3
    assert [item.note for item in reply.items[1:]] == ["found on Hugging Face"] * 2
    assert reply.lines == ()


async def test_a_slow_hugging_face_costs_a_search_two_seconds_and_is_named(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(slow(10, path_prefix="/api/papers/search"))
    started = time.perf_counter()

    reply = await run(runner, "search limits of adaptability")

    assert time.perf_counter() - started < 3.0
    assert reply.text == (
        "No papers found for “limits of adaptability”; try fewer or other words. "
        "Hugging Face did not answer within 2 s."
    )


async def test_a_failing_hugging_face_is_named_in_the_answer(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(server_error(path_prefix="/api/papers/search"))

    reply = await run(runner, "search limits of adaptability")

    assert reply.text.endswith("Hugging Face's search failed just now.")


async def test_hugging_face_results_come_before_papers_holding_only_some_words(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    entries = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
    stored = parse_entry(entries[0])  # "On the Limits of LLM Adaptability"
    assert stored is not None
    partly = Paper(id="2601.00001", title="Adaptability of legged robots", featured_on=NOW.date())
    await store.upsert_papers([stored, partly], at=NOW)
    upstream.search_results = entries[:3]

    reply = await run(runner, "search limits of adaptability")

    assert reply.items[0].paper_id == "2606.00467"
    assert [item.note for item in reply.items[1:3]] == ["found on Hugging Face"] * 2
    assert reply.items[3].paper_id == "2601.00001"


def holding_every_word(count: int) -> list[Paper]:
    """`count` stored papers whose titles hold every word of "limits of adaptability"."""
    return [
        Paper(id=f"2601.0000{n}", title=f"Limits of adaptability, part {n}", featured_on=NOW.date())
        for n in range(1, count + 1)
    ]


async def test_a_search_with_three_stored_results_does_not_ask_hugging_face(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    await store.upsert_papers(holding_every_word(3), at=NOW)
    upstream.search_results = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[:3]

    reply = await run(runner, "search limits of adaptability")

    assert sorted(item.paper_id for item in reply.items) == [
        "2601.00001",
        "2601.00002",
        "2601.00003",
    ]
    assert upstream.requests_to("/api/papers/search") == []


async def test_a_search_with_two_stored_results_asks_hugging_face_for_a_page(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    await store.upsert_papers(holding_every_word(2), at=NOW)
    upstream.search_results = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[:10]

    reply = await run(runner, "search limits of adaptability")

    [request] = upstream.requests_to("/api/papers/search")
    assert request.query["limit"] == "5"
    assert [item.rank for item in reply.items] == [1, 2, 3, 4, 5]
    assert [item.note for item in reply.items[2:]] == ["found on Hugging Face"] * 3


async def test_a_search_for_an_author_alone_does_not_ask_hugging_face(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands

    reply = await run(runner, 'search author:"Ada Lovelace"')

    assert reply.text == ('No papers found for “author:"Ada Lovelace"”; try fewer or other words.')
    assert upstream.requests_to("/api/papers/search") == []


async def test_the_next_page_of_a_search_does_not_ask_hugging_face_again(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, _ = commands
    partly = [
        Paper(id=f"2601.0010{n}", title=f"Adaptability of robot {n}", featured_on=NOW.date())
        for n in range(1, 8)
    ]
    await store.upsert_papers([*holding_every_word(1), *partly], at=NOW)
    upstream.search_results = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[:2]

    first = await run(runner, "search limits of adaptability")
    second = await run(runner, "more")

    assert len(upstream.requests_to("/api/papers/search")) == 1
    assert first.more is not None
    assert second.items[0].rank == 6
    assert "found on Hugging Face" not in [item.note for item in second.items]


async def test_a_slow_hugging_face_search_leaves_a_log_line(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(slow(10, path_prefix="/api/papers/search"))

    with structlog.testing.capture_logs() as logs:
        await run(runner, "search limits of adaptability")

    [line] = [entry for entry in logs if entry["event"] == "search_upstream_slow"]
    assert (line["log_level"], line["seconds"]) == ("warning", 2.0)


async def test_a_failing_hugging_face_search_is_logged_with_its_error(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(server_error(path_prefix="/api/papers/search"))

    with structlog.testing.capture_logs() as logs:
        reply = await run(runner, "search limits of adaptability")

    assert reply.text == (
        "No papers found for “limits of adaptability”; try fewer or other words. "
        "Hugging Face's search failed just now."
    )
    [line] = [entry for entry in logs if entry["event"] == "search_upstream_failed"]
    assert line["log_level"] == "warning"
    assert "500" in line["error"]


async def test_a_failing_upstream_of_a_paper_lookup_is_logged_with_the_paper(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(server_error(503, path_prefix="/api/query"))

    with structlog.testing.capture_logs() as logs:
        await run(runner, "paper 2611.09999")

    [line] = [entry for entry in logs if entry["event"] == "paper_lookup_failed"]
    assert (line["log_level"], line["source"], line["paper_id"]) == (
        "warning",
        "arxiv",
        "2611.09999",
    )
    assert "503" in line["error"]


async def test_a_paper_lookup_hugging_face_never_answers_is_logged(store: Store) -> None:
    async with (
        BlackHole() as hanging,
        FakeUpstream() as arxiv,
        commands_asking(store, hanging.url, arxiv.url) as (runner, _),
    ):
        with structlog.testing.capture_logs() as logs:
            await run(runner, "paper 2606.13392")

    [line] = [entry for entry in logs if entry["event"] == "paper_lookup_slow"]
    assert (line["log_level"], line["source"], line["seconds"]) == ("warning", "hf", 2.0)


async def test_a_search_hugging_face_finds_nothing_for_is_answered_without_blame(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands

    reply = await run(runner, "search limits of adaptability")

    [request] = upstream.requests_to("/api/papers/search")
    assert request.query["q"] == "limits of adaptability"
    assert reply.text == "No papers found for “limits of adaptability”; try fewer or other words."
    assert reply.lines == ()


class FailingSearch:
    """An upstream named "hf" whose search raises, as a source may when it fails for good."""

    name = "hf"

    async def fetch_day(self, day: date) -> FetchReport:
        return FetchReport()

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        return None

    async def search(self, query: str, limit: int) -> FetchReport:
        raise UpstreamError("hf search answered 502")


async def test_a_search_whose_upstream_raises_names_it_as_failed(store: Store) -> None:
    settings = load_settings()
    parts = build_parts(settings, store, [FailingSearch()], clock=lambda: NOW)

    async def nothing() -> None:
        return None

    runner = build_use_cases(parts, {}, schedule_changed=nothing).commands
    with structlog.testing.capture_logs() as logs:
        reply = await run(runner, "search limits of adaptability")

    assert reply.text == (
        "No papers found for “limits of adaptability”; try fewer or other words. "
        "Hugging Face's search failed just now."
    )
    [line] = [entry for entry in logs if entry["event"] == "search_upstream_failed"]
    assert line["error"] == "hf search answered 502"


async def test_a_paper_hugging_face_fails_to_give_comes_from_arxiv(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.add_fault(server_error(path_prefix="/api/papers/2611.01234"))
    upstream.arxiv_entries = [
        atom_entry("2611.01234", "Sparse Experts at Scale", "2026-11-20T10:00:00Z")
    ]

    reply = await run(runner, "paper 2611.01234")

    assert reply.kind is ReplyKind.PAPER
    assert reply.items[0].title == "Sparse Experts at Scale"


async def test_a_filter_that_cannot_be_read_is_still_named_beside_hugging_faces_results(
    commands: tuple[Commands, FakeUpstream, Refresher],
) -> None:
    runner, upstream, _ = commands
    upstream.search_results = load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")[:2]

    reply = await run(runner, "search limits of adaptability since:yesterday")

    assert reply.kind is ReplyKind.PAPERS and len(reply.items) == 2
    assert reply.lines == ("Give since: a date as YYYY-MM-DD, e.g. since:2026-06-01.",)
