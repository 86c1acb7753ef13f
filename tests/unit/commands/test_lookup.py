"""The words of a look-up the upstreams could not answer: where the paper was looked for,
and which upstream could not answer and why."""

from __future__ import annotations

import pytest

from bot.commands.lookup import Answer, PaperLookup, unanswered, upstream_title


@pytest.mark.parametrize(
    ("name", "title"), [("hf", "Hugging Face"), ("arxiv", "arXiv"), ("openreview", "openreview")]
)
def test_an_upstream_is_named_as_people_know_it(name: str, title: str) -> None:
    assert upstream_title(name) == title


@pytest.mark.parametrize(
    ("titles", "answer", "words"),
    [
        (["Hugging Face"], Answer.UNREACHABLE, "Hugging Face can't be reached right now"),
        (
            ["Hugging Face", "arXiv"],
            Answer.UNREACHABLE,
            "Hugging Face and arXiv can't be reached right now",
        ),
        (["arXiv"], Answer.SLOW, "arXiv did not answer within 2 s"),
        (["arXiv"], Answer.FAILED, "arXiv failed just now"),
    ],
)
def test_an_upstream_that_could_not_answer_is_named_with_why(
    titles: list[str], answer: Answer, words: str
) -> None:
    assert unanswered(titles, answer) == words


@pytest.mark.parametrize(
    ("answers", "sentence"),
    [
        ((), "I can't find paper 2611.09999 here."),
        ((("hf", Answer.UNKNOWN),), "I can't find paper 2611.09999 here or on Hugging Face."),
        (
            (("hf", Answer.UNKNOWN), ("arxiv", Answer.UNKNOWN)),
            "I can't find paper 2611.09999 here, on Hugging Face or on arXiv.",
        ),
        (
            (("hf", Answer.UNREACHABLE), ("arxiv", Answer.UNKNOWN)),
            "I can't find paper 2611.09999 here or on arXiv, and Hugging Face can't be reached "
            "right now; try again later.",
        ),
        (
            (("hf", Answer.SLOW),),
            "I can't find paper 2611.09999 here, and Hugging Face did not answer within 2 s; "
            "try again later.",
        ),
        (
            (("hf", Answer.UNREACHABLE), ("arxiv", Answer.FAILED)),
            "I can't find paper 2611.09999 here, and Hugging Face can't be reached right now "
            "and arXiv failed just now; try again later.",
        ),
        (
            (("hf", Answer.FAILED), ("arxiv", Answer.SLOW)),
            "I can't find paper 2611.09999 here, and arXiv did not answer within 2 s and "
            "Hugging Face failed just now; try again later.",
        ),
    ],
)
def test_a_paper_nobody_gave_says_where_it_was_looked_for_and_who_could_not_answer(
    answers: tuple[tuple[str, Answer], ...], sentence: str
) -> None:
    assert PaperLookup(None, answers).not_found("2611.09999") == sentence
