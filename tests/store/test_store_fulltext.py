"""The full-text index, on SQLite (FTS5) and PostgreSQL (tsvector): every word must match,
titles weigh most, prefixes and word forms match, filters and exclusions hold, and the
index follows every change to the papers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import Paper
from bot.search.query import parse_query
from bot.store import Store, fulltext

NOW = datetime(2026, 6, 13, 10, tzinfo=UTC)
EARLY = date(2026, 6, 1)
"""A day before the fixtures' usual one: a paper featured then is older on either index."""


def paper(paper_id: str, **fields: object) -> Paper:
    """A paper with a title and whatever else the test cares about."""
    fields.setdefault("title", f"Paper {paper_id}")
    fields.setdefault("featured_on", date(2026, 6, 12))
    return Paper(id=paper_id, **fields)  # type: ignore[arg-type]


async def found(store: Store, text: str) -> list[str]:
    """The ids the index returns for a typed query, most relevant first."""
    return [hit.paper.id for hit in await store.search_index(parse_query(text))]


@pytest.fixture
async def indexed(store: Store) -> Store:
    """A store holding a handful of papers about diffusion, video and agents."""
    await store.upsert_papers(
        [
            paper("title-hit", title="Diffusion Models for Video", upvotes=3),
            paper("abstract-hit", abstract="We train a video diffusion model.", upvotes=9),
            paper(
                "keyword-hit", title="Clips", ai_keywords=("Diffusion", "clips", "video"), upvotes=1
            ),
            paper("one-word", title="Diffusion for images", upvotes=50),
            paper(
                "agents",
                title="Transformer Agents that Browse",
                abstract="A web agent.",
                authors=("Xunhao Lai", "Zoë Müller"),
                organization="MiniMax",
                github_repo="minimax/agents",
                upvotes=120,
                featured_on=date(2026, 6, 1),
            ),
        ],
        at=NOW,
    )
    return store


THREE_FORMS = [
    paper("typed", title="Agents trained on the web", featured_on=date(2026, 6, 1)),
    paper("newer", title="Agents training on the web", featured_on=date(2026, 6, 11)),
    paper("newest", title="Agents train on the web", featured_on=date(2026, 6, 12)),
]
"""Three papers holding three forms of one word, the oldest (stored first) "trained"."""


async def test_every_word_must_match_and_the_title_weighs_most(indexed: Store) -> None:
    assert await found(indexed, "DIFFUSION video") == ["title-hit", "keyword-hit", "abstract-hit"]


async def test_a_prefix_and_other_word_forms_match(indexed: Store) -> None:
    assert "title-hit" in await found(indexed, "diffus")
    assert await found(indexed, "transformers agent") == ["agents"]
    assert await found(indexed, "browsing") == ["agents"]


async def test_the_word_as_typed_ranks_before_its_other_forms(store: Store) -> None:
    await store.upsert_papers(THREE_FORMS, at=NOW)

    assert (await found(store, "trained agents"))[0] == "typed"
    assert (await found(store, "training agents"))[0] == "newer"


