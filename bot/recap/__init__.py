"""The weekly recap: each channel's team's most-voted papers of the week, with a bar chart.

`compose` picks the papers and draws the chart; `delivery` claims a channel's week in the
database (one recap per channel per ISO week, never twice) and posts it through the adapter.
"""
