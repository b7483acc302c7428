"""PortabilityModel: registries, resource holders on a peering graph, and a portability regime.

One step is one month: each January new holders join; governance events fire; holders update
beliefs and choose to stay, voice or request a move; the regime settles due moves; holders
buy and sell IPv4 space; registries settle their accounts, feel pressure and set effort;
data is collected. See docs/ODD.md.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.discrete_space import Cell, Network

from agents.holder import NetworkAgent
from agents.kernels import (
    credible_threat_all,
    decide_all,
    exit_cost_table,
    market_orders_all,
    registry_totals,
)
from agents.market import (
    MarketTerms,
    Orders,
    Trades,
    apply_trades,
    build_market_terms,
    eligible_blocks,
    grow_need,
    idle_blocks,
    match,
    need_rate,
    next_price,
    receive_caps,
)
from agents.registry import MemberPriors, RegistryAgent, RegistryTally
from agents.state import Action, Decisions, Draw, HolderState, Month, RegistryStatus, build_month
from model.calibration import MEDIAN_HOLDING, Calibration, load_calibration
from model.entry import ENTRY_MONTH, cohort_sizes, entrant_state
from model.errors import ConfigError, ReproducibilityWarning
from model.events import EventKind, EventLog, GovernanceCalendar
from agents.migration import request_moves, settle_moves
from model.params import Params
from model.population import build_population, holder_state, peering_edges, rehold
from model.regimes import move_matrix
from model.remedies import Remedies
from model.reporters import MODEL_REPORTERS, REGISTRY_REPORTERS, move_reasons
from model.scenarios import load_scenario
from model.transfer_policy import load_transfer_policies, sales_matrix

__all__ = ["ENGINES", "PortabilityModel", "check_registries"]

ENGINES = ("kernel", "agents")
STREAMS = ("population", "graph", "events", "dynamics", "market")  # one random stream per concern


class PortabilityModel(Model):
    """The portability model. Build it from `Params` and/or flat keyword overrides.

    Args:
        params: the parameters (default: `Params()`); keyword overrides are applied on top.
        seed: root seed (an int, or a string holding one, as a UI sends it). Population,
            peering graph, governance events and dynamics each draw from their own stream of
            it, so equal seeds give equal populations, graphs and events under every regime.
        engine: "kernel" (batched, the default) or "agents" (the per-agent specification).
        calibration: registries and market facts (default: the packaged calibration).
        **kwargs: any `Params` field, e.g. ``regime="mandatory"``.
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
        self.p = (params or Params()).with_overrides(**kwargs)
        if engine not in ENGINES:
            raise ConfigError(f"engine must be one of {ENGINES}; got {engine!r}")
        seed = _seed(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.engine = engine
        self.calibration = calibration or load_calibration()
        names = self.calibration.names
        check_registries(self.p, names)
        streams = dict(zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)), strict=True))
        self.streams = {k: np.random.default_rng(v) for k, v in streams.items()}
        self.calendar = GovernanceCalendar(names, self.p, self.streams["events"])
        with _collector_paused():
            self._build_holders()
            self._build_registries()
        self.moves = {r: move_matrix(self.p.regime, names, r) for r in ("ipv4", "asn", "ipv6")}
        self.transfer_policy = load_transfer_policies(names)
        self.sales = sales_matrix(
            move_matrix(self.p.regime, names, "ipv4", "sales"), self.transfer_policy["intra"]
        )
        self.price = self.calibration.price_per_address  # posted price, USD per address
        self.flow_sales = np.zeros((len(names), len(names)), dtype=np.int64)  # /24s sold so far
        self.market = dict.fromkeys(
            ("price", "transferred", "inter_rir_sales", "pool_allocated", "entrants"), 0
        )
        self.market["price"] = self.price
        self.priors = MemberPriors.from_params(self.p)
        self.events = EventLog()
        n_registries = len(names)
        self.flow_members = np.zeros((n_registries, n_registries), dtype=np.int64)  # moves so far
        self.flow_ipv4 = np.zeros((n_registries, n_registries), dtype=np.int64)  # /24s moved so far
        self.tally = {"moves": 0, "moved_ipv4": 0, "voices": 0, "requests": 0, "queued": 0}
        self.reasons = dict.fromkeys(("quality", "taste", "fees"), 0)
        self._recent_moves: list[int] = []
        self.decisions = Decisions.empty(self.holders.size)
        self.month = self._new_month(0, review=np.zeros(self.holders.size, dtype=bool))
        self._exit_costs = exit_cost_table(self.month)  # the regime's cost table, fixed for a run
        self.remedies = Remedies(self, seed)  # oversight process and enforcement
        self.datacollector = DataCollector(
            model_reporters=MODEL_REPORTERS,
            agenttype_reporters={RegistryAgent: REGISTRY_REPORTERS},
        )
        self._hand_tallies(self._tallies(), log=False)
        self.datacollector.collect(self)

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
        params = load_scenario(name).with_overrides(**overrides)
        return cls(params, seed=seed, engine=engine, calibration=calibration)

    # --- building ------------------------------------------------------------------------
    def _build_holders(self) -> None:
        population = build_population(self.calibration.registries, self.p, self.streams["population"])
        self._edges = peering_edges(population.home, population.ipv4, self.p, self.streams["graph"])
        self.holders: HolderState = holder_state(population, self._edges, self.calibration, self.p)
        self.total_ipv4 = int(self.holders.ipv4.sum())
        self._grid: Network | None = None
        if self.engine == "agents":
            self._place_holders()

    @property
    def grid(self) -> Network:
        """The peering graph as a Mesa `Network`, with a `NetworkAgent` on every node.

        Built on first use: the batched kernel reads the same graph from the holder arrays,
        so a run that never looks at the Mesa space does not pay for its per-edge objects.
        """
        if self._grid is None:
            self._place_holders()
        return self._grid  # type: ignore[return-value]

    def _place_entrants(self, first: int, edges: np.ndarray) -> None:
        """Add a node and a `NetworkAgent` for each new holder, linked to its peers."""
        grid = self._grid
        with _collector_paused():
            for h in range(first, self.holders.size):
                grid.add_cell(Cell(h, capacity=1, random=self.random))
            for a, b in edges.tolist():
                grid.add_connection(grid[a], grid[b])
            for h in range(first, self.holders.size):
                NetworkAgent(self, h, grid[h])

    def _place_holders(self) -> None:
        graph = nx.Graph()
        graph.add_nodes_from(range(self.holders.size))
        graph.add_edges_from(self._edges.tolist())
        with _collector_paused():
            self._grid = Network(graph, capacity=1, random=self.random, layout=None)
            for h in range(self.holders.size):
                NetworkAgent(self, h, self._grid[h])

    def _build_registries(self) -> None:
        s = self.holders
        members = np.bincount(s.registry, minlength=len(self.calibration.registries))
        yearly = np.bincount(s.registry, weights=s.paid_usd, minlength=members.size)
        self.registries: list[RegistryAgent] = [
            RegistryAgent(
                self,
                r,
                spec,
                self.p,
                revenue=float(yearly[r]),
                members=int(members[r]),
                median_fee=float(spec.yearly_fee(np.array([MEDIAN_HOLDING]), np.array([1]))[0]),
            )
            for r, spec in enumerate(self.calibration.registries)
        ]

    # --- one month -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance the model by one month."""
        self._enter()
        self._begin_month()
        self._holders_choose()
        self.remedies.before_moves()
        self._migrate()
        self._trade()
        self._hand_tallies(self._tallies(), log=True)
        self.remedies.end_of_month()
        self.datacollector.collect(self)

    def _enter(self) -> None:
        """Each January a cohort of new holders joins its home registries (`model.entry`)."""
        self.market["pool_allocated"] = self.market["entrants"] = 0
        if self.steps % ENTRY_MONTH != 0 or self.p.entry_rate == 0:
            return
        s = self.holders
        # a region's newcomers follow its holders, wherever they are registered now
        region = np.bincount(s.home, minlength=len(self.registries))
        accepting = np.array([r.accepting for r in self.registries])
        counts = cohort_sizes(region, accepting, self.p.entry_rate, self.streams["market"])
        if counts.sum() == 0:
            return
        pools = np.array([r.pool for r in self.registries], dtype=np.int64)
        allocating = accepting & self._not_failed()
        cohort = entrant_state(
            counts,
            s,
            pools,
            allocating,
            np.array([r.pool_max_blocks for r in self.registries]),
            (self.month.benchmark_quality, self.month.benchmark_neutrality),
            self.calibration,
            self.p,
            self.streams["market"],
            self.steps,
        )
        first = s.size
        s.append(cohort.state)
        for registry, left in zip(self.registries, pools, strict=True):
            registry.pool = int(left)
        self.total_ipv4 += int(cohort.allocated.sum())
        self.market["pool_allocated"] = int(cohort.allocated.sum())
        self.market["entrants"] = int(counts.sum())
        self._edges = np.concatenate([self._edges, cohort.edges])
        if self._grid is not None:
            self._place_entrants(first, cohort.edges)

    def market_terms(self, rate: np.ndarray | None = None) -> MarketTerms:
        """The market's terms as they stand: the posted price, policies, reviews, growth of need.

        `rate`: this month's growth of need (`need_rate`), when the caller has it already.
        """
        if rate is None:
            rate = need_rate(self.holders, self.price, self.p.adoption_rate)
        return build_market_terms(
            self.p,
            self.steps,
            price=self.price,
            sales=self.sales,
            processing=self.month.accepting & self._not_failed(),
            policy=self.transfer_policy,
            review=self.month.review,
            rate=rate,
            registry=self.holders.registry,
        )

    def _not_failed(self) -> np.ndarray:
        """(R,) bool: registries not failed (a failed registry allocates and transfers nothing)."""
        return np.array([r.status != RegistryStatus.FAILED for r in self.registries])

    def _trade(self) -> None:
        """Needs grow; holders bid and offer; sales clear at the posted price; the price moves."""
        s = self.holders
        rate = need_rate(s, self.price, self.p.adoption_rate)
        grow_need(s, rate)
        n_registries = len(self.registries)
        self.market |= {"price": self.price, "transferred": 0, "inter_rir_sales": 0}
        for registry in self.registries:
            registry.sales_in = registry.sales_out = 0
        if self.p.market == "off":
            return
        terms = self.market_terms(rate)
        rng = self.streams["market"]
        bids, offers = market_orders_all(s, terms)
        bids, offers = _shuffled(bids, rng), _shuffled(offers, rng)
        trades = Trades(
            *match(
                bids.holders,
                bids.blocks,
                s.registry[bids.holders],
                receive_caps(s, bids, terms),
                offers.holders,
                offers.blocks,
                s.registry[offers.holders],
                eligible_blocks(s, offers.holders),
                self.sales,
            )
        )
        origin, destination = s.registry[trades.sellers], s.registry[trades.buyers]
        rehold(s, apply_trades(s, trades, self.steps), self.calibration, self.p)
        pairs = origin * n_registries + destination
        sold = np.bincount(pairs, weights=trades.blocks, minlength=n_registries**2)
        self.flow_sales += sold.astype(np.int64).reshape(n_registries, n_registries)
        across = origin != destination
        sold_in = np.bincount(destination[across], weights=trades.blocks[across], minlength=n_registries)
        sold_out = np.bincount(origin[across], weights=trades.blocks[across], minlength=n_registries)
        for r, registry in enumerate(self.registries):
            registry.sales_in, registry.sales_out = int(sold_in[r]), int(sold_out[r])
        self.market["transferred"] = int(trades.blocks.sum())
        self.market["inter_rir_sales"] = int(trades.blocks[across].sum())
        self.price = next_price(
            self.price, float(bids.blocks.sum()), float(offers.blocks.sum()), self.p.price_adjustment
        )

    def _begin_month(self) -> None:
        """Governance events fire; reviewers are drawn (all members of a registry whose status changed)."""
        step = self.steps
        before = [r.status for r in self.registries]
        ending, starting = self.calendar.advance(step)
        for r in ending:
            self.registries[r].end_event()
            self.events.add(step, self.registries[r].name, EventKind.GOVERNANCE_END, "governance restored")
        for r, event in starting:
            self.registries[r].begin_event(event)
            self.events.add(
                step,
                event.registry,
                EventKind.GOVERNANCE_START,
                f"{event.status} for {event.duration} months",
            )
        changed = np.array([r.status != b for r, b in zip(self.registries, before, strict=True)])
        s = self.holders
        draws = self.streams["dynamics"].random(out=self._draw_buffer(s.size))
        review = (draws[Draw.REVIEW] < self.p.review_rate) | changed[s.registry]
        self.month = self._new_month(step, review=review, draws=draws)

    def _draw_buffer(self, n: int) -> np.ndarray:
        """(len(Draw), n) array for the month's uniforms, in a buffer reused month to month.

        The numbers are the generator's either way; writing them into memory already mapped
        saves the page faults of a fresh 8 MB array each month at full scale. Last month's
        draws are overwritten: nothing reads them once the month is over.
        """
        size = len(Draw) * n
        buffer = getattr(self, "_draws", None)
        if buffer is None or buffer.size < size:
            buffer = self._draws = np.empty(max(size, 2 * (0 if buffer is None else buffer.size)))
        return buffer[:size].reshape(len(Draw), n)

    def _new_month(self, step: int, *, review: np.ndarray, draws: np.ndarray | None = None) -> Month:
        n_registries = len(self.registries)
        if draws is None:  # the month before the first: nothing is observed, nobody reviews
            draws = np.full((len(Draw), self.holders.size), 0.5)
            benchmark = np.full((2, n_registries), 0.5)
        else:
            benchmark = self.streams["dynamics"].random((2, n_registries))
        return build_month(
            self.p,
            step,
            quality=np.array([r.quality for r in self.registries]),
            neutrality=np.array([r.neutrality for r in self.registries]),
            fee_multiplier=np.array([r.fee_multiplier for r in self.registries]),
            accepting=np.array([r.accepting for r in self.registries]),
            moves=self.moves,
            review=review,
            draws=draws,
            benchmark_draws=benchmark,
        )

    def _holders_choose(self) -> None:
        """Beliefs, then stay / voice / move, by the batched kernel or agent by agent."""
        if self.engine == "kernel":
            self.decisions = decide_all(self.holders, self.month, self._exit_costs)
        else:
            self.decisions = Decisions.empty(self.holders.size)
            self.agents_by_type[NetworkAgent].do("step")

    def _migrate(self) -> None:
        """Queue the month's move requests; registries release what their capacity allows."""
        s, month = self.holders, self.month
        n_registries = len(self.registries)
        self._fees_before = np.bincount(s.registry, weights=s.paid_usd, minlength=n_registries)
        requested = self.decisions.action == Action.MOVE
        for reason, count in move_reasons(s, month, self.decisions.destination, requested).items():
            self.reasons[reason] += count
        self.tally["requests"] = request_moves(s, self.decisions, month)
        fallback = float(self.p.regime_setting("release_fallback"))
        slots = np.array([r.release_slots(fallback) for r in self.registries], dtype=np.int64)
        settled = settle_moves(s, month, slots, float(self.p.regime_setting("obstruction")))
        for r, registry in enumerate(self.registries):
            registry.released(int(settled.processed[r]))
        moved_ipv4 = s.ipv4[settled.holders]
        self.tally["moves"] = int(settled.holders.size)
        self.tally["moved_ipv4"] = int(moved_ipv4.sum())
        self.tally["voices"] = int(np.count_nonzero(self.decisions.action == Action.VOICE))
        self.tally["queued"] = int(settled.queue.sum())
        np.add.at(self.flow_members, (settled.origins, settled.destinations), 1)
        np.add.at(self.flow_ipv4, (settled.origins, settled.destinations), moved_ipv4)
        self._settled = settled
        self._log_surge(settled.holders.size)
        for r in np.flatnonzero(np.bincount(settled.obstructed, minlength=n_registries)):
            count = int(np.count_nonzero(settled.obstructed == r))
            self.events.add(
                self.steps, self.registries[r].name, EventKind.OBSTRUCTION, f"blocked {count} move(s) out"
            )

    def _log_surge(self, moves: int) -> None:
        recent = self._recent_moves[-12:]
        baseline = max(np.mean(recent) if recent else 0.0, 1.0)
        if moves >= self.p.surge_factor * baseline and moves >= self.p.surge_min_share * self.holders.size:
            self.events.add(
                self.steps, "all", EventKind.SURGE, f"{moves} moves (last year's mean {baseline:.1f})"
            )
        self._recent_moves.append(moves)

    def _tallies(self) -> list[RegistryTally]:
        """What each registry is told this month: members, holdings, flows, voice, the threat."""
        s = self.holders
        n_registries = len(self.registries)
        members, ipv4, asn, fees, voices = registry_totals(
            s.registry, s.ipv4, s.asn, s.paid_usd, self.decisions.action, n_registries
        )
        threat = credible_threat_all(s, self.month, self._exit_costs, self.priors)
        settled = getattr(self, "_settled", None)
        zeros = np.zeros(n_registries, dtype=np.int64)
        inflow = zeros if settled is None else np.bincount(settled.destinations, minlength=n_registries)
        outflow = zeros if settled is None else np.bincount(settled.origins, minlength=n_registries)
        queue = zeros if settled is None else settled.queue
        lost = (
            np.zeros(n_registries)
            if settled is None
            else np.bincount(
                settled.origins, weights=s.fee_usd[settled.holders, settled.origins], minlength=n_registries
            )
        )
        before = getattr(self, "_fees_before", fees)
        total_asn = max(asn.sum(), 1.0)
        return [
            RegistryTally(
                members=int(members[r]),
                ipv4=int(ipv4[r]),
                ipv4_share=float(ipv4[r] / self.total_ipv4),
                asn_share=float(asn[r] / total_asn),
                yearly_fees=float(fees[r]),
                inflow=int(inflow[r]),
                outflow=int(outflow[r]),
                revenue_lost=float(lost[r] / before[r]) if before[r] > 0 else 0.0,
                voice_share=float(voices[r] / members[r]) if members[r] else 0.0,
                threat=float(threat[r]),
                queue=int(queue[r]),
            )
            for r in range(n_registries)
        ]

    def _hand_tallies(self, tallies: list[RegistryTally], *, log: bool) -> None:
        """Each registry takes its tally: at build it only records it; each month it steps."""
        for registry, tally in zip(self.registries, tallies, strict=True):
            if not log:
                registry.record(tally)
                continue
            for kind, detail in registry.step(tally):
                self.events.add(self.steps, registry.name, kind, detail)

    # --- outputs -------------------------------------------------------------------------
    def model_frame(self) -> pd.DataFrame:
        """One row per step from step 0: the model-level outputs (docs/ODD.md §7)."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "step", np.arange(len(frame)))
        return frame

    def registry_frame(self) -> pd.DataFrame:
        """One row per step and registry (docs/ODD.md §7)."""
        frame = self.datacollector.get_agenttype_vars_dataframe(RegistryAgent)
        steps = frame.index.get_level_values("Step").to_numpy().astype(np.int64)
        frame = frame.reset_index(drop=True)
        frame.insert(0, "step", steps)
        return frame

    def holder_frame(self) -> pd.DataFrame:
        """One row per holder, now: where it is registered, what it holds, how often it moved."""
        s = self.holders
        names = np.array([r.name for r in self.registries])
        return pd.DataFrame(
            {
                "holder": np.arange(s.size),
                "registry": names[s.registry],
                "home": names[s.home],
                "ipv4": s.ipv4,
                "ipv6": s.ipv6,
                "asn": s.asn,
                "legacy": s.legacy,
                "loyalty": s.loyalty,
                "moves": s.moves,
                "need": s.need,
                "idle": idle_blocks(s, self.market_terms()),
            }
        )

    def flow_frame(self) -> pd.DataFrame:
        """Moves and sales so far, one row per origin -> destination pair.

        `moves` (registration moves) and `ipv4` (/24s they carried); `sold_ipv4`: /24s sold by
        members of the origin to members of the destination (origin = destination: inside one
        registry).
        """
        names = [r.name for r in self.registries]
        origin, destination = np.meshgrid(range(len(names)), range(len(names)), indexing="ij")
        return pd.DataFrame(
            {
                "origin": np.array(names)[origin.ravel()],
                "destination": np.array(names)[destination.ravel()],
                "moves": self.flow_members.ravel(),
                "ipv4": self.flow_ipv4.ravel(),
                "sold_ipv4": self.flow_sales.ravel(),
            }
        )

    def event_frame(self) -> pd.DataFrame:
        """The event log: governance events, insolvencies, surges of moves, the remedies' process."""
        return pd.DataFrame(self.events, columns=["step", "registry", "kind", "detail"])

    def __repr__(self) -> str:
        """The call that rebuilds this model: non-default parameters and the seed."""
        default = Params()
        changed = {k: v for k, v in vars(self.p).items() if getattr(default, k) != v}
        args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"PortabilityModel({args}{', ' if args else ''}seed={self.seed})"


