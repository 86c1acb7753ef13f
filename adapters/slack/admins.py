"""Who may change a channel's digest when PAPERS_SLACK_ADMINS_ONLY is on: workspace admins
and owners, as `users.info` tells, remembered for a minute so a burst of commands costs one
call per person."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import error_code

log = structlog.get_logger(__name__)

CACHE_SECONDS = 60.0


class AdminCheck:
    """Answers "is this user a workspace admin or owner?" with a short-lived cache."""

    def __init__(
        self, ttl_seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Remember each answer for `ttl_seconds` of `clock`."""
        self._ttl = ttl_seconds
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[float, bool]] = {}
        self._pending: dict[tuple[str, str], asyncio.Future[bool]] = {}

    async def is_admin(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        """True for admins and owners; False for others and when Slack cannot tell.

        Concurrent questions about the same person share one users.info call.
        """
        key = (team_id, user_id)
        known = self._known.get(key)
        if known is not None and known[0] > self._clock():
            return known[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._look_up(client, key))
            self._pending[key] = pending
            pending.add_done_callback(lambda _done: self._pending.pop(key, None))
        return await asyncio.shield(pending)

    async def _look_up(self, client: AsyncWebClient, key: tuple[str, str]) -> bool:
        team_id, user_id = key
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("slack_users_info_failed", team=team_id, error=error_code(error))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack_users_info_failed", team=team_id, error=type(error).__name__)
            return False
        user = response.get("user") or {}
        admin = any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
        now = self._clock()
        self._known = {k: v for k, v in self._known.items() if v[0] > now}
        self._known[key] = (now + self._ttl, admin)
        return admin
