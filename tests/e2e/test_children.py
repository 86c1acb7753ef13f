"""A `papers-bot` process a test starts reaches nothing beyond this machine: every address
setting it reads is on 127.0.0.1 (the fake it is meant to reach, or a port that refuses),
and a connect or lookup beyond this machine fails in it loudly and fails the test."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import children
from tests.databases import POSTGRES_ENV
from tests.e2e.conftest import BotEnv
from tests.fakes.upstream import FakeUpstream

# Run where and as the bot runs: the bot's environment, its working folder, its interpreter.
PRINT_SETTINGS = (
    "import json; from config.settings import load_settings; "
    "print(json.dumps(load_settings().model_dump(mode='json')))"
)
REACH_OUT = (
    "import socket\n"
    "for attempt in (lambda: socket.getaddrinfo('example.com', 443),\n"
    "                lambda: socket.create_connection(('192.0.2.1', 443), timeout=1)):\n"
    "    try:\n"
    "        attempt()\n"
    "    except RuntimeError as error:\n"
    "        print(type(error).__name__)\n"
)


async def python(env: dict[str, str], cwd: Path, code: str) -> tuple[int, str, str]:
    """Run `code` in a child Python with `env`; its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def host(url: str) -> str | None:
    """The host a URL names."""
    return urlsplit(url).hostname


def postgres_host() -> str | None:
    """The host of the PostgreSQL server the tests may use, when one is set."""
    url = os.environ.get(POSTGRES_ENV)
    return urlsplit(url).hostname if url else None


def on_this_machine(host: str | None) -> bool:
    """Whether a URL's host is a loopback address (or `localhost`)."""
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_the_address_settings_are_found_by_their_shape() -> None:
    assert set(children.url_settings()) >= {
        "database_url",
        "hf_base_url",
        "arxiv_base_url",
        "slack_api_url",
        "discord_api_url",
        "discord_gateway_url",
    }


async def test_every_address_setting_of_a_started_bot_is_on_this_machine(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    code, out, err = await python(bot_env.env, bot_env.workdir, PRINT_SETTINGS)
    assert code == 0, err
    seen = json.loads(out)

    addresses = {name: seen[name] for name in children.url_settings()}
    database = urlsplit(addresses.pop("database_url")).hostname
    assert database in (None, postgres_host()) or on_this_machine(database)
    elsewhere = {name: url for name, url in addresses.items() if not on_this_machine(host(url))}
    assert elsewhere == {}
    upstream_port = urlsplit(upstream.url).port
    for url in addresses.values():
        port = urlsplit(url).port
        if port != upstream_port:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=5).close()


async def test_a_started_process_reaching_beyond_this_machine_fails_loudly(
    bot_env: BotEnv,
) -> None:
    code, out, err = await python(bot_env.env, bot_env.workdir, REACH_OUT)
    refused = children.take_blocked(bot_env.env)  # seen here: the fixture need not fail

    assert code == 0, err
    assert out.splitlines() == ["NetworkBlocked", "NetworkBlocked"]
    assert [line.split(" may not ")[1] for line in refused] == [
        "look up example.com; point it at a local fake",
        "connect to 192.0.2.1:443; point it at a local fake",
    ]
    assert err.splitlines() == refused
