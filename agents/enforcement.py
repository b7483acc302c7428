"""Enforcement of disputed space, venue shopping, and the safeguards proposed against it.

Registries enforce their rules (needs checks, reclamation of misappropriated space, court
orders) with a `strictness` in [0, 1]. A few holders hold disputed space (AFRINIC's 6.2M
IPv4 disputed with Cloud Innovation, 5.4% of its space; the 4.1M insider case; Micfo's
757,760 at ARIN; domain.md §C). Each month, batched over the disputed holders:

1. **Cases open** (`open_cases`): a registry opens a reclamation case against a disputed
   member with chance strictness x `enforcement_rate`; the space is reclaimed
   `reclamation_lag` months later (`reclaim`) if the holder is still there.
2. **Venue shopping** (`escape_requests`): a holder facing an open case gains by moving to
   a laxer registry before the reclamation, if the regime lets it: the space's value times
   the chance that the move completes in time and shields it, less the one-off cost of the
   move. A registry that receives it does not pursue the origin's case (ARIN did not pursue
   Micfo space already sold out of region); a move completed while a case is open is an
   **escape** (`settle_escapes`), and the space is shielded.
3. **Safeguards** (Afrihost on icp2-review, 31 Oct 2025; domain.md §D2): *dual approval*:
   the members of both registries vote on a move of space under an open case, each
   approving with chance 1 - its registry's strictness; *a process of at least a year*: the
   regime's porting delay (a move due after the reclamation shields nothing); *no permanent
   transfer while a dispute is open*: the case follows the holder, so moving shields nothing.
4. **Erosion** (`erode_strictness`): a registry that fears losing members relaxes
   enforcement: strictness moves toward its own level x max(0, 1 - erosion x threat), where
   threat is the credible threat of exit it weighs when it chooses effort (zero under
   lock-in). The critics' mechanism, as a parameter (`strictness_erosion`, 0 switches it off).

Reclamation ends the dispute and is counted; the blocks stay in the holder's row, so
holdings stay conserved and fees unchanged (the model does not re-issue space).

Not every claim is just: a share `disputed_in_right` of the disputed holders are in the
right (the claim against them is abusive), and a registry singling out a member group
(targeted capture, `GovernanceEvent.targets`) presses a claim against every member of the
group, at full strictness, while it targets them (`pressed`): reclaiming space from a
holder in the right is unfair treatment, and its escape is relief, not shopping.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from agents.state import NO_MOVE, HolderState, Month

__all__ = [
    "Case",
    "Disputes",
    "Enforcement",
    "EnforcementRules",
    "erode_strictness",
    "escape_requests",
    "mark_disputed",
    "mark_group",
    "open_cases",
    "reclaim",
    "settle_escapes",
    "shield_chance",
]


class Case(IntEnum):
    """Where a disputed holder's case stands."""

    NONE = 0  # disputed, no case opened (yet)
    OPEN = 1  # the registry has opened a reclamation case
    RECLAIMED = 2  # the space was reclaimed
    ESCAPED = 3  # the holder moved away while the case was open: the space is shielded


@dataclass(frozen=True)
class EnforcementRules:
    """The terms of enforcement and of the safeguards, from `Params` and the regime."""

    enforcement_rate: float
    reclamation_lag: int
    disputed_value: float  # USD per /24 block (value per address x 256)
    dual_approval: bool
    dispute_freeze: bool


@dataclass
class Disputes:
    """The disputed holders and their cases (one entry per disputed holder)."""

    holders: np.ndarray  # holder ids
    ipv4: np.ndarray  # disputed /24 blocks (the holder's space at the start)
    case: np.ndarray  # Case
    due: np.ndarray  # month the reclamation is due (meaningful while OPEN)
    case_registry: np.ndarray  # registry that opened the case
    vetoed: np.ndarray  # bool: the memberships' vote refused the holder's move (final for the case)
    in_right: np.ndarray  # bool: the claim against the holder is abusive

    @classmethod
    def of(cls, holders: np.ndarray, ipv4: np.ndarray, in_right: np.ndarray | None = None) -> Disputes:
        """Disputes over these holders' space, no case open (all in the wrong unless `in_right`)."""
        n = holders.size
        return cls(
            holders=holders,
            ipv4=ipv4[holders].astype(np.int64),
            case=np.full(n, Case.NONE, dtype=np.int64),
            due=np.zeros(n, dtype=np.int64),
            case_registry=np.full(n, -1, dtype=np.int64),
            vetoed=np.zeros(n, dtype=bool),
            in_right=np.zeros(n, dtype=bool) if in_right is None else np.asarray(in_right, dtype=bool),
        )

    def share(self, case: Case) -> float:
        """Share of the disputed IPv4 whose case stands at `case` (0 with no disputed space)."""
        total = self.ipv4.sum()
        return float(self.ipv4[self.case == case].sum() / total) if total > 0 else 0.0


