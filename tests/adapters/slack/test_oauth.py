"""Installing in many workspaces: bolt's OAuth flow against the fake Web API, installations
in slack_sdk's SQLAlchemy store on a SQLite file, each workspace posting with its own token,
and an uninstall pausing that workspace."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.slack.errors import NOT_INSTALLED
from adapters.slack.oauth import BOT_SCOPES
from bot.models import ChannelRef, Command, MessageRole, OutgoingMessage
from bot.ports import ChannelUnavailable
from tests.adapters.slack.conftest import T1, Served, make_digest, serve
from tests.databases import database_url, postgres_url
from tests.fakes import eventually
from tests.fakes.slack import CLIENT_ID, CLIENT_SECRET, FakeSlack, Workspace, reaction

__all__ = ["database_url", "postgres_url"]  # the store tests' fixtures: SQLite and PostgreSQL

T2 = Workspace("T2", "xoxb-t2-token", bot_user_id="UBOT2", name="Second team")

pytestmark = pytest.mark.filterwarnings(
    # slack_sdk 3.48 sends oauth.v2.access with aiohttp's BasicAuth, deprecated in aiohttp 3.14
    "ignore:BasicAuth is deprecated:DeprecationWarning"
)


@pytest.fixture
async def installable(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[Served]:
    """The adapter with OAuth on (no SLACK_BOT_TOKEN), its installations in slack_sdk's
    tables on an empty database: a SQLite file, and PostgreSQL when configured."""
    fake_slack.add_workspace(T2)
    fake_slack.oauth_codes.update({"code-t1": T1, "code-t2": T2})
    async with serve(
        fake_slack,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        database_url=database_url,
    ) as running:
        yield running


async def install(served: Served, code: str) -> str:
    """Go through /slack/install and /slack/oauth_redirect as a browser would; the page text."""
    page = await served.http.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"slack-app-oauth-state=([^;]+)", page.headers["set-cookie"])
    assert state is not None
    done = await served.http.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state.group(1)},
        headers={"Cookie": f"slack-app-oauth-state={state.group(1)}"},
    )
    assert done.status_code == 200, done.text
    return done.text


def header_for(channel: ChannelRef) -> OutgoingMessage:
    digest = make_digest(channel=channel)
    return OutgoingMessage(key=f"{digest.id}:header", role=MessageRole.HEADER, digest=digest)


async def test_the_install_page_sends_people_to_slacks_consent_page(installable: Served) -> None:
    page = await installable.http.get("/slack/install")

    link = re.search(r'<a href="([^"]+)"', page.text)
    assert link is not None
    url = urlsplit(link.group(1).replace("&amp;", "&"))
    query = parse_qs(url.query)
    assert (
        f"{url.scheme}://{url.netloc}{url.path}"
        == f"{installable.fake.base_url}/oauth/v2/authorize"
    )
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(BOT_SCOPES)]


async def test_installing_calls_oauth_v2_access_on_the_configured_api(installable: Served) -> None:
    await install(installable, "code-t1")

    [call] = installable.fake.calls_to("oauth.v2.access")
    assert call.token == f"basic:{CLIENT_ID}:{CLIENT_SECRET}"
    assert call.body["code"] == "code-t1"


async def test_a_redirect_without_the_browsers_state_is_refused(installable: Served) -> None:
    response = await installable.http.get(
        "/slack/oauth_redirect", params={"code": "code-t1", "state": "forged"}
    )

    assert response.status_code == 400
    assert installable.fake.calls_to("oauth.v2.access") == []


async def test_two_workspaces_post_with_their_own_tokens(installable: Served) -> None:
    await install(installable, "code-t1")
    await install(installable, "code-t2")

    await installable.adapter.post(
        ChannelRef("slack", "T1", "C1"), header_for(ChannelRef("slack", "T1", "C1"))
    )
    await installable.adapter.post(
        ChannelRef("slack", "T2", "C9"), header_for(ChannelRef("slack", "T2", "C9"))
    )

    posts = installable.fake.calls_to("chat.postMessage")
    assert [(call.token, call.body["channel"]) for call in posts] == [
        (T1.bot_token, "C1"),
        (T2.bot_token, "C9"),
    ]


async def test_commands_and_votes_from_an_installed_workspace_reach_the_core(
    installable: Served,
) -> None:
    await install(installable, "code-t2")

    await installable.command("settings", team_id="T2", channel_id="C9", user_id="U7")
    await installable.event(
        reaction("fire", ts="1700000001.000001", channel="C9", item_user=T2.bot_user_id),
        event_id="EvT2",
        team_id="T2",
    )

    await eventually(lambda: bool(installable.core.commands and installable.core.votes))
    assert installable.core.commands == [Command(ChannelRef("slack", "T2", "C9"), "U7", "settings")]
    assert installable.core.votes[0].channel == ChannelRef("slack", "T2", "C9")


async def test_uninstalling_pauses_that_workspace_and_forgets_its_token(
    installable: Served,
) -> None:
    await install(installable, "code-t1")
    await install(installable, "code-t2")

    response = await installable.event({"type": "app_uninstalled"}, event_id="EvBye", team_id="T2")

    assert response.status_code == 200
    await eventually(lambda: bool(installable.core.removed))
    assert installable.core.removed[0][:2] == ("slack", "T2")
    with pytest.raises(ChannelUnavailable) as raised:
        await installable.adapter.post(
            ChannelRef("slack", "T2", "C9"), header_for(ChannelRef("slack", "T2", "C9"))
        )
    assert raised.value.reason == NOT_INSTALLED
    await installable.adapter.post(
        ChannelRef("slack", "T1", "C1"), header_for(ChannelRef("slack", "T1", "C1"))
    )
    assert [call.token for call in installable.fake.calls_to("chat.postMessage")] == [T1.bot_token]


async def test_a_revoked_bot_token_is_forgotten_and_pauses_the_workspace(
    installable: Served,
) -> None:
    await install(installable, "code-t2")
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["UINSTALLER"], "bot": ["UBOT2"]}}

    await installable.event(event, event_id="EvRevoked", team_id="T2")

    await eventually(lambda: bool(installable.core.removed))
    channel = ChannelRef("slack", "T2", "C9")

    async def token_gone() -> bool:
        try:
            await installable.adapter.post(channel, header_for(channel))
        except ChannelUnavailable:
            return True
        return False

    await eventually(token_gone)