def check_registries(params: Params, names: Sequence[str]) -> None:
    """Every registry that events and overrides name exists in the calibration."""
    for name in params.registry_overrides:
        if name not in names:
            raise ConfigError(f"registry_overrides: {name!r} is not a registry; valid: {', '.join(names)}")
    for event in params.events:
        if event.registry not in names:
            raise ConfigError(
                f"event registry {event.registry!r} is not a registry; valid: {', '.join(names)}"
            )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building ~170k agents and cells.

    Each allocation burst otherwise triggers full collections that scan everything built so
    far and free nothing (a third of the build time at scale 1.0). Restored even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _shuffled(orders: Orders, rng: np.random.Generator) -> Orders:
    """The orders in a random sequence: who comes first in the market is luck."""
    order = rng.permutation(orders.holders.size)
    return Orders(orders.holders[order], orders.blocks[order])


def _seed(seed: int | str | None) -> int:
    """Cast a seed to int (a UI sends strings); warn and draw one when it is missing."""
    if seed is None:
        warnings.warn("seed=None: this run is not reproducible", ReproducibilityWarning, stacklevel=3)
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(seed, bool):
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}")
    try:
        value = int(str(seed).strip()) if isinstance(seed, str) else int(seed)
    except (TypeError, ValueError):
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}") from None
    if (isinstance(seed, float) and seed != value) or value < 0:
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}")
    return value