def mark_disputed(
    registry: np.ndarray, ipv4: np.ndarray, share: float, order: np.ndarray, n_registries: int
) -> np.ndarray:
    """Holder ids whose space is disputed: at each registry, holders in `order` until `share` of its IPv4.

    `order`: a random permutation of all holders (one draw, whatever the share). At each
    registry the holders are taken in that order until their IPv4 reaches `share` of the
    registry's; the one that crosses it is included, so `share` > 0 marks at least one.
    """
    if share <= 0.0:
        return np.zeros(0, dtype=np.int64)
    chosen = [mark_group(registry, ipv4, share, order, r) for r in range(n_registries)]
    return np.sort(np.concatenate(chosen))


def mark_group(registry: np.ndarray, ipv4: np.ndarray, share: float, order: np.ndarray, r: int) -> np.ndarray:
    """Members of registry r taken in `order` until their IPv4 reaches `share` of r's (ids, in order).

    The member that crosses the share is included, so a positive share marks at least one.
    """
    mine = order[registry[order] == r]
    if mine.size == 0 or share <= 0.0:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(ipv4[mine]) - ipv4[mine]  # IPv4 taken before each holder
    return mine[before < share * ipv4[mine].sum()]


def open_cases(
    d: Disputes,
    registry: np.ndarray,
    strictness: np.ndarray,
    rules: EnforcementRules,
    step: int,
    u: np.ndarray,
    pressed: np.ndarray | None = None,
) -> np.ndarray:
    """Open cases where u < strictness x enforcement_rate; returns the indices (into `d`) opened.

    `pressed`: (len(d),) bool, claims a registry singling out their holders presses at full
    strictness.
    """
    here = registry[d.holders]
    strict = strictness[here] if pressed is None else np.where(pressed, 1.0, strictness[here])
    opened = np.flatnonzero((d.case == Case.NONE) & (u < strict * rules.enforcement_rate))
    d.case[opened] = Case.OPEN
    d.due[opened] = step + rules.reclamation_lag
    d.case_registry[opened] = here[opened]
    return opened


def reclaim(d: Disputes, registry: np.ndarray, step: int, freeze: bool) -> np.ndarray:
    """Reclaim open cases that fall due where the registry can still enforce them; returns indices.

    The case's registry enforces it while the holder is still its member; with the dispute
    freeze the case follows the holder wherever it went.
    """
    due = (d.case == Case.OPEN) & (d.due <= step)
    enforceable = due & ((registry[d.holders] == d.case_registry) | freeze)
    done = np.flatnonzero(enforceable)
    d.case[done] = Case.RECLAIMED
    return done


def shield_chance(
    months_left: np.ndarray,
    delay: float,
    approval_odds: float,
    s_origin: np.ndarray,
    s_destination: np.ndarray,
    rules: EnforcementRules,
) -> np.ndarray:
    """Chance a move requested now shields the space: approved, in time, and not frozen.

    In time: the move falls due (after the regime's delay, rounded to months) before the
    reclamation does (reclamation is settled before moves in a month). Dual approval: each
    membership approves with chance 1 - its registry's strictness.
    """
    if rules.dispute_freeze:
        return np.zeros(np.shape(months_left))
    in_time = round(delay) < months_left
    votes = (1.0 - s_origin) * (1.0 - s_destination) if rules.dual_approval else 1.0
    return in_time * approval_odds * votes


