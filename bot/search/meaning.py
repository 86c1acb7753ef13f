"""How close in meaning a query is to papers, for a paper described in other words than its
own: the cosine of their WordLlama embeddings.

WordLlama is a static word-embedding model (token embeddings distilled from a large language
model, averaged) whose weights and tokenizer ship inside its PyPI package: it is loaded from
the package's own folder with downloads disabled, so nothing is fetched at run time. It is
loaded on first use (about 0.3 s, 60 MB) and embeds a paper's title and abstract in about
1 ms, so it only re-orders the few best candidates the full-text index found. When it cannot
be loaded, search goes on by words alone and says so once in the log.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class Meaning:
    """The embedding model, loaded once on first use (see the module docstring)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._failed = False
        self._lock = threading.Lock()

    def closeness(self, query: str, texts: Sequence[str]) -> list[float] | None:
        """The cosine similarity (-1 to 1) of `query` to each text, or None when the model
        cannot be loaded. Blocking: call it from a worker thread."""
        model = self._loaded()
        if model is None or not texts:
            return None
        wanted = model.embed([query], norm=True)[0]
        return [float(value) for value in model.embed(list(texts), norm=True) @ wanted]

    def warm_up(self) -> bool:
        """Load the model now (at start, so the first description search does not wait for
        it); whether it could be loaded. Blocking: call it from a worker thread."""
        return self._loaded() is not None

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None and not self._failed:
                try:
                    import wordllama

                    folder = Path(wordllama.__file__).parent
                    self._model = wordllama.WordLlama.load(cache_dir=folder, disable_download=True)
                except Exception as error:  # any failure to load means: search by words alone
                    self._failed = True
                    log.warning("meaning_model_unavailable", error=str(error)[:200])
            return self._model


SHARED = Meaning()
"""The process's one model: every searcher uses it, the bot warms it up at start."""
