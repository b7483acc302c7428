"""The remedies: the ICP-2 draft's process stage by stage, enforcement, venue shopping.

Exact outcomes of each rule on tiny hand-built cases, the safeguards one by one, invariants
over random parameters, and the four scenarios end to end (model and command line).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mesa import Model

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
from agents.oversight import (
    OversightAgent,
    OversightRules,
    Petitions,
    Stage,
    derecognition_passes,
    petition_threshold,
)
from agents.state import RegistryStatus
from model import ConfigError, PortabilityModel, load_scenario
from model.terms import regime_terms
from model.transfer_policy import load_transfer_policies
from runs.cli import main
from tests.strategies import params
from tests.test_model_properties import check_invariants

INF = np.inf


# --- the petition --------------------------------------------------------------------------
def test_the_threshold_is_a_share_or_a_count_whichever_is_fewer_members():
    needed = petition_threshold(np.array([100, 10_000, 0, 1]), 0.25, 2000.0)
    assert needed.tolist() == [0.25, 0.2, 1.0, 0.25]
    assert petition_threshold(np.array([40]), 0.05, 100.0).tolist() == [0.05]


def test_support_counts_live_signatures_of_current_members_only():
    petitions = Petitions(6)
    registry = np.array([0, 0, 0, 0, 1, 1])
    petitions.sign(np.array([0, 1, 4]), registry, step=3)
    petitions.sign(np.array([2]), registry, step=1)  # will have lapsed by step 5 (memory 4)
    registry[1] = 1  # signer 1 left registry 0: its signature goes with it
    signers = petitions.support(registry, step=5, memory=4, concluded_at=np.array([-1, 3]))
    # registry 0: holder 0 (live); holder 2 lapsed; holder 1 gone. registry 1: holder 4 signed
    # at step 3, when its registry's last process concluded: it no longer counts
    assert signers.tolist() == [1, 0]
    assert petitions.support(registry, step=5, memory=4, concluded_at=np.array([-1, 2])).tolist() == [1, 1]


# --- the process, stage by stage -----------------------------------------------------------
class StubRegistry:
    """What the oversight process reads of a registry, and what it asks of it."""

    def __init__(self, name: str, members: int = 100) -> None:
        self.name = name
        self.members = members
        self.quality = self.neutrality = 0.4
        self.harm = 0.0  # singles nobody out
        self.governance = RegistryStatus.FAILED
        self.capture_rate = 0.01
        self.closed = False
        self.operator = None
        self.petition_support = self.petition_threshold = 0.0
        self.oversight_stage = "none"

    @property
    def status(self) -> RegistryStatus:
        return RegistryStatus.HANDED_OFF if self.operator is not None else self.governance

    def note_petition(self, support: float, threshold: float, stage: str) -> None:
        self.petition_support, self.petition_threshold, self.oversight_stage = support, threshold, stage

    def hand_off(self, quality: float, neutrality: float) -> None:
        self.operator = (quality, neutrality)
        self.quality, self.neutrality = quality, neutrality

    def take_back(self) -> None:
        self.operator, self.governance, self.capture_rate = None, RegistryStatus.OPERATING, 0.0


def overseer(registries: list[StubRegistry], rules: OversightRules) -> OversightAgent:
    return OversightAgent(Model(rng=1), registries, 0, rules)


def rules(**changes: object) -> OversightRules:
    base = OversightRules(
        enabled=True,
        petition_memory=12,
        threshold_share=0.25,
        threshold_members=2000.0,
        audit_lag=2,
        audit_standard=0.6,
        remediation_months=3,
        derecognition_lag=1,
        rule="unanimous",
        support_odds=0.9,
        handoff_months=4,
        handoff_quality=0.7,
        handoff_neutrality=0.8,
        keep=False,
    )
    return replace(base, **changes)


def run_process(agent, registries, signers_by_step, steps, votes=None):
    """Step the agent; registry 0's signers per step from `signers_by_step` (default 0)."""
    log, stages = [], []
    votes = np.zeros(len(registries)) if votes is None else votes
    for step in range(steps):
        signers = np.zeros(len(registries), dtype=np.int64)
        signers[0] = signers_by_step.get(step, 0)
        log += [(step, kind, detail) for _, kind, detail in agent.advance(step, registries, signers, votes)]
        stages.append(registries[0].oversight_stage)
    return log, stages


