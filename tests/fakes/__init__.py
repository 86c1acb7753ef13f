"""Local fakes for tests (HTTP upstreams, ...) and small helpers they share.

Fakes run real servers on 127.0.0.1 so the real client code is exercised; nothing here
reaches the internet.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_path(name: str) -> Path:
    """The path of a recorded file in tests/fixtures/; fails loudly if it is missing."""
    path = FIXTURES / name
    if not path.is_file():
        raise FileNotFoundError(f"no fixture {name!r} in {FIXTURES}")
    return path


class RecordingSleep:
    """A stand-in for asyncio.sleep that only records the waits asked for.

    Pass it as `RetryPolicy(sleep=...)` so retry tests check the waits without sleeping.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        """Record the wait and return at once."""
        self.waits.append(seconds)
