"""Which Slack settings make which adapter, the refusals that name the variable to fix,
and the app manifest."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import SlackConfig, build_slack_adapter, manifest_text
from adapters.slack.oauth import BOT_SCOPES
from config.settings import Settings, SettingsError


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def paths(**values: Any) -> list[str]:
    adapter = build_slack_adapter(settings(**values))
    assert adapter is not None
    return sorted(route.path for route in adapter.web_routes())


def test_no_slack_settings_means_no_slack_adapter() -> None:
    assert build_slack_adapter(settings()) is None


def test_each_way_in_mounts_its_routes() -> None:
    assert paths(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1") == []
    assert paths(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s") == ["/slack/events"]
    assert paths(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="c", SLACK_SIGNING_SECRET="s") == [
        "/slack/events",
        "/slack/install",
        "/slack/oauth_redirect",
    ]


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_an_incomplete_setup_stops_start_up_naming_the_variable(
    values: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{variable}: "):
        build_slack_adapter(settings(**values))


def test_the_config_never_shows_a_secret() -> None:
    config = SlackConfig.from_settings(
        settings(SLACK_BOT_TOKEN="xoxb-secret", SLACK_SIGNING_SECRET="shh-secret")
    )

    assert "secret" not in repr(config)


def test_the_oauth_consent_page_sits_beside_the_api_url() -> None:
    config = SlackConfig(api_url="https://slack.com/api/", database_url="sqlite+aiosqlite://")

    assert config.authorization_url == "https://slack.com/oauth/v2/authorize"


def test_the_manifest_declares_the_command_scopes_events_and_socket_mode() -> None:
    text = manifest_text()

    assert "    - command: /papers\n" in text
    scopes = text.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    assert [
        line.strip().removeprefix("- ") for line in scopes.splitlines() if line.strip()
    ] == list(BOT_SCOPES)
    for event in ("reaction_added", "reaction_removed", "app_uninstalled", "tokens_revoked"):
        assert f"      - {event}\n" in text
    assert "  socket_mode_enabled: true\n" in text
    assert "  interactivity:\n    is_enabled: true\n" in text
