"""`/papers paper` and `/papers search` fall back to the upstreams for what is not stored."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.app import build_sources
from bot.commands import Commands
from bot.composer import DigestComposer
from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.models import Command, Paper, ReplyKind
from bot.refresh import Refresher
from bot.search.query import parse_query
from bot.sources import make_http_client
from bot.sources.hf import parse_entry
from bot.store import Store
from config.settings import load_settings
from tests.core.conftest import GENERAL, NOW
from tests.fakes.upstream import (
    FakeUpstream,
    atom_entry,
    load_hf_fixture,
    server_error,
    slow,
)


@pytest.fixture
async def commands(store: Store) -> AsyncIterator[tuple[Commands, FakeUpstream, Refresher]]:
    """Commands over an empty store, with HF and arXiv served by the fake (and the refresher
    that fetches from it)."""
    async with FakeUpstream() as upstream:
        settings = load_settings(
            hf_base_url=upstream.url,
            arxiv_base_url=upstream.url,
            arxiv_min_interval_seconds=0,
            http_retries=0,
        )
        async with make_http_client(settings) as http:
            metrics = Metrics()
            composer = DigestComposer(store)
            sources = build_sources(settings, http)
            refresher = Refresher(store, sources, metrics=metrics, clock=lambda: NOW)

            async def nothing() -> None:
                return None

            yield (
                Commands(
                    store,
                    composer,
                    Delivery(store, composer, {}, metrics=metrics),
                    refresher,
                    sources,
                    schedule_changed=nothing,
                    clock=lambda: NOW,
                ),
                upstream,
                refresher,
            )


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


async def test_while_offline_a_lookup_answers_at_once(
    commands: tuple[Commands, FakeUpstream, Refresher], store: Store
) -> None:
    runner, upstream, refresher = commands
    upstream.add_fault(server_error(), times=100)
    await refresher.refresh()
    upstream.papers["2606.00467"] = {"id": "2606.00467", "title": "Known upstream"}
    asked_before = len(upstream.requests)

    reply = await run(runner, "paper 2606.00467")

    assert "can't be reached right now" in reply.text
    assert len(upstream.requests) == asked_before


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
