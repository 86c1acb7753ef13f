"""Channel settings: save and read back, subscriptions, pausing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import ChannelRef, ChannelSettings, Follow, FollowKind, Layout
from bot.store import Store
from bot.store.tables import channels

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERAL = ChannelRef("slack", "T1", "C-general")


def subscribed(ref: ChannelRef) -> ChannelSettings:
    """A channel subscribed with default preferences."""
    return ChannelSettings(channel=ref, subscribed=True)


async def test_an_unsaved_channel_is_none(store: Store) -> None:
    assert await store.get_channel(GENERAL) is None


async def test_settings_round_trip(store: Store) -> None:
    settings = ChannelSettings(
        channel=GENERAL,
        subscribed=True,
        post_at=time(7, 30),
        timezone="Europe/Berlin",
        days=frozenset({0, 2, 4}),
        size=8,
        min_upvotes=5,
        max_age_days=2,
        topics=("diffusion", "robotics"),
        excludes=("survey",),
        layout=Layout.CHANNEL,
        paused_reason="channel_not_found",
        paused_at=AT,
        follows=(Follow(FollowKind.AUTHOR, "Yann LeCun"), Follow(FollowKind.ORG, "google")),
        recap_day=0,
        recap_at=time(17, 45),
    )

    await store.save_channel(settings)

    assert await store.get_channel(GENERAL) == settings


async def test_saving_again_replaces_the_whole_row(store: Store) -> None:
    first = replace(subscribed(GENERAL), topics=("llm",), paused_reason="x", paused_at=AT)
    await store.save_channel(first)
    second = ChannelSettings(channel=GENERAL, days=frozenset(), layout=Layout.THREAD)
    await store.save_channel(second)

    assert await store.get_channel(GENERAL) == second


async def test_subscribed_channels_include_paused_but_not_unsubscribed(store: Store) -> None:
    paused = replace(subscribed(ChannelRef("discord", "G1", "c2")), paused_reason="gone")
    await store.save_channel(subscribed(GENERAL))
    await store.save_channel(paused)
    await store.save_channel(ChannelSettings(channel=ChannelRef("console", "local", "x")))

    channels = await store.subscribed_channels()

    assert [c.channel for c in channels] == [paused.channel, GENERAL]
    assert channels[0].paused_reason == "gone"


async def test_pause_channel_records_reason_and_time_and_keeps_the_rest(store: Store) -> None:
    settings = ChannelSettings(GENERAL, subscribed=True, topics=("llm",), size=3)
    await store.save_channel(settings)

    await store.pause_channel(GENERAL, "not_in_channel", at=AT)

    assert await store.get_channel(GENERAL) == replace(
        settings, paused_reason="not_in_channel", paused_at=AT
    )


async def test_pausing_a_never_saved_channel_remembers_why(store: Store) -> None:
    lost = ChannelRef("console", "local", "gone")

    await store.pause_channel(lost, "the bot was removed from this channel", at=AT)

    assert await store.get_channel(lost) == ChannelSettings(
        lost, paused_reason="the bot was removed from this channel", paused_at=AT
    )
    assert await store.subscribed_channels() == []


async def test_pause_workspace_pauses_that_workspace_only_once(store: Store) -> None:
    already = ChannelRef("slack", "T1", "C-already")
    other_workspace = ChannelRef("slack", "T2", "C1")
    other_platform = ChannelRef("discord", "T1", "C1")
    for ref in (GENERAL, already, other_workspace, other_platform):
        await store.save_channel(subscribed(ref))
    earlier = AT - timedelta(days=1)
    await store.pause_channel(already, "channel_not_found", at=earlier)

    paused = await store.pause_workspace("slack", "T1", "token_revoked", at=AT)

    assert paused == 1
    by_ref = {c.channel: c for c in await store.subscribed_channels()}
    assert (by_ref[GENERAL].paused_reason, by_ref[GENERAL].paused_at) == ("token_revoked", AT)
    assert (by_ref[already].paused_reason, by_ref[already].paused_at) == (
        "channel_not_found",
        earlier,
    )
    assert by_ref[other_workspace].paused_reason is None
    assert by_ref[other_platform].paused_reason is None


async def test_update_channel_starts_a_never_saved_channel_from_the_defaults(
    store: Store,
) -> None:
    before, after = await store.update_channel(GENERAL, lambda s: replace(s, size=3))

    assert before == ChannelSettings(channel=GENERAL)
    assert after == replace(before, size=3)
    assert await store.get_channel(GENERAL) == after


async def test_update_channel_writes_only_what_the_change_touched(store: Store) -> None:
    await store.save_channel(subscribed(GENERAL))
    stale = await store.get_channel(GENERAL)
    assert stale is not None
    await store.pause_channel(GENERAL, "channel_not_found", at=AT)

    await store.update_channel(GENERAL, lambda s: replace(s, topics=("llm",)))

    stored = await store.get_channel(GENERAL)
    assert stored == replace(
        stale, topics=("llm",), paused_reason="channel_not_found", paused_at=AT
    )


async def _updated_at(database_url: str, ref: ChannelRef) -> datetime:
    """When the channel's row was last changed, read over a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            statement = select(channels.c.updated_at).where(channels.c.key == ref.key)
            return (await connection.execute(statement)).scalar_one()
    finally:
        await engine.dispose()


async def test_pausing_a_workspace_says_how_many_channels_it_paused(store: Store) -> None:
    for name in ("C1", "C2"):
        await store.save_channel(subscribed(ChannelRef("slack", "T1", name)))

    with structlog.testing.capture_logs() as logs:
        assert await store.pause_workspace("slack", "T1", "token_revoked", at=AT) == 2

    assert [log for log in logs if log["event"] == "workspace_paused"] == [
        {
            "event": "workspace_paused",
            "log_level": "info",
            "platform": "slack",
            "workspace": "T1",
            "channels": 2,
        }
    ]


async def test_every_change_to_a_channel_is_dated(store: Store, database_url: str) -> None:
    other = ChannelRef("slack", "T1", "C-other")

    start = datetime.now(UTC)
    await store.save_channel(subscribed(GENERAL))
    await store.save_channel(subscribed(other))
    saved = await _updated_at(database_url, GENERAL)
    assert start <= saved <= datetime.now(UTC)

    start = datetime.now(UTC)
    await store.update_channel(GENERAL, lambda s: replace(s, size=3))
    updated = await _updated_at(database_url, GENERAL)
    assert start <= updated <= datetime.now(UTC)

    start = datetime.now(UTC)
    await store.pause_channel(GENERAL, "channel_not_found", at=AT)
    paused = await _updated_at(database_url, GENERAL)
    assert start <= paused <= datetime.now(UTC)

    start = datetime.now(UTC)
    await store.pause_workspace("slack", "T1", "token_revoked", at=AT)
    assert start <= await _updated_at(database_url, other) <= datetime.now(UTC)
    assert await _updated_at(database_url, GENERAL) == paused  # already paused: untouched


async def test_a_change_that_changes_nothing_writes_nothing(
    store: Store, database_url: str
) -> None:
    await store.save_channel(subscribed(GENERAL))
    saved = await _updated_at(database_url, GENERAL)

    before, after = await store.update_channel(GENERAL, lambda s: s)

    assert before == after == subscribed(GENERAL)
    assert await _updated_at(database_url, GENERAL) == saved


async def test_a_channel_without_a_recap_day_reads_back_without_one(store: Store) -> None:
    settings = ChannelSettings(channel=GENERAL, recap_day=None, days=frozenset({6}))

    await store.save_channel(settings)

    assert await store.get_channel(GENERAL) == settings
