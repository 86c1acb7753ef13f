"""Names compare the way bibliographies write them: case, accents, punctuation, initials."""

from __future__ import annotations

import pytest

from bot.names import (
    compact_key,
    name_key,
    name_words,
    same_organization,
    same_person,
    surname_key,
)


def test_a_name_folds_case_accents_punctuation_and_spacing() -> None:
    assert name_key("  Jürgen   SCHMIDHUBER ") == "jurgen schmidhuber"
    assert name_words("J.-P. Dupont") == ("j", "p", "dupont")
    assert name_words("Søren Łukasz-Ærø") == ("soren", "lukasz", "aero")
    assert name_key("LeCun, Yann") == "yann lecun"
    assert surname_key("Yann A. LeCun") == "lecun"
    assert name_key("张伟") == "张伟"
    assert name_words("...") == ()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Yann LeCun", "yann lecun"),
        ("Yann LeCun", "Y. LeCun"),
        ("Y. LeCun", "Yann LeCun"),
        ("Yann LeCun", "Yann André LeCun"),
        ("Jean-Pierre Dupont", "J.-P. Dupont"),
        ("Jürgen Schmidhuber", "Jurgen Schmidhuber"),
        ("LeCun, Yann", "Yann LeCun"),
        ("Yann Le Cun", "Yann LeCun"),
    ],
)
def test_the_same_person_written_two_ways(first: str, second: str) -> None:
    assert same_person(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Yann LeCun", "Yoshua Bengio"),
        ("Yi Zhang", "Yu Zhang"),
        ("Y. Zhang", "X. Zhang"),
        ("Wei Zhang", "Wei Zhao"),
        ("LeCun", "Yann LeCun"),
        ("", "Yann LeCun"),
    ],
)
def test_different_people_stay_apart(first: str, second: str) -> None:
    assert not same_person(first, second)


def test_organizations_match_by_their_words_run_together() -> None:
    assert same_organization("deepseek-ai", "DeepSeek AI")
    assert same_organization("NVIDIA", "nvidia")
    assert compact_key("Google DeepMind") == "googledeepmind"
    assert not same_organization("Google", "Google DeepMind")
    assert not same_organization("", "")
