"""Slack Web API errors in plain words: which ones mean "stop posting to this channel".

Slack answers `{"ok": false, "error": "not_in_channel"}` and slack_sdk raises SlackApiError.
The codes below will not go away by retrying, so the adapter raises
`bot.ports.ChannelUnavailable` with a sentence for `/papers settings`, and the core pauses the
subscription. Any other error is raised as SlackCallFailed, whose message names the method
and the code only (never the request, which carries the token).

One refusal has a way round: Slack refuses a whole message (`invalid_blocks`, "downloading
image failed") when it cannot fetch an image in it, sometimes only for a while. The adapter
posts such a message again without its image (`image_refused`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError

from bot.ports import ChannelUnavailable

REINSTALL = "reinstall papers-bot, then run /papers subscribe here"
UNAVAILABLE: dict[str, str] = {
    "channel_not_found": (
        "Slack can't find this channel; it was deleted, or it is private and the bot is not "
        "in it (invite it with /invite @papers-bot)"
    ),
    "not_in_channel": "the bot is not in this channel; invite it with /invite @papers-bot",
    "is_archived": "the channel was archived; unarchive it, then run /papers subscribe here",
    "invalid_auth": f"Slack refused the bot's token; {REINSTALL}",
    "account_inactive": f"the bot's Slack account was deactivated; {REINSTALL}",
    "token_revoked": f"the bot's token was revoked; {REINSTALL}",
    "missing_scope": f"the app lacks a permission it needs; {REINSTALL} from the manifest",
    "restricted_action": (
        "only some people may post in this channel; ask an admin to let papers-bot post"
    ),
}
IMAGE_HINTS = ("image", "download")
"""Words in Slack's error details that point at an image it could not use."""
MAX_DETAILS = 3
MAX_RETRY_AFTER_SECONDS = 60.0
"""The longest a post waits on one `Retry-After`, however long Slack asks."""
MAX_DETAIL_CHARS = 200

NOT_INSTALLED = f"papers-bot is not installed in this workspace any more; {REINSTALL}"


class SlackCallFailed(RuntimeError):
    """A Slack Web API call failed for a reason that may pass (rate limit, outage, network)."""


def error_code(error: SlackApiError) -> str:
    """The `error` field of Slack's answer, e.g. "not_in_channel" ("unknown" if absent)."""
    response = error.response
    code = response.get("error") if response is not None else None
    return str(code) if code else "unknown"


def retry_after(error: SlackApiError) -> float | None:
    """The seconds a 429 asks to wait (its `Retry-After`, 1 when unreadable); None when the
    error is not a rate limit."""
    response = error.response
    if response is None or response.status_code != 429:
        return None
    headers = {str(name).lower(): value for name, value in (response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        seconds = float(str(value))
    except ValueError:
        return 1.0
    if not math.isfinite(seconds):
        return 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def translate(method: str, error: SlackApiError) -> ChannelUnavailable | SlackCallFailed:
    """ChannelUnavailable for an error that will not pass, else SlackCallFailed."""
    code = error_code(error)
    reason = UNAVAILABLE.get(code)
    if reason is not None:
        return ChannelUnavailable(reason)
    return SlackCallFailed(f"Slack {method} failed: {code}")


def error_details(error: SlackApiError) -> list[str]:
    """What Slack said beyond the code (its `errors` and `response_metadata.messages`),
    e.g. "downloading image failed [json-pointer:/blocks/0/accessory/image_url]"; a few
    short lines, fit for a log."""
    response = error.response
    if response is None:
        return []
    found: list[object] = []
    errors = response.get("errors")
    if isinstance(errors, list):
        found.extend(errors)
    metadata = response.get("response_metadata")
    messages = metadata.get("messages") if isinstance(metadata, dict) else None
    if isinstance(messages, list):
        found.extend(messages)
    return [str(detail)[:MAX_DETAIL_CHARS] for detail in found[:MAX_DETAILS]]


def image_refused(code: str, details: Iterable[str] = ()) -> bool:
    """Whether Slack refused a message over its blocks, most often an image it could not
    download: the code is `invalid_blocks`, or the details mention an image or downloading.

    `code` may also be the whole text of a response_url answer (HTTP 400 "invalid_blocks").
    """
    if "invalid_blocks" in code:
        return True
    return any(hint in text.lower() for text in (code, *details) for hint in IMAGE_HINTS)
