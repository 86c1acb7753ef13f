"""The bot's one HTTP server (aiohttp): /healthz and /metrics, and room for platform routes.

One `web.Application` serves everything that listens on the bot's port, so a container needs a
single exposed port: `build_app` adds the health and metrics routes, and an adapter that
receives HTTP callbacks (Slack's events mode) adds its own routes with
`HttpServer.add_routes` before the server starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from aiohttp import web

from bot.metrics import Metrics

log = structlog.get_logger(__name__)

HEALTH_TIMEOUT_SECONDS = 5.0
"""How long /healthz waits for the health check before it answers 503."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What the health check found: is the database reachable, when did a fetch last succeed."""

    database_ok: bool
    last_fetch_at: datetime | None
    detail: str = ""


class HealthCheck(Protocol):
    """Anything that can tell how the bot is doing (the application, backed by its store)."""

    async def health(self) -> HealthReport:
        """Check the database and look up the last successful fetch."""
        ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_app(
    health: HealthCheck,
    metrics: Metrics,
    *,
    now: Callable[[], datetime] = _utc_now,
    health_timeout: float = HEALTH_TIMEOUT_SECONDS,
) -> web.Application:
    """An aiohttp application answering GET /healthz and GET /metrics.

    /healthz is 200 with `{"status": "ok", "database": "ok", "last_fetch_at": ISO or null,
    "last_fetch_age_seconds": int or null}` while the database answers, and 503 with
    `"status": "error"` when it does not (or the check raises, or takes longer than
    `health_timeout`). A stale last fetch is reported through its age but stays 200: the bot
    keeps serving commands and digests from what it has stored, so restarting it would not
    help; alert on the age (or on fetch_errors_total) instead. `now` is the clock used for
    the age; a naive `last_fetch_at` is taken as UTC.
    """

    async def healthz(_request: web.Request) -> web.Response:
        report = await _run_health_check(health, health_timeout)
        last = report.last_fetch_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        age = None if last is None else max(0, int((now() - last).total_seconds()))
        body: dict[str, Any] = {
            "status": "ok" if report.database_ok else "error",
            "database": "ok" if report.database_ok else "error",
            "last_fetch_at": None if last is None else last.isoformat(),
            "last_fetch_age_seconds": age,
        }
        if report.detail:
            body["detail"] = report.detail
        return web.json_response(body, status=200 if report.database_ok else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), headers={"Content-Type": metrics.content_type})

    app = web.Application()
    app.add_routes([web.get("/healthz", healthz), web.get("/metrics", metrics_page)])
    return app


async def _run_health_check(health: HealthCheck, limit_seconds: float) -> HealthReport:
    """The health check's report; a check that raises or hangs counts as an unreachable store."""
    try:
        async with asyncio.timeout(limit_seconds):
            return await health.health()
    except TimeoutError:
        log.warning("health_check_timed_out", timeout_seconds=limit_seconds)
        return HealthReport(False, None, f"health check took longer than {limit_seconds:g}s")
    except Exception as error:
        log.warning("health_check_failed", error=repr(error))
        return HealthReport(False, None, f"health check failed: {type(error).__name__}")


class HttpServer:
    """The bot's HTTP server: `build_app`'s application on one host and port, for its life.

    Routes can be added until `start`; after that aiohttp's router is frozen.
    """

    def __init__(
        self,
        health: HealthCheck,
        metrics: Metrics,
        *,
        now: Callable[[], datetime] = _utc_now,
        health_timeout: float = HEALTH_TIMEOUT_SECONDS,
        shutdown_timeout: float = 10.0,
    ) -> None:
        """Build the application (see `build_app` for `now` and `health_timeout`).

        `shutdown_timeout` is how long `stop` lets requests in flight finish.
        """
        self.app = build_app(health, metrics, now=now, health_timeout=health_timeout)
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def add_routes(self, routes: Iterable[web.AbstractRouteDef]) -> None:
        """Mount more routes (e.g. `web.post("/slack/events", handler)`); only before `start`."""
        if self.app.frozen:
            raise RuntimeError("add routes before the HTTP server starts")
        self.app.add_routes(routes)

    @property
    def port(self) -> int:
        """The port actually bound (the ephemeral one when started with port 0)."""
        if self._port is None:
            raise RuntimeError("the HTTP server is not running")
        return self._port

    async def start(self, host: str, port: int) -> None:
        """Bind and serve in the background; returns once the socket is listening."""
        if self._runner is not None:
            raise RuntimeError("the HTTP server is already running")
        runner = web.AppRunner(
            self.app, handle_signals=False, shutdown_timeout=self._shutdown_timeout
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        log.info("http_server_started", host=host, port=self._port)

    async def stop(self) -> None:
        """Stop listening, let requests in flight finish, release the port. Safe to repeat."""
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()
            log.info("http_server_stopped")
