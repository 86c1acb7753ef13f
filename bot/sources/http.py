"""One shared HTTP client for the upstreams, and the retry policy every upstream call uses.

Upstreams rate-limit and fail now and then; a fetch should ride out a 429, a 5xx, a timeout
or a dropped connection with a few patient retries, honouring what the server asks for
(`Retry-After`, Hugging Face's `RateLimit: "api";r=0;t=55`), and then give up with one
`UpstreamError` sentence that the caller turns into a log line or a FetchReport error.
A connection that cannot be made is different: it is not retried, and the upstream's
Breaker (bot.sources.breaker) marks it unreachable, so the calls after it fail at once with
UpstreamUnreachable. The waits go through `RetryPolicy.sleep`, so tests can record them
instead of sleeping.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from bot.sources.breaker import Breaker
from config.settings import Settings

log = structlog.get_logger(__name__)

USER_AGENT = "papers-bot/0.1"
CONNECT_TIMEOUT_SECONDS = 5.0
"""How long making a connection may take (every request's whole timeout is the setting)."""
_RATELIMIT_RESET = re.compile(r"(?:^|;)\s*t\s*=\s*(\d+(?:\.\d+)?)")


class UpstreamError(Exception):
    """An upstream call that failed for good; the message is one sentence for the operator.

    `status` is the HTTP status of the last answer, or None when there was no answer
    (timeout, connection error).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UpstreamUnreachable(UpstreamError):
    """No connection could be made to the upstream named `upstream` (refused, no route, a
    name that does not resolve, a connect timeout), now or moments ago (its Breaker is
    open); nothing was asked of it."""

    def __init__(self, message: str, *, upstream: str) -> None:
        super().__init__(message)
        self.upstream = upstream


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to retry: `retries` after the first attempt, exponential backoff with jitter
    from `backoff_initial` seconds, every wait (server-asked ones too) capped at `max_wait`.

    `sleep` does the waiting; tests inject a recorder so they never sleep for real.
    """

    retries: int = 4
    backoff_initial: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy the running bot uses: `PAPERS_HTTP_RETRIES` retries, default waits."""
        return cls(retries=settings.http_retries)


LOOKUP_POLICY = RetryPolicy(retries=0)
"""Look-ups someone waits for (search, one paper) get one attempt: their answer has a budget
of seconds, which a patient retry would spend waiting."""


def make_http_client(settings: Settings) -> httpx.AsyncClient:
    """The one AsyncClient the sources share: a timeout on every call (a shorter one for
    making the connection), our User-Agent."""
    timeout = settings.http_timeout_seconds
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_SECONDS, timeout)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


class Pacer:
    """Lets one call through at a time, starting at least `interval` seconds after the last.

    arXiv asks for one request every three seconds over a single connection; holding the
    lock for the whole call gives both.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = asyncio.Lock()
        self._last_start: float | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for our turn, then hold it while the caller makes its request."""
        async with self._lock:
            if self._last_start is not None:
                wait = self._last_start + self._interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            self._last_start = time.monotonic()
            yield


def server_wait_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """How long the server asked us to wait, from `Retry-After` (seconds or HTTP date) or
    Hugging Face's `RateLimit` reset (`t=`); the longer of the two, None if neither is there.
    """
    waits: list[float] = []
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after:
        try:
            waits.append(float(retry_after))
        except ValueError:
            try:
                when = parsedate_to_datetime(retry_after)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                waits.append((when - (now or datetime.now(UTC))).total_seconds())
    reset = _RATELIMIT_RESET.search(headers.get("RateLimit", ""))
    if reset is not None:
        waits.append(float(reset.group(1)))
    finite = [wait for wait in waits if math.isfinite(wait)]
    return max(0.0, *finite) if finite else None


class _RetryableStatus(Exception):
    """An answer worth retrying (429, 5xx); carries the response for its headers."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    what: str,
    policy: RetryPolicy,
    params: Mapping[str, str | int] | None = None,
    pacer: Pacer | None = None,
    breaker: Breaker,
) -> httpx.Response:
    """GET `url` and return the successful response, retrying as `policy` says.

    `what` names the call in messages ("hf daily papers for 2026-06-12"). Raises
    UpstreamError when retries run out, or at once for an answer retrying cannot fix
    (a 4xx other than 429); its `status` lets callers treat a 404 as "not found".
    Raises UpstreamUnreachable at once when no connection can be made, or when `breaker`
    says the upstream could not be reached moments ago (then nothing is sent).
    """

    async def attempt() -> httpx.Response:
        if not breaker.admits():
            raise UpstreamUnreachable(
                f"{what} not asked: {breaker.name} can't be reached ({breaker.reason})",
                upstream=breaker.name,
            )
        async with pacer.turn() if pacer is not None else nullcontext():
            try:
                response = await client.get(url, params=params)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                reason = connection_failure(error)
                breaker.unreachable(reason)
                raise UpstreamUnreachable(
                    f"{what} failed: can't connect ({reason})", upstream=breaker.name
                ) from None
            except httpx.TransportError:
                breaker.connected()
                raise
        breaker.connected()
        if response.status_code == 429 or response.status_code >= 500:
            raise _RetryableStatus(response)
        return response

    backoff = wait_exponential_jitter(initial=policy.backoff_initial, max=policy.max_wait)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        asked = (
            server_wait_seconds(error.response.headers)
            if isinstance(error, _RetryableStatus)
            else None
        )
        return min(asked if asked is not None else backoff(state), policy.max_wait)

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.debug(
            "upstream_retry",
            what=what,
            attempt=state.attempt_number,
            wait=round(state.upcoming_sleep, 3),
            reason=str(error) or type(error).__name__,
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.retries + 1),
        wait=wait,
        retry=retry_if_exception_type((_RetryableStatus, httpx.TransportError)),
        sleep=policy.sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    attempts = policy.retries + 1
    after = f" after {attempts} attempts" if attempts > 1 else ""
    try:
        response = await retrying(attempt)
    except _RetryableStatus as error:
        status = error.response.status_code
        raise UpstreamError(f"{what} failed: HTTP {status}{after}", status=status) from None
    except httpx.TimeoutException:
        times = f" {attempts} times" if attempts > 1 else ""
        raise UpstreamError(f"{what} failed: timed out{times}") from None
    except httpx.TransportError as error:
        raise UpstreamError(f"{what} failed: {type(error).__name__}{after}") from None
    if response.is_success:
        return response
    raise UpstreamError(f"{what} failed: HTTP {response.status_code}", status=response.status_code)


def connection_failure(error: httpx.TransportError) -> str:
    """Why a connection could not be made, in a few words: the error's type and the first
    line of its message ("ConnectError: [Errno 111] Connection refused")."""
    lines = str(error).strip().splitlines()
    name = type(error).__name__
    return f"{name}: {lines[0][:120]}" if lines else name
