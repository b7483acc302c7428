"""Charts of one run, or of two runs compared: pure functions from runs to ECharts options.

One module per tab of the app, and the shared building blocks: `options` (a time chart, a
line, notes, matrices), `timeaxis` (round ticks; the month in words), `marks` (shaded spells,
insolvencies), `bands` (the seeds' 90% range), `lines` (one line per registry), `legend`.
Registry colours are the Okabe-Ito palette of `model.words` (colour-blind safe); registries
are drawn as nested lines of decreasing width, so registries that coincide stay visible; in
compare mode the second run is dashed and every series name says which run it is.
"""

from model.words import PALETTE
from viz.charts.accountability import accountability_charts
from viz.charts.flows import flows_charts
from viz.charts.holders import holders_charts
from viz.charts.market import market_charts
from viz.charts.marks import stage_spells, status_spells
from viz.charts.money import money_charts
from viz.charts.more import extra_charts, extra_columns
from viz.charts.peering import peering_charts, peering_sample
from viz.charts.registries import quality_charts
from viz.charts.remedies import remedies_charts
from viz.charts.resources import shares_charts
from viz.charts.runs import RunData, Runs
from viz.charts.uncertainty import seeds_charts

__all__ = [
    "PALETTE",
    "RunData",
    "Runs",
    "accountability_charts",
    "extra_charts",
    "extra_columns",
    "flows_charts",
    "holders_charts",
    "market_charts",
    "money_charts",
    "peering_charts",
    "peering_sample",
    "quality_charts",
    "remedies_charts",
    "seeds_charts",
    "shares_charts",
    "stage_spells",
    "status_spells",
]
