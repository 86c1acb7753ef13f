"""Logging set-up: one format for every line the process writes, and no secret in any of them.

`configure_logging` points structlog and the standard library's `logging` at the same handler,
so the bot's own events (`structlog.get_logger(__name__)`) and the lines of the libraries it uses
(APScheduler, httpx, aiohttp, SQLAlchemy, slack_sdk, discord.py) come out in one format: a
human console layout, or JSON with one event per line for log collectors. Every line passes
through `redact_secrets` just before it is rendered, whichever logger wrote it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import IO, Any, Literal

import structlog
from pydantic import SecretBytes, SecretStr
from structlog.typing import EventDict, ExcInfo, Processor, WrappedLogger

LogFormat = Literal["console", "json"]

REDACTED = "**********"
"""What a secret is replaced with; the same mask pydantic shows for a SecretStr."""

NOISY_LOGGERS = (
    "alembic",
    "apscheduler",
    "httpx",
    "httpcore",
    "aiohttp.access",
    "sqlalchemy.engine",
    "slack_bolt",
    "slack_sdk",
    "discord.gateway",
    "discord.http",
    "asyncio",
)
"""Libraries that log every request, job run or heartbeat at INFO; held at WARNING."""

_TOKEN = re.compile(
    r"(?P<slack>xox[abprs]|xapp)-[A-Za-z0-9-]+"
    r"|(?P<bearer>\bBearer\s+)[A-Za-z0-9._~+/=-]{16,}"
    r"|(?<![A-Za-z0-9_-])[MNO][A-Za-z0-9]{23,31}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}"
)
_SENSITIVE_KEY = re.compile(r"(?:^|_)(?:token|secret|password|authorization)$", re.IGNORECASE)
_PLAIN_TYPES = (int, float, bool, type(None), datetime, date, timedelta)
_UNTOUCHED_KEYS = frozenset({"exc_info"})
_HANDLER_NAME = "papers-bot"


def configure_logging(log_format: LogFormat, level: str, *, stream: IO[str] | None = None) -> None:
    """Route structlog and stdlib logging to one handler on `stream` (stderr by default:
    whatever `sys.stderr` is when a line is written, so a line editor that prints above its
    prompt, see adapters/console/lines.py, gets the log lines too).

    `level` is a level name ("debug", "info", "warning", "error"). Calling this again replaces
    the handler it installed before, so tests and the CLI can reconfigure freely. Loggers are
    not cached, so `structlog.testing.capture_logs` keeps working in tests.
    """
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level {level!r}; use debug, info, warning or error")
    if log_format not in ("console", "json"):
        raise ValueError(f"unknown log format {log_format!r}; use console or json")
    output = stream if stream is not None else sys.stderr

    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )

    handler = logging.StreamHandler(output) if stream is not None else _CurrentStderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=_rendering_chain(log_format, output),
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(numeric_level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric_level, logging.WARNING))
    logging.captureWarnings(True)


class _CurrentStderrHandler(logging.StreamHandler):
    """A stream handler on whatever `sys.stderr` is at the moment a line is written."""

    def __init__(self) -> None:
        """Write to the current `sys.stderr` (the stream given to the base class is unused)."""
        super().__init__(sys.stderr)

    @property
    def stream(self) -> IO[str]:
        """The current `sys.stderr`."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        """Ignored: the stream is always the current `sys.stderr`."""


def _rendering_chain(log_format: LogFormat, stream: IO[str]) -> list[Processor]:
    """The last steps of every line: drop structlog's bookkeeping, redact, render."""
    if log_format == "json":
        return [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_secrets,
            structlog.processors.JSONRenderer(),
        ]
    colors = stream.isatty() and "NO_COLOR" not in os.environ
    return [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        redact_secrets,
        structlog.dev.ConsoleRenderer(colors=colors, exception_formatter=_redacted_traceback),
    ]


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: mask secrets anywhere in the event before it is rendered.

    A pydantic SecretStr/SecretBytes renders as the mask; strings (also inside dicts, lists
    and the reprs of other objects) have Slack tokens (xoxb-, xoxp-, xapp-, ...), Discord
    bot tokens (base64 user id, timestamp and HMAC joined by dots) and `Bearer ...`
    credentials masked; and a string under a key named like `token`, `*_secret`, `password`
    or `authorization` is masked whatever it looks like. `exc_info` is left to the renderer,
    which formats it through `redact_text`.
    """
    for key, value in event_dict.items():
        if key in _UNTOUCHED_KEYS:
            continue
        if isinstance(key, str) and _SENSITIVE_KEY.search(key) and isinstance(value, str | bytes):
            event_dict[key] = REDACTED if value else value
        else:
            event_dict[key] = _redact_value(value)
    return event_dict


def redact_text(text: str) -> str:
    """Mask every token-shaped substring of `text`, keeping the kind (`xoxb-`, `Bearer `)."""
    return _TOKEN.sub(_mask, text)


def _mask(match: re.Match[str]) -> str:
    if match.group("slack"):
        return f"{match.group('slack')}-{REDACTED}"
    if match.group("bearer"):
        return f"{match.group('bearer')}{REDACTED}"
    return REDACTED


def _redact_value(value: Any) -> Any:
    if isinstance(value, SecretStr | SecretBytes):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, _PLAIN_TYPES):
        return value
    if isinstance(value, Mapping):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return {_redact_value(item) for item in value}
    text = repr(value)
    redacted = redact_text(text)
    return value if redacted == text else redacted


def _redacted_traceback(sio: IO[str], exc_info: ExcInfo) -> None:
    """ConsoleRenderer exception formatter: a plain traceback with tokens masked.

    structlog's default (rich) formatter shows local variables, which can hold raw tokens.
    """
    sio.write("\n" + redact_text("".join(traceback.format_exception(*exc_info))).rstrip("\n"))
