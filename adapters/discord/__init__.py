"""The Discord channel (discord.py): `/papers` commands, digests as embeds, reaction votes."""

from adapters.discord.adapter import DiscordAdapter, build_discord_adapter
from adapters.discord.invite import ApplicationLookupError, application_id_from_token, invite_url

__all__ = [
    "ApplicationLookupError",
    "DiscordAdapter",
    "application_id_from_token",
    "build_discord_adapter",
    "invite_url",
]