def test_a_petition_crossing_its_threshold_runs_the_whole_process_with_each_lag():
    registries = [StubRegistry(n) for n in ("AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE NCC")]
    registries[1].governance = registries[2].governance = RegistryStatus.OPERATING
    registries[3].governance = registries[4].governance = RegistryStatus.OPERATING
    agent = overseer(registries, rules())
    signers = {2: 24, 3: 24, 4: 25, 5: 30}  # 24% at steps 2-3: below; 25% at step 4: crosses
    log, stages = run_process(agent, registries, signers, 17)
    kinds = [(step, kind, detail.split(":")[0]) for step, kind, detail in log]
    assert kinds == [
        (4, "petition", "25% of 100 members signed (threshold 25%)"),
        (6, "audit", "failed"),  # audit_lag 2
        (9, "derecognition", "proposed"),  # remediation 3
        (10, "derecognition", "derecognised"),  # decision lag 1
        (10, "handoff", "continuity operator for 4 months"),
        (14, "handoff_end", "records returned to a rebuilt registry"),  # handoff 4
    ]
    assert (
        stages
        == ["none"] * 4
        + ["petitioned"] * 2
        + ["remediation"] * 3
        + ["decision"]
        + ["handed_off"] * 4
        + ["none"] * 3
    )
    assert registries[0].status == RegistryStatus.OPERATING and registries[0].capture_rate == 0.0
    assert (registries[0].quality, registries[0].neutrality) == (0.7, 0.8)  # where the operator left it
    assert agent.processes[0].concluded_at == 14
    assert [r.petition_support for r in registries] == [0.0] * 5  # step 16: nobody signed


def test_the_handoff_starts_with_the_operators_service_and_status():
    registries = [StubRegistry("A"), StubRegistry("B")]
    registries[1].governance = RegistryStatus.OPERATING
    agent = overseer(registries, rules(audit_lag=0, remediation_months=0, derecognition_lag=0))
    log, stages = run_process(agent, registries, {0: 50}, 1)
    assert [kind for _, kind, _ in log] == ["petition", "audit", "derecognition", "derecognition", "handoff"]
    assert stages == ["handed_off"] and registries[0].status == RegistryStatus.HANDED_OFF
    assert (registries[0].quality, registries[0].neutrality) == (0.7, 0.8)


def test_a_passed_audit_concludes_the_process():
    registries = [StubRegistry("A"), StubRegistry("B")]
    for r in registries:
        r.governance, r.quality, r.neutrality = RegistryStatus.OPERATING, 0.65, 0.61
    agent = overseer(registries, rules())
    log, stages = run_process(agent, registries, {0: 30}, 4)
    assert [(s, k, d.split(":")[0]) for s, k, d in log] == [
        (0, "petition", log[0][2]),
        (2, "audit", "passed"),
    ]
    assert stages == ["petitioned", "petitioned", "none", "none"] and agent.processes[0].concluded_at == 2


def test_a_registry_that_cures_in_remediation_is_not_derecognised():
    registries = [StubRegistry("A"), StubRegistry("B")]
    registries[1].governance = RegistryStatus.OPERATING
    agent = overseer(registries, rules())
    agent.advance(0, registries, np.array([30, 0]), np.zeros(2))
    agent.advance(2, registries, np.array([0, 0]), np.zeros(2))  # audit: failed
    registries[0].governance, registries[0].quality, registries[0].neutrality = (
        RegistryStatus.OPERATING,
        0.7,
        0.7,
    )
    events = agent.advance(5, registries, np.array([0, 0]), np.zeros(2))
    assert [(k, d.split(":")[0]) for _, k, d in events] == [("audit", "cured")]


