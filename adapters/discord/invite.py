"""The OAuth2 link that adds papers-bot to a Discord server, with exactly the permissions it uses.

`papers-bot discord invite-url` prints it. The link needs the application id: given on the
command line, or looked up with the bot token (`GET /oauth2/applications/@me`).
"""

from __future__ import annotations

from typing import Final

import aiohttp
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

LOOKUP_TIMEOUT_SECONDS: Final = 15.0


class ApplicationLookupError(Exception):
    """The application id could not be read with the token; the message says what to do."""


def invite_url(application_id: int) -> str:
    """The invite link: `bot` and `applications.commands` scopes and the bot's permissions."""
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


async def fetch_application_id(token: str, api_url: str = "https://discord.com/api/v10") -> int:
    """The application id of the bot whose token this is (`GET /oauth2/applications/@me`)."""
    url = f"{api_url.rstrip('/')}/oauth2/applications/@me"
    timeout = aiohttp.ClientTimeout(total=LOOKUP_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers={"Authorization": f"Bot {token}"}) as response,
        ):
            if response.status == 401:
                raise ApplicationLookupError(
                    "Discord refused DISCORD_TOKEN; copy the bot token again from the "
                    "Developer Portal, or pass --application-id."
                )
            if response.status != 200:
                raise ApplicationLookupError(
                    f"Discord answered {response.status} when asked for the application; "
                    "pass --application-id instead."
                )
            data = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise ApplicationLookupError(
            f"Could not reach Discord ({type(error).__name__}); pass --application-id instead."
        ) from None
    try:
        return int(data["id"])
    except (KeyError, TypeError, ValueError):
        raise ApplicationLookupError(
            "Discord's answer held no application id; pass --application-id instead."
        ) from None
