"""The environment of the processes the tests start: nothing in it leads off this machine.

The no-internet guard of tests/conftest.py patches sockets in the pytest process only; a
`papers-bot` process started by a test reads its addresses from the environment. So
`isolated_env` points every platform URL setting at a closed local port (a test that means
to reach Slack or Discord points it at its fake afterwards), drops proxy variables (a proxy
would carry loopback requests away), and installs tests/child_guard/sitecustomize.py, which
refuses, and records, any connect or lookup beyond this machine the child still makes.
`assert_nothing_blocked` reads that record when the test ends.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from config.settings import Settings
from tests.databases import POSTGRES_ENV

GUARD = Path(__file__).resolve().with_name("child_guard")
BLOCKED_LOG = "TESTS_CHILD_BLOCKED_LOG"
ALLOWED_HOSTS = "TESTS_CHILD_ALLOWED_HOSTS"
PROXY_VARIABLES = frozenset({"http_proxy", "https_proxy", "all_proxy", "ws_proxy", "wss_proxy"})


@contextmanager
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses every connection while the block lasts: bound, so
    nothing else can take it, and never listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def url_settings() -> list[str]:
    """The Settings fields that hold an address: named `*_url`, or defaulting to a URL."""
    return [
        name
        for name, field in Settings.model_fields.items()
        if name.endswith("_url") or (isinstance(field.default, str) and "://" in field.default)
    ]


def variable(name: str) -> str:
    """The environment variable a Settings field is read from."""
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"PAPERS_{name.upper()}"


def platform_urls(port: int) -> dict[str, str]:
    """Slack's and Discord's URL settings at `port` on 127.0.0.1, in their settings' shapes."""
    return {
        variable("slack_api_url"): f"http://127.0.0.1:{port}/api/",
        variable("discord_api_url"): f"http://127.0.0.1:{port}/api/v10",
        variable("discord_gateway_url"): f"ws://127.0.0.1:{port}/",
    }


def isolated_env(env: Mapping[str, str], *, workdir: Path, closed_port: int) -> dict[str, str]:
    """`env` for a child process: the platforms at the closed port, no proxies, and the
    guard first on PYTHONPATH, recording what it refuses in `workdir`."""
    isolated = {key: value for key, value in env.items() if key.lower() not in PROXY_VARIABLES}
    isolated.update(platform_urls(closed_port))
    path = [str(GUARD), *filter(None, [isolated.get("PYTHONPATH")])]
    isolated["PYTHONPATH"] = os.pathsep.join(path)
    isolated[BLOCKED_LOG] = str(workdir / "blocked-connects.log")
    postgres = os.environ.get(POSTGRES_ENV)
    if postgres and urlsplit(postgres).hostname:
        isolated[ALLOWED_HOSTS] = str(urlsplit(postgres).hostname)
    return isolated


def blocked(env: Mapping[str, str]) -> list[str]:
    """What the guard refused the children started with `env`, one line each."""
    log = Path(env[BLOCKED_LOG])
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def take_blocked(env: Mapping[str, str]) -> list[str]:
    """What the guard refused, forgotten once read: for a test that provokes a refusal."""
    refused = blocked(env)
    Path(env[BLOCKED_LOG]).unlink(missing_ok=True)
    return refused


def assert_nothing_blocked(env: Mapping[str, str]) -> None:
    """Fail when a child started with `env` tried to reach beyond this machine."""
    refused = blocked(env)
    assert not refused, "a process the test started tried to reach the network:\n" + "\n".join(
        refused
    )
