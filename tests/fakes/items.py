"""Builds realistic digest items for renderer and adapter tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.models import DigestItem, PaperLinks


def make_item(rank: int = 1, *, id_prefix: str = "2606.1000", **changes: Any) -> DigestItem:
    """A digest item for paper `{id_prefix}{rank}`, with its links; keyword arguments override
    any field (e.g. `title=...`, `thumbnail=None`)."""
    paper_id = f"{id_prefix}{rank}"
    item = DigestItem(
        rank=rank,
        paper_id=paper_id,
        title=f"Paper number {rank}",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        more_authors=True,
        summary="A short summary of what the paper does.",
        links=PaperLinks(
            hf=f"https://huggingface.co/papers/{paper_id}",
            arxiv=f"https://arxiv.org/abs/{paper_id}",
            pdf=f"https://arxiv.org/pdf/{paper_id}",
            code="https://github.com/example/repo",
        ),
        upvotes=312,
        stars=45,
        keywords=("sparse attention", "long context"),
        thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper_id}.png",
        organization="Example Lab",
        climbing=True,
    )
    return dataclasses.replace(item, **changes)
