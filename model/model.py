"""PortabilityModel: builds registries, holders and regime; schedules one month per `step()`.

The schedule is docs/ODD.md §3, one call per submodel; the rules themselves are in `agents/`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.discrete_space import Network

from agents.enforcement import Disputes, Enforcement, mark_disputed
from agents.holder import NetworkAgent, exit_cost_table, learn_and_decide
from agents.migration import REASONS, classify_reasons, exit_reasons, request_moves, settle_moves, who_reviews
from agents.oversight import OversightAgent
from agents.registry import RegistryAgent
from agents.state import FORBIDDEN, Action, Decisions, Draw, HolderState, Month
from agents.tally import tally_registries
from agents.threat import credible_threat_all, public_view
from model.calibration import Calibration, load_calibration
from model.checks import check_months, check_registries, check_seed
from model.entry import Entering
from model.errors import ConfigError
from model.events import EventKind, EventLog, GovernanceCalendar, MonthDraws, SurgeWatch
from model.frames import Frames
from model.incidence import Incidence
from model.params import Params
from model.policies import Policies
from model.policy_changes import PolicyChanges
from model.population import build_population, holder_state, peering_edges
from model.reporters import MODEL_REPORTERS, REGISTRY_REPORTERS, holder_utility
from model.scenarios import DEFAULT_MONTHS, load_scenario, scenario_info
from model.space import PeeringSpace, collector_paused
from model.streams import random_streams
from model.targeting import targets
from model.terms import (
    enforcement_rules,
    member_priors,
    month_terms,
    oversight_rules,
    registry_rules,
    registry_start,
)
from model.timeline import Schedule
from model.trading import Trading
from model.transfer_policy import load_transfer_policies

__all__ = ["ENGINES", "PortabilityModel"]

ENGINES = ("kernel", "agents")


class PortabilityModel(Entering, PolicyChanges, Trading, Frames, PeeringSpace, Model):
    """The portability model. Build it from `Params` and/or flat keyword overrides.

    Args:
        params: the parameters (default: `Params()`); keyword overrides are applied on top.
        seed: root seed (an int, or a string holding one, as a UI sends it). Population,
            peering graph, governance events and dynamics each draw from their own stream of
            it, so equal seeds give equal populations, graphs and events under every regime.
        engine: "kernel" (batched, the default) or "agents" (the per-agent rule, one by one).
        calibration: registries and market facts (default: the packaged calibration).
        **kwargs: any `Params` field, e.g. ``regime="mandatory"``.

    Where the agents are: `model.agents` holds every agent, as in any Mesa model: the
    registries (`model.registries`), the oversight body (`model.oversight`) and a
    `NetworkAgent` per holder on the Mesa `model.grid`. The holders' state lives in arrays
    (`model.holders`; `model.holder_frame()` is one row per holder), which the batched engine
    reads directly; their agents and the grid are made the first time either is read, so a
    run that never asks pays nothing for ~100,000 objects.
    """

    def __init__(
        self,
        params: Params | None = None,
        *,
        seed: int | str | None = None,
        engine: str = "kernel",
        calibration: Calibration | None = None,
        **kwargs: Any,
    ) -> None:
        """Validate everything first, then build the registries, holders and graph."""
        if params is not None and not isinstance(params, Params):
            raise ConfigError(f"params must be a Params (or None); got {type(params).__name__}")
        self.p = (params or Params()).with_overrides(**kwargs)
        if engine not in ENGINES:
            raise ConfigError(f"engine must be one of {ENGINES}; got {engine!r}")
        seed = check_seed(seed)
        self.calibration = calibration or load_calibration()
        names = self.calibration.names
        self.schedule = Schedule(self.p, names)  # the timeline's and the run's dated changes
        check_registries(self.p, names, self.schedule.events)
        super().__init__(rng=seed)
        self.seed = seed
        self.engine = engine
        self.months = DEFAULT_MONTHS  # the run's natural length (`run_model`); a scenario sets its own
        self.streams = random_streams(seed)
        self.calendar = GovernanceCalendar(names, self.p, self.schedule.events, self.streams["events"])
        self.transfer_policy = load_transfer_policies(names)
        self.policies = Policies.at_start(
            self.p, self.calibration, self.transfer_policy, self.schedule.due(0)
        )
        with collector_paused():
            self._build_holders()
            self._build_registries()
        self.price = self.p.initial_price  # the market's posted price, USD per address
        n_registries = len(names)
        self.flow_sales = np.zeros((n_registries, n_registries), dtype=np.int64)  # /24s sold so far
        self.flow_members = np.zeros((n_registries, n_registries), dtype=np.int64)  # moves so far
        self.flow_ipv4 = np.zeros((n_registries, n_registries), dtype=np.int64)  # /24s moved so far
        self.market = dict.fromkeys(("transferred", "inter_rir_sales", "pool_allocated", "entrants"), 0)
        self.market["price"] = self.price
        self.priors = member_priors(self.p, self.regime)
        self.events = EventLog()
        self.tally = {"moves": 0, "moved_ipv4": 0, "voices": 0, "requests": 0, "queued": 0}
        self.reasons = dict.fromkeys(("quality", "taste", "fees"), 0)
        self.surges = SurgeWatch(self.p.surge_factor, self.p.surge_min_share)
        self._draws = MonthDraws()
        self.decisions = Decisions.empty(self.holders.size)
        self.settled = None
        self.month = self._new_month(0, review=np.zeros(self.holders.size, dtype=bool))
        self.exit_costs = exit_cost_table(self.month)  # the regime's cost table (new when it changes)
        self.public = np.stack([self.month.quality, self.month.neutrality], axis=1)  # registries' public view
        self._costs_stale = False
        self._build_remedies()
        self.datacollector = DataCollector(
            model_reporters=MODEL_REPORTERS,
            agenttype_reporters={RegistryAgent: REGISTRY_REPORTERS},
        )
        for registry, tally in zip(self.registries, self._tallies(), strict=True):
            registry.record(tally)
        self.incidence = Incidence([r.name for r in self.registries])
        self._collect()

    @classmethod
    def from_scenario(
        cls,
        name: str,
        *,
        seed: int | str | None = None,
        engine: str = "kernel",
        calibration: Calibration | None = None,
        **overrides: Any,
    ) -> PortabilityModel:
        """Build the named scenario (see `list_scenarios()`), with parameter overrides on top."""
        model = cls(
            load_scenario(name).with_overrides(**overrides), seed=seed, engine=engine, calibration=calibration
        )
        model.months = scenario_info(name).months
        return model

    def run_model(self, steps: int | None = None) -> None:
        """Run `steps` months (default: the scenario's natural length, else 240), at most `MAX_MONTHS`."""
        for _ in range(check_months(self.months if steps is None else steps)):
            self.step()

    # --- building ------------------------------------------------------------------------
    def _build_holders(self) -> None:
        population = build_population(self.calibration.registries, self.p, self.streams["population"])
        self._edges = peering_edges(population.home, population.ipv4, self.p, self.streams["graph"])
        self.holders: HolderState = holder_state(
            population, self._edges, self.calibration, self.p, self.policies.holdings, self.regime.friction
        )
        self.total_ipv4 = int(self.holders.ipv4.sum())
        self._grid: Network | None = None
        if self.engine == "agents":
            self._place_holders()

    def _build_registries(self) -> None:
        s = self.holders
        members = np.bincount(s.registry, minlength=len(self.calibration.registries))
        yearly = np.bincount(s.registry, weights=s.paid_usd, minlength=members.size)
        rules, specs = registry_rules(self.p), self.calibration.registries
        self.registries: list[RegistryAgent] = [
            RegistryAgent(
                self,
                r,
                registry_start(
                    spec,
                    self.p,
                    (self.policies.pool_max[r], self.policies.member_pool_max[r]),
                    self.policies.holdings.schedules[r],
                ),
                rules,
                revenue=float(yearly[r]),
                members=int(members[r]),
            )
            for r, spec in enumerate(specs)
        ]

    def _build_remedies(self) -> None:
        """The oversight body (petitions, the ICP-2 process) and the disputes enforcement may pursue."""
        s, p = self.holders, self.p
        self.oversight = OversightAgent(
            self, self.registries, s.size, oversight_rules(p, self.policies.remedy)
        )
        order = self.streams["remedies"].permutation(s.size)
        disputed = mark_disputed(s.registry, s.ipv4, p.disputed_share, order, len(self.registries))
        names = [r.name for r in self.registries]
        rng = self.streams["targeting"]
        groups = targets(s.registry, s.ipv4, disputed, self.schedule.events, names, p, rng)
        s.targeted[:] = groups.targeted
        self.enforcement = Enforcement(
            Disputes.of(groups.disputed, s.ipv4, groups.in_right), enforcement_rules(p, self.regime)
        )

    # --- one month: the ODD §3 schedule, one call per submodel ------------------------------
    def step(self) -> None:
        """Advance the model by one month."""
        self._enter()
        self._begin_month()
        self._holders_choose()
        self._enforce()
        self._migrate()
        self._trade()
        self._registries_step()
        self._oversee()
        self._collect()

    def _collect(self) -> None:
        """The month's rows: the frames (`model.reporters`) and who gains and pays (`model.incidence`)."""
        s = self.holders
        self.utility = holder_utility(self)
        self.datacollector.collect(self)
        multiplier = np.array([r.books.fee_multiplier for r in self.registries])
        self.incidence.collect(s.registry, s.ipv4, s.paid_usd * multiplier[s.registry], self.utility)

    def _begin_month(self) -> None:
        """Governance events fire; reviewers are drawn (all members of a registry whose status changed)."""
        self._change_policies(self.schedule.due(self.steps))
        before = [r.status for r in self.registries]
        self.calendar.fire(self.steps, self.registries, self.events)
        changed = np.array([r.status != b for r, b in zip(self.registries, before, strict=True)])
        s = self.holders
        draws = self.streams["dynamics"].random(out=self._draws.rows(s.size))
        review = who_reviews(draws[Draw.REVIEW], self.p.review_rate, changed, s.registry)
        self.month = self._new_month(self.steps, review=review, draws=draws)
        if self._costs_stale:  # a new regime: new allowed moves and costs
            self.exit_costs, self._costs_stale = exit_cost_table(self.month), False

    def _new_month(self, step: int, *, review: np.ndarray, draws: np.ndarray | None = None) -> Month:
        n_registries = len(self.registries)
        if draws is None:  # the month before the first: nothing is observed, nobody reviews
            draws = np.full((len(Draw), self.holders.size), 0.5)
            benchmark = np.full((2, n_registries), 0.5)
        else:
            benchmark = self.streams["dynamics"].random((2, n_registries))
        return month_terms(
            self.p,
            self.regime,
            self.transfer_policy,
            step,
            quality=np.array([r.quality for r in self.registries]),
            neutrality=np.array([r.neutrality for r in self.registries]),
            fee_multiplier=np.array([r.books.fee_multiplier for r in self.registries]),
            accepting=np.array([r.accepting for r in self.registries]),
            harm=np.array([r.harm for r in self.registries]),
            denial=np.array([r.denial for r in self.registries]),
            review=review,
            draws=draws,
            benchmark_draws=benchmark,
        )

    def _holders_choose(self) -> None:
        """Beliefs, then stay / voice / move (`agents.holder`): compiled, or agent by agent."""
        if self.engine == "kernel":
            self.decisions = learn_and_decide(self.holders, self.month, self.exit_costs)
        else:
            self.decisions = Decisions.empty(self.holders.size)
            self.agents_by_type[NetworkAgent].do("step")

    def _enforce(self) -> None:
        """Voices sign petitions; cases open and are reclaimed; disputed holders may request escapes."""
        s, step = self.holders, self.steps
        u_case, u_vote = self.streams["remedies"].random((2, self.enforcement.disputes.holders.size))
        voicers = np.flatnonzero(self.decisions.action == Action.VOICE)
        self.oversight.petitions.sign(voicers, s.registry, step)
        strictness = np.array([r.strictness for r in self.registries])
        d = self.enforcement.disputes
        harm = np.array([r.harm for r in self.registries])
        pressed = s.targeted[d.holders] & (harm[s.registry[d.holders]] > 0.0)
        for i in self.enforcement.cases(s.registry, strictness, step, u_case, pressed):
            name = self.registries[int(d.case_registry[i])].name
            detail = f"holder {int(d.holders[i])}: {int(d.ipv4[i])} /24s"
            self.events.add(step, name, EventKind.RECLAMATION, detail)
        self.decisions.request(*self.enforcement.escapes(s, self.month, self.exit_costs, strictness, u_vote))

    def _migrate(self) -> None:
        """Queue the month's move requests; registries release what their capacity allows."""
        s, month = self.holders, self.month
        n_registries = len(self.registries)
        self._fees_before = np.bincount(s.registry, weights=s.paid_usd, minlength=n_registries)
        requests = np.flatnonzero(self.decisions.action == Action.MOVE)
        why = exit_reasons(s, month, requests, self.decisions.destination[requests])
        for code, count in enumerate(np.bincount(why, minlength=len(REASONS))):
            self.reasons[REASONS[code]] += int(count)
        self.tally["requests"] = request_moves(s, self.decisions, month)
        slots = np.array(
            [r.release_slots(self.regime.release_fallback) for r in self.registries], dtype=np.int64
        )
        settled = settle_moves(s, month, slots, self.regime.obstruction)
        for r, registry in enumerate(self.registries):
            registry.released(int(settled.processed[r]))
        moved_ipv4 = s.ipv4[settled.holders]
        self.tally["moves"] = int(settled.holders.size)
        self.tally["moved_ipv4"] = int(moved_ipv4.sum())
        self.tally["voices"] = int(np.count_nonzero(self.decisions.action == Action.VOICE))
        self.tally["queued"] = int(settled.queue.sum())
        np.add.at(self.flow_members, (settled.origins, settled.destinations), 1)
        np.add.at(self.flow_ipv4, (settled.origins, settled.destinations), moved_ipv4)
        self.settled = settled
        self.surges.watch(self.steps, settled.holders.size, self.holders.size, self.events)
        for r in np.flatnonzero(np.bincount(settled.obstructed, minlength=n_registries)):
            count = int(np.count_nonzero(settled.obstructed == r))
            self.events.add(
                self.steps, self.registries[r].name, EventKind.OBSTRUCTION, f"blocked {count} move(s) out"
            )

    def _tallies(self) -> list:
        """What each registry is told this month (`agents.tally.tally_registries`).

        Its model's threat, and the departures its model expects, read the public view of
        standing (`agents.threat.public_view`) as it stood before this month: seen with a lag.
        """
        s, m = self.holders, self.month
        public = m._replace(quality=self.public[:, 0].copy(), neutrality=self.public[:, 1].copy())
        threat, expected = credible_threat_all(s, public, self.exit_costs, self.priors)
        recorded = None
        if self.settled is not None:
            u = m.draws[Draw.REASON, self.settled.holders]
            recorded = classify_reasons(self.settled.reasons, self.p.exit_reason_accuracy, u)
        benchmark = np.stack([m.benchmark_quality, m.benchmark_neutrality], axis=1)
        self.public = public_view(self.public, benchmark, self.p.signal_memory)
        market = getattr(self, "market_month", None)
        return tally_registries(
            s,
            self.decisions.action,
            threat,
            self.total_ipv4,
            settled=self.settled,
            fees_before=getattr(self, "_fees_before", None),
            sold=None if market is None else market.sold,
            sold_legacy=None if market is None else market.sold_legacy,
            recorded=recorded,
            expected=expected,
        )

    def _registries_step(self) -> None:
        """Each registry takes its tally and steps (`RegistryAgent.step`), in registry order.

        A registry under a held shortfall (a counterfactual event) then ends the month that
        far below the best of the rivals its members may move to.
        """
        for registry, tally in zip(self.registries, self._tallies(), strict=True):
            for kind, detail in registry.step(tally):
                self.events.add(self.steps, registry.name, kind, detail)
        allowed = self.regime.moves["ipv4"] != FORBIDDEN
        for r, shortfall in self.calendar.held():
            rivals = [
                other.quality for j, other in enumerate(self.registries) if allowed[r, j] and other.accepting
            ]
            if rivals:
                self.registries[r].hold_quality(max(rivals) - shortfall)

    def _oversee(self) -> None:
        """Escapes among the month's moves; petition support and the ICP-2 process (`agents.oversight`)."""
        s, step, d = self.holders, self.steps, self.enforcement.disputes
        votes = self.streams["remedies"].random(len(self.registries))
        for i in self.enforcement.settle(self.settled.holders):
            origin = self.registries[int(d.case_registry[i])].name
            here = self.registries[int(s.registry[d.holders[i]])].name
            self.events.add(
                step, origin, EventKind.ESCAPE, f"holder {int(d.holders[i])}: {int(d.ipv4[i])} /24s to {here}"
            )
        for r, kind, detail in self.oversight.step(step, self.registries, s.registry, votes):
            self.events.add(step, self.registries[r].name, EventKind(kind), detail)

    def __repr__(self) -> str:
        """The call that rebuilds this model: non-default parameters and the seed."""
        default = Params()
        changed = {k: v for k, v in vars(self.p).items() if getattr(default, k) != v}
        args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"PortabilityModel({args}{', ' if args else ''}seed={self.seed})"
