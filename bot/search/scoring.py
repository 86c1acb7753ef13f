"""How relevant a candidate paper is to a query, and the part of its abstract that shows it.

BM25F over the five indexed fields, the same on SQLite and PostgreSQL: a term's count in
each field is normalized by that field's length (against its mean among the candidates),
weighted by the field (title, then keywords and authors, then organization, then abstract),
saturated, and weighed by how rare the term is in the whole store. A term is one word in any
of its indexed forms ("transformer", "transformers"), or a phrase of words in a row. A word
whose forms share 4 letters or more is counted by them, as a substring ("transform" counts
in "transformers" and, rarely, inside a longer word): a close count at C speed.

The database's full-text index only finds the candidates; scoring them here keeps the cost
bounded by the number of candidates, where FTS5's bm25() reads every paper holding a common
word to weigh it.
"""

from __future__ import annotations

import math
import re
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
    """A query term: for each of its words, the folded forms it is matched by; its weight
    (the rarer the term in the store, the higher); and how it is counted in a field."""

    words: tuple[frozenset[str], ...]
    weight: float
    counted: str | None = None
    """The letters every form starts with, counted as a substring (4 letters or more);
    None when the term is counted by `pattern`."""
    pattern: re.Pattern[str] | None = None

    @classmethod
    def of(cls, words: tuple[frozenset[str], ...], weight: float) -> Term:
        """The term for these forms: counted by their common start when it is long enough
        ("transform" counts transformer and transformers), else word by word."""
        if len(words) == 1:
            common = _common_start(words[0])
            if len(common) >= MIN_COUNTED:
                return cls(words, weight, counted=common)
        alternatives = ["(?:" + "|".join(map(re.escape, sorted(word))) + ")" for word in words]
        pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(alternatives) + r"(?![^\W_])")
        return cls(words, weight, pattern=pattern)

    def occurrences(self, field: str) -> int:
        """How often the term occurs in one field's folded text."""
        if self.counted is not None:
            return field.count(self.counted)
        assert self.pattern is not None
        return len(self.pattern.findall(field))


MIN_COUNTED = 4


def _common_start(forms: frozenset[str]) -> str:
    """The letters every form starts with."""
    first, last = min(forms), max(forms)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def rarity(papers_holding: int, papers: int) -> float:
    """BM25's inverse document frequency: ln(1 + (N - n + 0.5) / (n + 0.5))."""
    papers = max(papers, papers_holding)
    return math.log1p((papers - papers_holding + 0.5) / (papers_holding + 0.5))


@dataclass(frozen=True, slots=True)
class Fields:
    """A candidate's indexed fields as folded text, with their lengths in words (spaces
    counted: close enough for length normalization, and cheap)."""

    texts: tuple[str, ...]
    lengths: tuple[int, ...]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Fields:
        """The fields of `texts`, in FIELD_WEIGHTS' order."""
        folded = tuple(map(fold, texts))
        return cls(folded, tuple(text.count(" ") + 1 if text else 0 for text in folded))


def fold(text: str) -> str:
    """A field's text folded as the index folds words (bot.folding), for counting terms in."""
    return text.lower() if text.isascii() else " ".join(folded_words(text))


def relevance(terms: Sequence[Term], fields: Fields, mean_lengths: Sequence[float]) -> float:
    """The BM25F score of one candidate (see the module docstring)."""
    norms = [
        1 - B + B * length / mean if mean else 1.0
        for length, mean in zip(fields.lengths, mean_lengths, strict=True)
    ]
    score = 0.0
    for term in terms:
        weighted = sum(
            weight * term.occurrences(text) / norm
            for weight, text, norm in zip(FIELD_WEIGHTS, fields.texts, norms, strict=True)
            if text
        )
        score += term.weight * weighted / (K1 + weighted)
    return score


def mean_lengths(candidates: Sequence[Fields]) -> list[float]:
    """Each field's mean length in words among the candidates."""
    if not candidates:
        return [0.0] * len(FIELD_WEIGHTS)
    return [
        sum(fields.lengths[n] for fields in candidates) / len(candidates)
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
