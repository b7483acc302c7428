"""A run's own outcomes: what a figure or a VALIDATION table needs that the stored frames do not hold.

An experiment names them, ``outcomes = "runs.outcomes:Failure"``: the worker builds the
observer with the model, calls its `month(model)` after every month and its `finals(model)`
at the end; the finals are stored in the run's record beside the model's own final values
(`final_<name>` in `load_results(...).runs`). So each outcome is defined once, here, and the
reports and the scripts read the same numbers from the same runs, with the sweep's seeds.

    Summary    how any run ends: quality, the worst registry, accountability over its last 5 years
    Channels   the same, and which channel of accountability the registries' effort is owed to
    Decomposition  the channels over years 6-10 and 16-20 of one run (two horizons)
    Failure    a registry's governance failure: IPv4 at risk, restoration, members left, voice
    Recovery   after the failure: recovery time, the first members still there, who left first
    Shopping   venue shopping: disputed space shielded and reclaimed, at the strict registry too
    Market     the IPv4 market against its calibration targets
    Benchmark  the full model beside the closed-form effort and quality at the stake it weighed
    Puzzles    voices, moves held back by the hold period, moves into AFRINIC (VALIDATION's puzzles)
    Targeted   targeted capture: the group a registry singles out (harmed, unfair IPv4, relief)
"""

from runs.outcomes.failure import WINDOW, Failure, Recovery
from runs.outcomes.market import Market
from runs.outcomes.mechanism import Benchmark, Puzzles
from runs.outcomes.shopping import Shopping
from runs.outcomes.summary import LAST, Channels, Decomposition, Summary, last_months
from runs.outcomes.targeted import Targeted

__all__ = [
    "LAST",
    "WINDOW",
    "Benchmark",
    "Channels",
    "Decomposition",
    "Failure",
    "Market",
    "Puzzles",
    "Recovery",
    "Shopping",
    "Summary",
    "Targeted",
    "last_months",
]
