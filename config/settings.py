"""The bot's settings, from the environment and `.env`, validated once at start-up.

Every upstream and platform base URL is a setting so tests and proxies can point the real
client code at a local server. Tokens are SecretStr and never appear in logs or reprs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and what is wrong."""


class Settings(BaseSettings):
    """All configuration, one field per environment variable (prefix `PAPERS_` unless noted)."""

    model_config = SettingsConfigDict(
        env_prefix="PAPERS_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite+aiosqlite:///papers-bot.db"
    hf_base_url: str = "https://huggingface.co"
    arxiv_base_url: str = "https://export.arxiv.org"
    arxiv_categories: Annotated[tuple[str, ...], NoDecode] = ("cs.LG", "cs.CL", "cs.CV", "cs.AI")
    fetch_interval_minutes: int = Field(30, ge=1, le=24 * 60)
    http_port: int = Field(8080, ge=0, le=65535)
    http_host: str = "0.0.0.0"
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    http_timeout_seconds: float = Field(20.0, gt=0, le=300)
    http_retries: int = Field(4, ge=0, le=10)
    arxiv_min_interval_seconds: float = Field(3.0, ge=0, le=60)
    missed_slot_grace_hours: float = Field(6.0, gt=0, le=48)
    vote_weights: str = "+1=1,fire=2,-1=-1"
    pending_votes_file: Path | None = None
    taste_half_life_days: float = Field(60.0, gt=0, le=3650)
    console_channel: str = Field("general", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    slack_api_url: str = "https://slack.com/api/"
    slack_admins_only: bool = False
    slack_vote_emoji: str = "+1=+1,thumbsup=+1,fire=fire,-1=-1,thumbsdown=-1"
    slack_messages_per_second: float = Field(1.0, gt=0, le=50)
    slack_workspace_messages_per_minute: int | None = Field(None, ge=1, le=100_000)

    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_guild_ids: Annotated[tuple[int, ...], NoDecode] = ()
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_shard_count: int = Field(1, ge=1, le=1000)
    discord_vote_emoji: str = "👍=+1,🔥=fire,👎=-1"

    @field_validator("arxiv_categories", mode="before")
    @classmethod
    def _split_categories(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("arxiv_categories")
    @classmethod
    def _check_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from bot.sources.categories import category_problem

        problems = [problem for problem in map(category_problem, value) if problem]
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("discord_guild_ids", mode="before")
    @classmethod
    def _split_guild_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("use comma-separated numeric guild ids, e.g. 123,456")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("slack_vote_emoji", "discord_vote_emoji")
    @classmethod
    def _check_emoji_map(cls, value: str) -> str:
        parse_emoji_map(value)
        return value

    @field_validator("vote_weights")
    @classmethod
    def _check_vote_weights(cls, value: str) -> str:
        from bot.votes import parse_weights

        parse_weights(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://HOST/DB")
        path = sqlite_file(value)
        if value.startswith("sqlite") and path is None:
            raise ValueError(
                "an in-memory SQLite database would lose everything at exit; "
                "name a file, e.g. sqlite+aiosqlite:///papers-bot.db"
            )
        if path is not None and not path.parent.is_dir():
            raise ValueError(f"the folder {path.parent} for the SQLite file does not exist")
        return value

    @field_validator("pending_votes_file")
    @classmethod
    def _check_pending_votes_file(cls, value: Path | None) -> Path | None:
        if value is not None and (value.is_dir() or not value.parent.is_dir()):
            raise ValueError(f"{value} must be a file in a folder that exists")
        return value

    @field_validator("hf_base_url", "arxiv_base_url", "discord_api_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("slack_api_url")
    @classmethod
    def _check_slack_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") + "/"

    @field_validator("discord_gateway_url")
    @classmethod
    def _check_gateway_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with ws:// or wss://")
        return value

    @property
    def pending_votes_path(self) -> Path:
        """Where votes the database could not take are kept until it can: the setting, or
        beside the SQLite file, or `papers-bot.pending-votes` in the working folder."""
        if self.pending_votes_file is not None:
            return self.pending_votes_file
        return self._data_file("pending-votes")

    @property
    def console_history_path(self) -> Path:
        """Where the console channel keeps the commands typed at it, for Up to bring back:
        beside the SQLite file, or `papers-bot.console-history` in the working folder."""
        return self._data_file("console-history")

    def _data_file(self, kind: str) -> Path:
        """A file of the bot's own where it keeps its data: `NAME.KIND` beside the SQLite
        file NAME, or `papers-bot.KIND` in the working folder (with PostgreSQL)."""
        database = sqlite_file(self.database_url)
        if database is not None:
            return database.with_name(f"{database.name}.{kind}")
        return Path(f"papers-bot.{kind}")

    @property
    def chat_mode(self) -> str:
        """Which chat platforms are configured: 'console' when no token is set."""
        modes = []
        if self.slack_bot_token or self.slack_client_id:
            modes.append("slack")
        if self.discord_token:
            modes.append("discord")
        return "+".join(modes) or "console"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL and for in-memory SQLite
    (`sqlite+aiosqlite://`, `///`, `///:memory:`, `file::memory:`, `?mode=memory`)."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix):
        return None
    path, _, query = url.removeprefix(prefix).partition("?")
    if "mode=memory" in query.split("&") or path.startswith("file::memory:"):
        return None
    path = path.removeprefix("file:")
    if path in ("", ":memory:"):
        return None
    return Path(path)


def parse_emoji_map(text: str) -> dict[str, str]:
    """Read `platform_emoji=neutral_name,...` (e.g. `thumbsup=+1`) into a mapping."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        emoji, sep, name = part.partition("=")
        if not sep or not emoji.strip() or not name.strip():
            raise ValueError(f"{part!r} should read emoji=vote, e.g. thumbsup=+1")
        mapping[emoji.strip()] = name.strip()
    return mapping


def load_settings(**overrides: object) -> Settings:
    """Read the settings; bad values raise one SettingsError naming every variable that has
    one, so all of them can be fixed at once."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError("; ".join(map(_problem, error.errors()))) from None


def _problem(error: ErrorDetails) -> str:
    """One bad value in words: `PAPERS_HTTP_PORT: Input should be a valid integer`."""
    field = str(error["loc"][0]) if error["loc"] else "settings"
    return f"{_variable_name(field)}: {error['msg'].removeprefix('Value error, ')}"


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, str):
        return info.validation_alias
    return f"PAPERS_{field.upper()}"
