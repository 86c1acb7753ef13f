"""How search hits are ordered: relevance first, the title's words next, popularity and
recency only to break near-ties."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.search.engine import Found, by_meaning, rank_hits, title_coverage
from bot.search.scoring import Term
from bot.store.fulltext import SearchHit
from tests.fakes.papers import make_paper

NOW = datetime(2026, 8, 3, 12, 0, tzinfo=UTC)


def terms(*words: str | tuple[str, ...]) -> tuple[Term, ...]:
    """Query terms: a word in its forms, or a phrase (a tuple of words)."""
    return tuple(
        Term.of(tuple(frozenset({w}) for w in word), 1.0)
        if isinstance(word, tuple)
        else Term.of((frozenset({word, word + "s"}),), 1.0)
        for word in words
    )


def test_title_coverage_counts_the_query_terms_the_title_holds() -> None:
    query = terms("sparse", ("key", "value"), "cache")

    assert title_coverage(query, "Sparse attention with key-value caches") == 1.0
    assert title_coverage(query, "Sparse attention with value key caches") == 2 / 3
    assert title_coverage(query, "Dense retrieval") == 0.0


def test_a_paper_whose_title_holds_the_words_beats_a_slightly_more_relevant_one() -> None:
    query = terms("attention", "residual")
    in_title = make_paper(id="2607.27230", title="Multi-Head Attention Residuals", upvotes=0)
    in_abstract = make_paper(id="2611.01616", title="Gradient enforcement", upvotes=0)
    hits = [SearchHit(in_abstract, 10.0, query), SearchHit(in_title, 9.0, query)]

    ranked = rank_hits(hits, NOW)

    assert [found.paper.id for found in ranked] == ["2607.27230", "2611.01616"]


def test_upvotes_and_recency_only_break_near_ties() -> None:
    popular = make_paper(id="2601.00001", title="X", upvotes=500, featured_on=date(2026, 8, 3))
    relevant = make_paper(id="2601.00002", title="Y", upvotes=0, featured_on=date(2026, 1, 1))

    ranked = rank_hits([SearchHit(popular, 5.0), SearchHit(relevant, 7.0)], NOW)
    tied = rank_hits([SearchHit(popular, 7.0), SearchHit(relevant, 7.0)], NOW)

    assert [found.paper.id for found in ranked] == ["2601.00002", "2601.00001"]
    assert [found.paper.id for found in tied] == ["2601.00001", "2601.00002"]


def test_meaning_reorders_hits_whose_words_weigh_nothing() -> None:
    first = Found(make_paper(id="2601.00001"), 0.0)
    second = Found(make_paper(id="2601.00002"), 0.0)

    ranked = by_meaning([first, second], [0.1, 0.6])

    assert [found.paper.id for found in ranked] == ["2601.00002", "2601.00001"]


def test_meaning_and_words_together_order_the_hits() -> None:
    strong_words = Found(make_paper(id="2601.00001"), 10.0)
    close_meaning = Found(make_paper(id="2601.00002"), 8.0)

    ranked = by_meaning([strong_words, close_meaning], [0.1, 0.5])

    assert [found.paper.id for found in ranked] == ["2601.00002", "2601.00001"]
    assert ranked[0].score <= 10.0
