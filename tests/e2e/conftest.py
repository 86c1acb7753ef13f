"""Runs the real `papers-bot` process against the local fake Hugging Face server."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.fakes.upstream import FakeUpstream, load_hf_fixture

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
        """The SQLite URL the process uses."""
        return self.env["PAPERS_DATABASE_URL"]

    @property
    def http_url(self) -> str:
        """The process's own HTTP server."""
        return f"http://127.0.0.1:{self.env['PAPERS_HTTP_PORT']}"


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    """The fake Hugging Face + arXiv server on 127.0.0.1."""
    async with FakeUpstream() as fake:
        yield fake


@pytest.fixture
def bot_env(tmp_path: Path, upstream: FakeUpstream) -> BotEnv:
    """A clean working directory and settings pointing every upstream at the fake."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERS_", "SLACK_", "DISCORD_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        PAPERS_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        PAPERS_HF_BASE_URL=upstream.url,
        PAPERS_ARXIV_BASE_URL=upstream.url,
        PAPERS_ARXIV_MIN_INTERVAL_SECONDS="0",
        PAPERS_HTTP_HOST="127.0.0.1",
        PAPERS_HTTP_PORT=str(free_port()),
        PAPERS_HTTP_RETRIES="0",
        PAPERS_LOG_FORMAT="json",
    )
    return BotEnv(tmp_path, env)


def json_events(text: str) -> list[dict]:
    """The JSON log lines of a process's output."""
    events = []
    for line in text.splitlines():
        if line.startswith("{"):
            events.append(json.loads(line))
    return events
