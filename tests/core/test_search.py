"""`/papers search` on the recorded Hugging Face days: a remembered phrase, an author, a
prefix or a misspelling finds the paper first, and any text at all gets a clear answer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import ChannelRef, ReplyKind
from bot.sources.hf import parse_daily_papers
from tests.core.conftest import NOW, TODAY, Harness
from tests.fakes.papers import make_paper
from tests.fakes.upstream import HF_DAILY_AUGUST, HF_DAILY_JUNE, load_hf_fixture


@pytest.fixture
async def recorded(harness: Harness) -> Harness:
    """The core over a store holding both recorded Hugging Face days (60 papers)."""
    for name in (HF_DAILY_JUNE, HF_DAILY_AUGUST):
        report = parse_daily_papers(load_hf_fixture(name))
        await harness.store.upsert_papers(report.papers, at=NOW)
    return harness


async def first_hit(harness: Harness, text: str) -> str:
    reply = await harness.run(f"search {text}")
    assert reply.kind is ReplyKind.PAPERS, reply.text
    return reply.items[0].paper_id


@pytest.mark.parametrize(
    ("text", "paper_id"),
    [
        ("limits of LLM adaptability", "2606.00467"),
        ('"memory for LLM agents"', "2607.26637"),
        ("BM25 wins at scale", "2607.26497"),
        ("pianokontext", "2606.12282"),
        ("deadpan performance rendering", "2606.12282"),
        ('author:"Dmitrii Gavrilev"', "2606.12282"),
        ("author:D. Gavrilev", "2606.12282"),
        ("omnisco", "2607.23193"),
    ],
)
async def test_a_remembered_phrase_author_or_prefix_finds_the_paper_first(
    recorded: Harness, text: str, paper_id: str
) -> None:
    assert await first_hit(recorded, text) == paper_id


@pytest.mark.parametrize(
    ("text", "paper_id"),
    [
        (
            "attention that reads only a few chosen key value blocks, for million token contexts",
            "2606.13392",
        ),
        ("making computer-played piano music sound expressive, like a human pianist", "2606.12282"),
        (
            "plain keyword ranking beats dense retrieval once the document collection grows",
            "2607.26497",
        ),
    ],
)
async def test_a_description_in_other_words_finds_the_paper(
    recorded: Harness, text: str, paper_id: str
) -> None:
    reply = await recorded.run(f"search {text}")

    assert reply.items[0].paper_id == paper_id, reply.text


async def test_a_paper_holding_every_word_comes_before_one_holding_some(
    recorded: Harness,
) -> None:
    reply = await recorded.run("search limits of LLM adaptability")

    assert reply.items[0].paper_id == "2606.00467"
    assert len(reply.items) > 1


@pytest.mark.parametrize("typed", ["pianokontxt", "ianokontext", "ipanokontext", "pianokonttext"])
async def test_a_misspelt_word_is_corrected_from_the_index(recorded: Harness, typed: str) -> None:
    reply = await recorded.run(f"search {typed}")

    assert reply.text == f"Nothing matched “{typed}”; showing results for “pianokontext”."
    assert reply.items[0].paper_id == "2606.12282"


async def test_each_result_shows_the_matching_part_of_its_abstract(recorded: Harness) -> None:
    reply = await recorded.run("search deadpan")

    assert "deadpan" in reply.items[0].note.lower()


async def test_a_filter_that_cannot_be_read_says_so_beside_the_results(
    recorded: Harness,
) -> None:
    reply = await recorded.run("search agents since:yesterday")

    assert reply.kind is ReplyKind.PAPERS
    assert reply.lines == ("Give since: a date as YYYY-MM-DD, e.g. since:2026-06-01.",)


@pytest.mark.parametrize("text", ["🎉🎉", '""', "-memory", "* ^ ( )", "author:"])
async def test_a_query_with_nothing_to_look_for_gets_a_hint(recorded: Harness, text: str) -> None:
    reply = await recorded.run(f"search {text}")

    assert reply.kind is ReplyKind.ERROR
    assert "e.g. /papers search" in reply.text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=200))
async def test_any_text_gets_an_answer(recorded: Harness, text: str) -> None:
    reply = await recorded.run(f"search {text}")
    assert reply.kind in (ReplyKind.PAPERS, ReplyKind.TEXT, ReplyKind.ERROR)
    assert reply.text


async def test_similar_finds_papers_on_the_same_subject(recorded: Harness) -> None:
    await recorded.store.upsert_papers(
        [
            make_paper(
                id="2606.90001",
                title="Expressive Piano Performance Rendering",
                abstract="We render expressive piano performances from deadpan scores.",
                ai_keywords=("piano", "performance rendering"),
                featured_on=None,
            )
        ],
        at=NOW,
    )

    reply = await recorded.run("similar 2606.12282")

    assert reply.kind is ReplyKind.PAPERS
    assert (
        reply.text
        == "Papers like “PianoKontext: Expressive Performance Rendering from Deadpan Context”."
    )
    ids = [item.paper_id for item in reply.items]
    assert ids[0] == "2606.90001"
    assert "2606.12282" not in ids


async def test_similar_for_an_unknown_paper_says_how_to_look_it_up(recorded: Harness) -> None:
    reply = await recorded.run("similar 2611.09999")

    assert reply.kind is ReplyKind.ERROR
    assert reply.text == "I don't know paper 2611.09999; /papers paper 2611.09999 looks it up."


async def test_more_shows_the_next_page_and_the_button_carries_an_id_not_the_query(
    recorded: Harness,
) -> None:
    first = await recorded.run("search model")
    assert first.more is not None and first.more.startswith("more ")
    assert "model" not in first.more

    typed = await recorded.run("more")
    clicked = await recorded.run(first.more)

    assert [item.rank for item in first.items] == [1, 2, 3, 4, 5]
    assert [item.rank for item in typed.items] == [6, 7, 8, 9, 10]
    assert [i.paper_id for i in clicked.items] == [i.paper_id for i in typed.items]
    shown = {i.paper_id for i in first.items}
    assert not shown & {i.paper_id for i in typed.items}


async def test_the_last_page_offers_no_more(recorded: Harness) -> None:
    reply = await recorded.run("search pianokontext")

    assert reply.more is None
    assert (await recorded.run("more")).text.startswith("There is no search of yours here")


async def test_a_search_of_another_channel_cannot_be_paged_here(recorded: Harness) -> None:
    first = await recorded.run("search model")
    assert first.more is not None

    elsewhere = await recorded.run(first.more, channel=ChannelRef("console", "local", "other"))

    assert elsewhere.kind is ReplyKind.ERROR
    assert elsewhere.text == "That search is no longer kept; run /papers search again."


async def test_a_search_with_exactly_one_page_of_results_offers_no_more(harness: Harness) -> None:
    reply = await harness.run("search attention")

    assert len(reply.items) == 5
    assert reply.more is None


async def test_a_search_with_a_sixth_result_offers_the_next_page_from_it(
    harness: Harness,
) -> None:
    await harness.store.upsert_papers(
        [make_paper(id="2606.00006", title="Paper 2606.00006", featured_on=TODAY)], at=NOW
    )

    first = await harness.run("search attention")
    rest = await harness.run("more")

    assert first.more is not None and first.more.endswith(":5")
    assert [item.rank for item in rest.items] == [6]
    assert rest.more is None


async def test_typing_more_again_goes_on_where_the_last_page_ended(recorded: Harness) -> None:
    first = await recorded.run("search model")
    second = await recorded.run("more")

    third = await recorded.run("more")

    assert first.more is not None and second.more is not None
    search_id = first.more.removeprefix("more ").split(":")[0]
    assert second.more == f"more {search_id}:10"
    assert [item.rank for item in third.items] == [11, 12, 13, 14, 15]


async def test_a_page_past_the_last_result_says_there_are_no_more(recorded: Harness) -> None:
    first = await recorded.run("search model")
    assert first.more is not None
    search_id = first.more.removeprefix("more ").split(":")[0]

    reply = await recorded.run(f"more {search_id}:500")

    assert (reply.kind, reply.text) == (ReplyKind.TEXT, "No more results for “model”.")


async def test_more_without_a_search_says_to_search_first(harness: Harness) -> None:
    reply = await harness.run("more")

    assert (reply.kind, reply.text) == (
        ReplyKind.ERROR,
        "There is no search of yours here to go on with; use /papers search.",
    )


async def test_a_search_nothing_matches_says_to_try_other_words(harness: Harness) -> None:
    reply = await harness.run("search zyxxyqq")

    assert (reply.kind, reply.text) == (
        ReplyKind.TEXT,
        "No papers found for “zyxxyqq”; try fewer or other words.",
    )


async def test_search_results_are_ranked_from_one_with_their_snippets(harness: Harness) -> None:
    reply = await harness.run("search attention")

    assert reply.text == "Papers matching “attention”."
    assert [item.rank for item in reply.items] == [1, 2, 3, 4, 5]
    assert all("attention" in item.note.lower() for item in reply.items)


async def test_similar_to_a_paper_unlike_any_other_says_so(harness: Harness) -> None:
    await harness.store.upsert_papers(
        [
            make_paper(
                id="2606.90009",
                title="Quokka Husbandry\nin Winter",
                abstract="Zyxxy qwfpgj blorft.",
                ai_keywords=("zyxxy",),
                authors=("Nobody Else",),
                organization=None,
                featured_on=None,
            )
        ],
        at=NOW,
    )

    reply = await harness.run("similar 2606.90009")

    assert (reply.kind, reply.text) == (
        ReplyKind.TEXT,
        "No stored paper is close to “Quokka Husbandry in Winter” yet.",
    )


async def test_similar_papers_are_ranked_from_one_with_what_they_share(
    harness: Harness,
) -> None:
    reply = await harness.run("similar 2606.00001")

    assert reply.kind is ReplyKind.PAPERS
    assert [item.rank for item in reply.items] == list(range(1, len(reply.items) + 1))
    assert reply.items and all(item.note for item in reply.items)


@pytest.mark.parametrize("rank", [1, 3])
async def test_similar_to_a_rank_looks_at_that_paper_of_todays_digest(
    harness: Harness, rank: int
) -> None:
    today = await harness.run("today")
    assert today.digest is not None

    reply = await harness.run(f"similar {rank}")

    assert reply.text == f"Papers like “{today.digest.items[rank - 1].title}”."


async def test_similar_lists_five_papers_at_most(recorded: Harness) -> None:
    reply = await recorded.run("similar 2606.12282")

    assert len(reply.items) == 5


async def test_a_listed_paper_is_scored_for_this_channel_as_of_now(harness: Harness) -> None:
    await harness.run("topics add attention")
    await harness.run('follow author "Xunhao Lai"')

    reply = await harness.run("search attention")

    item = reply.items[0]
    details = {part.name: part.detail for part in item.explanation.components}
    assert details["age"] == "featured today"
    assert details["topics"].startswith("matches your topic")
    assert item.followed == ("Xunhao Lai",)


async def test_a_query_whose_only_filter_cannot_be_read_gets_the_problem_and_the_hint(
    harness: Harness,
) -> None:
    reply = await harness.run("search since:yesterday")

    assert reply.kind is ReplyKind.ERROR
    assert reply.text.startswith("Give since: a date as YYYY-MM-DD, e.g. since:2026-06-01. ")
    assert "e.g. /papers search" in reply.text


async def test_a_snippet_is_cut_to_one_line_of_200_characters(harness: Harness) -> None:
    long_words = " ".join(f"quokka{'z' * 30}{n}" for n in range(12))
    await harness.store.upsert_papers(
        [
            make_paper(
                id="2606.90009",
                title="Quokka sightings",
                abstract=f"Quokka {long_words}.",
                featured_on=TODAY,
            )
        ],
        at=NOW,
    )

    reply = await harness.run("search quokka")

    [item] = reply.items
    assert len(item.note) == 200 and item.note.endswith("…")
