"""The search vocabulary: each stored paper's words counted once, read back by word or prefix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import Paper
from bot.store import Store
from bot.store.words import count_papers, paper_words, word_counts

AT = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)


def test_a_papers_words_come_from_every_indexed_field_folded() -> None:
    paper = Paper(
        id="2606.00001",
        title="Sparse Attention",
        abstract="Long inputs, cheaply.",
        authors=("Zoë Müller",),
        ai_keywords=("Mixture-of-Experts",),
        organization="DeepMind",
        ai_summary="not indexed",
        categories=("cs.LG",),
    )

    assert paper_words(paper) == {
        "sparse",
        "attention",
        "long",
        "inputs",
        "cheaply",
        "zoe",
        "muller",
        "mixture",
        "of",
        "experts",
        "deepmind",
    }


def test_a_paper_without_an_organization_has_the_words_of_the_rest() -> None:
    assert paper_words(Paper(id="x", title="Robots", abstract="walk")) == {"robots", "walk"}


def test_runs_of_more_than_forty_letters_are_not_words() -> None:
    forty, forty_one = "a" * 40, "b" * 41

    assert paper_words(Paper(id="x", title=f"{forty} {forty_one} ok")) == {forty, "ok"}


def test_word_counts_count_each_paper_once_per_word() -> None:
    papers = [
        Paper(id="a", title="Diffusion diffusion models", abstract="diffusion"),
        Paper(id="b", title="Diffusion transformers"),
    ]

    assert word_counts(papers) == {"diffusion": 2, "models": 1, "transformers": 1}
    assert word_counts([]) == {}


async def test_stored_papers_are_counted_when_first_stored_only(store: Store) -> None:
    await store.upsert_papers(
        [
            Paper(id="2606.00001", title="Diffusion models", abstract="Diffusion, again."),
            Paper(id="2606.00002", title="Diffusion transformers"),
        ],
        at=AT,
    )
    await store.upsert_papers([Paper(id="2606.00003", title="Diffusion policies")], at=AT)
    await store.upsert_papers([Paper(id="2606.00001", title="Diffusion models v2")], at=AT)

    assert await store.word_counts(["diffusion", "models", "policies", "again", "v2", "x"]) == {
        "diffusion": 3,
        "models": 1,
        "policies": 1,
        "again": 1,
    }
    assert await store.word_counts(["models", "models"]) == {"models": 1}
    assert await store.word_counts([]) == {}


@pytest.fixture
async def vocabulary(store: Store) -> Store:
    """A store whose papers hold diffusion 3 times, diffuse twice, and a few other words."""
    titles = ["Diffusion diffuse", "Diffusion diffuse dig", "Diffusion", "Diff", "Differ"]
    papers = [Paper(id=f"2606.{n:05d}", title=title) for n, title in enumerate(titles)]
    await store.upsert_papers(papers, at=AT)
    return store


async def test_words_starting_a_prefix_come_most_common_first(vocabulary: Store) -> None:
    found = await vocabulary.words_starting("diff")

    assert list(found.items()) == [
        ("diffusion", 3),
        ("diffuse", 2),
        ("diff", 1),
        ("differ", 1),
    ]


async def test_words_starting_a_prefix_are_as_many_as_the_limit(vocabulary: Store) -> None:
    assert list(await vocabulary.words_starting("diff", limit=3)) == [
        "diffusion",
        "diffuse",
        "diff",
    ]


async def test_words_starting_a_prefix_can_be_kept_to_lengths(vocabulary: Store) -> None:
    assert await vocabulary.words_starting("di", lengths=(4, 7)) == {
        "diffuse": 2,
        "diff": 1,
        "differ": 1,
    }
    assert await vocabulary.words_starting("di", lengths=(3, 3)) == {"dig": 1}


async def test_no_prefix_starts_no_words(vocabulary: Store) -> None:
    assert await vocabulary.words_starting("") == {}
    assert await vocabulary.words_starting("diffusions") == {}
    assert await vocabulary.words_starting("dig") == {"dig": 1}


async def test_the_papers_stored_are_counted(store: Store, database_url: str) -> None:
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await count_papers(connection, dialect) == 0
        await store.upsert_papers(
            [Paper(id=f"2606.{n:05d}", title=f"Paper {n}") for n in range(3)], at=AT
        )
        async with engine.connect() as connection:
            assert await count_papers(connection, dialect) == 3
    finally:
        await engine.dispose()
