"""The OAuth2 link that adds papers-bot to a Discord server, with exactly the permissions it uses.

`papers-bot discord invite-url` prints it. The link needs the application id: given on the
command line, or read from the bot token itself (no network needed).
"""

from __future__ import annotations

import base64
from typing import Final

import discord

SCOPES: Final = ("bot", "applications.commands")
PERMISSIONS: Final = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
)
"""What the bot does in a channel: read it, post digests and answers, start digest threads."""


class ApplicationLookupError(Exception):
    """The application id could not be read from the token; the message says what to do."""


def invite_url(application_id: int) -> str:
    """The invite link: `bot` and `applications.commands` scopes and the bot's permissions."""
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


def application_id_from_token(token: str) -> int:
    """The application id a bot token carries, read without asking Discord.

    A bot token is three parts joined by dots; the first is the bot's user id in base64,
    and a bot's user id is its application's id.
    """
    first, dot, _ = token.strip().partition(".")
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), altchars=b"-_", validate=True)
    except ValueError:
        decoded = b""
    if not dot or not decoded.isdigit():
        raise ApplicationLookupError(
            "DISCORD_TOKEN doesn't look like a bot token; copy it again from the Developer "
            "Portal (Bot, Reset Token), or pass --application-id."
        )
    return int(decoded)
