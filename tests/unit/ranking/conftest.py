"""Each ranking test starts from cold caches, so what it checks never rests on keyword lists
compiled, or paper texts prepared, by an earlier test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.ranking.score import _searchable_text, _word_list


@pytest.fixture(autouse=True)
def cold_caches() -> Iterator[None]:
    """Empty the score's memo of compiled keyword lists and searchable texts."""
    _word_list.cache_clear()
    _searchable_text.cache_clear()
    yield