@pytest.mark.parametrize(
    ("rule", "votes", "passes"),
    [
        ("unanimous", [0.0, 0.5, 0.5, 0.5, 0.95], False),  # RIPE NCC's 0.95 >= 0.9: against
        ("unanimous", [0.0, 0.5, 0.5, 0.5, 0.5], True),
        ("majority", [0.0, 0.5, 0.5, 0.95, 0.95], False),  # 2 of 4 is not more than half
        ("majority", [0.0, 0.5, 0.5, 0.5, 0.95], True),
    ],
)
def test_derecognition_needs_the_other_registries_support_by_the_rule(rule, votes, passes):
    registries = [StubRegistry(n) for n in "ABCDE"]
    for r in registries[1:]:
        r.governance = RegistryStatus.OPERATING
    agent = overseer(registries, rules(rule=rule, audit_lag=0, remediation_months=0, derecognition_lag=0))
    log, _ = run_process(agent, registries, {0: 30}, 1, votes=np.array(votes))
    decision = [d for _, k, d in log if k == "derecognition"][-1]
    assert decision.startswith("derecognised" if passes else "rejected")
    assert ("handoff" in [k for _, k, _ in log]) == passes
    assert derecognition_passes(0, 0, "majority") is False  # nobody left to decide


def test_a_kept_handoff_never_ends_and_no_remedy_means_no_process():
    registries = [StubRegistry("A"), StubRegistry("B")]
    registries[1].governance = RegistryStatus.OPERATING
    kept = overseer(registries, rules(keep=True, audit_lag=0, remediation_months=0, derecognition_lag=0))
    log, stages = run_process(kept, registries, {0: 30}, 300)
    assert "handoff_end" not in [k for _, k, _ in log] and stages[-1] == "handed_off"
    fresh = [StubRegistry("A"), StubRegistry("B")]
    idle = overseer(registries, rules(enabled=False))
    log, stages = run_process(idle, fresh, {0: 90}, 5)
    assert log == [] and set(stages) == {"none"} and fresh[0].petition_support == 0.0  # step 4: none signed
    idle.advance(5, fresh, np.array([90, 0]), np.zeros(2))
    assert fresh[0].petition_support == 0.9  # support is counted with or without the remedy


# --- enforcement, venue shopping and the safeguards ----------------------------------------
def enforcement(**changes: object) -> EnforcementRules:
    base = EnforcementRules(
        enforcement_rate=0.5,
        reclamation_lag=12,
        disputed_value=50.0 * 256,
        dual_approval=False,
        dispute_freeze=False,
    )
    return replace(base, **changes)


def test_disputed_holders_are_taken_in_order_until_the_share_of_each_registrys_ipv4():
    registry = np.array([0, 0, 0, 1, 1, 0])
    ipv4 = np.array([10, 40, 30, 5, 5, 20])  # registry 0 holds 100, registry 1 holds 10
    order = np.array([2, 4, 1, 0, 3, 5])
    assert mark_disputed(registry, ipv4, 0.3, order, 2).tolist() == [2, 4]  # 30 of 100; 5 of 10
    assert mark_disputed(registry, ipv4, 0.31, order, 2).tolist() == [1, 2, 4]  # the crosser too
    assert mark_disputed(registry, ipv4, 0.0, order, 2).size == 0


def one_case():
    """Two holders, both disputed, at registry 0 (strict) with registries 1 and 2 lax."""
    d = Disputes.of(np.array([0, 1]), np.array([4, 8]))
    registry = np.array([0, 0])
    strictness = np.array([0.9, 0.2, 0.1])
    return d, registry, strictness


