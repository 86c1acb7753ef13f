"""The shared client, the retry policy's reading of server waits, and the no-internet rule."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from structlog.testing import capture_logs

from bot.sources import HuggingFaceSource, RetryPolicy, make_http_client
from bot.sources.http import USER_AGENT, server_wait_seconds
from config.settings import load_settings
from tests.conftest import NetworkBlocked
from tests.fakes import RecordingSleep
from tests.fakes.upstream import FakeUpstream, rate_limited

NOW = datetime(2026, 6, 13, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "Sat, 13 Jun 2026 12:00:30 GMT"}, 30.0),
        ({"Retry-After": "Sat, 13 Jun 2026 11:00:00 GMT"}, 0.0),  # a date already past
        ({"RateLimit": '"api";r=0;t=55'}, 55.0),
        ({"RateLimit": '"api";r=0;t=55', "Retry-After": "80"}, 80.0),  # the longer wins
        ({"Retry-After": "soon"}, None),
        ({"RateLimit": '"api";r=12'}, None),
        ({}, None),
    ],
)
def test_server_wait_is_read_from_retry_after_and_ratelimit(
    headers: dict[str, str], wait: float | None
):
    assert server_wait_seconds(httpx.Headers(headers), now=NOW) == wait


async def test_a_retry_after_date_is_waited_until(
    client: httpx.AsyncClient, upstream: FakeUpstream, sleeps: RecordingSleep
):
    when = datetime.now(UTC) + timedelta(seconds=30)
    upstream.add_fault(rate_limited(retry_after=format_datetime(when, usegmt=True)))
    hf = HuggingFaceSource(client, upstream.url, retry=RetryPolicy(retries=1, sleep=sleeps))

    report = await hf.fetch_day(date(2026, 6, 12))

    assert report.errors == ()
    [wait] = sleeps.waits
    assert 27 < wait <= 30


async def test_each_retry_is_logged_at_debug_so_a_headless_log_stays_quiet(
    client: httpx.AsyncClient, upstream: FakeUpstream, sleeps: RecordingSleep
):
    upstream.add_fault(rate_limited(retry_after="1"))
    hf = HuggingFaceSource(client, upstream.url, retry=RetryPolicy(retries=1, sleep=sleeps))

    with capture_logs() as logs:
        report = await hf.fetch_day(date(2026, 6, 12))

    assert report.errors == ()
    assert [(e["event"], e["log_level"]) for e in logs if e["event"] == "upstream_retry"] == [
        ("upstream_retry", "debug")
    ]


def test_the_client_sends_our_user_agent_with_a_timeout():
    settings = load_settings(http_timeout_seconds=7.5)

    client = make_http_client(settings)

    assert client.headers["User-Agent"] == USER_AGENT == "papers-bot/0.1"
    assert client.timeout == httpx.Timeout(7.5, connect=5.0)


def test_a_short_timeout_bounds_connecting_too():
    client = make_http_client(load_settings(http_timeout_seconds=2))

    assert client.timeout == httpx.Timeout(2)


def test_the_policy_takes_its_retries_from_the_settings():
    policy = RetryPolicy.from_settings(load_settings(http_retries=7))

    assert (policy.retries, policy.max_wait) == (7, 60.0)


def test_tests_cannot_connect_to_the_internet():
    with socket.socket() as sock, pytest.raises(NetworkBlocked, match=r"203\.0\.113\.9"):
        sock.connect(("203.0.113.9", 443))


def test_tests_cannot_look_up_public_names():
    with pytest.raises(NetworkBlocked, match=r"huggingface\.co"):
        socket.getaddrinfo("huggingface.co", 443)


async def test_a_client_pointed_at_the_internet_fails_loudly():
    async with make_http_client(load_settings()) as client:
        with pytest.raises(ExceptionGroup) as caught:  # anyio's connect wraps what it meets
            await client.get("http://203.0.113.9/")
    assert caught.group_contains(NetworkBlocked)
