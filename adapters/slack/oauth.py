"""Multi-workspace install: slack_sdk's SQLAlchemy installation and OAuth state stores.

Installations (one bot token per workspace) and the short-lived OAuth `state` values live in
the bot's own database (SQLite or PostgreSQL), in slack_sdk's own tables (`slack_bots`,
`slack_installations`, `slack_oauth_states`), created at start. Scheduled digests look up
each workspace's bot token here by team id.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import desc, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

BOT_SCOPES = (
    "commands",
    "chat:write",
    "reactions:read",
    "users:read",
    "files:write",
    "channels:history",
    "groups:history",
)
"""The bot scopes asked for at install; the same list as in manifest.yml."""

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600
SQLITE_LOCK_TIMEOUT_SECONDS = 10.0


class Installations:
    """The installation and OAuth state stores on one database engine."""

    def __init__(self, engine: AsyncEngine, client_id: str) -> None:
        """Use `engine` (see `open`) for the stores of app `client_id`."""
        self.engine = engine
        self.store = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self.states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine
        )

    @classmethod
    def open(cls, database_url: str, client_id: str) -> Installations:
        """An engine for the bot's database URL; nothing connects until first use."""
        options: dict[str, Any] = {}
        if make_url(database_url).get_backend_name() == "sqlite":
            options["connect_args"] = {"timeout": SQLITE_LOCK_TIMEOUT_SECONDS}
        else:
            options["pool_pre_ping"] = True
        return cls(create_async_engine(database_url, **options), client_id)

    async def create_tables(self) -> None:
        """Create slack_sdk's tables where they are missing."""
        await self.store.create_tables()
        await self.states.create_tables()

    async def bot_token(self, team_id: str) -> str | None:
        """The newest bot token installed in workspace `team_id`, or None.

        The query matches the team whatever its Enterprise Grid organization, since a
        channel is known by its team id alone.
        """
        bots = self.store.bots
        query = (
            select(bots)
            .where(
                bots.c.client_id == self.store.client_id,
                bots.c.team_id == team_id,
                bots.c.bot_token.is_not(None),
            )
            .order_by(desc(bots.c.installed_at))
            .limit(1)
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        return None if row is None else SQLAlchemyInstallationStore.build_bot_entity(row).bot_token

    def oauth_settings(
        self, client_id: str, client_secret: str, authorization_url: str
    ) -> AsyncOAuthSettings:
        """bolt's OAuth flow settings: /slack/install, /slack/oauth_redirect, these stores."""
        return AsyncOAuthSettings(
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=authorization_url,
            installation_store=self.store,
            state_store=self.states,
            state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        )

    async def close(self) -> None:
        """Close the engine's connections."""
        await self.engine.dispose()
