"""The embedding model ships inside its package: it loads with no network and puts a
paraphrase closer than an unrelated text."""

from __future__ import annotations

from bot.search.meaning import Meaning


def test_a_paraphrase_is_closer_than_an_unrelated_paper() -> None:
    closeness = Meaning().closeness(
        "robots learning to grasp things by watching people",
        [
            "We train manipulation policies for robot arms from videos of human hands.",
            "A benchmark of SQL query generation for large language models.",
        ],
    )

    assert closeness is not None
    assert closeness[0] > closeness[1]
