"""What slack_bolt and slack_sdk log, kept to what an operator needs.

bolt reads SLACK_BOT_TOKEN from the environment even when it is handed a web client, and
then warns at every start that the token "will be unused": true, expected, and noise, so
that one warning is dropped. slack_sdk's Socket Mode client logs a connection that could not
be made with its whole traceback; a network error is an expected condition, so such a
record keeps its one line and loses the traceback.
"""

from __future__ import annotations

import logging
from typing import Final

import aiohttp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

NETWORK_ERRORS: Final = (aiohttp.ClientError, OSError, TimeoutError)
"""What a Slack that can't be reached raises (DNS, refused, no route, reset, timeout)."""


class _DropUnusedTokenWarning(logging.Filter):
    """Drops bolt's warning that the environment's token is unused (the client has it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _NetworkErrorsInOneLine(logging.Filter):
    """Keeps a record about a network error, without its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NETWORK_ERRORS):
            record.exc_info = None
            record.exc_text = None
        return True


BOLT_LOG: Final = logging.getLogger("slack_bolt.papers_bot")
"""The logger bolt's app writes to (held at WARNING with the rest of slack_bolt)."""
BOLT_LOG.addFilter(_DropUnusedTokenWarning())

SOCKET_MODE_LOG: Final = logging.getLogger("slack_sdk.socket_mode.papers_bot")
"""The logger the Socket Mode client writes to (held at WARNING with the rest of slack_sdk)."""
SOCKET_MODE_LOG.addFilter(_NetworkErrorsInOneLine())
