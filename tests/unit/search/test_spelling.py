"""Spelling corrections: every word one edit away, and the closest known word wins."""

from __future__ import annotations

from bot.search.spelling import closest, correctable, max_edits, single_edits


def test_single_edits_hold_a_dropped_swapped_changed_or_added_letter_anywhere() -> None:
    edits = single_edits("xploring")

    assert {"exploring", "xplorign", "xplring", "xploting", "xplorings"} <= edits
    assert "xploring" not in edits
    assert "explorign" not in edits


def test_the_closest_known_word_wins_and_the_more_common_breaks_a_tie() -> None:
    assert closest("retreival", {"retrieval": 40, "retrial": 3}) == "retrieval"
    assert closest("modle", {"model": 900, "mode": 50, "moodle": 1}) == "model"
    assert closest("zzzzqqq", {"model": 900}) is None
    assert closest("model", {}) is None


def test_short_words_and_numbers_are_not_corrected() -> None:
    assert correctable("retreival")
    assert not correctable("gpt")
    assert not correctable("bert4")


def test_a_longer_word_may_be_corrected_by_more_edits() -> None:
    assert [max_edits(word) for word in ("gpt", "model", "retreival", "pianokontext")] == [
        1,
        1,
        2,
        3,
    ]
