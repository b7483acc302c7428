"""The oversight system (NRO/ICANN) and the ICP-2 draft's remedy: petition, audit, derecognition, handoff.

The ICP-2 revision (draft v2, "Recognition, Operation and Derecognition of RIRs", NRO,
28 Aug-7 Nov 2025) answers a failing registry not with holder exit but with a process
(domain.md §D2): members petition; at 25% of members or 2,000 members the petition
triggers a review and an ad-hoc audit (§2.3(b)(i)(B), §2.4(b)); a registry that fails its
ongoing obligations (§4.1) may be derecognised with the RIRs' support (§2.3); continuity
procedures let another entity run its records temporarily (§4.1(l)) and a handoff follows
derecognition (§5.3). This module writes that process as rules:

1. **Petition** (`Petitions`): a member that voices (complains, `Action.VOICE`) signs a
   petition against its registry; a signature counts for `petition_memory` months, only
   while the signer is still a member there, and only if given after the registry's last
   process concluded. Support is counted over current members each month, so a member who
   leaves takes its signature with it: exit can weaken voice (Hirschman 1970) without any
   rule saying so.
2. **Process** (`OversightAgent.step`, one `Process` per registry): support at or above the
   threshold (`petition_threshold`) opens it; after `audit_lag` months the audit finds the
   registry meets its obligations (`meets_obligations`) or not; a failing registry gets
   `remediation_months` to cure; then derecognition is proposed and decided after
   `derecognition_lag` months by the other registries (each supports with `support_odds`;
   `rule` "unanimous" or "majority"); a derecognised registry is handed to a continuity
   operator that runs its records at a stated quality and neutrality for `handoff_months`,
   then returns them to a rebuilt registry (or keeps them). A passed audit, a cure, a
   rejected derecognition or a returned handoff concludes the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from agents.state import RegistryStatus

if TYPE_CHECKING:
    from mesa import Model

    from agents.registry import RegistryAgent

__all__ = [
    "OversightAgent",
    "OversightRules",
    "Petitions",
    "Process",
    "Stage",
    "derecognition_passes",
    "meets_obligations",
    "petition_threshold",
]

NEVER = -(10**9)  # signed_at of a holder that never signed


class Stage(StrEnum):
    """Where a registry stands in the oversight process (the frames keep the strings)."""

    NONE = "none"  # no process under way
    PETITIONED = "petitioned"  # the petition reached its threshold: review and ad-hoc audit
    REMEDIATION = "remediation"  # the audit found it failing; it has time to cure
    DECISION = "decision"  # derecognition proposed; the other registries decide
    HANDED_OFF = "handed_off"  # a continuity operator runs the records


@dataclass(frozen=True)
class OversightRules:
    """The process's terms, from `Params` (see its fields of the same names)."""

    enabled: bool  # remedy != "none": without it support is still counted, nothing follows
    petition_memory: int  # months a signature counts
    threshold_share: float
    threshold_members: float  # already times `scale`
    audit_lag: int
    audit_standard: float
    remediation_months: int
    derecognition_lag: int
    rule: str  # "unanimous" | "majority"
    support_odds: float
    handoff_months: int
    handoff_quality: float
    handoff_neutrality: float
    keep: bool  # the operator keeps the records after the handoff period


def petition_threshold(members: np.ndarray, share: float, count: float) -> np.ndarray:
    """Share of members a petition needs: `share` of members, or `count` members if fewer.

    The draft's trigger is "25% of members or 2,000 members", whichever is reached first;
    a registry without members needs more than all of them (1.0 is never reached by 0 signers).
    """
    members = np.asarray(members, dtype=float)
    by_count = np.divide(count, members, out=np.full(members.shape, np.inf), where=members > 0)
    return np.where(members > 0, np.minimum(np.minimum(share, by_count), 1.0), 1.0)


