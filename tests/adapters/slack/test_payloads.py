"""Slack payloads to neutral values: reaction names to votes, slash commands to commands."""

from __future__ import annotations

import json

import pytest

from adapters.slack.emoji import VoteEmoji
from adapters.slack.payloads import command_from_body, vote_from_event
from bot.models import ChannelRef, Command
from config.settings import Settings
from tests.fakes.slack import event_callback, reaction

EMOJI = VoteEmoji.from_setting(Settings(_env_file=None).slack_vote_emoji)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("reaction_name", "neutral"),
    [
        ("+1", "+1"),
        ("thumbsup", "+1"),
        ("+1::skin-tone-2", "+1"),
        ("fire", "fire"),
        ("-1", "-1"),
        ("thumbsdown::skin-tone-6", "-1"),
        ("one", "keycap:1"),
        ("nine", "keycap:9"),
        ("keycap_ten", "keycap:10"),
        ("eyes", None),
        ("zero", None),
        ("", None),
    ],
)
def test_slack_reactions_map_to_neutral_votes(reaction_name: str, neutral: str | None) -> None:
    assert EMOJI.neutral(reaction_name) == neutral


def test_the_mapping_is_a_setting_and_the_header_shows_one_reaction_per_vote() -> None:
    custom = VoteEmoji.from_setting("heart=+1,100=fire,thumbsup=+1")

    assert custom.neutral("heart") == "+1"
    assert custom.neutral("+1") is None
    assert custom.shown() == ("heart", "100")
    assert EMOJI.shown() == ("+1", "fire", "-1")


def body(event: dict[str, object], event_id: str = "Ev1") -> dict[str, object]:
    return json.loads(event_callback(event, event_id=event_id))


def test_a_reaction_on_the_bots_message_is_a_vote() -> None:
    vote = vote_from_event(
        body(reaction("fire", ts="1.2", removed=True)), bot_user_id="UBOT", emoji=EMOJI
    )

    assert vote is not None
    assert (vote.channel, vote.message_id, vote.user_id, vote.emoji) == (
        ChannelRef("slack", "T1", "C1"),
        "1.2",
        "U1",
        "fire",
    )
    assert (vote.removed, vote.event_id) == (True, "Ev1")


@pytest.mark.parametrize(
    "event",
    [
        reaction("fire", ts="1.2", user="UBOT"),
        reaction("fire", ts="1.2", item_user="U9"),
        reaction("heart", ts="1.2"),
        reaction("fire", ts="not-a-ts"),
        reaction("fire", ts="1.2", channel="<!channel>"),
        {**reaction("fire", ts="1.2"), "item": {"type": "file", "file": "F1"}},
        {"type": "message", "text": "hi"},
    ],
    ids=["own", "other-author", "not-a-vote", "bad-ts", "bad-channel", "file", "message"],
)
def test_what_is_not_a_vote_on_a_bot_message_is_none(event: dict[str, object]) -> None:
    assert vote_from_event(body(event), bot_user_id="UBOT", emoji=EMOJI) is None


def test_a_slash_command_becomes_a_command() -> None:
    payload = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": "why 2"}

    assert command_from_body(payload, can_manage=False) == Command(
        ChannelRef("slack", "T1", "C1"), "U1", "why 2", can_manage=False
    )
    assert command_from_body({**payload, "channel_id": None}, can_manage=True) is None
