"""Builds realistic Paper values for tests of the core."""

from __future__ import annotations

from datetime import date, datetime

from bot.models import Paper


def make_paper(
    paper_id: str,
    *,
    title: str | None = None,
    upvotes: int = 10,
    featured_on: date | None = None,
    published_at: datetime | None = None,
    abstract: str = "We study attention. It works well.",
    keywords: tuple[str, ...] = (),
) -> Paper:
    """A Hugging Face paper with sensible defaults, featured on `featured_on`."""
    return Paper(
        id=paper_id,
        title=title or f"Paper {paper_id}",
        abstract=abstract,
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"),
        published_at=published_at,
        featured_on=featured_on,
        upvotes=upvotes,
        ai_keywords=keywords,
        sources=("hf",),
    )
