"""Outcomes of any run over its last five years, and the mechanism's channels (VALIDATION §2-§6).

`Summary` (regimes, porting delay, scale):

- `quality_last5`, `worst_last5`, `accountability_last5`: quality experienced, the worst
  registry's quality and accountability, each the mean of the last 60 months;
- `moved_per_year`: IPv4 moved by registration moves, % of all IPv4 a year;
- `largest_share_change`: the largest change of a registry's IPv4 share, start to end;
- who pays and who gains, by holder size class (`model.incidence`; no IPv4, /24, /22, /20,
  /16, larger): `fee_usd_<class>_last5`, the mean yearly fee a member of the class pays,
  and `welfare_usd_<class>_last5`, its mean yearly welfare (USD), over the last 60 months
  (e.g. `fee_usd_22_last5`).

`Channels` adds, for the mechanism taken apart (`scripts/channels.py`):

- `effort_last5` and its parts `effort_threat_last5`, `effort_exit_last5`,
  `effort_voice_last5`: the registries' effort, mean over registries and the last 60 months;
- `moves_per_year`; `requests_quality_per_year`, `requests_taste_per_year`,
  `requests_fees_per_year`: move requests a year by the largest part of the believed gain.

`Decomposition` (`scripts/decomposition.py`: the channels switched off in turn, at several
scales and two horizons) reads the same quantities over two windows of one 20-year run,
years 6-10 (`_10y`) and years 16-20 (`_20y`): a run's first ten years are a ten-year run.
`quality`, `effort`, `effort_threat`, `effort_exit`, `effort_voice`, `believed_threat`
(the registries' `exit_threat`, mean over registries) and `fee` (the median member's
yearly fee, USD, mean over registries).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model.incidence import SIZE_CLASSES, by_size_class, class_key

__all__ = ["LAST", "Channels", "Decomposition", "Summary", "incidence_outcomes", "last_months"]

LAST = 60  # months: "the last five years" of a run


def incidence_outcomes(model: Any) -> dict[str, float]:
    """Fees and welfare by holder size class over the last five years (`fee_usd_22_last5`, ...)."""
    classes = by_size_class(model.incidence_frame(), LAST)
    return {  # every class, NaN where it has no member, so every run has the same columns
        f"{column}_{class_key(label)}_last5": float(classes[column].get(label, np.nan))
        for label, _ in SIZE_CLASSES
        for column in ("fee_usd", "welfare_usd")
    }


def last_months(frame: pd.DataFrame, column: str, months: int = LAST) -> float:
    """The mean of `column` over the last `months` months of a model or registry frame."""
    steps = frame.step.max()
    return float(frame[frame.step > steps - months][column].mean())


class Summary:
    """How a run ends: quality, the worst registry, accountability, moves, shares (see above)."""

    def __init__(self, model: Any) -> None:
        """Nothing to note at the start."""

    def month(self, model: Any) -> None:
        """Nothing to observe month by month."""

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        frame, registries = model.model_frame(), model.registry_frame()
        years = frame.step.max() / 12
        shares = registries.pivot_table(index="step", columns="registry", values="ipv4_share")
        return {
            "quality_last5": last_months(frame, "quality_experienced"),
            "worst_last5": last_months(frame, "worst_quality"),
            "accountability_last5": last_months(frame, "accountability"),
            "moved_per_year": float(100 * frame.moved_ipv4.sum() / model.total_ipv4 / years),
            "largest_share_change": float((shares.iloc[-1] - shares.iloc[0]).abs().max()),
            **incidence_outcomes(model),
        }


class Channels(Summary):
    """A run's ending, and which channel its registries' effort is owed to (see above)."""

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        frame, registries = model.model_frame(), model.registry_frame()
        years = frame.step.max() / 12
        efforts = {
            f"{column}_last5": last_months(registries, column)
            for column in ("effort", "effort_threat", "effort_exit", "effort_voice")
        }
        requests = {
            f"{column}_per_year": float(frame[column].iloc[-1] / years)
            for column in ("requests_quality", "requests_taste", "requests_fees")
        }
        return {
            **super().finals(model),
            **efforts,
            "moves_per_year": float(frame.moves.sum() / years),
            **requests,
        }


#: the windows of `Decomposition`: (suffix, last month) of a five-year window
HORIZONS = (("10y", 120), ("20y", 240))


class Decomposition:
    """Quality, effort by channel, believed threat and fees over years 6-10 and 16-20 (see above)."""

    def __init__(self, model: Any) -> None:
        """Nothing to note at the start."""

    def month(self, model: Any) -> None:
        """Nothing to observe month by month."""

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end (a window the run did not reach is NaN)."""
        frame, registries = model.model_frame(), model.registry_frame()
        out: dict[str, float] = {}
        for suffix, end in HORIZONS:
            rows = frame[(frame.step > end - LAST) & (frame.step <= end)]
            regs = registries[(registries.step > end - LAST) & (registries.step <= end)]
            reached = frame.step.max() >= end
            out[f"quality_{suffix}"] = float(rows.quality_experienced.mean()) if reached else float("nan")
            for column in ("effort", "effort_threat", "effort_exit", "effort_voice", "fee"):
                out[f"{column}_{suffix}"] = float(regs[column].mean()) if reached else float("nan")
            out[f"believed_threat_{suffix}"] = float(regs.exit_threat.mean()) if reached else float("nan")
        return out
