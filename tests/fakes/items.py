"""Builds realistic digest items and recaps for renderer and adapter tests."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date
from typing import Any

from bot.models import ChannelRef, DigestItem, PaperLinks, Recap, RecapEntry
from bot.recap.chart import draw_chart
from bot.wording import recap_title


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


RECAP_TITLES = (
    "Sparse Attention Revisited",
    "World Models at Scale <@U123> <@123> @here",
    "Costs $O(n)$ & *more*",
)


CONSOLE_GENERAL = ChannelRef("console", "local", "general")


@functools.cache
def make_recap(channel: ChannelRef = CONSOLE_GENERAL) -> Recap:
    """A recap of three voted papers (one title with markup and pings), its chart drawn."""
    entries = tuple(
        RecapEntry(
            rank=rank,
            paper_id=f"2606.2000{rank}",
            title=title,
            url=f"https://huggingface.co/papers/2606.2000{rank}",
            votes=votes,
            voters=voters,
        )
        for rank, (title, votes, voters) in enumerate(
            zip(RECAP_TITLES, (5, 3, 1), (3, 2, 1), strict=True), 1
        )
    )
    first, last = date(2026, 6, 6), date(2026, 6, 12)
    return Recap(
        id=f"recap:{channel.key}:2026-W24",
        channel=channel,
        first_day=first,
        last_day=last,
        entries=entries,
        chart=draw_chart(entries, recap_title(first, last)),
    )
