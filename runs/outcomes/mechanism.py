"""Outcomes that explain the mechanism: the analytic benchmark, and the model's three puzzles.

`Benchmark` (`scripts/benchmark.py`), per registry over the last five years, then the mean
over registries: the stake its management weighed (`stake_usd`, USD a year per point of
quality), the effort and quality it had (`effort`, `quality`), and the closed form's answer
at that mean stake (`agents.effort.effort_at_stake`, `steady_quality`): `analytic_effort`,
`analytic_quality`. The gap is what the agents add: the stake moves, quality lags effort,
registries differ and some fail.

`Puzzles` (`scripts/puzzles.py`), over the run: `quality_last5`; `voices`, the voices
raised (holder-months); `held_back`, holder-months in which a holder wanted to move but its
last move was within the hold period; `repeat_movers`, holders who moved more than once;
`into_afrinic`, registration moves completed into AFRINIC; `afrinic_share_change`,
AFRINIC's change of IPv4 share, start to end.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from runs.outcomes.summary import LAST, last_months

__all__ = ["Benchmark", "Puzzles"]


class Benchmark:
    """The full model beside the closed form at the stake it weighed (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month)."""
        self.rows: list[np.ndarray] = []  # per month: (R, 4) stake, yearly cost, effort, quality

    def month(self, model: Any) -> None:
        """Keep the last five years' stakes, costs, efforts and qualities."""
        self.rows.append(
            np.array(
                [[r.stake.total, 12.0 * r._complacent_cost(), r.effort, r.quality] for r in model.registries]
            )
        )
        self.rows = self.rows[-LAST:]

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        from agents.effort import effort_at_stake, steady_quality

        mean = np.mean(self.rows, axis=0)  # (R, 4)
        analytic = []
        for r, (stake, cost, _, _) in zip(model.registries, mean, strict=True):
            rules = r.rules
            effort = effort_at_stake(
                stake,
                base=rules.base_effort,
                yearly_cost=cost,
                effort_cost=rules.effort_cost,
                improvement=rules.improvement_rate,
                complacency=rules.complacency_rate,
            )
            analytic.append((effort, steady_quality(effort, rules.improvement_rate, rules.complacency_rate)))
        analytic = np.array(analytic)
        return {
            "stake_usd": float(mean[:, 0].mean()),
            "effort": float(mean[:, 2].mean()),
            "quality": float(mean[:, 3].mean()),
            "analytic_effort": float(analytic[:, 0].mean()),
            "analytic_quality": float(analytic[:, 1].mean()),
            "quality_spread": float(mean[:, 3].max() - mean[:, 3].min()),
        }


class Puzzles:
    """Voices, moves held back by the hold period, repeat movers, moves into AFRINIC (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month)."""
        names = [r.name for r in model.registries]
        self.afrinic = names.index("AFRINIC") if "AFRINIC" in names else -1
        self.share0 = model.registries[self.afrinic].ipv4 / model.total_ipv4 if self.afrinic >= 0 else 0.0
        self.voices = 0
        self.held_back = 0

    def month(self, model: Any) -> None:
        """Count this month's voices and the moves the hold period held back."""
        from agents.state import Action

        d, s, step = model.decisions, model.holders, model.steps
        self.voices += int(np.count_nonzero(d.action == Action.VOICE))
        recent = (s.moved_at < step) & (step - s.moved_at < model.regime.hold_period)
        self.held_back += int(np.count_nonzero((d.gain > 0.0) & (d.action != Action.MOVE) & recent))

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        frame = model.model_frame()
        flows = model.flow_frame()
        into = flows[(flows.destination == "AFRINIC") & (flows.origin != "AFRINIC")].moves.sum()
        share = model.registries[self.afrinic].ipv4 / model.total_ipv4 if self.afrinic >= 0 else 0.0
        return {
            "quality_last5": last_months(frame, "quality_experienced"),
            "voices": float(self.voices),
            "held_back": float(self.held_back),
            "repeat_movers": float(np.count_nonzero(model.holders.moves > 1)),
            "into_afrinic": float(into),
            "afrinic_share_change": float(share - self.share0),
        }