def escape_requests(
    d: Disputes,
    *,
    registry: np.ndarray,
    pending: np.ndarray,
    may_move_again: np.ndarray,
    one_off: np.ndarray,
    accepting: np.ndarray,
    strictness: np.ndarray,
    step: int,
    delay: float,
    approval_odds: float,
    rules: EnforcementRules,
    u: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Disputed holders facing a case that request a move to the laxest registry that takes them.

    `one_off`: (n_disputed, R) one-off cost of moving each disputed holder to each registry,
    USD (+inf where the regime forbids it, and for its own registry). A holder with an open
    case, no move pending, past its hold period and still at the case's registry looks at the
    laxest other registry it may move to (any other one would drop the case; the laxest is
    least likely to open its own); it requests the move when the space's value x
    `shield_chance` exceeds the cost. Under dual approval the two memberships vote now
    (u < approval); a refusal is final for the case. Returns (indices into `d`,
    destinations, requests refused by the vote).
    """
    h = d.holders
    here = registry[h]
    facing = (d.case == Case.OPEN) & ~d.vetoed & ~pending[h] & may_move_again[h] & (here == d.case_registry)
    laxer = np.where(np.isfinite(one_off) & accepting[None, :], strictness[None, :], np.inf)
    destination = np.argmin(laxer, axis=1)
    possible = facing & np.isfinite(laxer[np.arange(h.size), destination])
    chance = shield_chance(
        d.due - step, delay, approval_odds, strictness[here], strictness[destination], rules
    )
    cost = np.where(possible, one_off[np.arange(h.size), destination], np.inf)
    wants = possible & (rules.disputed_value * d.ipv4 * chance > cost)
    if rules.dual_approval:
        approved = u < (1.0 - strictness[here]) * (1.0 - strictness[destination])
        refused = int(np.count_nonzero(wants & ~approved))
        d.vetoed |= wants & ~approved
        wants &= approved
    else:
        refused = 0
    chosen = np.flatnonzero(wants)
    return chosen, destination[chosen], refused


def settle_escapes(d: Disputes, moved: np.ndarray, freeze: bool) -> np.ndarray:
    """Disputed holders among `moved` (holder ids) whose open case they left behind; returns indices.

    Without the freeze the destination does not pursue the origin's case: the space is
    shielded. With it the case stays open and follows the holder.
    """
    if freeze or moved.size == 0 or d.holders.size == 0:
        return np.zeros(0, dtype=np.int64)
    gone = np.flatnonzero((d.case == Case.OPEN) & np.isin(d.holders, moved))
    d.case[gone] = Case.ESCAPED
    return gone


def erode_strictness(
    strictness: float, base: float, threat: float, erosion: float, adjustment: float
) -> float:
    """Next month's strictness: toward base x max(0, 1 - erosion x threat), at `adjustment` a month."""
    target = base * max(0.0, 1.0 - erosion * threat)
    return strictness + adjustment * (target - strictness)


class Enforcement:
    """The disputes of one run, their rules, and the month's steps of enforcement over them."""

    def __init__(self, disputes: Disputes, rules: EnforcementRules) -> None:
        """Disputes over these holders' space, none of them under a case yet."""
        self.disputes = disputes
        self.rules = rules
        self.refused = 0  # escape requests refused by the two memberships' vote, so far

    def cases(
        self,
        registry: np.ndarray,
        strictness: np.ndarray,
        step: int,
        u: np.ndarray,
        pressed: np.ndarray | None = None,
    ) -> np.ndarray:
        """Cases open (`open_cases`), then those due are reclaimed; returns the reclaimed (indices)."""
        open_cases(self.disputes, registry, strictness, self.rules, step, u, pressed)
        return reclaim(self.disputes, registry, step, self.rules.dispute_freeze)

    def escapes(
        self, s: HolderState, m: Month, costs: np.ndarray, strictness: np.ndarray, u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Holder ids that request an escape this month, and where to (`escape_requests`).

        Their request replaces whatever they decided (`Decisions.request`). `costs`: the
        regime's one-off cost table (`agents.holder.exit_cost_table`).
        """
        d = self.disputes
        if d.holders.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        h = d.holders
        chosen, destination, refused = escape_requests(
            d,
            registry=s.registry,
            pending=s.pending_destination != NO_MOVE,
            may_move_again=m.step - s.moved_at >= m.hold_period,
            one_off=s.size_factor[h, None] * costs[s.kind[h], s.registry[h]],
            accepting=m.accepting,
            strictness=strictness,
            step=m.step,
            delay=m.porting_delay,
            approval_odds=m.approval_odds,
            rules=self.rules,
            u=u,
        )
        self.refused += refused
        return h[chosen], destination

    def settle(self, moved: np.ndarray) -> np.ndarray:
        """Escapes among the holders that moved this month (`settle_escapes`); returns indices."""
        return settle_escapes(self.disputes, moved, self.rules.dispute_freeze)

    def shielded(self) -> float:
        """Share of the disputed IPv4 that escaped enforcement by moving."""
        return self.disputes.share(Case.ESCAPED)

    def reclaimed(self) -> float:
        """Share of the disputed IPv4 that was reclaimed."""
        return self.disputes.share(Case.RECLAIMED)

    def reclaimed_unfairly(self) -> float:
        """Share of the disputed IPv4 reclaimed from holders in the right."""
        d = self.disputes
        total = d.ipv4.sum()
        return float(d.ipv4[(d.case == Case.RECLAIMED) & d.in_right].sum() / total) if total > 0 else 0.0
