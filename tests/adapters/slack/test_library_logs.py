"""What slack_bolt and slack_sdk say at start-up is only what an operator needs."""

from __future__ import annotations

import logging

import pytest

from adapters.slack import build_slack_adapter
from tests.adapters.slack.conftest import T1, slack_settings
from tests.fakes.slack import FakeSlack


async def test_bolt_does_not_warn_about_the_token_it_reads_from_the_environment(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", T1.bot_token)  # bolt reads it whatever it is given
    caplog.set_level(logging.INFO)

    adapter = build_slack_adapter(slack_settings(fake_slack))

    assert adapter is not None
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")] == []