def test_a_case_opens_with_chance_strictness_times_rate_and_is_reclaimed_after_the_lag():
    d, registry, strictness = one_case()
    opened = open_cases(d, registry, strictness, enforcement(), 3, np.array([0.44, 0.46]))
    assert opened.tolist() == [0] and d.case.tolist() == [Case.OPEN, Case.NONE]  # 0.44 < 0.45 <= 0.46
    assert d.due[0] == 15 and d.case_registry[0] == 0
    assert reclaim(d, registry, 14, freeze=False).size == 0
    assert reclaim(d, registry, 15, freeze=False).tolist() == [0] and d.case[0] == Case.RECLAIMED
    assert d.share(Case.RECLAIMED) == pytest.approx(4 / 12)


def escape(d, registry, strictness, rules, *, delay=1.0, step=3, one_off=None, u=None):
    return escape_requests(
        d,
        registry=registry,
        pending=np.zeros(2, dtype=bool),
        may_move_again=np.ones(2, dtype=bool),
        one_off=np.array([[INF, 2000.0, 2000.0]] * 2) if one_off is None else one_off,
        accepting=np.ones(3, dtype=bool),
        strictness=strictness,
        step=step,
        delay=delay,
        approval_odds=1.0,
        rules=rules,
        u=np.zeros(2) if u is None else u,
    )


def opened_case():
    d, registry, strictness = one_case()
    open_cases(d, registry, strictness, enforcement(), 3, np.array([0.0, 1.0]))
    return d, registry, strictness


def test_venue_shopping_without_safeguards_the_holder_escapes_to_the_laxest_registry():
    d, registry, strictness = opened_case()
    chosen, destination, refused = escape(d, registry, strictness, enforcement())
    assert chosen.tolist() == [0] and destination.tolist() == [2] and refused == 0  # holder 1: no case
    registry[0] = 2  # the move completes
    assert settle_escapes(d, np.array([0]), freeze=False).tolist() == [0] and d.case[0] == Case.ESCAPED
    assert reclaim(d, registry, 15, freeze=False).size == 0  # nothing left to reclaim
    assert d.share(Case.ESCAPED) == pytest.approx(4 / 12)


def test_no_escape_where_the_regime_forbids_every_move_or_it_costs_more_than_the_space():
    d, registry, strictness = opened_case()
    assert escape(d, registry, strictness, enforcement(), one_off=np.full((2, 3), INF))[0].size == 0
    dear = np.array([[INF, 60_000.0, 60_000.0]] * 2)  # 4 /24s x 256 x USD 50 = 51,200
    assert escape(d, registry, strictness, enforcement(), one_off=dear)[0].size == 0


def test_safeguard_a_year_long_process_the_move_would_land_after_the_reclamation():
    d, registry, strictness = opened_case()  # due at 15, asked at 3: 12 months left
    assert escape(d, registry, strictness, enforcement(), delay=11.0)[0].tolist() == [0]
    assert escape(d, registry, strictness, enforcement(), delay=12.0)[0].size == 0


def test_safeguard_dual_approval_both_memberships_vote_and_a_no_is_final():
    d, registry, strictness = opened_case()
    rules = enforcement(dual_approval=True)  # approval (1 - 0.9) x (1 - 0.1) = 0.09
    chosen, _, refused = escape(d, registry, strictness, rules, u=np.array([0.09, 0.0]))
    assert chosen.size == 0 and refused == 1 and d.vetoed[0]
    assert escape(d, registry, strictness, rules, u=np.array([0.0, 0.0]))[0].size == 0  # final
    d2, registry2, strictness2 = opened_case()
    assert escape(d2, registry2, strictness2, rules, u=np.array([0.089, 0.0]))[0].tolist() == [0]


