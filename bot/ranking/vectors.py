"""Papers as vectors, shared by every channel's taste model: one vocabulary, and each
paper's vector computed once.

The words (TF-IDF of title twice, abstract, AI keywords and categories) are fitted on a
corpus of recent papers; the people tokens (authors, organization, arXiv categories) are
hashed, so an author who was not in the corpus still counts. A paper's row is its words'
TF-IDF (unit length, so a dot product of two word parts is their cosine similarity)
followed by its people tokens, scaled by META_WEIGHT. Rows are
kept by paper id, so the candidates a thousand channels share are turned into vectors
once, not once per channel, and fitting a channel's model is a small ridge regression.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from bot.models import Paper
from bot.names import name_key

META_WEIGHT = 0.6
"""How much the author, organization and category tokens count beside the words."""
MAX_FEATURES = 30_000
META_BUCKETS = 1 << 18
MAX_AUTHORS = 12
PEOPLE_PREFIXES = ("author:", "org:")
NO_TOKENS = "none:"
PLACEHOLDER = Paper(id="placeholder", title="papers", abstract="")
"""The corpus when there is none (no recent papers): a vocabulary needs one document."""


def paper_text(paper: Paper) -> str:
    """The words a paper is judged by: title twice, abstract, AI keywords, categories."""
    return " ".join(
        (paper.title, paper.title, paper.abstract, *paper.ai_keywords, *paper.categories)
    )


def paper_tokens(paper: Paper) -> list[str]:
    """The author, organization and category tokens of a paper."""
    tokens = [f"author:{name_key(author)}" for author in paper.authors[:MAX_AUTHORS] if author]
    if paper.organization:
        tokens.append(f"org:{name_key(paper.organization)}")
    tokens.extend(f"cat:{category}" for category in paper.categories)
    return tokens or [NO_TOKENS]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def shown(name: str) -> str:
    """A feature as a person reads it: `author:yann lecun` -> `yann lecun`."""
    return name.split(":", 1)[1] if name.startswith((*PEOPLE_PREFIXES, "cat:")) else name


class PaperVectors:
    """A vocabulary fitted on a corpus, and the rows of every paper turned into vectors."""

    def __init__(self, corpus: Sequence[Paper]) -> None:
        """Fit the vocabulary on `corpus` (a placeholder when it is empty) and keep its rows.

        scikit-learn is imported here, on first use, so the command line does not pay for it.
        """
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

        self._words = TfidfVectorizer(
            sublinear_tf=True, stop_words="english", max_features=MAX_FEATURES, dtype=np.float32
        )
        self._meta = HashingVectorizer(
            analyzer=_identity, n_features=META_BUCKETS, alternate_sign=False, dtype=np.float32
        )
        unique = list({paper.id: paper for paper in corpus}.values()) or [PLACEHOLDER]
        text = self._words.fit_transform([paper_text(paper) for paper in unique])
        self._word_names = list(self._words.get_feature_names_out())
        self.word_count = len(self._word_names)
        self._token_names: dict[int, str] = {}
        self._rows = sparse.hstack([text, self._people(unique)], format="csr")
        self._index = {paper.id: row for row, paper in enumerate(unique)}
        self._lock = threading.Lock()

    def _people(self, papers: Sequence[Paper]) -> sparse.csr_matrix:
        """The people tokens of papers, hashed and scaled; their names remembered."""
        tokens = [paper_tokens(paper) for paper in papers]
        unique = sorted({token for found in tokens for token in found})
        if unique:
            # One row per token, each with its one hashed column: all columns in one call.
            columns = self._meta.transform([[token] for token in unique]).indices
            self._token_names.update(zip(columns.tolist(), unique, strict=True))
        return self._meta.transform(tokens) * META_WEIGHT

    def name(self, column: int) -> str:
        """The feature a column stands for: a word, or a people token such as
        `author:yann lecun` (a hashed column shared by two tokens keeps one name)."""
        if column < self.word_count:
            return self._word_names[column]
        return self._token_names.get(column - self.word_count, "")

    def matrix(self, papers: Sequence[Paper]) -> sparse.csr_matrix:
        """The papers' rows, in order; papers not seen before are turned into vectors now."""
        with self._lock:
            missing = list(
                {paper.id: paper for paper in papers if paper.id not in self._index}.values()
            )
            if missing:
                self._add(missing)
            rows, index = self._rows, self._index
        return rows[[index[paper.id] for paper in papers]]

    def _add(self, papers: list[Paper]) -> None:
        text = self._words.transform([paper_text(paper) for paper in papers])
        start = self._rows.shape[0]
        block = sparse.hstack([text, self._people(papers)], format="csr")
        self._rows = sparse.vstack([self._rows, block], format="csr")
        self._index.update((paper.id, start + row) for row, paper in enumerate(papers))

    def words(self, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        """The word part of rows from `matrix` (for cosine similarity)."""
        return matrix[:, : self.word_count]
