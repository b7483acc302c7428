"""The effort a registry's management chooses, and the quality that effort sustains.

Quality moves each month by improvement x effort x (1 - quality) less complacency x
(1 - effort) x quality, so an effort e sustains `steady_quality(e)` in the long run.
Management weighs what is at stake (USD a year per point of quality) against the cost of
effort above its complacent level and chooses the best effort (`choose_effort`).

The same choice has a closed form (`effort_at_stake`, docs/ODD.md §7.6): with a the
improvement rate, b the complacency rate, K = 2 x yearly cost x effort cost / (1 - base)^2
and x = b + (a - b) e, the first-order condition stake x a b / x^2 = K (e - base) is the
cubic (x - x0) x^2 = r with x0 = b + (a - b) base and r = (a - b) stake a b / K, which has
one root above x0 (Cardano's formula). It is the analytic benchmark the full model is set
beside (docs/VALIDATION.md).
"""

from __future__ import annotations

import math

__all__ = ["choose_effort", "effort_at_stake", "steady_quality"]


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


def effort_at_stake(
    stake: float,
    *,
    base: float,
    yearly_cost: float,
    effort_cost: float,
    improvement: float,
    complacency: float,
) -> float:
    """`choose_effort`'s answer in closed form (Cardano's root of the first-order cubic, above).

    Needs improvement > complacency (steady quality concave in effort, as in every
    calibration); equal rates give the linear answer. The quality it sustains is
    `steady_quality(effort_at_stake(...))`.
    """
    room = 1.0 - base
    if stake <= 0.0 or room <= 0.0 or complacency <= 0.0:
        return base  # no complacency: quality is 1 at any effort, so no effort above base pays
    if improvement < complacency:
        raise ValueError(
            f"the closed form needs improvement >= complacency; got {improvement} < {complacency}"
        )
    k = 2.0 * yearly_cost * effort_cost / (room * room)
    a, b = improvement, complacency
    c = a - b
    if c == 0.0:
        return min(1.0, base + stake * a / (b * k))
    x0 = b + c * base
    r = c * stake * a * b / k
    # z = x - x0 > 0 solves z (x0 + z)^2 = r: Cardano's one real root in its hyperbolic form,
    # z = (4 x0 / 3) sinh^2(theta / 6) with cosh(theta) = 1 + 27 r / (2 x0^3), written so
    # that no two near-equal numbers are subtracted (small stakes, near-equal rates)
    theta = 2.0 * math.asinh(math.sqrt(27.0 * r / (4.0 * x0**3)))
    z = 4.0 * x0 / 3.0 * math.sinh(theta / 6.0) ** 2
    return min(1.0, max(base, base + z / c))
