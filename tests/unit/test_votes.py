"""What a reaction is worth: the PAPERS_VOTE_WEIGHTS setting read into weights, and keycaps."""

from __future__ import annotations

import pytest

from bot.votes import BadVoteWeights, keycap_rank, parse_weights, vote_weight


def test_weights_read_with_spaces_and_stray_commas() -> None:
    assert parse_weights(" +1 = 1 ,, fire=2 , -1=-1, ") == {"+1": 1, "fire": 2, "-1": -1}


def test_an_empty_setting_gives_no_weights() -> None:
    assert parse_weights("") == {}


@pytest.mark.parametrize("weight", [-5, 0, 5])
def test_a_weight_from_minus_five_to_five_is_taken(weight: int) -> None:
    assert parse_weights(f"fire={weight}") == {"fire": weight}


@pytest.mark.parametrize("part", ["fire=6", "fire=-6"])
def test_a_weight_outside_minus_five_to_five_is_refused_by_name(part: str) -> None:
    with pytest.raises(BadVoteWeights) as refused:
        parse_weights(f"+1=1,{part}")

    assert str(refused.value) == f"{part!r}: a weight must be from -5 to 5"


@pytest.mark.parametrize("part", ["fire", "fire=two", "fire = 1 2", "=1"])
def test_a_part_that_is_not_emoji_equals_weight_is_refused_with_an_example(part: str) -> None:
    with pytest.raises(BadVoteWeights) as refused:
        parse_weights(part)

    assert str(refused.value) == f"{part!r} should read emoji=weight, e.g. fire=2"


@pytest.mark.parametrize(
    ("emoji", "rank"),
    [("keycap:1", 1), ("keycap:10", 10), ("keycap:0", None), ("keycap:11", None), ("+1", None)],
)
def test_a_keycap_names_an_item_from_one_to_ten(emoji: str, rank: int | None) -> None:
    assert keycap_rank(emoji) == rank


def test_a_keycap_counts_one_whatever_the_weights_say() -> None:
    assert vote_weight("keycap:2", {"keycap:2": 5}) == 1
