"""The suite's own rules as `make test` shows them: without PostgreSQL, one line says its
tests were left out and how to run them, instead of one SKIPPED line per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.databases import POSTGRES_ENV

REPO = Path(__file__).resolve().parents[1]


def test_without_postgres_one_line_says_how_to_run_its_tests() -> None:
    env = {key: value for key, value in os.environ.items() if key != POSTGRES_ENV}

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/store/test_store_migrations.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stdout
    assert "SKIPPED" not in run.stdout
    [line] = [line for line in run.stdout.splitlines() if "PostgreSQL" in line]
    assert line == (
        f"5 PostgreSQL tests were not run; set {POSTGRES_ENV}, e.g. {POSTGRES_ENV}="
        "postgresql+asyncpg://postgres@127.0.0.1:5432/papers_test make test, to run them."
    )
