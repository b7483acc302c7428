"""PortabilityModel: registries, resource holders on a peering graph, and a portability regime.

One step is one month: governance events fire; holders update beliefs and choose to stay,
voice or request a move; the regime settles due moves; registries settle their accounts,
feel pressure and set effort; data is collected. See docs/ODD.md.
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
from mesa.discrete_space import Network

from agents.holder import NetworkAgent
from agents.kernels import decide_all, exit_cost_table
from agents.registry import RegistryAgent
from agents.state import Action, Decisions, Draw, HolderState, Month
from model.calibration import MEDIAN_HOLDING, Calibration, load_calibration
from model.errors import ConfigError, ReproducibilityWarning
from model.events import EventLog, GovernanceCalendar
from model.migration import request_moves, settle_moves
from model.params import Params
from model.population import build_population, holder_state, peering_edges
from model.regimes import move_matrix
from model.reporters import MODEL_REPORTERS, REGISTRY_REPORTERS
from model.scenarios import load_scenario

__all__ = ["ENGINES", "PortabilityModel", "check_registries"]

ENGINES = ("kernel", "agents")
STREAMS = ("population", "graph", "events", "dynamics")  # one random stream per concern
SURGE_MIN_SHARE = 0.002  # a surge also needs moves by at least this share of holders
SQRT3 = 3.0**0.5


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
        self._exit_costs: np.ndarray | None = None  # the regime's cost table, fixed for a run
        self.events = EventLog()
        n_registries = len(names)
        self.flow_members = np.zeros((n_registries, n_registries), dtype=np.int64)  # moves so far
        self.flow_ipv4 = np.zeros((n_registries, n_registries), dtype=np.int64)  # /24s moved so far
        self.tally = {"moves": 0, "moved_ipv4": 0, "voices": 0, "requests": 0}
        self._recent_moves: list[int] = []
        self.decisions = Decisions.empty(self.holders.size)
        self.datacollector = DataCollector(
            model_reporters=MODEL_REPORTERS,
            agenttype_reporters={RegistryAgent: REGISTRY_REPORTERS},
        )
        self._tally_registries(np.zeros(len(names)), np.zeros(len(names)))
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
        edges = peering_edges(population.home, population.ipv4, self.streams["graph"])
        self.holders: HolderState = holder_state(population, edges, self.calibration, self.p)
        graph = nx.Graph()
        graph.add_nodes_from(range(self.holders.size))
        graph.add_edges_from(edges.tolist())
        self.grid = Network(graph, capacity=1, random=self.random, layout=None)
        for h in range(self.holders.size):
            NetworkAgent(self, h, self.grid[h])
        self.total_ipv4 = int(self.holders.ipv4.sum())

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
        self._begin_month()
        self._holders_choose()
        self._migrate()
        self._registries_respond()
        self.datacollector.collect(self)

    def _begin_month(self) -> None:
        """Governance events fire; reviewers are drawn (all members of a registry whose status changed)."""
        step = self.steps
        before = [r.status for r in self.registries]
        ending, starting = self.calendar.advance(step)
        for r in ending:
            self.registries[r].end_event()
            self.events.add(step, self.registries[r].name, "governance_end", "governance restored")
        for r, event in starting:
            self.registries[r].begin_event(event)
            self.events.add(
                step, event.registry, "governance_start", f"{event.status} for {event.duration} months"
            )
        changed = np.array([r.status != b for r, b in zip(self.registries, before, strict=True)])
        s, p = self.holders, self.p
        draws = self.streams["dynamics"].random((len(Draw), s.size))
        self.month = Month(
            step=step,
            quality=np.array([r.quality for r in self.registries]),
            neutrality=np.array([r.neutrality for r in self.registries]),
            fee_multiplier=np.array([r.fee_multiplier for r in self.registries]),
            moves_ipv4=self.moves["ipv4"],
            moves_asn=self.moves["asn"],
            moves_ipv6=self.moves["ipv6"],
            review=(draws[Draw.REVIEW] < p.review_rate) | changed[s.registry],
            draws=draws,
            porting_delay=float(p.regime_setting("porting_delay")),
            approval_odds=float(p.regime_setting("approval_odds")),
            hold_period=int(p.regime_setting("hold_period")),
            learning_rate=p.learning_rate,
            peer_weight=p.peer_weight,
            public_weight=p.public_weight,
            noise_amplitude=p.observation_noise * SQRT3,
            switching_cost=p.switching_cost,
            ipv6_renumbering_cost=p.ipv6_renumbering_cost,
            waiting_cost=p.waiting_cost,
            loyalty_weight=p.loyalty_weight,
            threat_margin=p.threat_margin,
            aspiration=p.aspiration,
            voice_propensity=p.voice_propensity,
        )
        if self._exit_costs is None:
            self._exit_costs = exit_cost_table(self.month)

    def _holders_choose(self) -> None:
        """Beliefs, then stay / voice / move, by the batched kernel or agent by agent."""
        if self.engine == "kernel":
            self.decisions = decide_all(self.holders, self.month, self._exit_costs)
        else:
            self.decisions = Decisions.empty(self.holders.size)
            self.agents_by_type[NetworkAgent].do("step")

    def _migrate(self) -> None:
        """Queue the month's move requests and settle those that are due."""
        s, month = self.holders, self.month
        n_registries = len(self.registries)
        ipv4_before = np.bincount(s.registry, weights=s.ipv4, minlength=n_registries)
        self.tally["requests"] = request_moves(s, self.decisions, month)
        settled = settle_moves(s, month, month.neutrality, float(self.p.regime_setting("obstruction")))
        moved_ipv4 = s.ipv4[settled.holders]
        self.tally["moves"] = int(settled.holders.size)
        self.tally["moved_ipv4"] = int(moved_ipv4.sum())
        self.tally["voices"] = int(np.count_nonzero(self.decisions.action == Action.VOICE))
        np.add.at(self.flow_members, (settled.origins, settled.destinations), 1)
        np.add.at(self.flow_ipv4, (settled.origins, settled.destinations), moved_ipv4)
        self._inflow = np.bincount(settled.destinations, minlength=n_registries)
        self._outflow = np.bincount(settled.origins, minlength=n_registries)
        lost = np.bincount(settled.origins, weights=moved_ipv4, minlength=n_registries)
        self._outflow_share = np.divide(lost, ipv4_before, out=np.zeros(n_registries), where=ipv4_before > 0)
        self._log_surge(settled.holders.size)
        for r in np.flatnonzero(np.bincount(settled.obstructed, minlength=n_registries)):
            count = int(np.count_nonzero(settled.obstructed == r))
            self.events.add(
                self.steps, self.registries[r].name, "obstruction", f"blocked {count} move(s) out"
            )

    def _log_surge(self, moves: int) -> None:
        recent = self._recent_moves[-12:]
        baseline = max(np.mean(recent) if recent else 0.0, 1.0)
        if moves >= self.p.surge_factor * baseline and moves >= SURGE_MIN_SHARE * self.holders.size:
            self.events.add(self.steps, "all", "surge", f"{moves} moves (last year's mean {baseline:.1f})")
        self._recent_moves.append(moves)

    def _registries_respond(self) -> None:
        """Each registry settles its accounts, feels pressure and sets its effort."""
        s = self.holders
        n_registries = len(self.registries)
        voices = np.bincount(s.registry[self.decisions.action == Action.VOICE], minlength=n_registries)
        self._tally_registries(self._inflow, self._outflow, voices)
        fees = s.paid_usd
        yearly = np.bincount(s.registry, weights=fees, minlength=n_registries)
        threat = np.bincount(s.registry, weights=fees * self.decisions.threat, minlength=n_registries)
        for r, registry in enumerate(self.registries):
            registry.exit_threat = float(threat[r] / yearly[r]) if yearly[r] > 0 else 0.0
            was_insolvent = registry.insolvent
            registry.settle_accounts(float(yearly[r]))
            if registry.insolvent != was_insolvent:
                kind = "insolvency" if registry.insolvent else "solvency_restored"
                self.events.add(self.steps, registry.name, kind, f"reserves {registry.reserves:.1f} months")
            voice_share = voices[r] / registry.members if registry.members else 0.0
            registry.respond(registry.pressure(float(self._outflow_share[r]), float(voice_share)))

    def _tally_registries(
        self, inflow: np.ndarray, outflow: np.ndarray, voices: np.ndarray | None = None
    ) -> None:
        s = self.holders
        n_registries = len(self.registries)
        members = np.bincount(s.registry, minlength=n_registries)
        ipv4 = np.bincount(s.registry, weights=s.ipv4, minlength=n_registries)
        asn = np.bincount(s.registry, weights=s.asn, minlength=n_registries)
        total_asn = max(asn.sum(), 1.0)
        for r, registry in enumerate(self.registries):
            registry.members = int(members[r])
            registry.ipv4 = int(ipv4[r])
            registry.ipv4_share = float(ipv4[r] / self.total_ipv4)
            registry.asn_share = float(asn[r] / total_asn)
            registry.inflow = int(inflow[r])
            registry.outflow = int(outflow[r])
            registry.voice = 0 if voices is None else int(voices[r])

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

    def flow_frame(self) -> pd.DataFrame:
        """Moves so far, one row per origin -> destination pair: members and IPv4 (/24 blocks)."""
        names = [r.name for r in self.registries]
        origin, destination = np.meshgrid(range(len(names)), range(len(names)), indexing="ij")
        return pd.DataFrame(
            {
                "origin": np.array(names)[origin.ravel()],
                "destination": np.array(names)[destination.ravel()],
                "moves": self.flow_members.ravel(),
                "ipv4": self.flow_ipv4.ravel(),
            }
        )

    def event_frame(self) -> pd.DataFrame:
        """The event log: governance events, insolvencies, surges of moves."""
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


def _seed(seed: int | str | None) -> int:
    """Cast a seed to int (a UI sends strings); warn and draw one when it is missing."""
    if seed is None:
        warnings.warn("seed=None: this run is not reproducible", ReproducibilityWarning, stacklevel=3)
        return int(np.random.SeedSequence().generate_state(1)[0])
    try:
        value = int(str(seed).strip()) if isinstance(seed, str) else int(seed)
    except (TypeError, ValueError):
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}") from None
    if (isinstance(seed, float) and seed != value) or value < 0:
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}")
    return value
