"""How long a 429 from Slack holds a channel: its Retry-After, read defensively."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.errors import MAX_RETRY_AFTER_SECONDS, retry_after


def refused(status: int, headers: dict[str, object]) -> SlackApiError:
    """The error slack_sdk raises for an answer with `status` and `headers`."""
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://127.0.0.1:9/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": "ratelimited"},
        headers=headers,
        status_code=status,
    )
    return SlackApiError("refused", response)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": ["2"]}, 2.0),
        ({"Retry-After": "soon"}, 1.0),
        ({"Retry-After": "nan"}, 1.0),
        ({}, 1.0),
        ({"Retry-After": "-5"}, 0.0),
        ({"Retry-After": "86400"}, MAX_RETRY_AFTER_SECONDS),
    ],
)
def test_a_429_waits_its_retry_after_within_bounds(
    headers: dict[str, object], seconds: float
) -> None:
    assert retry_after(refused(429, headers)) == seconds


def test_another_refusal_is_not_a_rate_limit() -> None:
    assert retry_after(refused(200, {"Retry-After": "3"})) is None
