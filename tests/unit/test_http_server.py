"""The HTTP server on a real socket: /healthz, /metrics and extra routes, queried with httpx."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiohttp import web

from bot.http_server import HealthReport, HttpServer, build_app
from bot.metrics import Metrics

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class FakeHealth:
    """A health check that answers whatever the test set, or raises, or hangs."""

    def __init__(self, report: HealthReport | None = None) -> None:
        self.report = report or HealthReport(database_ok=True, last_fetch_at=None)
        self.error: Exception | None = None
        self.hang = False

    async def health(self) -> HealthReport:
        """The set report, after hanging or raising when told to."""
        if self.hang:
            await asyncio.Event().wait()
        if self.error is not None:
            raise self.error
        return self.report


Serve = Callable[[HttpServer], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start a server on 127.0.0.1, port 0; yields a function returning an httpx client for it."""
    servers: list[HttpServer] = []
    clients: list[httpx.AsyncClient] = []

    async def start(server: HttpServer) -> httpx.AsyncClient:
        await server.start("127.0.0.1", 0)
        servers.append(server)
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", trust_env=False)
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.aclose()
    for server in servers:
        await server.stop()


@pytest.fixture
def health() -> FakeHealth:
    """A healthy store with no fetch yet, unless the test changes it."""
    return FakeHealth()


@pytest.fixture
def metrics() -> Metrics:
    """A fresh registry for each test."""
    return Metrics()


def server_for(health: FakeHealth, metrics: Metrics, **options: float) -> HttpServer:
    """The server under test, with the clock fixed at NOW."""
    return HttpServer(health, metrics, now=lambda: NOW, **options)


async def test_healthz_reports_ok_and_the_age_of_the_last_fetch(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    health.report = HealthReport(database_ok=True, last_fetch_at=NOW - timedelta(minutes=12))
    client = await serve(server_for(health, metrics))

    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "last_fetch_at": "2026-03-02T09:18:00+00:00",
        "last_fetch_age_seconds": 720,
    }


async def test_healthz_before_any_fetch_has_null_fetch_fields(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    client = await serve(server_for(health, metrics))

    body = (await client.get("/healthz")).json()

    assert body["status"] == "ok"
    assert body["last_fetch_at"] is None
    assert body["last_fetch_age_seconds"] is None


async def test_a_stale_fetch_is_reported_but_still_healthy(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    """The bot keeps serving stored papers; the age is there for alerting. Naive means UTC."""
    naive_three_days_ago = (NOW - timedelta(days=3)).replace(tzinfo=None)
    health.report = HealthReport(database_ok=True, last_fetch_at=naive_three_days_ago)
    client = await serve(server_for(health, metrics))

    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["last_fetch_age_seconds"] == 3 * 24 * 3600


async def test_healthz_is_503_when_the_database_is_unreachable(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    health.report = HealthReport(
        database_ok=False, last_fetch_at=NOW - timedelta(hours=1), detail="connection refused"
    )
    client = await serve(server_for(health, metrics))

    response = await client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert body["detail"] == "connection refused"
    assert body["last_fetch_age_seconds"] == 3600


async def test_healthz_is_503_when_the_check_raises(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    health.error = OSError("connection refused")
    client = await serve(server_for(health, metrics))

    response = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["detail"] == "health check failed: OSError"


async def test_healthz_is_503_when_the_check_hangs(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    health.hang = True
    client = await serve(server_for(health, metrics, health_timeout=0.05))

    response = await client.get("/healthz")

    assert response.status_code == 503
    assert "longer than 0.05s" in response.json()["detail"]


async def test_metrics_are_served_in_the_prometheus_text_format(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    metrics.fetches.labels(source="hf", outcome="ok").inc()
    metrics.commands.labels(platform="slack", command="today", outcome="ok").inc(2)
    metrics.fetch_seconds.labels(source="arxiv").observe(4.0)
    client = await serve(server_for(health, metrics))

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'papers_bot_fetches_total{outcome="ok",source="hf"} 1.0' in text
    assert 'papers_bot_commands_total{command="today",outcome="ok",platform="slack"} 2.0' in text
    assert 'papers_bot_fetch_seconds_bucket{le="5.0",source="arxiv"} 1.0' in text
    assert "papers_bot_papers_stored_total 0.0" in text
    assert "# TYPE papers_bot_digest_seconds histogram" in text


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()

    first.votes.labels(platform="discord", outcome="recorded").inc()

    assert b'papers_bot_votes_total{outcome="recorded",platform="discord"} 1.0' in first.render()
    assert b"papers_bot_votes_total{" not in second.render()


async def test_routes_added_before_start_are_served_on_the_same_port(
    serve: Serve, health: FakeHealth, metrics: Metrics
) -> None:
    async def slack_events(request: web.Request) -> web.Response:
        return web.json_response({"received": await request.json()})

    server = server_for(health, metrics)
    server.add_routes([web.post("/slack/events", slack_events)])
    await server.start("127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            base = f"http://127.0.0.1:{server.port}"
            posted = await client.post(f"{base}/slack/events", json={"type": "url_verification"})
            health_response = await client.get(f"{base}/healthz")
    finally:
        await server.stop()

    assert posted.json() == {"received": {"type": "url_verification"}}
    assert health_response.status_code == 200


async def test_routes_cannot_be_added_once_started(health: FakeHealth, metrics: Metrics) -> None:
    server = server_for(health, metrics)
    await server.start("127.0.0.1", 0)
    try:
        with pytest.raises(RuntimeError, match="before the HTTP server starts"):
            server.add_routes([web.get("/late", lambda request: web.Response())])
    finally:
        await server.stop()


async def test_stop_releases_the_port_and_can_be_repeated(
    health: FakeHealth, metrics: Metrics
) -> None:
    server = server_for(health, metrics)
    await server.start("127.0.0.1", 0)
    port = server.port
    assert port > 0

    await server.stop()
    await server.stop()

    with pytest.raises(RuntimeError, match="not running"):
        _ = server.port
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/healthz")


async def test_a_taken_port_fails_start_with_oserror(health: FakeHealth, metrics: Metrics) -> None:
    first = server_for(health, metrics)
    await first.start("127.0.0.1", 0)
    second = server_for(FakeHealth(), Metrics())
    try:
        with pytest.raises(OSError):
            await second.start("127.0.0.1", first.port)
    finally:
        await first.stop()
        await second.stop()


async def test_build_app_can_be_served_by_a_plain_aiohttp_runner(
    health: FakeHealth, metrics: Metrics
) -> None:
    runner = web.AppRunner(build_app(health, metrics))
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        async with httpx.AsyncClient(trust_env=False) as client:
            response = await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await runner.cleanup()

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
