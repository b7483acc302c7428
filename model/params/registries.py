"""Registries: traits and management, books, and governance events."""

from __future__ import annotations

from dataclasses import dataclass

from model.params.fields import number

__all__ = ["RegistryParams"]


@dataclass(frozen=True, kw_only=True)
class RegistryParams:
    """A section of `Params`: registries: traits and management, books, and governance events."""

    # --- registries: traits and management -----------------------------------------------
    initial_quality: float = number(
        0.8,
        0.0,
        1.0,
        "every registry's service quality at start",
        unit="index points",
        label="Initial quality",
        source="[assumption] equal for all: no claim about any real registry",
    )
    initial_neutrality: float = number(
        0.8,
        0.0,
        1.0,
        "every registry's neutrality at start",
        unit="index points",
        label="Initial neutrality",
        source="[assumption] equal for all",
    )
    responsiveness: float = number(
        0.5,
        0.0,
        1.0,
        "share of what is at stake that management counts when it chooses effort",
        label="Responsiveness",
        source="[assumption]",
    )
    base_effort: float = number(
        0.3,
        0.0,
        1.0,
        "effort of a registry with nothing at stake (complacency)",
        label="Complacent effort",
        source="[assumption]",
    )
    effort_adjustment: float = number(
        0.2,
        0.0,
        1.0,
        "share of the gap to the chosen effort closed a month",
        label="Effort adjustment",
        source="[assumption] organisations change course over months",
    )
    improvement_rate: float = number(
        0.05,
        0.0,
        1.0,
        "monthly gain in quality/neutrality at full effort, times the room left",
        label="Improvement rate",
        source="[assumption]",
    )
    complacency_rate: float = number(
        0.01,
        0.0,
        1.0,
        "monthly loss of quality at zero effort",
        label="Complacency rate",
        source="[assumption]",
    )
    capture_drift: float = number(
        0.005,
        0.0,
        1.0,
        "monthly loss of neutrality at zero effort",
        label="Capture drift",
        source="[assumption]",
    )
    exit_weight: float = number(
        1.0,
        0.0,
        50.0,
        "how much management counts revenue lost to members who left (0 switches the channel off)",
        label="Weight of realised exit",
        source="[assumption] equal weights for the three channels",
    )
    threat_weight: float = number(
        1.0,
        0.0,
        50.0,
        "how much management counts revenue the credible threat of exit puts at stake (0: off)",
        label="Weight of the credible threat",
        source="[assumption] equal weights for the three channels",
    )
    voice_weight: float = number(
        1.0,
        0.0,
        50.0,
        "how much management counts members' voice, one member one vote (0: off)",
        label="Weight of voice",
        source="[assumption] equal weights for the three channels",
    )
    threat_margin: float = number(
        0.05,
        0.001,
        1.0,
        "shortfall behind the best allowed rival at which management gauges the threat of exit",
        unit="index points",
        label="Threat margin",
        source="[assumption]",
    )
    threat_uncertainty: float = number(
        0.1,
        0.001,
        2.0,
        "a registry's uncertainty about a member's private yearly gain from leaving (s.d.)",
        unit="index points a year",
        label="Registry's uncertainty about members",
        source="[assumption]",
    )
    signal_memory: float = number(
        12.0,
        1.0,
        120.0,
        "months over which management remembers exits and voice (mean age of the memory)",
        unit="months",
        label="Memory of exits and voice",
        source="[assumption] a budget year",
    )
    threat_prior_sd: float = number(
        1.0,
        0.0,
        5.0,
        "how unsure a registry is at first of its own estimate of the threat: s.d. of the factor by "
        "which members answer a shortfall more or less than its model of them says (0: it never learns)",
        label="Registry's doubt about its threat estimate",
        source="[assumption] no registry has measured it: its estimate may be off by its own size",
    )
    threat_learning_drift: float = number(
        0.02,
        0.0,
        1.0,
        "monthly s.d. of the change a registry expects in how members answer a shortfall (keeps it learning)",
        label="Drift of the threat belief",
        unit="per month",
        source="[assumption] as holders expect registries' traits to drift (belief_drift)",
    )
    exit_signal_noise: float = number(
        0.02,
        0.0001,
        1.0,
        "s.d. of a month's yearly share of revenue lost to members leaving for quality, as the registry's "
        "own books show it (chance departures, the reasons recorded)",
        label="Noise of a month's exits",
        unit="share of revenue a year",
        source="[assumption] a member or two of a few hundred leaving by chance in a month",
    )
    rival_noise_ratio: float = number(
        3.0,
        1.0,
        100.0,
        "noise of a rival's public experience (membership statistics, transfer logs) relative to the "
        "registry's own books",
        label="Rivals' experience noise (ratio)",
        source="[assumption] RIRs publish members and transfers, not why members left",
    )
    exit_reason_accuracy: float = number(
        0.8,
        0.0,
        1.0,
        "chance a registry records the true reason a member left (quality, taste, fees), from its "
        "transfer requests and exit surveys; otherwise it records one of the other two",
        label="Exit reasons recorded right",
        source="[assumption]",
    )
    fee_response: float = number(
        0.5,
        0.0,
        5.0,
        "how far a registry cuts its fees below cost recovery per unit of yearly revenue it loses to "
        "members leaving for its fees (0: fees follow costs only)",
        label="Fee response to fee-driven exits",
        source="[assumption] a registry answers fee-driven exit by a fee choice within its budget, "
        "drawing on reserves (ARIN and RIPE NCC revise fee schedules yearly: domain notes §A1)",
    )
    # --- registries: books -----------------------------------------------------------------
    effort_cost: float = number(
        0.2,
        0.0,
        2.0,
        "extra operating cost at full effort, relative to the complacent cost (grows with the square)",
        label="Cost of effort",
        source="[assumption]",
    )
    fixed_cost_share: float = number(
        0.7,
        0.0,
        1.0,
        "share of operating cost that does not shrink with members",
        label="Fixed cost share",
        source="[assumption] salaries are most of RIR costs (ARIN 2025: 78%, domain.md §A1)",
    )
    reserve_target: float = number(
        12.0,
        0.0,
        120.0,
        "reserves a registry aims to hold",
        unit="months",
        label="Reserve target",
        source="[assumption]",
    )
    fee_adjustment: float = number(
        0.1,
        0.0,
        1.0,
        "share of the way to cost-recovering fees a registry moves each month",
        label="Fee adjustment",
        source="[assumption]",
    )
    max_fee_multiplier: float = number(
        4.0,
        1.0,
        20.0,
        "cap on a registry's fees relative to its schedule",
        label="Highest fee multiplier",
        source="[assumption]",
    )
    min_fee_multiplier: float = number(
        0.5,
        0.0,
        1.0,
        "floor on a registry's fees relative to its schedule",
        label="Lowest fee multiplier",
        source="[assumption]",
    )
    min_reserve_months: float = number(
        3.0,
        0.0,
        60.0,
        "below these reserves a registry cuts effort in proportion",
        unit="months",
        label="Reserves that protect effort",
        source="[assumption]",
    )
    insolvency_limit: int = number(
        24,
        1,
        240,
        "months of insolvency after which a registry closes",
        unit="months",
        integer=True,
        label="Insolvency limit",
        source="[assumption]",
    )
    paralysis_degraded: float = number(
        0.5,
        0.0,
        1.0,
        "share of effort that still works while governance is degraded",
        label="Effort that works when degraded",
        source="[assumption]",
    )
    paralysis_failed: float = number(
        0.0,
        0.0,
        1.0,
        "share of effort that still works while governance has failed",
        label="Effort that works when failed",
        source="[assumption] AFRINIC had no quorate board for ~3 years (domain.md §C1)",
    )
    release_capacity: float = number(
        0.05,
        0.0,
        1.0,
        "releases an operating registry can process a month",
        unit="share of members a month",
        label="Release capacity",
        source="[assumption]",
    )
    release_degraded: float = number(
        0.5,
        0.0,
        1.0,
        "share of the release capacity left while governance is degraded",
        label="Releases when degraded",
        source="[assumption]",
    )
    release_failed: float = number(
        0.1,
        0.0,
        1.0,
        "share of the release capacity left while governance has failed",
        label="Releases when failed",
        source="[assumption] AFRINIC stalled allocations in 2025 (domain.md §A4)",
    )
    # --- governance events ---------------------------------------------------------------
    event_hazard: float = number(
        0.0,
        0.0,
        0.1,
        "monthly chance of a random governance event per registry",
        unit="per month",
        label="Event hazard",
        source="[assumption] off by default; scenarios schedule events",
    )
    event_duration: float = number(
        12.0,
        1.0,
        120.0,
        "mean duration of a random event",
        unit="months",
        label="Event duration",
        source="[assumption]",
    )
    event_quality_drop: float = number(
        0.3,
        0.0,
        1.0,
        "quality lost at the start of a random event",
        unit="index points",
        label="Quality drop",
        source="[assumption]",
    )
    event_neutrality_drop: float = number(
        0.2,
        0.0,
        1.0,
        "neutrality lost at the start of a random event",
        unit="index points",
        label="Neutrality drop",
        source="[assumption]",
    )
    surge_factor: float = number(
        3.0,
        1.0,
        100.0,
        "moves above this multiple of the last year's mean are logged as a surge",
        label="Surge factor",
        source="[assumption] a reporting threshold, no effect on behaviour",
    )
    surge_min_share: float = number(
        0.002,
        0.0,
        1.0,
        "a surge also needs moves by at least this share of holders",
        label="Smallest surge",
        source="[assumption] a reporting threshold, no effect on behaviour",
    )
