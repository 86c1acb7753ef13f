"""Print the mutation score of each mutated module, from the results `mutmut run` left in ./mutants.

    python tools/mutation_scores.py                    # every mutated module
    python tools/mutation_scores.py bot/delivery.py bot/ranking/

A mutant is killed when a test failed on it or it ran out of time. A surviving mutant that the
README's "Equivalent mutants" list names (a backticked mutant name at the start of a bullet) is
counted as equivalent: no test can tell it from the real code. The score is the killed share of
the mutants that are not equivalent; a mutant no test reaches counts against it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# mutmut's exit codes: a failed test (1, 3) or a timeout (SIGXCPU and its kin).
KILLED_EXIT_CODES = frozenset({1, 3, 24, -24, 36, 152, 255})
EQUIVALENTS_HEADING = "### Equivalent mutants"
_EQUIVALENT_BULLET = re.compile(r"^\s*[-*] `([\w.ǁ]+__mutmut_\d+)`")


@dataclass(frozen=True, slots=True)
class ModuleScore:
    """One module's mutants, as counted for the README's mutation table."""

    module: str
    mutants: int
    killed: int
    equivalent: int
    unexplained: tuple[str, ...]

    @property
    def score(self) -> float:
        """The killed share of the mutants that are not equivalent (1.0 when all are)."""
        judged = self.mutants - self.equivalent
        return self.killed / judged if judged else 1.0


def equivalent_mutants(readme: str) -> frozenset[str]:
    """The mutant names listed under the README's "Equivalent mutants" heading."""
    names: set[str] = set()
    inside = False
    for line in readme.splitlines():
        if line.startswith("#"):
            inside = line.strip() == EQUIVALENTS_HEADING
            continue
        match = _EQUIVALENT_BULLET.match(line) if inside else None
        if match:
            names.add(match.group(1))
    return frozenset(names)


def module_score(
    module: str, exit_codes: dict[str, int | None], equivalent: Iterable[str]
) -> ModuleScore:
    """Count one module's mutants from mutmut's exit code per mutant (None: not run yet).

    Only a mutant that survived can be excused as equivalent; one no test reached, or not
    run yet, stays unexplained."""
    listed = frozenset(equivalent)
    killed = sum(1 for code in exit_codes.values() if code in KILLED_EXIT_CODES)
    excused = sum(1 for name, code in exit_codes.items() if code == 0 and name in listed)
    unexplained = tuple(
        sorted(
            name
            for name, code in exit_codes.items()
            if code not in KILLED_EXIT_CODES and not (code == 0 and name in listed)
        )
    )
    return ModuleScore(module, len(exit_codes), killed, excused, unexplained)


def read_scores(
    mutants: Path, equivalent: Iterable[str], only: Sequence[str] = ()
) -> list[ModuleScore]:
    """Every mutated module under `mutants` (mutmut's `<module>.py.meta` files), by path;
    with `only`, just the modules whose path starts with one of those prefixes."""
    listed = frozenset(equivalent)
    scores = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        if only and not any(module.startswith(prefix) for prefix in only):
            continue
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if exit_codes:
            scores.append(module_score(module, exit_codes, listed))
    return scores


def table(scores: Sequence[ModuleScore]) -> str:
    """The README's mutation table (Markdown), one row per module and a total."""
    rows = [
        "| module | mutants | killed | survived-equivalent | score |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in scores:
        rows.append(
            f"| `{row.module}` | {row.mutants} | {row.killed} | {row.equivalent} "
            f"| {row.score:.1%} |"
        )
    total = ModuleScore(
        "total",
        sum(row.mutants for row in scores),
        sum(row.killed for row in scores),
        sum(row.equivalent for row in scores),
        (),
    )
    rows.append(
        f"| **total** | {total.mutants} | {total.killed} | {total.equivalent} | {total.score:.1%} |"
    )
    return "\n".join(rows)


def main(argv: Sequence[str]) -> int:
    """Print the table, then each mutant that is neither killed nor listed as equivalent."""
    root = Path(__file__).resolve().parent.parent
    listed = equivalent_mutants((root / "README.md").read_text(encoding="utf-8"))
    scores = read_scores(root / "mutants", listed, only=argv)
    if not scores:
        print("no mutation results in mutants/; run `make mutate` first")
        return 1
    print(table(scores))
    unexplained = [name for row in scores for name in row.unexplained]
    if unexplained:
        print(f"\n{len(unexplained)} not killed and not listed as equivalent in the README:")
        for name in unexplained:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
