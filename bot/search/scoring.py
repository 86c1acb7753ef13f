"""How relevant a candidate paper is to a query, and the part of its abstract that shows it.

BM25F over the five indexed fields, the same on SQLite and PostgreSQL: a term's count in
each field is normalized by that field's length (against its mean among the candidates),
weighted by the field (title, then keywords and authors, then organization, then abstract),
saturated, and weighed by how rare the term is in the whole store. A term is one word in any
of its indexed forms ("transformer", "transformers"), or a phrase of words in a row.

The database's full-text index only finds the candidates; scoring them here keeps the cost
bounded by the number of candidates, where FTS5's bm25() reads every paper holding a common
word to weigh it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.folding import folded_words

FIELD_WEIGHTS = (10.0, 4.0, 4.0, 2.0, 1.0)
"""title, AI keywords, authors, organization, abstract."""
K1 = 1.2
B = 0.75
SNIPPET_WORDS = 24
LEAD_WORDS = 3
"""Words of context shown before the first matching word."""


@dataclass(frozen=True, slots=True)
class Term:
    """A query term: for each of its words, the folded forms it is matched by; and its
    weight (the rarer the term in the store, the higher)."""

    words: tuple[frozenset[str], ...]
    weight: float


def rarity(papers_holding: int, papers: int) -> float:
    """BM25's inverse document frequency: ln(1 + (N - n + 0.5) / (n + 0.5))."""
    papers = max(papers, papers_holding)
    return math.log1p((papers - papers_holding + 0.5) / (papers_holding + 0.5))


@dataclass(frozen=True, slots=True)
class Fields:
    """A candidate's indexed fields as folded words (with their counts, for single words)."""

    words: tuple[tuple[str, ...], ...]
    counts: tuple[Counter[str], ...]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Fields:
        """The fields of `texts`, in FIELD_WEIGHTS' order."""
        words = tuple(folded_words(text) for text in texts)
        return cls(words, tuple(Counter(field) for field in words))


def occurrences(term: Term, words: Sequence[str], counts: Counter[str]) -> int:
    """How often the term occurs in one field."""
    first = term.words[0]
    if len(term.words) == 1:
        return sum(counts[form] for form in first)
    if not any(counts[form] for form in first):
        return 0
    size = len(term.words)
    return sum(
        all(words[at + n] in term.words[n] for n in range(size))
        for at in range(len(words) - size + 1)
        if words[at] in first
    )


def relevance(terms: Sequence[Term], fields: Fields, mean_lengths: Sequence[float]) -> float:
    """The BM25F score of one candidate (see the module docstring)."""
    norms = [
        1 - B + B * len(words) / mean if mean else 1.0
        for words, mean in zip(fields.words, mean_lengths, strict=True)
    ]
    score = 0.0
    for term in terms:
        weighted = sum(
            weight * occurrences(term, words, counts) / norm
            for weight, words, counts, norm in zip(
                FIELD_WEIGHTS, fields.words, fields.counts, norms, strict=True
            )
        )
        score += term.weight * weighted / (K1 + weighted)
    return score


def mean_lengths(candidates: Sequence[Fields]) -> list[float]:
    """Each field's mean length in words among the candidates."""
    if not candidates:
        return [0.0] * len(FIELD_WEIGHTS)
    return [
        sum(len(fields.words[n]) for fields in candidates) / len(candidates)
        for n in range(len(FIELD_WEIGHTS))
    ]


def snippet(abstract: str, terms: Sequence[Term]) -> str:
    """The SNIPPET_WORDS words of the abstract holding the most query words, with "…" where
    the abstract goes on."""
    tokens = abstract.split()
    if len(tokens) <= SNIPPET_WORDS:
        return " ".join(tokens)
    forms = {form for term in terms for word in term.words for form in word}
    marked = [any(word in forms for word in folded_words(token)) for token in tokens]
    best, best_count = 0, -1
    count = sum(marked[:SNIPPET_WORDS])
    for start in range(len(tokens) - SNIPPET_WORDS + 1):
        if start:
            count += marked[start + SNIPPET_WORDS - 1] - marked[start - 1]
        if count > best_count:
            best, best_count = start, count
    start = max(0, marked.index(True, best) - LEAD_WORDS) if best_count > 0 else 0
    end = min(len(tokens), start + SNIPPET_WORDS)
    text = " ".join(tokens[start:end])
    return ("…" if start else "") + text + ("…" if end < len(tokens) else "")
