"""How relevant a candidate paper is to a query, and the part of its abstract that shows it.

BM25F over the five indexed fields, the same on SQLite and PostgreSQL: a term's count in
each field is normalized by that field's length (against its mean among the candidates),
weighted by the field (title, then keywords and authors, then organization, then abstract),
saturated, and weighed by how rare the term is in the whole store. A term is one word in any
of its indexed forms ("transformer", "transformers"), or a phrase of words in a row. A word
whose forms share 4 letters or more is counted by the words starting with them ("transform"
counts "transformers", not "untransformed"): a close count at C speed.

The database's full-text index only finds the candidates; scoring them here keeps the cost
bounded by the number of candidates, where FTS5's bm25() reads every paper holding a common
word to weigh it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.folding import folded_words

FIELD_WEIGHTS = (10.0, 4.0, 4.0, 2.0, 1.0)
"""title, AI keywords, authors, organization, abstract."""
K1 = 1.2
B = 0.75
EXACT_SHARE = 0.5
"""How much the typed word itself adds, against all its forms together."""
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
    exact: str | None = None
    """The word as typed, when other forms match it too: counted again on its own, with
    `exact_weight` (its own rarity), so that a paper holding the very word ranks first."""
    exact_weight: float = 0.0

    @classmethod
    def of(
        cls,
        words: tuple[frozenset[str], ...],
        weight: float,
        *,
        exact: str | None = None,
        exact_weight: float = 0.0,
    ) -> Term:
        """The term for these forms: counted by their common start when it is long enough
        ("transform" counts transformer and transformers), else word by word; `exact` is
        the typed word, counted on its own too when it is one of several forms."""
        if exact is not None and (len(words) != 1 or words[0] == {exact}):
            exact, exact_weight = None, 0.0
        if len(words) == 1:
            common = _common_start(words[0])
            if len(common) >= MIN_COUNTED:
                return cls(words, weight, counted=common, exact=exact, exact_weight=exact_weight)
        alternatives = ["(?:" + "|".join(map(re.escape, sorted(word))) + ")" for word in words]
        pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(alternatives) + r"(?![^\W_])")
        return cls(words, weight, pattern=pattern, exact=exact, exact_weight=exact_weight)

    def occurrences(self, field: str) -> int:
        """How often the term occurs in one field's folded text (see `fold`)."""
        if self.counted is not None:
            return field.count(" " + self.counted)
        assert self.pattern is not None
        return len(self.pattern.findall(field))

    def exact_occurrences(self, field: str) -> int:
        """How often the typed word itself occurs in one field's folded text."""
        return field.count(f" {self.exact} ") if self.exact else 0


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
        folded = tuple(fold(text) if text else "" for text in texts)
        return cls(folded, tuple(max(text.count(" ") - 1, 0) for text in folded))


_ASCII_SEPARATORS = str.maketrans(
    {chr(code): " " for code in range(128) if not chr(code).isalnum()}
)


def fold(text: str) -> str:
    """A field's text folded as the index folds words (bot.folding), each word after a
    space, so that a term counted by its start is counted at the start of words only."""
    if text.isascii():
        return f" {text.lower().translate(_ASCII_SEPARATORS)} "
    return f" {' '.join(folded_words(text))} "


def relevance(terms: Sequence[Term], fields: Fields, mean_lengths: Sequence[float]) -> float:
    """The BM25F score of one candidate (see the module docstring)."""
    norms = [
        1 - B + B * length / mean if mean else 1.0
        for length, mean in zip(fields.lengths, mean_lengths, strict=True)
    ]
    score = 0.0
    for term in terms:
        weighted = _weighted(term.occurrences, fields.texts, norms)
        score += term.weight * weighted / (K1 + weighted)
        if term.exact:
            exactly = _weighted(term.exact_occurrences, fields.texts, norms)
            score += EXACT_SHARE * term.exact_weight * exactly / (K1 + exactly)
    return score


def _weighted(count: Callable[[str], int], texts: Sequence[str], norms: Sequence[float]) -> float:
    """A count over the fields, each weighted by its field and normalized by its length."""
    return sum(
        weight * count(text) / norm
        for weight, text, norm in zip(FIELD_WEIGHTS, texts, norms, strict=True)
        if text
    )


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
