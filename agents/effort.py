"""The effort a registry's management chooses, and the quality that effort sustains.

Quality moves each month by improvement x effort x (1 - quality) less complacency x
(1 - effort) x quality, so an effort e sustains `steady_quality(e)` in the long run.
Management weighs what is at stake (USD a year per point of quality) against the cost of
effort above its complacent level and chooses the best effort (`choose_effort`).
"""

from __future__ import annotations

__all__ = ["choose_effort", "steady_quality"]


def steady_quality(effort: float, improvement: float, complacency: float) -> float:
    """The quality that effort `effort` sustains in the long run (where gain equals loss)."""
    gain, loss = improvement * effort, complacency * (1.0 - effort)
    return gain / (gain + loss) if gain + loss > 0.0 else 0.0


def choose_effort(
    stake: float,
    *,
    base: float,
    yearly_cost: float,
    effort_cost: float,
    improvement: float,
    complacency: float,
) -> float:
    """The effort that maximises stake x steady_quality(e) - cost(e) on [base, 1].

    `stake`: USD a year per point of quality. Cost of effort above the complacent level:
    yearly_cost x effort_cost x ((e - base) / (1 - base))^2 (convex: the first steps are
    cheap). Its marginal cost at `base` is zero, so any positive stake raises effort above
    complacency; diminishing returns (steady quality is concave in effort when improvement
    >= complacency) keep it below 1 unless the stake is large. Solved by bisection on the
    first-order condition.
    """
    room = 1.0 - base
    if stake <= 0.0 or room <= 0.0:
        return base
    slope_cost = 2.0 * yearly_cost * effort_cost / (room * room)

    def marginal(e: float) -> float:
        gain, loss = improvement * e, complacency * (1.0 - e)
        total = gain + loss
        benefit = stake * improvement * complacency / (total * total) if total > 0.0 else 0.0
        return benefit - slope_cost * (e - base)

    if marginal(1.0) >= 0.0:
        return 1.0
    low, high = base, 1.0
    for _ in range(50):
        mid = 0.5 * (low + high)
        if marginal(mid) > 0.0:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)
