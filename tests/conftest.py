"""Test-wide rules: no test reaches the internet, no test reads the developer's settings,
and the PostgreSQL tests are left out with one line saying so when no PostgreSQL server is
configured.

Every socket connect to an address that is not this machine (loopback, or a local Unix
socket) fails with NetworkBlocked, and so does a name lookup of anything but this machine,
so a test that forgets to point a client at a local fake fails loudly instead of calling
the real service. The host of `PAPERS_TEST_POSTGRES_URL`, when set, is allowed too.

Each test runs in a temporary working folder with no PAPERS_*, SLACK_* or DISCORD_*
variable set (but PAPERS_TEST_POSTGRES_URL, read once at import by tests/databases.py), so
neither a `.env` file where pytest was started nor the shell's variables reach `Settings()`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.databases import CONFIGURED_POSTGRES_URL, POSTGRES_ENV

POSTGRES_EXAMPLE = "postgresql+asyncpg://postgres@127.0.0.1:5432/papers_test"
_LEFT_OUT = pytest.StashKey[int]()
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
_REAL_GETADDRINFO = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host that is not this machine."""


def _postgres_host() -> str | None:
    """The host of the test database, when PAPERS_TEST_POSTGRES_URL is set."""
    url = CONFIGURED_POSTGRES_URL
    return urlsplit(url).hostname if url else None


@cache
def _allowed_names() -> frozenset[str]:
    """Host names tests may look up: this machine's and the test database's."""
    names = {*LOCAL_NAMES, socket.gethostname(), _postgres_host() or "localhost"}
    return frozenset(name.lower() for name in names)


@cache
def _allowed_ips() -> frozenset[str]:
    """Non-loopback addresses tests may reach: those of the test database's host."""
    host = _postgres_host()
    if host is None:
        return frozenset()
    try:
        return frozenset(str(info[4][0]) for info in _REAL_GETADDRINFO(host, None))
    except OSError:
        return frozenset()


def _is_local_ip(host: str) -> bool | None:
    """Whether an IP literal is this machine; None when `host` is not an IP literal."""
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_loopback or ip.is_unspecified or str(ip) in _allowed_ips()


def _check_address(family: int, address: Any) -> None:
    """Raise NetworkBlocked unless `address` is on this machine."""
    if family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return
    host = str(address[0])
    local = _is_local_ip(host)
    if local is None:
        local = host.lower() in _allowed_names()
    if not local:
        raise NetworkBlocked(f"tests may not connect to {host}; point the client at a local fake")


@pytest.fixture(autouse=True, scope="session")
def no_internet() -> Iterator[None]:
    """Make connects and name lookups to anything but this machine fail for the whole run."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    _allowed_ips()  # resolve the database host before lookups are guarded

    def connect(self: socket.socket, address: Any) -> None:
        _check_address(self.family, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(self.family, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if _is_local_ip(name) is None and name.lower() not in _allowed_names():
                raise NetworkBlocked(f"tests may not look up {name}; use 127.0.0.1")
        return _REAL_GETADDRINFO(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


SETTINGS_PREFIXES = ("PAPERS_", "SLACK_", "DISCORD_")
"""The environment variables `Settings` reads (see config/settings.py)."""


@pytest.fixture(autouse=True)
def hermetic_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run the test in `tmp_path` with none of the machine's bot settings in the environment:
    a developer's `.env` or exported PAPERS_*/SLACK_*/DISCORD_* variables change nothing."""
    for name in list(os.environ):
        if name.startswith(SETTINGS_PREFIXES) and name != POSTGRES_ENV:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _needs_postgres(item: pytest.Item) -> bool:
    """Whether a test runs on PostgreSQL: the `postgresql` case of `database_url`, or a test
    asking for `postgres_url` itself."""
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("database_url") == "postgresql"
    return on_postgres or "postgres_url" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PAPERS_TEST_POSTGRES_URL, leave the PostgreSQL tests out (counted as
    deselected) instead of reporting each one as skipped."""
    if CONFIGURED_POSTGRES_URL:
        return
    left_out = [item for item in items if _needs_postgres(item)]
    if left_out:
        items[:] = [item for item in items if not _needs_postgres(item)]
        config.hook.pytest_deselected(items=left_out)
    config.stash[_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """One line above the summary when PostgreSQL tests were left out, saying how to run them."""
    left_out = config.stash.get(_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} PostgreSQL tests were not run; set {POSTGRES_ENV}, e.g. "
            f"{POSTGRES_ENV}={POSTGRES_EXAMPLE} make test, to run them."
        )
