"""The Socket Mode connection: bolt's handler around slack_sdk's aiohttp client, made to say
each failed attempt to reach Slack in one line and to wait longer after each (1 s, 2 s,
4 s, ... up to 5 minutes), as the Discord adapter does, instead of a traceback every ten
seconds. The same pauses apply when a connection that was up is lost.
"""

from __future__ import annotations

from typing import Final

import structlog
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from adapters.slack.library_logs import NETWORK_ERRORS, SOCKET_MODE_LOG

log = structlog.get_logger(__name__)

RETRY_FIRST_SECONDS: Final = 1.0
RETRY_MAX_SECONDS: Final = 300.0
PING_SECONDS: Final = 10.0
"""How often the client checks the connection (bolt's default)."""


class PatientSocketModeClient(SocketModeClient):
    """slack_sdk's client, asking Slack for a connection until it gets one, with growing
    pauses and one log line per failed attempt; a refused app token still fails at once."""

    async def issue_new_wss_url(self) -> str:
        """A new websocket URL from apps.connections.open, however long Slack is away."""

        def say_failed(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            log.warning(
                "slack_connection_failed",
                error=type(error).__name__,
                retry_in=round(state.upcoming_sleep, 3),
            )

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(NETWORK_ERRORS),
            wait=wait_exponential(multiplier=RETRY_FIRST_SECONDS, max=RETRY_MAX_SECONDS),
            stop=lambda _state: self.closed,
            before_sleep=say_failed,
            reraise=True,
        )
        return await retrying(super().issue_new_wss_url)


class SocketModeConnection(AsyncSocketModeHandler):
    """bolt's Socket Mode handler on a PatientSocketModeClient.

    bolt's own constructor builds its client at once (a session and a task come with it),
    so this one builds the patient client instead, the way bolt's does.
    """

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.client = PatientSocketModeClient(
            app_token=app_token,
            logger=SOCKET_MODE_LOG,
            web_client=app.client,
            ping_interval=PING_SECONDS,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]
