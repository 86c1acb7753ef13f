"""The weekly recap's bar chart: the week's most-voted papers as a PNG, with its alt text.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state, safe in a
worker thread). Paper titles are untrusted text: they are cleaned to one line and drawn
without mathtext, so a `$` in a title is a dollar sign, never a formula to parse.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from bot.models import Chart, RecapEntry
from bot.wording import one_line, one_line_within, recap_votes

TITLE_CHARS = 48
ALT_TEXT_LIMIT = 1000
_BAR_COLOUR = "#4a78c2"
_WIDTH_INCHES = 8.0
_ROW_INCHES = 0.55
_DPI = 110


def draw_chart(entries: Sequence[RecapEntry], title: str) -> Chart:
    """A horizontal bar chart of the entries' net votes, best at the top, as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = 1.4 + _ROW_INCHES * len(entries)
    figure = Figure(figsize=(_WIDTH_INCHES, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = list(range(len(entries)))[::-1]
    votes = [entry.votes for entry in entries]
    bars = axes.barh(rows, votes, color=_BAR_COLOUR)
    labels = [f"{entry.rank}. {short_title(entry.title)}" for entry in entries]
    axes.set_yticks(rows, labels)
    for label in axes.get_yticklabels():
        label.set_parse_math(False)
    for bar, entry in zip(bars, entries, strict=True):
        axes.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {entry.votes:+d}",
            va="center",
            parse_math=False,
        )
    axes.set_xlabel("Net votes from your team")
    axes.set_xlim(0, max(votes, default=1) * 1.15 + 0.5)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, loc="left", parse_math=False)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs the bundled font lacks
        figure.savefig(buffer, format="png")
    return Chart(png=buffer.getvalue(), alt_text=alt_text(entries, title))


def short_title(title: str) -> str:
    """A title on one line, cut to TITLE_CHARS with an ellipsis."""
    return one_line_within(title, TITLE_CHARS)


def alt_text(entries: Sequence[RecapEntry], title: str) -> str:
    """What the chart shows, in words, for screen readers: the title and each bar's value."""
    parts = [f"{entry.rank}. {short_title(entry.title)}: {recap_votes(entry)}" for entry in entries]
    text = f"Bar chart, {one_line(title)}: " + "; ".join(parts) + "."
    return text if len(text) <= ALT_TEXT_LIMIT else text[: ALT_TEXT_LIMIT - 1] + "…"