def test_safeguard_dispute_freeze_the_case_follows_the_holder():
    d, registry, strictness = opened_case()
    rules = enforcement(dispute_freeze=True)
    assert escape(d, registry, strictness, rules)[0].size == 0  # moving would shield nothing
    registry[0] = 2  # it moved anyway (for service, say)
    assert settle_escapes(d, np.array([0]), freeze=True).size == 0 and d.case[0] == Case.OPEN
    assert reclaim(d, registry, 15, freeze=True).tolist() == [0] and d.case[0] == Case.RECLAIMED


def test_strictness_erodes_with_the_threat_of_exit_and_not_under_lock_in():
    now = [erode_strictness(0.8, 0.8, threat, 1.0, 0.5) for threat in (0.0, 0.25, 2.0)]
    assert now == pytest.approx([0.8, 0.8 + 0.5 * (0.6 - 0.8), 0.4])
    assert [erode_strictness(0.8, 0.8, 0.5, 0.0, 0.5)] * 3 == [0.8] * 3


def safeguards(p):
    names = ("ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC")
    regime = regime_terms(p, p.regime, names, load_transfer_policies(names))
    return regime.dual_approval, regime.dispute_freeze, regime.porting_delay


def test_the_safeguarded_regime_switches_both_safeguards_and_a_run_can_set_each():
    p = load_scenario("venue_shopping_safeguards")
    assert safeguards(p) == (True, True, 12.0)
    plain = load_scenario("venue_shopping")
    assert safeguards(plain)[:2] == (False, False)
    assert safeguards(replace(plain, dispute_freeze="on"))[:2] == (False, True)
    assert safeguards(replace(p, dual_approval="off"))[:2] == (False, True)
    with pytest.raises(ConfigError, match=r"remedy must be one of \('none', 'icp2_draft'\); got 'ebero'"):
        PortabilityModel(seed=1, remedy="ebero")
    with pytest.raises(
        ConfigError, match=r"registry_overrides.AFRINIC.strictness must be a number in \[0.0, 1.0\]"
    ):
        PortabilityModel(seed=1, registry_overrides={"AFRINIC": {"strictness": 2.0}})


# --- the model: scenarios, common random numbers, invariants --------------------------------
def run(name: str, steps: int, **overrides: object) -> PortabilityModel:
    model = PortabilityModel.from_scenario(name, seed=1, **overrides)
    for _ in range(steps):
        model.step()
    return model


def test_the_remedy_scenarios_differ_from_the_failure_scenarios_only_in_the_remedy():
    for plain, remedied in (
        ("registry_failure_locked", "registry_failure_handoff"),
        ("registry_failure_portable", "registry_failure_portable_handoff"),
    ):
        assert replace(load_scenario(plain), remedy="icp2_draft") == load_scenario(remedied)
    shopping, guarded = load_scenario("venue_shopping"), load_scenario("venue_shopping_safeguards")
    assert replace(shopping, regime="mandatory_safeguarded") == guarded


def test_a_locked_in_failure_is_handed_off_and_the_runs_share_everything_before_it():
    remedied, plain = run("registry_failure_handoff", 60), run("registry_failure_locked", 60)
    events = remedied.event_frame()
    start = int(events[events.kind == "handoff"].step.iloc[0])
    assert 12 < start < 12 + 39  # within the failure
    frame, before = remedied.model_frame(), plain.model_frame()
    # common random numbers: identical until the handoff starts
    assert frame.iloc[:start].equals(before.iloc[:start])
    assert frame.ipv4_at_risk.iloc[start] == 0.0 < before.ipv4_at_risk.iloc[start]
    afrinic = remedied.registry_frame().query("registry == 'AFRINIC'").set_index("step")
    assert afrinic.status.loc[start] == "handed_off" and afrinic.quality.loc[start] == 0.7
    crossed = int(events[events.kind == "petition"].step.iloc[0])
    assert afrinic.petition_support.loc[crossed] >= afrinic.petition_threshold.loc[crossed] == 0.25
    assert (afrinic.petition_support.loc[: crossed - 1] < 0.25).all()


