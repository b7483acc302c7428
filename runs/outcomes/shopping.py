"""Outcomes of venue shopping (scenarios venue_shopping / _safeguards), at the run's end.

- `shielded`, `reclaimed`: shares of all disputed IPv4 shielded by moving (escaped) and reclaimed;
- `strict_shielded`, `strict_reclaimed`: the same for the space disputed at the strict registry
  (AFRINIC in the scenarios: the registry with the highest initial strictness);
- `others_strictness`: the mean strictness of the other registries;
- `vetoed`: requests refused by the two memberships' vote (dual approval).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Shopping"]


class Shopping:
    """Disputed space: who escaped by moving, who was reclaimed (see above)."""

    def __init__(self, model: Any) -> None:
        """The strict registry: the strictest at the start."""
        strictness = [r.strictness for r in model.registries]
        self.strict = int(np.argmax(strictness))

    def month(self, model: Any) -> None:
        """Nothing to observe month by month."""

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        from agents.enforcement import Case

        disputes = model.enforcement.disputes
        mine = model.holders.home[disputes.holders] == self.strict
        total = disputes.ipv4[mine].sum()
        frame = model.model_frame()

        def share(case: Any) -> float:
            return float(disputes.ipv4[mine & (disputes.case == case)].sum() / total) if total else 0.0

        others = [r.strictness for i, r in enumerate(model.registries) if i != self.strict]
        return {
            "shielded": float(frame.disputed_ipv4_shielded.iloc[-1]),
            "reclaimed": float(frame.disputed_ipv4_reclaimed.iloc[-1]),
            "strict_shielded": share(Case.ESCAPED),
            "strict_reclaimed": share(Case.RECLAIMED),
            "others_strictness": float(np.mean(others)),
            "vetoed": float(model.enforcement.refused),
        }
