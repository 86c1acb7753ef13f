"""Setting changes sent at the same moment all stick, on SQLite and on PostgreSQL.

Each command runs on its own connection, truly at once (`asyncio.gather`), as when a team
sends several `/papers` commands to one channel together.
"""

from __future__ import annotations

import asyncio
from datetime import time

from bot.models import Layout
from tests.core.conftest import GENERAL, NOW, Harness


async def run_together(harness: Harness, *texts: str) -> list[str]:
    """Run the commands at once; their answers, in the order given."""
    replies = await asyncio.gather(*(harness.run(text) for text in texts))
    return [reply.text for reply in replies]


async def test_ten_topics_added_at_once_are_all_kept(harness: Harness) -> None:
    words = [f"t{n}" for n in range(10)]

    answers = await run_together(harness, *(f"topics add {word}" for word in words))

    stored = await harness.store.get_channel(GENERAL)
    assert stored is not None
    assert sorted(stored.topics) == words
    for word, answer in zip(words, answers, strict=True):
        shown = answer.removeprefix("The topics are now: ").removesuffix(".").split(", ")
        assert word in shown
        assert set(shown) <= set(words)


async def test_different_settings_changed_at_once_are_all_kept(harness: Harness) -> None:
    await run_together(
        harness,
        "set size 3",
        "set min-upvotes 7",
        "set max-age 9",
        "set layout channel",
        "exclude add zzz",
        "subscribe 11:00 Asia/Tokyo",
    )

    stored = await harness.store.get_channel(GENERAL)
    assert stored is not None
    assert (stored.size, stored.min_upvotes, stored.max_age_days) == (3, 7, 9)
    assert stored.layout is Layout.CHANNEL
    assert stored.excludes == ("zzz",)
    assert stored.subscribed
    assert (stored.post_at, stored.timezone) == (time(11, 0), "Asia/Tokyo")


async def test_a_subscribe_and_a_size_change_sent_together_both_stick(
    harness: Harness,
) -> None:
    for attempt in range(5):
        await run_together(harness, "subscribe 09:00 UTC", f"set size {attempt + 2}")

        stored = await harness.store.get_channel(GENERAL)
        assert stored is not None
        assert stored.subscribed
        assert stored.size == attempt + 2
        await harness.run("unsubscribe")


async def test_a_pause_written_during_a_setting_change_is_not_undone(
    harness: Harness,
) -> None:
    await harness.run("subscribe 09:00 UTC")

    await asyncio.gather(
        harness.run("set size 4"),
        harness.store.pause_channel(GENERAL, "the bot was removed", at=NOW),
        harness.run("topics add llm"),
    )

    stored = await harness.store.get_channel(GENERAL)
    assert stored is not None
    assert stored.paused_reason == "the bot was removed"
    assert (stored.size, stored.topics) == (4, ("llm",))


async def test_the_answer_shows_what_is_stored_after_the_change(harness: Harness) -> None:
    await harness.run("topics add diffusion")

    reply = await harness.run("topics add robotics diffusion")

    assert reply.text == "The topics are now: diffusion, robotics."
