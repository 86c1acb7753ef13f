"""The Discord channel (discord.py): `/papers` commands, digests as embeds, reaction votes."""

from adapters.discord.adapter import DiscordAdapter, build_discord_adapter
from adapters.discord.invite import ApplicationLookupError, fetch_application_id, invite_url

__all__ = [
    "ApplicationLookupError",
    "DiscordAdapter",
    "build_discord_adapter",
    "fetch_application_id",
    "invite_url",
]
