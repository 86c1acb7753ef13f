"""configure_logging: one format for our events and the libraries' lines, and no secret shown."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog
from pydantic import SecretStr

from bot.logging import NOISY_LOGGERS, REDACTED, configure_logging

# Token-shaped fixtures are assembled at run time so that no literal in this file looks like a
# live credential to a secret scanner.
SLACK_BOT_TOKEN = "xox" + "b-" + "1" * 12 + "-" + "2" * 13 + "-" + "a1B2c3D4" * 3
SLACK_USER_TOKEN = "xox" + "p-" + "3" * 12 + "-" + "4" * 12 + "-" + "5" * 13 + "-" + "f0" * 16
SLACK_APP_TOKEN = "xa" + "pp-1-" + "A0123456789-" + "7" * 13 + "-" + "9e" * 32
DISCORD_TOKEN = "MTE" + "2" * 23 + "." + "GaBcDe" + "." + "hM4c_s1gnatur3-" * 2
BEARER_HEADER = "Bear" + "er " + "abc.DEF_123-xyz~" * 3
SECRETS = [SLACK_BOT_TOKEN, SLACK_USER_TOKEN, SLACK_APP_TOKEN, DISCORD_TOKEN, BEARER_HEADER]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the root logger, the quieted loggers and structlog back as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    logging.captureWarnings(False)
    structlog.reset_defaults()


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    """Every line written, each parsed as one JSON object."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_timestamp_level_logger_and_fields() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    structlog.get_logger("bot.service").info("papers_fetched", source="hf", stored=3)

    [line] = json_lines(out)
    assert line["event"] == "papers_fetched"
    assert line["level"] == "info"
    assert line["logger"] == "bot.service"
    assert line["source"] == "hf"
    assert line["stored"] == 3
    assert str(line["timestamp"]).endswith("Z")


def test_library_lines_come_out_in_the_same_json_format() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    logging.getLogger("apscheduler.scheduler").warning("Run time of job %r was missed", "fetch")
    logging.getLogger("sqlalchemy.pool").error("connection lost")

    first, second = json_lines(out)
    assert first["event"] == "Run time of job 'fetch' was missed"
    assert first["logger"] == "apscheduler.scheduler"
    assert first["level"] == "warning"
    assert "timestamp" in first
    assert second["logger"] == "sqlalchemy.pool"
    assert second["level"] == "error"


def test_noisy_libraries_are_held_at_warning_and_levels_filter() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    logging.getLogger("httpx").info("HTTP Request: GET https://huggingface.co/api 200")
    logging.getLogger("apscheduler.executors.default").info('Running job "fetch"')
    structlog.get_logger("bot.digest").debug("candidate_scored")
    logging.getLogger("httpx").warning("retrying")

    assert [line["event"] for line in json_lines(out)] == ["retrying"]


def test_configuring_twice_replaces_the_handler_instead_of_doubling_lines() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("json", "info", stream=first)
    configure_logging("json", "debug", stream=second)

    structlog.get_logger("bot").debug("once")

    assert first.getvalue() == ""
    assert [line["event"] for line in json_lines(second)] == ["once"]


def test_lines_go_to_stderr_as_it_is_when_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """So a line editor that replaces stderr to print above its prompt gets them too."""
    configure_logging("json", "info")
    above_the_prompt = io.StringIO()
    monkeypatch.setattr(sys, "stderr", above_the_prompt)

    structlog.get_logger("bot").warning("fetch_failed", source="hf")

    assert [line["event"] for line in json_lines(above_the_prompt)] == ["fetch_failed"]


def test_console_format_is_human_readable() -> None:
    out = io.StringIO()
    configure_logging("console", "info", stream=out)

    structlog.get_logger("bot.delivery").info("digest_posted", channel="general", items=5)

    text = out.getvalue()
    assert "digest_posted" in text
    assert "channel=general" in text
    assert "items=5" in text
    assert "[info" in text
    assert not text.lstrip().startswith("{")


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="log level"):
        configure_logging("json", "loud")


def test_secret_str_values_render_as_the_mask() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    structlog.get_logger("bot.app").info("slack_connecting", credential=SecretStr(SLACK_BOT_TOKEN))

    [line] = json_lines(out)
    assert line["credential"] == REDACTED
    assert SLACK_BOT_TOKEN not in out.getvalue()


@pytest.mark.parametrize("secret", SECRETS, ids=["bot", "user", "app", "discord", "bearer"])
def test_token_shaped_strings_are_masked_wherever_they_appear(secret: str) -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    log = structlog.get_logger("bot.adapters")
    log.info("request_failed", error=f"401 for {secret}!", nested={"headers": [secret]})
    logging.getLogger("slack_sdk.web").warning("Sending a request with %s", secret)

    assert secret not in out.getvalue()
    ours, theirs = json_lines(out)
    assert REDACTED in str(ours["error"])
    assert str(ours["error"]).endswith("!")
    assert REDACTED in json.dumps(ours["nested"])
    assert REDACTED in str(theirs["event"])


def test_token_kind_and_surrounding_text_are_kept() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    structlog.get_logger("bot").info("auth", header=BEARER_HEADER, token_hint=SLACK_APP_TOKEN)

    [line] = json_lines(out)
    assert line["header"] == f"Bearer {REDACTED}"
    assert line["token_hint"] == f"xapp-{REDACTED}"


def test_values_under_secret_names_are_masked_whatever_they_look_like() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    structlog.get_logger("bot").info("oauth", client_secret="hunter2", token="t", token_count=3)

    [line] = json_lines(out)
    assert line["client_secret"] == REDACTED
    assert line["token"] == REDACTED
    assert line["token_count"] == 3


def test_ordinary_text_is_left_alone() -> None:
    out = io.StringIO()
    configure_logging("json", "info", stream=out)

    text = "2401.12345 at https://huggingface.co/papers/2401.12345: xoxo, Bearer of good news"
    structlog.get_logger("bot").info("noted", text=text)

    [line] = json_lines(out)
    assert line["text"] == text


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_tracebacks_are_redacted(log_format: str) -> None:
    out = io.StringIO()
    configure_logging(log_format, "info", stream=out)  # type: ignore[arg-type]

    try:
        raise RuntimeError(f"invalid_auth for {SLACK_BOT_TOKEN}")
    except RuntimeError:
        structlog.get_logger("bot").exception("post_failed")
    try:
        raise ConnectionError(f"refused {DISCORD_TOKEN}")
    except ConnectionError:
        logging.getLogger("discord.client").exception("Attempting a reconnect")

    text = out.getvalue()
    assert "RuntimeError: invalid_auth for xoxb-" in text
    assert "ConnectionError: refused" in text
    assert SLACK_BOT_TOKEN not in text
    assert DISCORD_TOKEN not in text
    if log_format == "json":
        assert [line["level"] for line in json_lines(out)] == ["error", "error"]