def meets_obligations(registry: RegistryAgent, standard: float) -> bool:
    """An audit's finding: operating, with quality and neutrality at least `standard`.

    Neutrality as its worst-treated members get it: an audit finds a registry singling out
    a member group (targeted capture) however well it serves the rest.
    """
    return (
        registry.status == RegistryStatus.OPERATING
        and registry.quality >= standard
        and registry.neutrality - registry.harm >= standard
    )


def derecognition_passes(supports: int, voters: int, rule: str) -> bool:
    """Whether the other registries' support derecognises: all of them, or more than half."""
    if voters == 0:
        return False
    return supports == voters if rule == "unanimous" else 2 * supports > voters


class Petitions:
    """Who has signed a petition against which registry, and when (one entry per holder)."""

    def __init__(self, n_holders: int) -> None:
        """Nobody has signed."""
        self.registry = np.full(n_holders, -1, dtype=np.int64)
        self.signed_at = np.full(n_holders, NEVER, dtype=np.int64)

    def _cover(self, n_holders: int) -> None:
        """Room for the holders who joined since (entry): they have not signed."""
        extra = n_holders - self.registry.size
        if extra > 0:
            self.registry = np.concatenate([self.registry, np.full(extra, -1, dtype=np.int64)])
            self.signed_at = np.concatenate([self.signed_at, np.full(extra, NEVER, dtype=np.int64)])

    def sign(self, voicers: np.ndarray, registry: np.ndarray, step: int) -> None:
        """The holders who voiced this month sign against their current registry."""
        self._cover(registry.size)
        self.registry[voicers] = registry[voicers]
        self.signed_at[voicers] = step

    def support(self, registry: np.ndarray, step: int, memory: int, concluded_at: np.ndarray) -> np.ndarray:
        """Live signatures per registry, counted over its current members.

        A signature is live when the signer is still a member of the registry it signed
        against, it is less than `memory` months old, and it was given after that
        registry's last process concluded (`concluded_at`, per registry).
        """
        self._cover(registry.size)
        recent = np.flatnonzero(step - self.signed_at < memory)  # few: look at them only
        here = registry[recent]
        live = (self.registry[recent] == here) & (self.signed_at[recent] > concluded_at[here])
        return np.bincount(here[live], minlength=concluded_at.size)


@dataclass
class Process:
    """One registry's place in the process: its stage, when the next stage is due, its last end."""

    stage: Stage = Stage.NONE
    due: int | None = None
    concluded_at: int = NEVER


