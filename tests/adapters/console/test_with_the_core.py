"""The real core (store, outbox, service) behind the console channel.

`/papers today` after the day's digest went out (in an earlier run, or from the CLI) shows
that digest with the time it was posted, and `+1 N` on it is a vote in the store; on a
preview it says what to do instead.
"""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from adapters.console import ConsoleAdapter
from tests.core.conftest import GENERAL, TODAY, Harness


def console_reading(typed: str) -> tuple[ConsoleAdapter, Console]:
    """A console channel on general reading `typed`, drawing to a recording console."""
    screen = Console(file=io.StringIO(), record=True, width=120, force_terminal=False)
    adapter = ConsoleAdapter(
        GENERAL, mode_line="", console=screen, input_stream=io.StringIO(typed), interactive=True
    )
    return adapter, screen


async def serve(adapter: ConsoleAdapter, harness: Harness) -> None:
    """Run the console until its input runs out, failing the test if it hangs."""
    await asyncio.wait_for(adapter.start(harness.service), timeout=10)


async def test_today_shows_the_digest_posted_earlier_and_a_vote_on_it_counts(
    harness: Harness,
) -> None:
    await harness.delivery.deliver(GENERAL, TODAY)
    posted = [message.item.paper_id for _, message in harness.adapter.posted if message.item]
    adapter, screen = console_reading("/papers today\n+1 2\n")

    await serve(adapter, harness)

    shown = screen.export_text()
    assert "Today's digest, posted here at 10:00." in shown
    assert f"Counted your +1 on item 2: Paper {posted[1]}" in shown
    tallies = await harness.store.vote_tallies("console", "local")
    assert {paper_id: tally.weight for paper_id, tally in tallies.items()} == {posted[1]: 1}


async def test_a_vote_on_a_preview_says_how_to_vote_and_counts_nothing(harness: Harness) -> None:
    adapter, screen = console_reading("/papers today\n+1 2\n")

    await serve(adapter, harness)

    assert (
        "Item 2 was only previewed; post the digest with /papers digest now, then vote on it."
        in screen.export_text()
    )
    assert await harness.store.vote_tallies("console", "local") == {}