def test_without_disputes_enforcement_changes_nothing():
    a = run("registry_failure_portable", 24)
    b = run(
        "registry_failure_portable", 24, initial_strictness=1.0, strictness_erosion=5.0, dispute_freeze="on"
    )
    cols = [c for c in a.registry_frame().columns if c != "strictness"]
    assert a.registry_frame()[cols].equals(b.registry_frame()[cols])
    assert a.model_frame().equals(b.model_frame())


def test_venue_shopping_shields_disputed_space_and_the_safeguards_stop_it():
    shopping, guarded = run("venue_shopping", 60), run("venue_shopping_safeguards", 60)
    assert shopping.model_frame().disputed_ipv4_shielded.iloc[-1] > 0.0
    assert "escape" in shopping.event_frame().kind.tolist()
    assert guarded.model_frame().disputed_ipv4_shielded.iloc[-1] == 0.0
    assert guarded.model_frame().disputed_ipv4_reclaimed.iloc[-1] > 0.0
    locked = run("venue_shopping", 60, regime="none")
    assert locked.model_frame().disputed_ipv4_shielded.iloc[-1] == 0.0


@settings(max_examples=25, deadline=None)
@given(
    params(),
    st.sampled_from(["none", "icp2_draft"]),
    st.floats(0.0, 0.3),
    st.sampled_from(["regime", "on", "off"]),
    st.sampled_from(["regime", "on", "off"]),
    st.floats(0.0, 1.0),
)
def test_invariants_hold_with_remedies(overrides, remedy, disputed, dual, freeze, threshold):
    extra = {
        "remedy": remedy,
        "disputed_share": disputed,
        "dual_approval": dual,
        "dispute_freeze": freeze,
        "petition_threshold_share": threshold,
        "audit_lag": 1,
        "remediation_months": 1,
        "derecognition_lag": 1,
        "audit_standard": 0.95,  # audits fail, so the whole process runs often
        "rir_support_odds": 1.0,
        "handoff_months": 3,
        "enforcement_rate": 0.5,
        "reclamation_lag": 2,
    }
    model = PortabilityModel(seed=1, **overrides, **extra)
    s = model.holders
    holdings, first = (s.ipv4.sum(), s.asn.sum(), s.ipv6.sum()), s.size
    for _ in range(14):  # past a January: entrants join
        model.step()
        check_invariants(model, holdings, first)
        for r in model.registries:
            g = r.governance
            assert 0.0 <= g.petition_support <= 1.0 and 0.0 <= r.strictness <= 1.0
            assert g.oversight_stage in set(Stage)
            assert (r.status == RegistryStatus.HANDED_OFF) == (
                g.oversight_stage == Stage.HANDED_OFF
            ) or r.closed
    frame = model.model_frame()
    assert (frame.disputed_ipv4_shielded + frame.disputed_ipv4_reclaimed <= 1.0 + 1e-12).all()
    assert frame.disputed_ipv4_shielded.is_monotonic_increasing
    assert frame.disputed_ipv4_reclaimed.is_monotonic_increasing


@pytest.mark.parametrize(
    "name",
    [
        "registry_failure_handoff",
        "registry_failure_portable_handoff",
        "venue_shopping",
        "venue_shopping_safeguards",
    ],
)
def test_the_four_scenarios_run_from_the_command_line(name, tmp_path, capsys):
    out = tmp_path / "run.csv"
    assert main(["run", name, "--steps", "30", "--scale", "0.02", "--seed", "1", "--out", str(out)]) == 0
    assert f"{name}: " in capsys.readouterr().out
    events = (tmp_path / "run_events.csv").read_text()
    registries = (tmp_path / "run_registries.csv").read_text().splitlines()[0]
    assert "petition_support" in registries and "strictness" in registries
    if name == "registry_failure_handoff":
        assert ",petition," in events and ",audit," in events
    if name == "venue_shopping":
        assert ",escape," in events
