"""The invite link: bot + applications.commands scopes and exactly the permissions used."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from adapters.discord import ApplicationLookupError, fetch_application_id, invite_url
from tests.fakes.discord import APPLICATION_ID, TOKEN, FakeDiscord, Fault

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


async def test_the_application_id_is_read_with_the_token(fake: FakeDiscord) -> None:
    assert await fetch_application_id(TOKEN, fake.api_url) == APPLICATION_ID
    (call,) = fake.calls_to("GET", "/oauth2/applications/@me")
    assert call.headers["Authorization"] == f"Bot {TOKEN}"


async def test_a_refused_token_says_what_to_do(fake: FakeDiscord) -> None:
    fake.add_fault(
        Fault("GET", "/oauth2/applications/@me", 401, {"message": "401: Unauthorized", "code": 0})
    )
    with pytest.raises(ApplicationLookupError, match="--application-id") as refused:
        await fetch_application_id("wrong", fake.api_url)
    assert "DISCORD_TOKEN" in str(refused.value)
    assert "wrong" not in str(refused.value)


async def test_an_unreachable_discord_says_what_to_do() -> None:
    with pytest.raises(ApplicationLookupError, match="--application-id"):
        await fetch_application_id(TOKEN, "http://127.0.0.1:9/api/v10")
