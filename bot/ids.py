"""arXiv paper ids: read every form people paste and return the one key the bot stores.

A paper is keyed by its arXiv id without version everywhere (store, digests, votes), so the
command grammar and the sources share this one normaliser. It accepts bare ids with or
without a version, an `arXiv:` prefix, arXiv abstract/PDF/HTML links, Hugging Face paper
links, Slack's `<url|label>` link wrapping, and old-style ids such as `hep-th/9901001`.
"""

from __future__ import annotations

import re

MAX_INPUT_LENGTH = 300
"""Longer text is refused outright; no real id or link comes close."""

OLD_ARCHIVES = frozenset(
    {
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    }
)
"""The archives that issued old-style ids (`archive/YYMMNNN`) before April 2007."""

_VERSION = r"(?:v[1-9][0-9]{0,3})?"
_NEW_ID = re.compile(r"(?P<yymm>[0-9]{4})\.(?P<number>[0-9]{4,5})" + _VERSION)
_OLD_ID = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2})?/(?P<yymm>[0-9]{4})(?P<number>[0-9]{3})"
    + _VERSION
)
_LINK = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)|huggingface\.co/papers)/"
    r"(?P<id>.+)"
)
_ARXIV_PREFIX = "arxiv:"
_FIRST_NEW_STYLE = "0704"
_LAST_FOUR_DIGIT_MONTH = "1412"


BAD_PAPER_ID_MESSAGE = (
    "That doesn't look like an arXiv id; use one like 2606.00467 or a link to the paper."
)


class BadPaperId(ValueError):
    """Text that holds no arXiv id we can read; the message is a sentence for the user."""

    def __init__(self, message: str = BAD_PAPER_ID_MESSAGE) -> None:
        super().__init__(message)


def normalize_paper_id(text: str) -> str:
    """Return the arXiv id in `text` without its version, e.g. `2606.00467` or `hep-th/9901001`.

    Raises BadPaperId for anything else, and never another exception for a string.
    """
    candidate = text.strip()
    if len(candidate) > MAX_INPUT_LENGTH:
        raise BadPaperId()
    if candidate.startswith("<") and candidate.endswith(">"):
        candidate = candidate[1:-1].split("|", 1)[0].strip()
    candidate = candidate.lower()
    if candidate.startswith(_ARXIV_PREFIX):
        candidate = candidate.removeprefix(_ARXIV_PREFIX).strip()
    link = _LINK.fullmatch(candidate)
    if link:
        candidate = re.split(r"[?#]", link["id"], maxsplit=1)[0].rstrip("/").removesuffix(".pdf")
    return _bare_id(candidate)


def _bare_id(candidate: str) -> str:
    """Check a lowercase id with optional version and return it without the version."""
    new = _NEW_ID.fullmatch(candidate)
    if new:
        yymm, number = new["yymm"], new["number"]
        expected_digits = 4 if yymm <= _LAST_FOUR_DIGIT_MONTH else 5
        if yymm < _FIRST_NEW_STYLE or not _valid_month(yymm) or len(number) != expected_digits:
            raise BadPaperId()
        return f"{yymm}.{number}"
    old = _OLD_ID.fullmatch(candidate)
    if old:
        archive, yymm = old["archive"], old["yymm"]
        if archive not in OLD_ARCHIVES or not _valid_month(yymm) or not _old_style_year(yymm):
            raise BadPaperId()
        return f"{archive}/{yymm}{old['number']}"
    raise BadPaperId()


def _valid_month(yymm: str) -> bool:
    """Whether the last two digits of YYMM are a month."""
    return 1 <= int(yymm[2:]) <= 12


def _old_style_year(yymm: str) -> bool:
    """Whether YYMM falls in the old-style era, August 1991 to March 2007."""
    return yymm >= "9108" or yymm < _FIRST_NEW_STYLE


def paper_key(raw_id: str | None) -> str | None:
    """The normalised id of an upstream entry, or None when it has no usable arXiv id."""
    if raw_id is None:
        return None
    try:
        return normalize_paper_id(raw_id)
    except BadPaperId:
        return None
