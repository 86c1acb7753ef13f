"""BM25F over the indexed fields: the title weighs most, rare terms weigh more, a phrase
counts only in a row; the snippet is the part of the abstract holding the query's words."""

from __future__ import annotations

from bot.search.scoring import Fields, Term, mean_lengths, rarity, relevance, snippet


def fields(title: str = "", abstract: str = "") -> Fields:
    return Fields.of((title, "", "", "", abstract))


def term(*words: str, weight: float = 1.0) -> Term:
    return Term.of(tuple(frozenset({word}) for word in words), weight)


def test_a_word_in_the_title_outweighs_it_in_the_abstract() -> None:
    in_title = fields("Sparse attention", "We study models.")
    in_abstract = fields("Long contexts", "We study sparse.")
    means = mean_lengths([in_title, in_abstract])

    assert relevance([term("sparse")], in_title, means) > relevance(
        [term("sparse")], in_abstract, means
    )


def test_a_phrase_counts_only_when_its_words_are_in_a_row() -> None:
    both = fields("Key value caches", "")
    apart = fields("Value of key caches", "")
    means = mean_lengths([both, apart])

    assert relevance([term("key", "value")], both, means) > 0
    assert relevance([term("key", "value")], apart, means) == 0


def test_a_word_counted_by_its_forms_counts_only_at_the_start_of_words() -> None:
    forms = Term.of((frozenset({"formation", "formations"}),), 1.0)

    assert forms.occurrences(Fields.of(("Formations (formation-based)",)).texts[0]) == 2
    assert forms.occurrences(Fields.of(("Information and deformations",)).texts[0]) == 0


def test_a_rare_word_weighs_more_than_a_common_one() -> None:
    assert rarity(3, 1_000_000) > rarity(400_000, 1_000_000) > 0


def test_the_snippet_is_the_part_of_the_abstract_holding_the_words() -> None:
    abstract = " ".join(["filler"] * 60 + ["deadpan", "scores"] + ["filler"] * 60)

    shown = snippet(abstract, [term("deadpan")])

    assert "deadpan" in shown
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown.strip("…").split()) == 24
