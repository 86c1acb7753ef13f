"""Runs the real `papers-bot` process against the local fake Hugging Face server.

The process keeps its data in the database under test (`database_url`,
tests/databases.py): a SQLite file in the test's folder, then a PostgreSQL database when
PAPERS_TEST_POSTGRES_URL is set, so every test that asks for `bot_env` runs on both.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from config.settings import Settings, sqlite_file
from tests import children
from tests.databases import database_url, postgres_url
from tests.fakes.upstream import FakeUpstream, load_hf_fixture

__all__ = ["database_url", "postgres_url"]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("papers-bot")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def featured_on(day: date) -> list[dict]:
    """The recorded feed of 2026-06-12, moved to `day` so it counts as fresh."""
    entries = copy.deepcopy(load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json"))
    for entry in entries:
        entry["paper"]["submittedOnDailyAt"] = f"{day.isoformat()}T00:00:00.000Z"
    return entries


@dataclass
class Result:
    """A finished command: exit status and what it printed."""

    code: int
    stdout: str
    stderr: str


@dataclass
class BotEnv:
    """Environment for the process: its own database, HTTP port and upstream."""

    workdir: Path
    env: dict[str, str]

    def command(self, *args: str) -> list[str]:
        """The console script (or the module, when the script is not installed)."""
        if SCRIPT.exists():
            return [str(SCRIPT), *args]
        return [sys.executable, "-m", "bot.cli", *args]

    async def run(self, *args: str) -> Result:
        """Run one CLI command to its end (a minute at most)."""
        process = await asyncio.create_subprocess_exec(
            *self.command(*args),
            cwd=self.workdir,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode is not None
        return Result(process.returncode, out.decode(), err.decode())

    async def start(
        self, *args: str, stdin: int = asyncio.subprocess.DEVNULL
    ) -> asyncio.subprocess.Process:
        """Start a long-running command (e.g. `run`): headless, or reading a pipe when
        `stdin` is `asyncio.subprocess.PIPE`."""
        return await asyncio.create_subprocess_exec(
            *self.command(*args),
            cwd=self.workdir,
            env=self.env,
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    @property
    def database_url(self) -> str:
        """The database URL the process uses (open it with `bot.store.open_store`)."""
        return self.env["PAPERS_DATABASE_URL"]

    @property
    def database_file(self) -> Path | None:
        """The process's SQLite file; None on PostgreSQL."""
        return sqlite_file(self.database_url)

    @property
    def console_history(self) -> Path:
        """Where the process keeps the console's history: beside its SQLite file, or in its
        working folder on PostgreSQL."""
        return self.workdir / Settings(database_url=self.database_url).console_history_path

    @property
    def http_url(self) -> str:
        """The process's own HTTP server."""
        return f"http://127.0.0.1:{self.env['PAPERS_HTTP_PORT']}"


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    """The fake Hugging Face + arXiv server on 127.0.0.1."""
    async with FakeUpstream() as fake:
        yield fake


@pytest.fixture(scope="session")
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections, for what a test does not mean to reach."""
    with children.closed_port() as port:
        yield port


@pytest.fixture
def bot_env(
    tmp_path: Path, upstream: FakeUpstream, database_url: str, closed_port: int
) -> Iterator[BotEnv]:
    """A clean working directory, the database under test, and settings pointing every
    upstream at the fake and every platform at a closed local port; the test fails if the
    process tried to reach further."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERS_", "SLACK_", "DISCORD_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        PAPERS_DATABASE_URL=database_url,
        PAPERS_HF_BASE_URL=upstream.url,
        PAPERS_ARXIV_BASE_URL=upstream.url,
        PAPERS_ARXIV_MIN_INTERVAL_SECONDS="0",
        PAPERS_HTTP_HOST="127.0.0.1",
        PAPERS_HTTP_PORT=str(free_port()),
        PAPERS_HTTP_RETRIES="0",
        PAPERS_LOG_FORMAT="json",
    )
    env = children.isolated_env(env, workdir=tmp_path, closed_port=closed_port)
    yield BotEnv(tmp_path, env)
    children.assert_nothing_blocked(env)


def json_events(text: str) -> list[dict]:
    """The JSON log lines of a process's output."""
    events = []
    for line in text.splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    return events
