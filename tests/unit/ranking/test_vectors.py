"""Papers as vectors: one vocabulary of words fitted on recent papers, people and categories
hashed beside it, and each paper's row computed once, whether it was in the corpus or not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.models import Paper
from bot.ranking.vectors import (
    MAX_AUTHORS,
    MAX_FEATURES,
    META_BUCKETS,
    META_WEIGHT,
    PaperVectors,
    paper_text,
    paper_tokens,
    shown,
)
from tests.fakes.papers import make_paper

DIFFUSION = make_paper(
    id="2606.00001",
    title="Diffusion",
    abstract="the diffusion sampler",
    ai_keywords=(),
    categories=("cs.LG",),
    authors=("Yann LeCun",),
    organization="Meta",
)
ROBOTS = make_paper(
    id="2606.00002",
    title="Robots",
    abstract="robot grasping",
    ai_keywords=(),
    categories=(),
    authors=("Ada Lovelace",),
    organization=None,
)


def features(vectors: PaperVectors, paper: Paper) -> dict[str, float]:
    """The paper's row as a person reads it: each feature's name and value."""
    row = vectors.matrix([paper]).tocoo()
    return {
        vectors.name(int(column)): float(value)
        for column, value in zip(row.col, row.data, strict=True)
    }


def new_paper(paper_id: str, title: str, author: str) -> Paper:
    """A paper with one word and one author, outside any corpus."""
    return make_paper(
        id=paper_id,
        title=title,
        abstract="",
        ai_keywords=(),
        categories=(),
        authors=(author,),
        organization=None,
    )


def test_the_text_is_the_title_twice_then_the_abstract_keywords_and_categories() -> None:
    paper = make_paper(
        title="T", abstract="A", ai_keywords=("k1", "k2"), categories=("cs.LG", "cs.CL")
    )
    assert paper_text(paper) == "T T A k1 k2 cs.LG cs.CL"


def test_the_tokens_are_the_authors_the_organization_and_the_categories() -> None:
    paper = make_paper(
        authors=("Yann LeCun", "", "Lêng Zhāo"), organization="DeepSeek-AI", categories=("cs.LG",)
    )
    assert paper_tokens(paper) == [
        "author:yann lecun",
        "author:leng zhao",
        "org:deepseek ai",
        "cat:cs.LG",
    ]


def test_only_the_first_authors_count_and_a_paper_of_no_one_has_one_token() -> None:
    many = make_paper(authors=tuple(f"Author Number{n}" for n in range(20)), organization=None)
    assert len(paper_tokens(many)) == MAX_AUTHORS + len(many.categories)
    alone = make_paper(authors=(), organization=None, categories=())
    assert paper_tokens(alone) == ["none:"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("author:yann lecun", "yann lecun"),
        ("org:meta", "meta"),
        ("cat:cs.LG", "cs.LG"),
        ("cat:a:b", "a:b"),
        ("diffusion", "diffusion"),
        ("none:", "none:"),
    ],
)
def test_shown_takes_off_only_the_prefix(name: str, expected: str) -> None:
    assert shown(name) == expected


def test_a_row_is_the_words_at_unit_length_then_the_people_scaled() -> None:
    vectors = PaperVectors([DIFFUSION, ROBOTS, DIFFUSION])

    row = features(vectors, DIFFUSION)

    # "the" is a stop word; the title counts twice, and a word said four times counts
    # 1 + ln 4 times as much as one said once (sublinear), its idf being the same.
    assert set(row) == {
        "diffusion",
        "sampler",
        "cs",
        "lg",
        "author:yann lecun",
        "org:meta",
        "cat:cs.LG",
    }
    assert row["diffusion"] / row["sampler"] == pytest.approx(1 + math.log(3))
    words = [value for name, value in row.items() if ":" not in name]
    assert sum(value**2 for value in words) == pytest.approx(1.0)
    people = [value for name, value in row.items() if ":" in name]
    assert people == pytest.approx([META_WEIGHT / math.sqrt(3)] * 3)
    assert vectors.word_count == 7  # cs diffusion grasping lg robot robots sampler
    assert vectors.matrix([DIFFUSION]).dtype == np.float32


def test_papers_outside_the_corpus_get_their_own_rows_in_order() -> None:
    vectors = PaperVectors([DIFFUSION, ROBOTS])
    first, second = (
        new_paper("2606.00003", "Sampler", "X Y"),
        new_paper("2606.00004", "Robot", "Z W"),
    )

    rows = vectors.matrix([first, second, first])

    assert rows.shape[0] == 3
    assert features(vectors, first) == pytest.approx({"sampler": 1.0, "author:x y": META_WEIGHT})
    assert features(vectors, second) == pytest.approx({"robot": 1.0, "author:z w": META_WEIGHT})
    assert (rows[0] != rows[2]).nnz == 0
    assert (rows[1] != vectors.matrix([second])).nnz == 0
    assert (vectors.matrix([DIFFUSION]) != rows[0]).nnz > 0


def test_the_word_part_of_a_row_is_its_words_only() -> None:
    vectors = PaperVectors([DIFFUSION, ROBOTS])

    words = vectors.words(vectors.matrix([DIFFUSION]))

    assert words.shape == (1, vectors.word_count)
    assert words.nnz == 4


def test_without_recent_papers_the_vocabulary_is_a_placeholder() -> None:
    vectors = PaperVectors([])

    assert (vectors.word_count, vectors.name(0)) == (1, "papers")
    assert features(vectors, ROBOTS) == pytest.approx({"author:ada lovelace": META_WEIGHT})


def test_the_vocabulary_keeps_the_most_frequent_words() -> None:
    # One paper with a word more than the vocabulary can hold.
    words = " ".join(f"w{n}" for n in range(MAX_FEATURES + 1))
    vectors = PaperVectors([make_paper(id="2606.00009", title="", abstract=words)])

    assert vectors.word_count == MAX_FEATURES


def test_a_row_holds_every_word_then_every_hashed_bucket() -> None:
    vectors = PaperVectors([DIFFUSION, ROBOTS])

    assert vectors.matrix([DIFFUSION]).shape == (1, vectors.word_count + META_BUCKETS)
    assert vectors.name(vectors.word_count + META_BUCKETS - 1) == ""  # no token hashed there


def test_the_first_hashed_bucket_is_named_by_its_token_not_a_word() -> None:
    # "cat:q1254387" hashes to bucket 0, the column right after the last word.
    paper = make_paper(id="2606.00005", categories=("q1254387",), authors=(), organization=None)
    vectors = PaperVectors([DIFFUSION, paper])

    assert vectors.name(vectors.word_count) == "cat:q1254387"
