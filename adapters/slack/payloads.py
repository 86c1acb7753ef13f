"""Slack payloads to the core's neutral values: a slash command or a button click to a
Command, a reaction event to a Vote. Pure functions; anything malformed or not meant for
the core becomes None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.slack.emoji import VoteEmoji
from bot.models import ChannelRef, Command, Vote

PLATFORM = "slack"
_SLACK_ID = re.compile(r"[A-Z0-9]{1,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,20}\.[0-9]{1,20}")


def slack_id(value: object) -> str | None:
    """`value` when it reads like a Slack id (team, channel, user), else None."""
    return value if isinstance(value, str) and _SLACK_ID.fullmatch(value) else None


def command_from_body(body: Mapping[str, Any], *, can_manage: bool) -> Command | None:
    """The `/papers ...` command in a slash command payload, or None when it lacks its ids."""
    team = slack_id(body.get("team_id"))
    channel = slack_id(body.get("channel_id"))
    user = slack_id(body.get("user_id"))
    if team is None or channel is None or user is None:
        return None
    text = body.get("text")
    return Command(
        channel=ChannelRef(PLATFORM, team, channel),
        user_id=user,
        text=text if isinstance(text, str) else "",
        can_manage=can_manage,
    )


ACTION_COMMANDS = ("more ", "similar ")
"""The commands a button may send: its value is the command text, so only these are run."""


def command_from_action(body: Mapping[str, Any]) -> Command | None:
    """The command a button click sends (its value, e.g. "more k3J9xQ:5"), or None when the
    payload lacks its ids or the value is not one a button of ours carries."""
    team = _nested_id(body, "team")
    channel = _nested_id(body, "channel")
    user = _nested_id(body, "user")
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    value = action.get("value") if isinstance(action, Mapping) else None
    if team is None or channel is None or user is None or not isinstance(value, str):
        return None
    if not value.startswith(ACTION_COMMANDS):
        return None
    return Command(ChannelRef(PLATFORM, team, channel), user, value, can_manage=False)


def _nested_id(body: Mapping[str, Any], name: str) -> str | None:
    """`body[name]["id"]` when it reads like a Slack id."""
    inner = body.get(name)
    return slack_id(inner.get("id")) if isinstance(inner, Mapping) else None


def vote_from_event(
    body: Mapping[str, Any], *, bot_user_id: str | None, emoji: VoteEmoji
) -> Vote | None:
    """The vote in a `reaction_added`/`reaction_removed` event, or None when it is none.

    Not a vote: a reaction that is not a vote emoji, on anything but a message, by the bot
    itself, or on a message some other user wrote (`item_user`). Whether the bot posted the
    message is for the core to decide; `event_id` lets it apply a retried event once.
    """
    event = body.get("event")
    if not isinstance(event, Mapping) or event.get("type") not in (
        "reaction_added",
        "reaction_removed",
    ):
        return None
    item = event.get("item")
    if not isinstance(item, Mapping) or item.get("type") != "message":
        return None
    user = slack_id(event.get("user"))
    if user is None or user == bot_user_id:
        return None
    author = event.get("item_user")
    if bot_user_id is not None and author is not None and author != bot_user_id:
        return None
    reaction = event.get("reaction")
    neutral = emoji.neutral(reaction) if isinstance(reaction, str) else None
    team = slack_id(body.get("team_id"))
    channel = slack_id(item.get("channel"))
    ts = item.get("ts")
    if neutral is None or team is None or channel is None:
        return None
    if not isinstance(ts, str) or not _TIMESTAMP.fullmatch(ts):
        return None
    event_id = body.get("event_id")
    return Vote(
        channel=ChannelRef(PLATFORM, team, channel),
        message_id=ts,
        user_id=user,
        emoji=neutral,
        removed=event.get("type") == "reaction_removed",
        event_id=event_id if isinstance(event_id, str) and event_id else None,
    )
