"""Upstream entries holding values no database column (or datetime) can take, beside good ones.

Shared by the source, store and refresh tests: each hostile entry names the fields the
parser must leave empty (or clean), so one table drives every layer's test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.fakes.upstream import atom_entry

DAY = date(2026, 6, 12)
GOOD_IDS = ("2606.00001", "2606.00002", "2606.00003")


def hf_entry(paper_id: str, *, comments: object = 0, **paper_fields: Any) -> dict[str, Any]:
    """A daily-papers entry featured on DAY; `paper_fields` override or add inner fields."""
    paper = {
        "id": paper_id,
        "title": f"Paper {paper_id}",
        "upvotes": 1,
        "publishedAt": "2026-06-10T00:00:00.000Z",
        "submittedOnDailyAt": f"{DAY.isoformat()}T08:00:00.000Z",
        **paper_fields,
    }
    return {"paper": paper, "numComments": comments}


@dataclass(frozen=True)
class Hostile:
    """One hostile entry and the fields of its Paper once parsed."""

    case: str
    entry: dict[str, Any]
    expected: dict[str, Any]

    @property
    def paper_id(self) -> str:
        return str(self.entry["paper"]["id"])


HF_HOSTILE = (
    Hostile(
        "timestamp whose UTC instant is before year 1",
        hf_entry("2606.00101", publishedAt="0001-01-01T00:00:00+05:00"),
        {"published_at": None, "featured_on": DAY},
    ),
    Hostile(
        "featured timestamp whose UTC instant is after year 9999",
        hf_entry("2606.00102", submittedOnDailyAt="9999-12-31T23:00:00-05:00"),
        {"featured_on": None},
    ),
    Hostile(
        "upvotes too big for SQLite's INTEGER",
        hf_entry("2606.00103", upvotes=10**20),
        {"upvotes": None},
    ),
    Hostile(
        "upvotes too big for PostgreSQL's integer",
        hf_entry("2606.00104", upvotes=3_000_000_000),
        {"upvotes": None},
    ),
    Hostile(
        "stars past 2**31 and negative comments",
        hf_entry("2606.00105", githubStars=2**31, comments=-5),
        {"github_stars": None, "comments": None, "upvotes": 1},
    ),
    Hostile(
        "a lone surrogate in the title",
        hf_entry("2606.00106", title="Bad \ud800 title"),
        {"title": "Bad title"},
    ),
    Hostile(
        "NUL in the title and abstract",
        hf_entry("2606.00107", title="Bad \x00 title", summary="One\x00 abstract."),
        {"title": "Bad title", "abstract": "One abstract."},
    ),
    Hostile(
        "NUL and surrogates in lists and names",
        hf_entry(
            "2606.00108",
            authors=[{"name": "Ada\x00 Lovelace"}, "\ud800", {"name": "Alan \udfffTuring"}],
            ai_keywords=["ok", "\x00"],
            organization={"fullname": "\udfffLab\x00"},
            githubRepo="https://github.com/x/\x00y",
        ),
        {
            "authors": ("Ada Lovelace", "Alan Turing"),
            "ai_keywords": ("ok",),
            "organization": "Lab",
            "github_repo": "https://github.com/x/y",
        },
    ),
)

UNUSABLE = (hf_entry("2606.00109", title="\ud800 \x00"),)
"""Nothing is left of its title once cleaned: skipped and counted."""


def hf_entries() -> list[dict[str, Any]]:
    """The good entries with every hostile and unusable one among them."""
    good = [hf_entry(paper_id, upvotes=10 + n) for n, paper_id in enumerate(GOOD_IDS)]
    return [good[0], *(h.entry for h in HF_HOSTILE), good[1], *UNUSABLE, good[2]]


ARXIV_GOOD = (
    atom_entry("2606.00201", "Good one", f"{DAY.isoformat()}T12:00:00Z"),
    atom_entry("2606.00204", "Good two", f"{DAY.isoformat()}T01:00:00Z"),
)
ARXIV_HOSTILE = (
    atom_entry("2606.00202", "Year one", "0001-01-01T00:00:00+05:00"),
    atom_entry("2606.00203", "Year ten thousand", "9999-12-31T23:00:00-05:00"),
)


def arxiv_entries() -> list[str]:
    """Newest first: a good entry of DAY, the two unplaceable ones, another good one."""
    return [ARXIV_GOOD[0], *ARXIV_HOSTILE, ARXIV_GOOD[1]]
