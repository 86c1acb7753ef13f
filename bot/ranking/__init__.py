"""Ranking: what the world thinks of a paper (score) and what this team likes (taste).

`score` is pure and explained; the taste model learns from a team's votes and adds one
named component to that score.
"""

from bot.ranking.follows import followed_in
from bot.ranking.score import (
    CLIMBING_MAX_AGE_DAYS,
    CLIMBING_MIN_GAIN,
    Taste,
    age_days,
    explain_in_words,
    matched_words,
    rank,
    score,
    utc_date,
)

__all__ = [
    "CLIMBING_MAX_AGE_DAYS",
    "CLIMBING_MIN_GAIN",
    "Taste",
    "age_days",
    "explain_in_words",
    "followed_in",
    "matched_words",
    "rank",
    "score",
    "utc_date",
]