class OversightAgent(Agent):
    """The NRO/ICANN oversight system: counts petitions and runs the ICP-2 draft's process."""

    def __init__(
        self, model: Model, registries: list[RegistryAgent], n_holders: int, rules: OversightRules
    ) -> None:
        """One idle process per registry; nobody has signed; each registry told what a petition needs."""
        super().__init__(model)
        self.rules = rules
        self.processes = [Process() for _ in registries]
        self.petitions = Petitions(n_holders)
        members = np.array([r.members for r in registries])
        needed = petition_threshold(members, rules.threshold_share, rules.threshold_members)
        for registry, threshold in zip(registries, needed, strict=True):
            registry.note_petition(0.0, float(threshold), Stage.NONE.value)

    def adopt(self, rules: OversightRules) -> None:
        """A remedy put in force (or out of it) by a dated change: the process runs by these rules."""
        self.rules = rules

    def concluded_at(self) -> np.ndarray:
        """Per registry, the month its last process concluded (signatures before it lapse)."""
        return np.array([p.concluded_at for p in self.processes], dtype=np.int64)

    def step(
        self, step: int, registries: list[RegistryAgent], holder_registry: np.ndarray, votes: np.ndarray
    ) -> list[tuple[int, str, str]]:
        """Count petition support, then advance each registry's process; returns events.

        `holder_registry`: every holder's registry after this month's moves; `votes`: (R,)
        uniforms; registry v supports a derecognition decided this month when votes[v] <
        `support_odds`. Events are (registry index, kind, detail).
        """
        signers = self.petitions.support(
            holder_registry, step, self.rules.petition_memory, self.concluded_at()
        )
        return self.advance(step, registries, signers, votes)

    def advance(
        self, step: int, registries: list[RegistryAgent], signers: np.ndarray, votes: np.ndarray
    ) -> list[tuple[int, str, str]]:
        """Each registry's process, given its live signatures this month (`signers`, per registry)."""
        rules = self.rules
        members = np.array([r.members for r in registries])  # as tallied after this month's moves
        share = np.divide(signers, members, out=np.zeros(len(registries)), where=members > 0)
        needed = petition_threshold(members, rules.threshold_share, rules.threshold_members)
        events: list[tuple[int, str, str]] = []
        for r, (registry, process) in enumerate(zip(registries, self.processes, strict=True)):
            support, threshold = float(share[r]), float(needed[r])
            if rules.enabled and not registry.closed:
                advanced = self._advance(r, step, registries, process, votes, support, threshold)
                events += [(r, k, d) for k, d in advanced]
            registry.note_petition(support, threshold, process.stage.value)
        return events

    def _advance(
        self,
        r: int,
        step: int,
        registries: list[RegistryAgent],
        process: Process,
        votes: np.ndarray,
        support: float,
        threshold: float,
    ) -> list[tuple[str, str]]:
        registry = registries[r]
        events: list[tuple[str, str]] = []
        crossed = registry.members > 0 and support >= threshold
        if process.stage == Stage.NONE and crossed:
            process.stage, process.due = Stage.PETITIONED, step + self.rules.audit_lag
            signed = f"{support:.0%} of {registry.members} members signed"
            events.append(("petition", f"{signed} (threshold {threshold:.0%})"))
        while process.due is not None and process.due <= step:
            events += self._next_stage(r, step, registries, process, votes)
        return events

    def _next_stage(
        self, r: int, step: int, registries: list[RegistryAgent], process: Process, votes: np.ndarray
    ) -> list[tuple[str, str]]:
        """The stage that falls due now: audit finding, end of remediation, decision, handoff end."""
        rules, registry = self.rules, registries[r]
        if process.stage in (Stage.PETITIONED, Stage.REMEDIATION):
            finding = (
                f"status {registry.status.value}, quality {registry.quality:.2f}, "
                f"neutrality {registry.neutrality:.2f}"
            )
            if meets_obligations(registry, rules.audit_standard):
                word = "passed" if process.stage == Stage.PETITIONED else "cured"
                self._conclude(process, step)
                return [("audit", f"{word}: {finding}")]
            if process.stage == Stage.PETITIONED:
                process.stage, process.due = Stage.REMEDIATION, step + rules.remediation_months
                return [("audit", f"failed: {finding}; {rules.remediation_months} months to cure")]
            process.stage, process.due = Stage.DECISION, step + rules.derecognition_lag
            return [("derecognition", f"proposed: not cured ({finding})")]
        if process.stage == Stage.DECISION:
            voters = [
                v
                for v, other in enumerate(registries)
                if v != r and other.status not in (RegistryStatus.CLOSED, RegistryStatus.HANDED_OFF)
            ]
            supports = sum(1 for v in voters if votes[v] < rules.support_odds)
            tally = f"{supports} of {len(voters)} registries support, rule {rules.rule}"
            if not derecognition_passes(supports, len(voters), rules.rule):
                self._conclude(process, step)
                return [("derecognition", f"rejected: {tally}")]
            registry.hand_off(rules.handoff_quality, rules.handoff_neutrality)
            process.stage = Stage.HANDED_OFF
            process.due = None if rules.keep else step + rules.handoff_months
            term = "for good" if rules.keep else f"for {rules.handoff_months} months"
            return [("derecognition", f"derecognised: {tally}"), ("handoff", f"continuity operator {term}")]
        # HANDED_OFF falls due: the records return to a rebuilt registry, under new management
        registry.take_back()
        self._conclude(process, step)
        return [("handoff_end", "records returned to a rebuilt registry")]

    @staticmethod
    def _conclude(process: Process, step: int) -> None:
        process.stage, process.due, process.concluded_at = Stage.NONE, None, step
