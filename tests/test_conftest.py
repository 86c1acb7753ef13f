"""The suite's own rules as `make test` shows them: without PostgreSQL, one line says its
tests were left out and how to run them, instead of one SKIPPED line per test; and no
test sees the settings of the machine it runs on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.settings import Settings
from tests.databases import POSTGRES_ENV

REPO = Path(__file__).resolve().parents[1]


def pytest_in(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on `args` in `folder` with the environment `env` (two minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_postgres_one_line_says_how_to_run_its_tests() -> None:
    env = {key: value for key, value in os.environ.items() if key != POSTGRES_ENV}

    run = pytest_in(REPO, env, "tests/store/test_store_migrations.py")

    assert run.returncode == 0, run.stdout
    assert "SKIPPED" not in run.stdout
    [line] = [line for line in run.stdout.splitlines() if "PostgreSQL" in line]
    assert line == (
        f"5 PostgreSQL tests were not run; set {POSTGRES_ENV}, e.g. {POSTGRES_ENV}="
        "postgresql+asyncpg://postgres@127.0.0.1:5432/papers_test make test, to run them."
    )


def test_settings_are_the_defaults_whatever_the_machine_sets(tmp_path: Path) -> None:
    """Run alone by the test below, with the machine's settings set around it."""
    settings = Settings()

    assert (settings.http_port, settings.log_level) == (8080, "info")
    assert (settings.slack_bot_token, settings.discord_token) == (None, None)
    assert settings.chat_mode == "console"
    assert Path.cwd() == tmp_path


def test_a_developers_env_file_and_variables_do_not_reach_the_tests(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PAPERS_HTTP_PORT=1234\nDISCORD_TOKEN=from-dotenv\n")
    env = {**os.environ, "PAPERS_LOG_LEVEL": "debug", "SLACK_BOT_TOKEN": "xoxb-from-shell"}
    this_test = f"{Path(__file__)}::test_settings_are_the_defaults_whatever_the_machine_sets"
    assert Settings(_env_file=tmp_path / ".env").http_port == 1234  # the file does say it

    run = pytest_in(
        tmp_path, env, f"--rootdir={REPO}", "-c", str(REPO / "pyproject.toml"), this_test
    )

    assert run.returncode == 0, run.stdout
    assert "1 passed" in run.stdout