async def test_on_sqlite_the_word_as_typed_is_found_beyond_the_newest_forms(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's index holds stems only, so its candidates are the newest forms")
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    for one in THREE_FORMS:
        in_abstract = replace(one, title=f"Paper {one.id}", abstract=one.title)
        await store.upsert_papers([in_abstract], at=NOW)

    assert (await found(store, "trained agents"))[0] == "typed"


async def test_a_paper_holding_the_words_in_its_title_is_found_among_many_newer_ones(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    old = paper("old", title="Visual KV cache compression", featured_on=date(2026, 6, 1))
    await store.upsert_papers([old], at=NOW)
    await store.upsert_papers(
        [paper(f"new-{n}", abstract="A visual model; its KV cache grows.") for n in range(3)],
        at=NOW,
    )

    assert (await found(store, "visual kv cache"))[0] == "old"


async def test_a_phrase_needs_its_words_in_order(indexed: Store) -> None:
    assert await found(indexed, '"video diffusion"') == ["abstract-hit"]
    assert await found(indexed, '"diffusion video"') == []


async def test_authors_match_with_initials_and_without_accents(indexed: Store) -> None:
    assert await found(indexed, 'author:"X. Lai"') == ["agents"]
    assert await found(indexed, "author:zoe muller") == ["agents"]
    assert await found(indexed, 'author:"Y. Lai"') == []


async def test_filters_and_exclusions(indexed: Store) -> None:
    assert await found(indexed, "diffusion -video") == ["one-word"]
    assert await found(indexed, "org:minimax") == ["agents"]
    assert await found(indexed, "has:code") == ["agents"]
    assert set(await found(indexed, "diffusion min-upvotes:5")) == {"abstract-hit", "one-word"}
    assert "agents" not in await found(indexed, "since:2026-06-10")


@pytest.mark.parametrize(
    "text",
    ['NEAR("zz" "yy")', "zz* OR yy^", "x'); DROP TABLE papers;--", '"unbalanced', "{title}:zz"],
)
async def test_query_syntax_of_either_index_is_just_text(indexed: Store, text: str) -> None:
    assert await found(indexed, text) == []


async def test_the_index_follows_changes_and_deletions(indexed: Store, database_url: str) -> None:
    await indexed.upsert_papers([paper("one-word", title="Speech recognition")], at=NOW)

    assert "one-word" not in await found(indexed, "diffusion")
    assert await found(indexed, "speech") == ["one-word"]

    async with create_async_engine(database_url).begin() as connection:
        await connection.execute(text("DELETE FROM papers WHERE id = 'one-word'"))
    assert await found(indexed, "speech") == []


async def test_the_vocabulary_knows_indexed_words(indexed: Store, database_url: str) -> None:
    assert await indexed.indexed_words(["diffusion", "difusion"]) == {"diffusion": 4}
    assert ("diffusion", 4) in await indexed.words_like("difusion", edits=1)
    assert ("diffusion", 4) not in await indexed.words_like("diffusionmodel", edits=2)


async def test_filters_alone_list_the_most_upvoted_papers_unscored(indexed: Store) -> None:
    hits = await indexed.search_index(parse_query("min-upvotes:5"))

    assert [hit.paper.id for hit in hits] == ["agents", "one-word", "abstract-hit"]
    assert [hit.relevance for hit in hits] == [0.0, 0.0, 0.0]


async def test_filters_alone_list_only_the_best_candidates(store: Store) -> None:
    many = [paper(f"p{n:02d}", upvotes=n) for n in range(fulltext.CANDIDATES)]
    await store.upsert_papers([*many, paper("tied", upvotes=5), paper("unvoted")], at=NOW)

    listed = await found(store, "since:2026-06-01")

    best = [f"p{n:02d}" for n in reversed(range(fulltext.CANDIDATES))]
    assert listed == [*best[:14], "p05", "tied", *best[15:-1]]


async def test_an_author_of_one_word_may_be_any_author_of_the_paper(store: Store) -> None:
    await store.upsert_papers(
        [
            paper("solo", authors=("Mei Lai",)),
            paper("pair", authors=("Xunhao Lai", "Zoë Müller")),
            paper("other", authors=("Laila Smith",)),
        ],
        at=NOW,
    )

    assert sorted(await found(store, "author:lai")) == ["pair", "solo"]


async def test_misspelt_words_are_corrected_from_words_of_about_their_length(
    indexed: Store,
) -> None:
    assert await indexed.words_like("vi", edits=3) == [("video", 3)]
    assert await indexed.words_like("v", edits=4) == []
    assert await indexed.words_like("viedo", edits=0) == [("video", 3)]
    assert ("diffusion", 4) in await indexed.words_like("diffusions", edits=1)


async def test_a_prefix_stands_for_its_most_common_words_only(store: Store) -> None:
    words = [f"robo{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(fulltext.FORMS_LIMIT + 1)]
    *common, last = words
    await store.upsert_papers([paper(f"p{n:02d}", title=w) for n, w in enumerate(common)], at=NOW)
    await store.upsert_papers([paper("a-last", title=last)], at=NOW)

    assert "a-last" not in await found(store, "robo*")
    assert await found(store, last) == ["a-last"]


async def test_an_author_or_organization_outweighs_the_abstract(store: Store) -> None:
    await store.upsert_papers(
        [
            paper("a-abstract", abstract="Compared with Lai and MiniMax."),
            paper("b-author", authors=("Xunhao Lai",)),
            paper("c-organization", organization="MiniMax"),
        ],
        at=NOW,
    )

    assert await found(store, "lai") == ["b-author", "a-abstract"]
    assert await found(store, "minimax") == ["c-organization", "a-abstract"]


async def test_an_empty_field_holds_no_word(store: Store) -> None:
    await store.upsert_papers(
        [
            paper(
                "a-full", title="Yyyy", abstract="Zzzz", organization="Wwww", ai_keywords=("xxxx",)
            ),
            paper("b-empty", title="", abstract="", organization=None, ai_keywords=("xxxx",)),
        ],
        at=NOW,
    )

    hits = await store.search_index(parse_query("xxxx"))

    assert [hit.paper.id for hit in hits] == ["a-full", "b-empty"]
    assert hits[0].relevance == hits[1].relevance


async def test_a_word_of_four_letters_stem_also_finds_its_other_forms(store: Store) -> None:
    await store.upsert_papers([paper("walking", title="Robots walking")], at=NOW)

    assert await found(store, "walks") == ["walking"]


async def test_since_a_day_takes_papers_published_from_its_first_minute(store: Store) -> None:
    day = date(2026, 6, 10)
    await store.upsert_papers(
        [
            paper(
                "just-after",
                featured_on=None,
                published_at=datetime(2026, 6, 10, 0, 30, tzinfo=UTC),
            ),
            paper(
                "just-before",
                featured_on=None,
                published_at=datetime(2026, 6, 9, 23, 30, tzinfo=UTC),
            ),
        ],
        at=NOW,
    )

    assert await found(store, f"since:{day.isoformat()}") == ["just-after"]


async def test_only_the_last_word_also_stands_for_the_words_it_starts(indexed: Store) -> None:
    assert await found(indexed, "diffusion vid") == ["title-hit", "keyword-hit", "abstract-hit"]
    assert await found(indexed, "vid diffusion") == []
    assert await found(indexed, '"vid"') == []


async def test_a_loosened_query_finds_papers_holding_any_of_its_words(indexed: Store) -> None:
    query = parse_query("images browse").loosened()
    assert query is not None

    hits = await indexed.search_index(query)

    assert sorted(hit.paper.id for hit in hits) == ["agents", "one-word"]


async def test_a_hit_carries_its_relevance_and_the_terms_as_matched(indexed: Store) -> None:
    hits = await indexed.search_index(parse_query("diffusion video"))

    relevances = [hit.relevance for hit in hits]
    assert relevances == sorted(relevances, reverse=True) and relevances[-1] > 0
    assert all(hit.terms == hits[0].terms for hit in hits)
    matched = [term.words for term in hits[0].terms]
    assert matched == [(frozenset({"diffusion"}),), (frozenset({"video"}),)]


async def test_a_shorter_title_holding_the_word_ranks_first(store: Store) -> None:
    await store.upsert_papers(
        [
            paper("a-long", title="Diffusion models, samplers, schedules and their many uses"),
            paper("b-short", title="Diffusion models"),
        ],
        at=NOW,
    )

    assert await found(store, "diffusion") == ["b-short", "a-long"]


async def test_a_word_no_count_knows_of_earns_no_bonus_as_typed(store: Store) -> None:
    await store.upsert_papers(
        [paper("a-first", title="Robots walking"), paper("b-changed", title="Robots walking")],
        at=NOW,
    )
    await store.upsert_papers([paper("b-changed", title="Robots walks")], at=NOW)

    hits = await store.search_index(parse_query("walks"))

    assert [hit.paper.id for hit in hits] == ["a-first", "b-changed"]
    assert hits[0].relevance == hits[1].relevance


async def test_the_rarer_word_in_the_title_ranks_first(store: Store) -> None:
    await store.upsert_papers(
        [
            paper("a-common-title", title="Arm", abstract="An emu study."),
            paper("b-rare-title", title="Emu", abstract="An arm study."),
            *(paper(f"arm-{n}", title="Arm", abstract="A study.") for n in range(4)),
        ],
        at=NOW,
    )

    assert await found(store, "arm emu study") == ["b-rare-title", "a-common-title"]


async def test_a_word_the_vocabulary_has_not_counted_weighs_as_the_rarest(store: Store) -> None:
    await store.upsert_papers(
        [paper("a-robot-title", title="Robot"), paper("b-zebra-title", title="Placeholder")],
        at=NOW,
    )
    await store.upsert_papers(
        [
            paper("a-robot-title", title="Robot", abstract="Zebra"),
            paper("b-zebra-title", title="Zebra", abstract="Robot"),
        ],
        at=NOW,
    )

    assert await found(store, "robot zebra") == ["b-zebra-title", "a-robot-title"]


async def test_a_loosened_query_looks_for_its_rarest_words_only(
    store: Store, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's tsquery holds every word of the query, not the rarest")
    rare = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    assert len(rare) == fulltext.ANY_TERMS
    await store.upsert_papers(
        [
            *(paper(f"rare-{word}", title=word.title()) for word in rare),
            *(paper(f"common-{n}", title="Robot") for n in range(3)),
        ],
        at=NOW,
    )
    query = parse_query(" ".join(["robot", *rare])).loosened()
    assert query is not None

    hits = await store.search_index(query)

    assert sorted(hit.paper.id for hit in hits) == sorted(f"rare-{word}" for word in rare)


async def test_only_the_newest_papers_holding_the_words_are_ranked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    await store.upsert_papers([paper("oldest", abstract="Robot.", featured_on=EARLY)], at=NOW)
    for n in range(2):
        await store.upsert_papers([paper(f"newer-{n}", abstract="A robot, with arms.")], at=NOW)

    assert await found(store, "robot") == ["newer-0", "newer-1"]


async def test_the_titles_index_finds_an_old_title_among_many_newer_abstracts(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    await store.upsert_papers([paper("old-title", title="Robot")], at=NOW)
    newer = [paper(f"newer-{n:02d}", abstract="A robot.") for n in range(fulltext.TITLES_LIMIT + 1)]
    await store.upsert_papers(newer, at=NOW)

    assert (await found(store, "robot"))[0] == "old-title"


async def test_the_titles_index_also_hands_over_its_newest_only(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    monkeypatch.setattr(fulltext, "TITLES_LIMIT", 2)
    await store.upsert_papers([paper("oldest", title="Robot", featured_on=EARLY)], at=NOW)
    for n in range(2):
        await store.upsert_papers([paper(f"newer-{n}", title="Robot arms for kitchens")], at=NOW)

    assert await found(store, "robot") == ["newer-0", "newer-1"]


async def test_an_organizations_papers_only_even_by_their_titles(store: Store) -> None:
    await store.upsert_papers(
        [
            paper("elsewhere", title="Robot"),
            paper("minimax", title="Agents", abstract="A robot.", organization="MiniMax"),
        ],
        at=NOW,
    )

    assert await found(store, "robot org:minimax") == ["minimax"]


async def test_the_word_as_typed_is_looked_for_among_its_newest_papers_only(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's index holds stems only: it never looks for the word as typed")
    monkeypatch.setattr(fulltext, "MATCHED_LIMIT", 2)
    monkeypatch.setattr(fulltext, "EXACT_LIMIT", 1)
    for paper_id, abstract in [
        ("typed-old", "Trained."),
        ("typed-new", "Agents trained, at length."),
        ("form-1", "Agents training, at length."),
        ("form-2", "Agents training, at length."),
    ]:
        await store.upsert_papers([paper(paper_id, abstract=abstract)], at=NOW)

    listed = await found(store, "trained")

    assert "typed-new" in listed and "typed-old" not in listed


async def test_a_loosened_query_ranks_the_newest_papers_holding_each_word(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "ANY_LIMIT", 2)
    await store.upsert_papers([paper("oldest", abstract="Robot.", featured_on=EARLY)], at=NOW)
    for n in range(2):
        await store.upsert_papers([paper(f"newer-{n}", abstract="A robot, with arms.")], at=NOW)
    query = parse_query("robot").loosened()
    assert query is not None

    assert sorted(hit.paper.id for hit in await store.search_index(query)) == ["newer-0", "newer-1"]
