"""The no-internet rule inside the processes the tests start (never in the product).

tests/children.py puts this folder first on a child's PYTHONPATH, so Python imports this
module at start-up: from then on a socket connect to, or a name lookup of, anything but this
machine raises NetworkBlocked, as tests/conftest.py does in the pytest process itself. Each
refusal is also printed to stderr and appended to the file named by TESTS_CHILD_BLOCKED_LOG,
which the test checks when it ends, so a child that catches the error (an upstream marked
unreachable, a reconnect loop) still fails its test. TESTS_CHILD_ALLOWED_HOSTS names further
hosts a child may reach (comma-separated: the test PostgreSQL server's).

Kept to the standard library and short: it runs before every test child's own code.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

BLOCKED_LOG = "TESTS_CHILD_BLOCKED_LOG"
ALLOWED_HOSTS = "TESTS_CHILD_ALLOWED_HOSTS"
_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex
_REAL_GETADDRINFO = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    """A process started by a test tried to reach a host that is not this machine."""


def _resolved(hosts: list[str]) -> set[str]:
    """The addresses of the allowed hosts, looked up before lookups are guarded."""
    addresses: set[str] = set()
    for host in hosts:
        try:
            addresses |= {str(info[4][0]) for info in _REAL_GETADDRINFO(host, None)}
        except OSError:
            continue
    return addresses


_EXTRA = [host.strip().lower() for host in os.environ.get(ALLOWED_HOSTS, "").split(",")]
_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", socket.gethostname().lower()}
_NAMES |= {host for host in _EXTRA if host}
_IPS = _resolved([host for host in _EXTRA if host])


def _local_ip(host: str) -> bool | None:
    """Whether an IP literal is this machine or an allowed host; None for a name."""
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped if mapped is not None else ip
    return ip.is_loopback or ip.is_unspecified or str(ip) in _IPS


def _refuse(what: str) -> None:
    """Say loudly that `what` was refused, where the test will look, and raise."""
    line = f"tests/child_guard: pid {os.getpid()} may not {what}; point it at a local fake"
    print(line, file=sys.stderr, flush=True)
    log = os.environ.get(BLOCKED_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as record:
            record.write(line + "\n")
    raise NetworkBlocked(line)


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
        return
    host = str(address[0])
    local = _local_ip(host)
    if not (host.lower() in _NAMES if local is None else local):
        _refuse(f"connect to {address[0]}:{address[1]}")


def _connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _REAL_CONNECT(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _REAL_CONNECT_EX(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if _local_ip(name) is None and name.lower() not in _NAMES:
            _refuse(f"look up {name}")  # an IP literal needs no lookup: connect judges it
    return _REAL_GETADDRINFO(host, *args, **kwargs)


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _getaddrinfo
