"""Fixtures for the source tests: the fake upstream, a real client, a fast retry policy."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.sources.http import RetryPolicy, make_http_client
from config.settings import load_settings
from tests.fakes import RecordingSleep
from tests.fakes.upstream import FakeUpstream

CLIENT_TIMEOUT_SECONDS = 0.5


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    """The fake HF + arXiv server, started on 127.0.0.1, empty until a test fills it."""
    async with FakeUpstream() as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production client factory's client, with a short timeout for timeout tests."""
    async with make_http_client(load_settings(http_timeout_seconds=CLIENT_TIMEOUT_SECONDS)) as http:
        yield http


@pytest.fixture
def sleeps() -> RecordingSleep:
    """Records the retry waits instead of sleeping."""
    return RecordingSleep()


@pytest.fixture
def retry(sleeps: RecordingSleep) -> RetryPolicy:
    """Two retries (three attempts), waits recorded by `sleeps`."""
    return RetryPolicy(retries=2, sleep=sleeps)


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
