"""What an arXiv category looks like (`cs.LG`, `stat.ML`, `hep-th`), so a mistyped one in
the settings is refused at start-up rather than silently fetching nothing.

The archives and the shape of their subject classes follow arXiv's category taxonomy
(https://arxiv.org/category_taxonomy); the subject names themselves are not listed, so a
class arXiv adds later is accepted as long as it has the archive's shape.
"""

from __future__ import annotations

import re
from typing import Final

_TWO_CAPITALS: Final = re.compile(r"[A-Z]{2}")
_LOWER_WORDS: Final = re.compile(r"[a-z]+(?:-[a-z]+)?")

SUBJECT_SHAPES: Final[dict[str, re.Pattern[str]]] = {
    "astro-ph": _TWO_CAPITALS,
    "cond-mat": _LOWER_WORDS,
    "cs": _TWO_CAPITALS,
    "econ": _TWO_CAPITALS,
    "eess": _TWO_CAPITALS,
    "math": _TWO_CAPITALS,
    "nlin": _TWO_CAPITALS,
    "physics": _LOWER_WORDS,
    "q-bio": _TWO_CAPITALS,
    "q-fin": _TWO_CAPITALS,
    "stat": _TWO_CAPITALS,
}
"""The archives whose categories name a subject class, and the shape of that class."""

WHOLE_ARCHIVES: Final = frozenset(
    {"gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"}
)
"""The archives that are categories on their own."""


def category_problem(category: str) -> str | None:
    """Why `category` is not an arXiv category, in words for the settings error; None when
    it is one, e.g. "cs.LG", "physics.optics" or "hep-th"."""
    archive, dot, subject = category.partition(".")
    if not dot and archive in WHOLE_ARCHIVES:
        return None
    shape = SUBJECT_SHAPES.get(archive)
    if shape is not None and shape.fullmatch(subject):
        return None
    if shape is not None and shape.fullmatch(subject.upper()):
        return f"{category!r} is not an arXiv category; did you mean {archive}.{subject.upper()}?"
    return f"{category!r} is not an arXiv category such as cs.LG, stat.ML or hep-th"
