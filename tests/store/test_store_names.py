"""Known names: the authors and organizations of stored papers, looked up for a follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import FollowKind, Paper
from bot.store import Store
from bot.store.names import (
    MAX_AUTHORS_KEPT,
    MAX_KEY_LENGTH,
    ORGANIZATION_LIMIT,
    SAME_SURNAME_LIMIT,
    SIMILAR_SURNAME_LIMIT,
)
from bot.store.tables import known_names

NOW = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)
HOURS = timedelta(hours=1)


def paper(paper_id: str, *authors: str, organization: str | None = None) -> Paper:
    """A paper by some authors, perhaps from an organization."""
    return Paper(id=paper_id, title=f"Paper {paper_id}", authors=authors, organization=organization)


async def test_an_author_is_found_by_surname_then_by_surnames_starting_alike(
    store: Store,
) -> None:
    await store.upsert_papers(
        [
            paper("a", "Yann LeCun", "Erin Lecunn", organization="Lecun Labs"),
            paper("b", "Anna LeCun", "Carl Lee", "Dora Lecavalier"),
        ],
        at=NOW,
    )

    found = await store.known_names(FollowKind.AUTHOR, "Y. LeCun")

    assert found == ["Anna LeCun", "Yann LeCun", "Dora Lecavalier", "Erin Lecunn"]


async def test_a_typed_name_without_letters_stands_for_no_author(store: Store) -> None:
    await store.upsert_papers([paper("a", "Yann LeCun")], at=NOW)

    assert await store.known_names(FollowKind.AUTHOR, "?!") == []


async def test_organizations_are_all_listed_the_latest_seen_first(store: Store) -> None:
    await store.upsert_papers([paper("a", "Yann LeCun", organization="Meta AI")], at=NOW)
    await store.upsert_papers([paper("b", organization="NVIDIA")], at=NOW + HOURS)
    await store.upsert_papers([paper("c", organization="DeepMind")], at=NOW + HOURS)

    found = await store.known_names(FollowKind.ORG, "anything")

    assert found == ["DeepMind", "NVIDIA", "Meta AI"]


async def test_a_name_seen_again_keeps_its_latest_spelling_and_sighting(store: Store) -> None:
    await store.upsert_papers([paper("a", organization="Meta  AI")], at=NOW)
    await store.upsert_papers([paper("b", organization="NVIDIA")], at=NOW + HOURS)
    await store.upsert_papers([paper("c", organization="META AI")], at=NOW + 2 * HOURS)

    assert await store.known_names(FollowKind.ORG, "meta") == ["META AI", "NVIDIA"]


async def test_a_names_spaces_are_tidied(store: Store) -> None:
    await store.upsert_papers([paper("a", "  Yann \t LeCun ")], at=NOW)

    assert await store.known_names(FollowKind.AUTHOR, "LeCun") == ["Yann LeCun"]


async def test_only_the_first_authors_of_a_long_list_are_kept(store: Store) -> None:
    authors = [f"Author{n:02d} Smith" for n in range(MAX_AUTHORS_KEPT + 1)]
    await store.upsert_papers([paper("a", *authors)], at=NOW)

    assert await store.known_names(FollowKind.AUTHOR, "Smith") == authors[:MAX_AUTHORS_KEPT]


async def test_a_name_longer_than_any_real_one_is_not_kept(store: Store) -> None:
    longest = "A" * (MAX_KEY_LENGTH - len(" Smith")) + " Smith"
    too_long = "B" * (MAX_KEY_LENGTH + 1 - len(" Smith")) + " Smith"
    await store.upsert_papers([paper("a", longest, too_long)], at=NOW)

    assert await store.known_names(FollowKind.AUTHOR, "Smith") == [longest]


async def _many_known(database_url: str, kind: FollowKind, names: list[str]) -> None:
    """Store many names at once, as years of fetched papers would have (no papers needed)."""
    rows = [
        {
            "kind": kind.value,
            "key": name.lower(),
            "name": name,
            "surname": name.lower().split()[-1],
            "prefix": name.lower().split()[-1][:3],
            "seen_at": NOW,
        }
        for name in names
    ]
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(known_names.insert(), rows)
    finally:
        await engine.dispose()


async def test_a_common_surname_lists_a_bounded_number_of_authors(
    store: Store, database_url: str
) -> None:
    smiths = [f"Author{n:04d} Smith" for n in range(SAME_SURNAME_LIMIT + 1)]
    await _many_known(database_url, FollowKind.AUTHOR, smiths)

    assert await store.known_names(FollowKind.AUTHOR, "Smith") == smiths[:SAME_SURNAME_LIMIT]


async def test_surnames_starting_alike_are_a_bounded_number_too(
    store: Store, database_url: str
) -> None:
    alike = [f"Author{n:04d} Smi{n:04d}" for n in range(SIMILAR_SURNAME_LIMIT + 1)]
    await _many_known(database_url, FollowKind.AUTHOR, ["Ann Smith", *alike])

    found = await store.known_names(FollowKind.AUTHOR, "Smith")

    assert found == ["Ann Smith", *alike[:SIMILAR_SURNAME_LIMIT]]


async def test_organizations_are_a_bounded_number(store: Store, database_url: str) -> None:
    labs = [f"Lab {n:05d}" for n in range(ORGANIZATION_LIMIT + 1)]
    await _many_known(database_url, FollowKind.ORG, labs)

    assert await store.known_names(FollowKind.ORG, "lab") == labs[:ORGANIZATION_LIMIT]
