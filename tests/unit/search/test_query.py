"""The search query language: what each part means, and that no text can break it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.search.query import SearchQuery, parse_query
from bot.store.fulltext import exact_forms, fts5_match, tsquery


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Diffusion Transformers",
            SearchQuery(terms=(("diffusion",), ("transformers",)), prefix=True),
        ),
        (
            '"sparse attention" decoding',
            SearchQuery(terms=(("sparse", "attention"), ("decoding",)), prefix=True),
        ),
        ('agents "tool use"', SearchQuery(terms=(("agents",), ("tool", "use")))),
        ("GPT-4 Überblick", SearchQuery(terms=(("gpt", "4"), ("uberblick",)), prefix=True)),
        (
            'video -robotics -"medical imaging"',
            SearchQuery(
                terms=(("video",),), excluded=(("robotics",), ("medical", "imaging")), prefix=True
            ),
        ),
        ('author:"Yann LeCun"', SearchQuery(author=("yann", "lecun"))),
        (
            "author:Y. LeCun world models",
            SearchQuery(terms=(("world",), ("models",)), author=("y", "lecun"), prefix=True),
        ),
        (
            "org:NVIDIA since:2026-06-01 has:code min-upvotes:10",
            SearchQuery(org=("nvidia",), since=date(2026, 6, 1), has_code=True, min_upvotes=10),
        ),
        ("http://example.com/x", SearchQuery(terms=(("http", "example", "com", "x"),))),
    ],
)
def test_each_part_of_the_language(text: str, expected: SearchQuery) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x since:June", "Give since: a date as YYYY-MM-DD"),
        ("x since:2026-02-30", "Give since: a date as YYYY-MM-DD"),
        ("x has:pdf", "The one has: filter is has:code."),
        ("x min-upvotes:lots", "Give min-upvotes: a whole number"),
        ("x author:", "Name the author"),
        ("x org:", "Name the organization"),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_problem_not_an_error(text: str, problem: str) -> None:
    query = parse_query(text)
    assert query.terms == (("x",),)
    (said,) = query.problems
    assert said.startswith(problem)


@pytest.mark.parametrize(
    "text", ["", "   ", "🎉🎉🎉", "* ^ ( ) :", '"', '""', "-x -y", "\x00\x1b[", "—–·"]
)
def test_text_without_words_is_empty(text: str) -> None:
    assert parse_query(text).empty


_QUOTED_WORD = re.compile(r'"[^"\s]+"\*?')


@given(st.text(max_size=300))
def test_no_text_breaks_the_parser_or_reaches_an_index_unquoted(text: str) -> None:
    query = parse_query(text)
    match = fts5_match(query, exact_forms(query))
    if match is not None:
        assert '"' in match
        outside_quotes = re.sub(r'"[^"]*"', "", match)
        assert set(outside_quotes) <= set(" ()*ANDORNTaeghinortuszl:")
    expression = tsquery(query)
    if expression is not None:
        outside = re.sub(r"'[^']*'", "", expression)
        assert set(outside) <= set(" ()&!<->:*B")
    for word in query.words:
        assert word.isalnum()


def test_a_repeated_word_is_one_term() -> None:
    query = parse_query("transformer Transformer diffusion transformer -gan -GAN")

    assert query.terms == (("transformer",), ("diffusion",))
    assert query.excluded == (("gan",),)


def test_loosening_leaves_common_words_out_but_keeps_phrases() -> None:
    loose = parse_query('that paper about "one of" robot grasping').loosened()

    assert loose is not None
    assert loose.match_any
    assert loose.terms == (("one", "of"), ("robot",), ("grasping",))


@pytest.mark.parametrize(
    ("text", "everywhere", "in_titles"),
    [
        ("diffusion models", "'diffusion' & 'models':*", "'diffusion':AB & 'models':*AB"),
        (
            '"video diffusion" agents',
            "('video' <-> 'diffusion') & 'agents':*",
            "('video':AB <-> 'diffusion':AB) & 'agents':*AB",
        ),
        ('"video diffusion"', "('video' <-> 'diffusion')", "('video':AB <-> 'diffusion':AB)"),
        ('robot author:"Yann LeCun"', "'robot':* & 'lecun':B", "'robot':*AB & 'lecun':B"),
        (
            "robot org:deepseek-ai",
            "'robot':* & 'deepseek':B & 'ai':B",
            "'robot':*AB & 'deepseek':B & 'ai':B",
        ),
        ("robot -gan -vae", "(('robot':*) & !'gan') & !'vae'", "(('robot':*AB) & !'gan') & !'vae'"),
        (
            'robot -"neural network"',
            "('robot':*) & !('neural' <-> 'network')",
            "('robot':*AB) & !('neural' <-> 'network')",
        ),
        ("author:lecun", "'lecun':B", "'lecun':B"),
        ("has:code", None, None),
    ],
)
def test_a_query_in_postgresqls_tsquery_syntax(
    text: str, everywhere: str | None, in_titles: str | None
) -> None:
    query = parse_query(text)

    assert tsquery(query) == everywhere
    assert tsquery(query, titles=True) == in_titles


def test_a_loosened_query_in_tsquery_syntax_needs_any_word() -> None:
    loose = parse_query("robot grasping").loosened()

    assert loose is not None
    assert tsquery(loose) == "'robot' | 'grasping'"


@pytest.mark.parametrize(
    ("text", "everywhere", "in_titles"),
    [
        ("diffusion models", '"diffusion" AND "models"', '"diffusion" AND "models"'),
        (
            '"video diffusion" agents',
            '"video diffusion" AND "agents"',
            '"video diffusion" AND "agents"',
        ),
        ('robot author:"Yann LeCun"', '"robot" AND authors : "lecun"', '"robot"'),
        (
            "robot org:deepseek-ai",
            '"robot" AND organization : ("deepseek" AND "ai")',
            '"robot"',
        ),
        ("robot -gan -vae", '(("robot") NOT "gan") NOT "vae"', '"robot"'),
        ('robot -"neural network"', '("robot") NOT "neural network"', '"robot"'),
        ("author:lecun", 'authors : "lecun"', None),
        ("has:code", None, None),
    ],
)
def test_a_query_in_fts5_match_syntax(
    text: str, everywhere: str | None, in_titles: str | None
) -> None:
    query = parse_query(text)

    assert fts5_match(query, exact_forms(query)) == everywhere
    assert fts5_match(query, exact_forms(query), titles=True) == in_titles


def test_a_word_matched_in_several_forms_is_any_of_them() -> None:
    query = parse_query("robot")

    assert fts5_match(query, [(frozenset({"robots", "robot"}),)]) == '("robot" OR "robots")'


def test_a_loosened_query_in_fts5_match_syntax_needs_any_word() -> None:
    loose = parse_query("robot grasping").loosened()

    assert loose is not None
    assert fts5_match(loose, exact_forms(loose)) == '"robot" OR "grasping"'
