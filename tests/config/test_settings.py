"""Settings: every bad value stops start-up with one line naming its variable; secrets hide."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.votes import BadVoteWeights, keycap_rank, parse_weights, vote_weight
from config.settings import Settings, SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PAPERS_HTTP_PORT", "eighty", "PAPERS_HTTP_PORT: Input should be a valid integer"),
        ("PAPERS_HTTP_PORT", "70000", "PAPERS_HTTP_PORT:"),
        ("PAPERS_DATABASE_URL", "mysql://x", "PAPERS_DATABASE_URL: use sqlite+aiosqlite"),
        ("PAPERS_DATABASE_URL", "sqlite+aiosqlite://", "PAPERS_DATABASE_URL: an in-memory"),
        ("PAPERS_DATABASE_URL", "sqlite+aiosqlite:///", "PAPERS_DATABASE_URL: an in-memory"),
        ("PAPERS_DATABASE_URL", "sqlite+aiosqlite:///:memory:", "PAPERS_DATABASE_URL: an in-m"),
        (
            "PAPERS_DATABASE_URL",
            "sqlite+aiosqlite:///file:x?mode=memory&uri=true",
            "PAPERS_DATABASE_URL: an in-memory",
        ),
        ("PAPERS_PENDING_VOTES_FILE", "/", "PAPERS_PENDING_VOTES_FILE: / must be a file in"),
        ("PAPERS_PENDING_VOTES_FILE", "/nowhere/x", "PAPERS_PENDING_VOTES_FILE: /nowhere/x must"),
        ("PAPERS_TASTE_HALF_LIFE_DAYS", "0", "PAPERS_TASTE_HALF_LIFE_DAYS:"),
        ("PAPERS_HF_BASE_URL", "ftp://hf", "PAPERS_HF_BASE_URL: must start with http"),
        ("PAPERS_ARXIV_CATEGORIES", "cs.LG, x y", "PAPERS_ARXIV_CATEGORIES: 'x y' is not"),
        (
            "PAPERS_ARXIV_CATEGORIES",
            "cs.lg",
            "PAPERS_ARXIV_CATEGORIES: 'cs.lg' is not an arXiv category; did you mean cs.LG?",
        ),
        ("PAPERS_ARXIV_CATEGORIES", "cs", "PAPERS_ARXIV_CATEGORIES: 'cs' is not an arXiv category"),
        ("PAPERS_ARXIV_CATEGORIES", "ml.AI", "PAPERS_ARXIV_CATEGORIES: 'ml.AI' is not an arXiv"),
        ("PAPERS_ARXIV_CATEGORIES", "cs.LGX", "PAPERS_ARXIV_CATEGORIES: 'cs.LGX' is not an arXiv"),
        ("PAPERS_FETCH_INTERVAL_MINUTES", "0", "PAPERS_FETCH_INTERVAL_MINUTES:"),
        (
            "PAPERS_SLACK_WORKSPACE_MESSAGES_PER_MINUTE",
            "0",
            "PAPERS_SLACK_WORKSPACE_MESSAGES_PER_MINUTE: Input should be greater than or equal",
        ),
        (
            "PAPERS_SLACK_WORKSPACE_MESSAGES_PER_MINUTE",
            "",
            "PAPERS_SLACK_WORKSPACE_MESSAGES_PER_MINUTE: Input should be a valid integer",
        ),
        ("PAPERS_LOG_FORMAT", "xml", "PAPERS_LOG_FORMAT:"),
        ("PAPERS_VOTE_WEIGHTS", "fire=9", "PAPERS_VOTE_WEIGHTS: 'fire=9': a weight must be"),
        ("PAPERS_VOTE_WEIGHTS", "fire", "PAPERS_VOTE_WEIGHTS: 'fire' should read emoji=weight"),
        ("PAPERS_SLACK_VOTE_EMOJI", "thumbsup", "PAPERS_SLACK_VOTE_EMOJI: 'thumbsup' should read"),
        ("PAPERS_DISCORD_GUILD_IDS", "12,abc", "PAPERS_DISCORD_GUILD_IDS: use comma-separated"),
        (
            "PAPERS_DISCORD_GATEWAY_URL",
            "http://x",
            "PAPERS_DISCORD_GATEWAY_URL: must start with ws",
        ),
        ("PAPERS_CONSOLE_CHANNEL", "a b", "PAPERS_CONSOLE_CHANNEL:"),
        ("PAPERS_ARXIV_MIN_INTERVAL_SECONDS", "inf", "PAPERS_ARXIV_MIN_INTERVAL_SECONDS:"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value).startswith(said)
    assert "\n" not in str(raised.value)


def test_lists_and_urls_are_read_as_people_write_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERS_ARXIV_CATEGORIES", " cs.LG ,cs.CL,")
    monkeypatch.setenv("PAPERS_DISCORD_GUILD_IDS", "12, 34")
    monkeypatch.setenv("PAPERS_SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("PAPERS_HF_BASE_URL", "http://127.0.0.1:9/")

    settings = load_settings()

    assert settings.arxiv_categories == ("cs.LG", "cs.CL")
    assert settings.discord_guild_ids == (12, 34)
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.hf_base_url == "http://127.0.0.1:9"


def test_every_bad_value_is_named_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERS_HTTP_PORT", "eighty")
    monkeypatch.setenv("PAPERS_LOG_FORMAT", "xml")
    monkeypatch.setenv("PAPERS_ARXIV_CATEGORIES", "cs.LG,cs.lg,nope")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    said = str(raised.value)
    assert "\n" not in said
    assert said.startswith("PAPERS_ARXIV_CATEGORIES: 'cs.lg' is not an arXiv category; ")
    assert "'nope' is not an arXiv category" in said
    assert "; PAPERS_HTTP_PORT: Input should be a valid integer" in said
    assert "; PAPERS_LOG_FORMAT: " in said


def test_the_categories_of_every_archive_shape_are_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    categories = ("cs.LG", "stat.ML", "hep-th", "physics.optics", "cond-mat.mes-hall", "q-bio.NC")
    monkeypatch.setenv("PAPERS_ARXIV_CATEGORIES", ",".join(categories))

    assert load_settings().arxiv_categories == categories


def test_the_console_history_is_kept_beside_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERS_DATABASE_URL", "sqlite+aiosqlite:///data/bot.db")
    Path("data").mkdir()

    assert load_settings().console_history_path == Path("data/bot.db.console-history")


def test_an_empty_category_list_turns_arxiv_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERS_ARXIV_CATEGORIES", "")

    assert load_settings().arxiv_categories == ()


def test_tokens_never_show_in_a_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("DISCORD_TOKEN", "discord-very-secret")

    settings = load_settings()

    assert "very-secret" not in repr(settings)
    assert settings.chat_mode == "slack+discord"


def test_without_tokens_the_bot_runs_in_the_console() -> None:
    assert Settings().chat_mode == "console"


def test_vote_weights_and_keycaps() -> None:
    weights = parse_weights("+1=1, fire=2, -1=-1")

    assert weights == {"+1": 1, "fire": 2, "-1": -1}
    assert vote_weight("fire", weights) == 2
    assert vote_weight("keycap:3", weights) == 1
    assert vote_weight("tada", weights) is None
    assert [keycap_rank(e) for e in ("keycap:1", "keycap:10", "keycap:11", "keycap:x")] == [
        1,
        10,
        None,
        None,
    ]
    with pytest.raises(BadVoteWeights):
        parse_weights("fire=two")
