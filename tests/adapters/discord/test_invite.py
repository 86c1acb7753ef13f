"""The invite link: bot + applications.commands scopes and exactly the permissions used."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from adapters.discord import ApplicationLookupError, application_id_from_token, invite_url
from tests.fakes.discord import APPLICATION_ID, bot_token

USED = [
    "add_reactions",
    "attach_files",
    "create_public_threads",
    "embed_links",
    "read_message_history",
    "send_messages",
    "send_messages_in_threads",
    "view_channel",
]


def test_the_invite_link_asks_for_the_two_scopes_and_the_permissions_used() -> None:
    url = urlsplit(invite_url(1234))
    query = parse_qs(url.query)

    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == ["1234"]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == discord.Permissions(**dict.fromkeys(USED, True))
    assert not granted.administrator and not granted.mention_everyone


def test_the_application_id_is_read_from_the_token_without_asking_discord() -> None:
    assert application_id_from_token(bot_token(APPLICATION_ID)) == APPLICATION_ID
    assert application_id_from_token(f"  {bot_token(1234)}\n") == 1234


@pytest.mark.parametrize("token", ["fake-token", "", "bm90IGFuIGlk.GhIjKl.xxx", "!!!.a.b"])
def test_a_token_of_another_shape_says_what_to_do(token: str) -> None:
    with pytest.raises(ApplicationLookupError, match="--application-id") as refused:
        application_id_from_token(token)

    assert "DISCORD_TOKEN doesn't look like a bot token" in str(refused.value)
    assert not token or token not in str(refused.value)
