"""`papers-bot fetch --from-file` with hostile entries: the good papers go in, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.store import open_store
from tests.e2e.conftest import REPO, BotEnv, free_port
from tests.sources import hostile


def _bot_env(workdir: Path, database_url: str) -> BotEnv:
    """The real process on the database under test; upstreams point at a closed local port."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERS_", "SLACK_", "DISCORD_"))
    }
    nowhere = f"http://127.0.0.1:{free_port()}"
    env.update(
        PYTHONPATH=str(REPO),
        PAPERS_DATABASE_URL=database_url,
        PAPERS_HF_BASE_URL=nowhere,
        PAPERS_ARXIV_BASE_URL=nowhere,
        PAPERS_HTTP_PORT=str(free_port()),
        PAPERS_LOG_FORMAT="json",
    )
    return BotEnv(workdir, env)


async def test_importing_hostile_entries_stores_the_good_ones_without_a_traceback(
    tmp_path: Path, database_url: str
) -> None:
    saved = tmp_path / "bad.json"
    # json.dumps escapes the lone surrogates and NULs exactly as an HTTP answer would
    saved.write_text(json.dumps(hostile.hf_entries()), encoding="utf-8")
    bot = _bot_env(tmp_path, database_url)

    result = await bot.run("fetch", "--from-file", str(saved), "--json")

    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    stored = len(hostile.GOOD_IDS) + len(hostile.HF_HOSTILE)
    assert json.loads(result.stdout) == {
        "fetched": stored,
        "stored": stored,
        "skipped": 1,
        "errors": [],
    }
    store = await open_store(bot.database_url)
    try:
        papers = await store.get_papers([*hostile.GOOD_IDS, "2606.00101", "2606.00103"])
    finally:
        await store.close()
    assert set(papers) == {*hostile.GOOD_IDS, "2606.00101", "2606.00103"}
    assert papers["2606.00101"].published_at is None
    assert papers["2606.00103"].upvotes is None


async def test_importing_the_reviewers_file_prints_no_traceback(
    tmp_path: Path, database_url: str
) -> None:
    saved = tmp_path / "bad.json"
    saved.write_text(
        '[{"paper": {"id": "2606.00001", "title": "fine", "upvotes": 3}},'
        ' {"paper": {"id": "2606.00002", "title": "bad",'
        ' "publishedAt": "9999-12-31T23:00:00-05:00"}}]',
        encoding="utf-8",
    )

    result = await _bot_env(tmp_path, database_url).run("fetch", "--from-file", str(saved))

    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Fetched 2 papers, stored 2, skipped 0." in result.stdout
