"""Wiring of the remedies: the oversight process and enforcement, hooked into a month.

`Remedies` is built by `PortabilityModel` after its registries and holders, and called twice
a month: `before_moves` (after the holders chose: voices sign petitions, reclamation cases
open and fall due, disputed holders facing a case request their escape) and `end_of_month`
(after the registries stepped: escapes among the completed moves, petition support and the
oversight process, erosion of strictness). The rules are in `agents.oversight` and
`agents.enforcement`; this module turns `Params` and the regime into their terms and draws
their random numbers from a stream of their own, the same number of draws every month
whatever happens, so runs that differ only in remedy or regime share every other draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.enforcement import (
    Case,
    Disputes,
    EnforcementRules,
    erode_strictness,
    escape_requests,
    mark_disputed,
    open_cases,
    reclaim,
    settle_escapes,
)
from agents.oversight import OversightAgent, OversightRules, Petitions, petition_threshold
from agents.state import NO_MOVE, Action
from model.calibration import ADDRESSES_PER_BLOCK
from model.events import EventKind
from model.params import Params
from model.regimes import REGIME_SETTINGS

if TYPE_CHECKING:
    from model.model import PortabilityModel

__all__ = ["STREAM_KEY", "Remedies", "enforcement_rules", "oversight_rules", "safeguard"]

#: spawn key of the remedies' random stream: SeedSequence(seed, spawn_key=(STREAM_KEY,)) is
#: child STREAM_KEY of the root, far from the model's own streams (0-3), which stay unchanged.
STREAM_KEY = 10


def safeguard(p: Params, name: str) -> bool:
    """A safeguard's switch ("dual_approval" or "dispute_freeze"): the run's, or the regime's."""
    value = getattr(p, name)
    if value == "regime":
        return bool(REGIME_SETTINGS[p.regime].get(name, False))
    return value == "on"


def oversight_rules(p: Params) -> OversightRules:
    """The oversight process's terms from the parameters."""
    return OversightRules(
        enabled=p.remedy != "none",
        threshold_share=p.petition_threshold_share,
        threshold_members=p.petition_threshold_members * p.scale,
        audit_lag=p.audit_lag,
        audit_standard=p.audit_standard,
        remediation_months=p.remediation_months,
        derecognition_lag=p.derecognition_lag,
        rule=p.derecognition_rule,
        support_odds=p.rir_support_odds,
        handoff_months=p.handoff_months,
        handoff_quality=p.handoff_quality,
        handoff_neutrality=p.handoff_neutrality,
        keep=p.handoff_outcome == "keep",
    )


def enforcement_rules(p: Params) -> EnforcementRules:
    """Enforcement's and the safeguards' terms from the parameters and the regime."""
    return EnforcementRules(
        enforcement_rate=p.enforcement_rate,
        reclamation_lag=p.reclamation_lag,
        disputed_value=p.disputed_value * ADDRESSES_PER_BLOCK,
        erosion=p.strictness_erosion,
        adjustment=p.effort_adjustment,
        dual_approval=safeguard(p, "dual_approval"),
        dispute_freeze=safeguard(p, "dispute_freeze"),
    )


class Remedies:
    """The oversight agent, the petitions and the disputes of one model, and its two monthly hooks."""

    def __init__(self, model: PortabilityModel, seed: int) -> None:
        """Mark the disputed holders and open an idle process for every registry."""
        self.model = model
        self.rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_KEY,)))
        p, s = model.p, model.holders
        n_registries = len(model.registries)
        self.oversight = OversightAgent(model, n_registries, oversight_rules(p))
        self.rules = enforcement_rules(p)
        self.petitions = Petitions(s.size)
        order = self.rng.permutation(s.size)
        self.disputes = Disputes.of(
            mark_disputed(s.registry, s.ipv4, p.disputed_share, order, n_registries), s.ipv4
        )
        self.refused = 0  # escape requests refused by the two memberships' vote, so far
        members = np.bincount(s.registry, minlength=n_registries)
        rules = self.oversight.rules
        for registry, needed in zip(
            model.registries,
            petition_threshold(members, rules.threshold_share, rules.threshold_members),
            strict=True,
        ):
            registry.petition_threshold = float(needed)

    def _strictness(self) -> np.ndarray:
        return np.array([r.strictness for r in self.model.registries])

    def before_moves(self) -> None:
        """Voices sign; cases open and fall due; disputed holders facing a case request their escape."""
        m, s, d = self.model, self.model.holders, self.disputes
        step = m.steps
        u_case, u_vote = self.rng.random((2, d.holders.size))
        self.petitions.sign(np.flatnonzero(m.decisions.action == Action.VOICE), s.registry, step)
        strictness = self._strictness()
        open_cases(d, s.registry, strictness, self.rules, step, u_case)
        for i in reclaim(d, s.registry, step, self.rules.dispute_freeze):
            name = m.registries[int(d.case_registry[i])].name
            m.events.add(
                step, name, EventKind.RECLAMATION, f"holder {int(d.holders[i])}: {int(d.ipv4[i])} /24s"
            )
        if d.holders.size == 0:
            return
        month = m.month
        h = d.holders
        chosen, destination, refused = escape_requests(
            d,
            registry=s.registry,
            pending=s.pending_destination != NO_MOVE,
            may_move_again=step - s.moved_at >= month.hold_period,
            one_off=s.size_factor[h, None] * m._exit_costs[s.kind[h], s.registry[h]],
            accepting=month.accepting,
            strictness=strictness,
            step=step,
            delay=month.porting_delay,
            approval_odds=month.approval_odds,
            rules=self.rules,
            u=u_vote,
        )
        self.refused += refused
        m.decisions.action[h[chosen]] = Action.MOVE
        m.decisions.destination[h[chosen]] = destination

    def end_of_month(self) -> None:
        """Escapes among this month's moves; petition support and the process; strictness erodes."""
        m, s, d = self.model, self.model.holders, self.disputes
        step = m.steps
        votes = self.rng.random(len(m.registries))
        settled = m._settled
        for i in settle_escapes(d, settled.holders, self.rules.dispute_freeze):
            origin, here = (
                m.registries[int(d.case_registry[i])].name,
                m.registries[int(s.registry[d.holders[i]])].name,
            )
            m.events.add(
                step, origin, EventKind.ESCAPE, f"holder {int(d.holders[i])}: {int(d.ipv4[i])} /24s to {here}"
            )
        signers = self.petitions.support(s.registry, step, m.p.petition_memory, self.oversight.concluded_at())
        members = np.array([r.members for r in m.registries])  # as tallied after this month's moves
        for r, kind, detail in self.oversight.step(step, m.registries, signers, members, votes):
            m.events.add(step, m.registries[r].name, EventKind(kind), detail)
        strictness = erode_strictness(
            self._strictness(),
            np.array([r.base_strictness for r in m.registries]),
            np.array([r.exit_threat for r in m.registries]),
            self.rules,
        )
        for registry, value in zip(m.registries, strictness, strict=True):
            registry.strictness = float(value)

    def shielded(self) -> float:
        """Share of the disputed IPv4 that escaped enforcement by moving."""
        return self.disputes.share(Case.ESCAPED)

    def reclaimed(self) -> float:
        """Share of the disputed IPv4 that was reclaimed."""
        return self.disputes.share(Case.RECLAIMED)
