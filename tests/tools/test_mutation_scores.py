"""The mutation table `make mutate` prints, counted from mutmut's results."""

from __future__ import annotations

import json
from pathlib import Path

from tools.mutation_scores import equivalent_mutants, module_score, read_scores, table

README = """\
## Development

### Equivalent mutants

- `bot.votes.x_parse_weights__mutmut_7`: the message is the same to a user.
- not a mutant name, just prose about `bot.votes.x_keycap_rank__mutmut_1`

## Architecture

- `bot.digest.x_choose__mutmut_1`: under another heading, so not listed.
"""


def test_the_equivalent_list_is_the_bullets_under_its_heading() -> None:
    assert equivalent_mutants(README) == {"bot.votes.x_parse_weights__mutmut_7"}


def test_a_listed_survivor_is_excused_and_the_rest_count_against_the_score() -> None:
    exit_codes = {
        "bot.votes.x_parse_weights__mutmut_1": 1,  # a test failed
        "bot.votes.x_parse_weights__mutmut_2": -24,  # ran out of time
        "bot.votes.x_parse_weights__mutmut_3": 0,  # survived
        "bot.votes.x_parse_weights__mutmut_4": 33,  # no test reaches it
        "bot.votes.x_parse_weights__mutmut_7": 0,  # survived, listed as equivalent
    }

    score = module_score("bot/votes.py", exit_codes, {"bot.votes.x_parse_weights__mutmut_7"})

    assert (score.mutants, score.killed, score.equivalent) == (5, 2, 1)
    assert score.score == 0.5
    assert score.unexplained == (
        "bot.votes.x_parse_weights__mutmut_3",
        "bot.votes.x_parse_weights__mutmut_4",
    )


def test_the_table_has_a_row_per_module_and_a_total(tmp_path: Path) -> None:
    for module, codes in {
        "bot/votes.py": {"a__mutmut_1": 1, "a__mutmut_2": 1},
        "bot/ranking/score.py": {"b__mutmut_1": 1, "b__mutmut_2": 0},
        "bot/models.py": {},  # copied but not mutated: no row
    }.items():
        meta = tmp_path / f"{module}.meta"
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps({"exit_code_by_key": codes}))

    assert table(read_scores(tmp_path, ())) == (
        "| module | mutants | killed | survived-equivalent | score |\n"
        "|---|---:|---:|---:|---:|\n"
        "| `bot/ranking/score.py` | 2 | 1 | 0 | 50.0% |\n"
        "| `bot/votes.py` | 2 | 2 | 0 | 100.0% |\n"
        "| **total** | 4 | 3 | 0 | 75.0% |"
    )
    assert [row.module for row in read_scores(tmp_path, (), only=["bot/ranking/"])] == [
        "bot/ranking/score.py"
    ]
