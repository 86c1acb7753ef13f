"""Bring a database's schema up to date with the Alembic migrations shipped in this package.

The Alembic `Config` is built in code (no alembic.ini): `script_location` is the
`migrations` folder beside this module, so an installed wheel migrates exactly as a source
checkout does. The URL travels in `Config.attributes`, never through ini interpolation.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config

from bot.store.fulltext import POSTGRES_OBJECTS
from bot.store.tables import metadata

log = structlog.get_logger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
URL_ATTRIBUTE = "papers_bot_url"
"""Key in `Config.attributes` under which `migrations/env.py` finds the database URL."""
APPLIED_ATTRIBUTE = "papers_bot_applied"
"""Key in `Config.attributes` of the list `migrations/env.py` adds each applied revision to."""
FIRST_REVISION = "0001"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """What autogenerate compares: the store's own tables only. Others in the same database
    (slack_sdk's installation and OAuth state tables, SQLite's full-text tables) and the
    full-text column and index PostgreSQL gets from migration 0004 are left alone."""
    if reflected and type_ in ("column", "index") and name in POSTGRES_OBJECTS:
        return False
    return not (type_ == "table" and reflected and name not in metadata.tables)


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes[URL_ATTRIBUTE] = url
    return config


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What `upgrade_database` did: the revisions it applied, oldest first."""

    applied: tuple[str, ...]

    @property
    def created(self) -> bool:
        """Whether the database had no schema before (the first migration ran)."""
        return FIRST_REVISION in self.applied


def upgrade_database(url: str) -> Upgrade:
    """Run every pending migration (`alembic upgrade head`) against `url`.

    Synchronous: the async driver runs on an event loop of its own. Called from a thread
    that is already running a loop, the work moves to a worker thread and this call blocks
    that loop until done; async code that must stay responsive should prefer
    `await asyncio.to_thread(upgrade_database, url)`.
    """
    config = alembic_config(url)
    applied: list[str] = []
    config.attributes[APPLIED_ATTRIBUTE] = applied
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(config, "head")
    else:
        with ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(command.upgrade, config, "head").result()
    log.info("database_upgraded", backend=url.split(":", 1)[0], applied=applied)
    return Upgrade(tuple(applied))
