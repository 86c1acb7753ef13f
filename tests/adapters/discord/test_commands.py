"""`/papers` through Discord: each subcommand's options become the core's text grammar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from structlog.testing import capture_logs

from adapters.discord import adapter as adapter_module
from adapters.discord.adapter import DiscordAdapter
from bot import grammar
from bot.models import Reply, ReplyKind
from tests.adapters.discord.conftest import CHANNEL, RecordingCore, make_item
from tests.fakes import eventually
from tests.fakes.discord import (
    CALLBACK_AUTOCOMPLETE,
    CALLBACK_DEFERRED,
    CALLBACK_MESSAGE,
    CHANNEL_ID,
    EPHEMERAL,
    MEMBER_PERMISSIONS,
    USER_ID,
    FakeDiscord,
    button_press,
    slash,
    thread_channel,
)

TRANSLATIONS: list[tuple[tuple[str, ...], dict[str, Any], str]] = [
    (("help",), {}, "help"),
    (("help",), {"subcommand": "subscribe"}, "help subscribe"),
    (("today",), {}, "today"),
    (("top",), {}, "top"),
    (("top",), {"period": "week"}, "top week"),
    (("search",), {"query": "diffusion transformers"}, "search diffusion transformers"),
    (("more",), {}, "more"),
    (("paper",), {"id": "2606.00467"}, "paper 2606.00467"),
    (("why",), {"rank": 2}, "why 2"),
    (("why",), {"paper": "2606.13392"}, "why 2606.13392"),
    (("similar",), {"rank": 3}, "similar 3"),
    (("similar",), {"paper": "2606.13392"}, "similar 2606.13392"),
    (
        ("subscribe",),
        {"time": "09:30", "timezone": "Europe/Berlin", "days": "weekdays"},
        "subscribe 09:30 Europe/Berlin weekdays",
    ),
    (("subscribe",), {"days": "mon,wed,fri"}, "subscribe mon,wed,fri"),
    (("subscribe",), {}, "subscribe"),
    (("unsubscribe",), {}, "unsubscribe"),
    (("settings",), {}, "settings"),
    (("set", "size"), {"papers": 5}, "set size 5"),
    (("set", "min-upvotes"), {"upvotes": 10}, "set min-upvotes 10"),
    (("set", "max-age"), {"days": 3}, "set max-age 3"),
    (("set", "layout"), {"layout": "channel"}, "set layout channel"),
    (("set", "recap"), {"day": "fri", "time": "16:00"}, "set recap fri 16:00"),
    (("set", "recap"), {"day": "off"}, "set recap off"),
    (("follow", "author"), {"name": "Yann LeCun"}, "follow author Yann LeCun"),
    (("follow", "org"), {"name": "NVIDIA"}, "follow org NVIDIA"),
    (("unfollow", "author"), {"name": "Y. LeCun"}, "unfollow author Y. LeCun"),
    (("unfollow", "org"), {"name": "deepseek-ai"}, "unfollow org deepseek-ai"),
    (("following",), {}, "following"),
    (("topics", "list"), {}, "topics list"),
    (
        ("topics", "add"),
        {"words": "diffusion, reinforcement learning"},
        "topics add diffusion, reinforcement learning",
    ),
    (("topics", "remove"), {"words": "diffusion"}, "topics remove diffusion"),
    (("topics", "clear"), {}, "topics clear"),
    (("exclude", "list"), {}, "exclude list"),
    (("exclude", "add"), {"words": "robotics"}, "exclude add robotics"),
    (("exclude", "remove"), {"words": "robotics"}, "exclude remove robotics"),
    (("exclude", "clear"), {}, "exclude clear"),
    (("taste",), {}, "taste"),
    (("digest", "now"), {}, "digest now"),
]


@pytest.mark.parametrize(
    ("path", "options", "text"),
    TRANSLATIONS,
    ids=[text for _, _, text in TRANSLATIONS],
)
async def test_each_subcommand_reaches_the_core_as_grammar_text(
    adapter: DiscordAdapter,
    fake: FakeDiscord,
    core: RecordingCore,
    path: tuple[str, ...],
    options: dict[str, Any],
    text: str,
) -> None:
    interaction = slash(*path, options=options)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    assert core.texts == [text]
    grammar.parse(text)  # the core's grammar reads every translation
    (command,) = core.commands
    assert (command.channel, command.user_id, command.can_manage) == (CHANNEL, str(USER_ID), True)
    assert answer["content"] == "Done."
    assert answer["flags"] & EPHEMERAL
    assert answer["allowed_mentions"] == {"parse": []}


async def test_a_more_button_runs_its_command_and_answers_only_the_presser(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    press = button_press("papers:more k3J9xQ:5")
    await fake.dispatch("INTERACTION_CREATE", press)
    answer = await fake.answer_to(press)

    assert core.texts == ["more k3J9xQ:5"]
    assert answer["flags"] & EPHEMERAL


async def test_a_similar_button_asks_for_the_papers_like_its_paper(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    press = button_press("papers:similar 2606.13392")
    await fake.dispatch("INTERACTION_CREATE", press)
    await fake.answer_to(press)

    assert core.texts == ["similar 2606.13392"]


@pytest.mark.parametrize("custom_id", ["papers:unsubscribe", "papers:set size 1", "other:more x"])
async def test_a_button_that_is_not_a_more_button_runs_nothing(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore, custom_id: str
) -> None:
    await fake.dispatch("INTERACTION_CREATE", button_press(custom_id))
    await fake.dispatch("INTERACTION_CREATE", button_press("papers:more last:5"))

    await eventually(lambda: bool(core.texts))
    assert core.texts == ["more last:5"]


def test_the_table_covers_every_subcommand_of_the_grammar() -> None:
    assert {path[0] for path, _, _ in TRANSLATIONS} == set(grammar.SUBCOMMANDS)


@pytest.mark.parametrize("text", ["today", "search x", "paper 2606.00467", "digest now"])
async def test_slow_subcommands_defer_first_then_follow_up(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore, text: str
) -> None:
    path, options, _ = next(row for row in TRANSLATIONS if row[2].startswith(text.split()[0]))
    interaction = slash(*path, options=options)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    (callback,) = fake.calls_to("POST", rf"/interactions/{interaction['id']}/.+/callback")
    assert callback.body == {"type": CALLBACK_DEFERRED, "data": {"flags": EPHEMERAL}}
    assert answer["content"] == "Done."
    assert answer["flags"] & EPHEMERAL


async def test_a_quick_command_that_turns_out_slow_is_deferred_in_time(
    adapter: DiscordAdapter,
    fake: FakeDiscord,
    core: RecordingCore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(adapter_module, "DEFER_AFTER_SECONDS", 0.05)
    core.delay = 0.3
    interaction = slash("settings")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    (callback,) = fake.calls_to("POST", rf"/interactions/{interaction['id']}/.+/callback")
    assert callback.body["type"] == CALLBACK_DEFERRED
    assert answer["content"] == "Done."


async def test_an_interaction_already_old_is_deferred_at_once(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    # Discord's 3 seconds run from when the interaction was created, not from when the
    # handler started: one that spent 2.5 s on the way here has no time left to wait.
    core.delay = 0.1
    interaction = slash("settings", created_at=datetime.now(UTC) - timedelta(seconds=2.5))
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    (callback,) = fake.calls_to("POST", rf"/interactions/{interaction['id']}/.+/callback")
    assert callback.body["type"] == CALLBACK_DEFERRED
    assert answer["content"] == "Done."


async def test_a_fresh_quick_command_is_answered_without_deferring(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    interaction = slash("settings")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.answer_to(interaction)

    (callback,) = fake.calls_to("POST", rf"/interactions/{interaction['id']}/.+/callback")
    assert callback.body["type"] == CALLBACK_MESSAGE


@pytest.mark.parametrize(
    ("path", "options"),
    [
        (("subscribe",), {"time": "09:30"}),
        (("set", "size"), {"papers": 3}),
        (("digest", "now"), {}),
    ],
)
async def test_changing_the_channel_needs_manage_channels(
    adapter: DiscordAdapter,
    fake: FakeDiscord,
    core: RecordingCore,
    path: tuple[str, ...],
    options: dict[str, Any],
) -> None:
    interaction = slash(*path, options=options, permissions=MEMBER_PERMISSIONS)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    assert core.commands == []
    assert "Manage Channels" in answer["content"]
    assert "/papers settings" in answer["content"]
    assert answer["flags"] & EPHEMERAL


async def test_reading_commands_are_open_to_members_and_say_who_asked(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    interaction = slash("settings", permissions=MEMBER_PERMISSIONS)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.answer_to(interaction)

    (command,) = core.commands
    assert command.can_manage is False


async def test_a_command_in_a_thread_is_about_its_channel(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    thread = thread_channel(fake.new_id(), CHANNEL_ID, "Papers for 13 June 2026")
    interaction = slash("settings", channel=thread)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    await fake.answer_to(interaction)

    assert core.commands[0].channel == CHANNEL


async def test_answers_never_mention_anyone(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    core.reply = Reply(ReplyKind.TEXT, "No papers found for “@everyone <@123> @here”.")
    interaction = slash("settings")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    assert answer["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in answer["content"]
    assert "@here" not in answer["content"]
    assert "<@123>" not in answer["content"]


async def test_a_paper_answer_is_an_embed_with_link_buttons(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    core.reply = Reply(ReplyKind.PAPER, "Paper number 1", items=(make_item(1),))
    interaction = slash("paper", options={"id": "2606.10001"})
    await fake.dispatch("INTERACTION_CREATE", interaction)
    answer = await fake.answer_to(interaction)

    (embed,) = answer["embeds"]
    assert embed["title"] == "Paper number 1"
    assert embed["url"] == "https://huggingface.co/papers/2606.10001"
    (row,) = answer["components"]
    assert [button["label"] for button in row["components"]] == [
        "Paper page",
        "arXiv",
        "PDF",
        "Code",
        "Similar",
    ]


async def test_time_zones_autocomplete_from_what_was_typed(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    interaction = slash("subscribe", options={"timezone": "europe/ber"}, focused="timezone")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    (callback,) = await fake.wait_for_calls("POST", rf"/interactions/{interaction['id']}/.+")

    assert callback.body["type"] == CALLBACK_AUTOCOMPLETE
    assert callback.body["data"]["choices"] == [{"name": "Europe/Berlin", "value": "Europe/Berlin"}]


async def test_paper_ids_autocomplete_from_the_channels_recent_digests(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    interaction = slash("paper", options={"id": "2606"}, focused="id")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    (callback,) = await fake.wait_for_calls("POST", rf"/interactions/{interaction['id']}/.+")

    assert core.suggest_prefixes == ["2606"]
    assert callback.body["data"]["choices"] == [
        {"name": "2606.13392 · MiniMax Sparse Attention", "value": "2606.13392"}
    ]


async def test_days_autocomplete_offers_the_words_the_grammar_reads(
    adapter: DiscordAdapter, fake: FakeDiscord
) -> None:
    interaction = slash("subscribe", options={"days": "week"}, focused="days")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    (callback,) = await fake.wait_for_calls("POST", rf"/interactions/{interaction['id']}/.+")

    values = [choice["value"] for choice in callback.body["data"]["choices"]]
    assert values == ["weekdays", "weekends"]
    for value in values:
        grammar.parse(f"subscribe {value}")


async def test_a_failure_answers_one_sentence_and_logs_it(
    adapter: DiscordAdapter, fake: FakeDiscord, core: RecordingCore
) -> None:
    async def broken(command: object) -> Reply:
        raise RuntimeError("database on fire")

    core.handle_command = broken  # type: ignore[method-assign]
    interaction = slash("settings")
    with capture_logs() as logs:
        await fake.dispatch("INTERACTION_CREATE", interaction)
        answer = await fake.answer_to(interaction)

    assert answer["content"] == "Something went wrong answering that; please try again."
    assert answer["flags"] & EPHEMERAL
    assert "database on fire" not in answer["content"]
    assert [entry["event"] for entry in logs] == ["discord_command_failed"]
