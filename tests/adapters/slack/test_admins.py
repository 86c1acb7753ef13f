"""PAPERS_SLACK_ADMINS_ONLY: only workspace admins and owners (per users.info) may change a
channel's digest; everyone may read. The core refuses when `can_manage` is False."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.slack.conftest import T1, Served, serve
from tests.fakes import eventually
from tests.fakes.slack import FakeSlack


@pytest.fixture
async def admins_only(fake_slack: FakeSlack) -> AsyncIterator[Served]:
    """The adapter with admins-only on; U1 is a member, U2 an admin, U3 the owner."""
    fake_slack.users.update(
        {
            "U1": {"id": "U1", "is_admin": False, "is_owner": False},
            "U2": {"id": "U2", "is_admin": True},
            "U3": {"id": "U3", "is_owner": True, "is_primary_owner": True},
        }
    )
    async with serve(fake_slack, slack_admins_only=True) as running:
        yield running


async def test_a_member_may_not_change_the_digest(admins_only: Served) -> None:
    await admins_only.command("subscribe 09:30 Europe/Berlin", user_id="U1")

    await eventually(lambda: bool(admins_only.core.commands))
    assert admins_only.core.commands[0].can_manage is False
    [call] = admins_only.fake.calls_to("users.info")
    assert (call.token, call.body["user"]) == (T1.bot_token, "U1")


@pytest.mark.parametrize("user", ["U2", "U3"])
async def test_admins_and_owners_may_change_the_digest(admins_only: Served, user: str) -> None:
    await admins_only.command("set size 3", user_id=user)

    await eventually(lambda: bool(admins_only.core.commands))
    assert admins_only.core.commands[0].can_manage is True


async def test_reading_needs_no_lookup(admins_only: Served) -> None:
    await admins_only.command("settings", user_id="U1")

    await eventually(lambda: bool(admins_only.core.commands))
    assert admins_only.core.commands[0].can_manage is True
    assert admins_only.fake.calls_to("users.info") == []


async def test_a_burst_of_changes_asks_slack_once(admins_only: Served) -> None:
    for text in ("set size 3", "set layout channel", "topics add diffusion"):
        await admins_only.command(text, user_id="U2")

    await eventually(lambda: len(admins_only.core.commands) == 3)
    assert len(admins_only.fake.calls_to("users.info")) == 1


async def test_when_slack_cannot_tell_the_change_is_refused(admins_only: Served) -> None:
    admins_only.fake.fail("users.info", "user_not_found")

    await admins_only.command("unsubscribe", user_id="U2")

    await eventually(lambda: bool(admins_only.core.commands))
    assert admins_only.core.commands[0].can_manage is False


async def test_everyone_may_change_the_digest_by_default(served: Served) -> None:
    await served.command("unsubscribe", user_id="U1")

    await eventually(lambda: bool(served.core.commands))
    assert served.core.commands[0].can_manage is True
    assert served.fake.calls_to("users.info") == []
