"""Remedies: the ICP-2 draft's oversight process, enforcement and venue shopping."""

from __future__ import annotations

from dataclasses import dataclass

from model.params.fields import REMEDY_NAMES, choice, number

__all__ = ["RemedyParams"]


@dataclass(frozen=True, kw_only=True)
class RemedyParams:
    """A section of `Params` (see the module docstring)."""

    # --- remedies: the ICP-2 draft's oversight process --------------------------------
    remedy: str = choice(
        "none",
        REMEDY_NAMES,
        "the oversight remedy for a failing registry: none, or the ICP-2 draft v2's petition, "
        "audit, derecognition and handoff",
        label="Remedy",
        source="ICP-2 draft v2 'Recognition, Operation and Derecognition of RIRs' (NRO, 28 Aug 2025), "
        "§2.3, §2.4, §4.1(l), §5.3 as read by N. Nugent (26 Apr 2025) and icp2-review (29 Oct 2025)",
    )
    petition_memory: int = number(
        12,
        1,
        120,
        "months a member's voice counts as a signature on a petition against its registry",
        unit="months",
        integer=True,
        label="Petition memory",
        source="[assumption] dissatisfaction must persist within a year to add up",
    )
    petition_threshold_share: float = number(
        0.25,
        0.0,
        1.0,
        "a petition triggers the process when this share of a registry's members has signed",
        unit="share of members",
        label="Petition threshold (share)",
        source="ICP-2 draft v2 §2.3(b)(i)(B), §2.4(b): 25% of members (icp2-review, 29 Oct 2025); "
        "commenters asked for 5%",
    )
    petition_threshold_members: float = number(
        2000.0,
        0.0,
        1e5,
        "... or when this many members have signed (times `scale`)",
        unit="members at scale 1",
        label="Petition threshold (members)",
        source="ICP-2 draft v2 §2.3(b)(i)(B): 2,000 members (icp2-review, 29 Oct 2025); "
        "commenters asked for 100",
    )
    audit_lag: int = number(
        6,
        0,
        60,
        "months from a petition to the ad-hoc audit's finding (NRO EC review plus the audit)",
        unit="months",
        integer=True,
        label="Petition to audit finding",
        source="[assumption] ICP-2 draft v2 §2.4(b) sets no deadline",
    )
    audit_standard: float = number(
        0.6,
        0.0,
        1.0,
        "an audit finds a registry meets its ongoing obligations when it is operating and its "
        "quality and neutrality are at least this",
        unit="index points",
        label="Audit standard",
        source="[assumption] ICP-2 draft v2 §4.1 names the obligations, not a measure",
    )
    remediation_months: int = number(
        6,
        0,
        60,
        "months a registry found failing has to cure before derecognition is proposed",
        unit="months",
        integer=True,
        label="Remediation period",
        source="[assumption]",
    )
    derecognition_lag: int = number(
        6,
        0,
        60,
        "months from the proposal to derecognise to the decision (the RIRs publish reasoned recommendations)",
        unit="months",
        integer=True,
        label="Derecognition decision lag",
        source="[assumption] ICP-2 draft v2 §2.3 (N. Nugent, 26 Apr 2025) sets no deadline",
    )
    derecognition_rule: str = choice(
        "unanimous",
        ("unanimous", "majority"),
        "how many of the other registries must support a derecognition: all, or more than half",
        label="Derecognition rule",
        source="ICP-2 draft v1 implied unanimous RIR support (N. Nugent, 26 Apr 2025; ripe-list msg02504)",
    )
    rir_support_odds: float = number(
        0.9,
        0.0,
        1.0,
        "chance each other registry supports derecognising a registry that failed its audit and "
        "its remediation",
        label="RIR support for derecognition",
        source="[assumption]",
    )
    handoff_months: int = number(
        24,
        1,
        240,
        "months a continuity operator runs a derecognised registry's records",
        unit="months",
        integer=True,
        label="Handoff period",
        source="[assumption] ICP-2 draft v2 §4.1(l), §5.3: a temporary takeover",
    )
    handoff_quality: float = number(
        0.7,
        0.0,
        1.0,
        "service quality the continuity operator keeps (registry and RPKI run, no policy work)",
        unit="index points",
        label="Handoff quality",
        source="[assumption] an EBERO-style backup operator (ARIN icp2_review, May 2025)",
    )
    handoff_neutrality: float = number(
        0.8,
        0.0,
        1.0,
        "neutrality of the continuity operator (an outside party, free of the local capture)",
        unit="index points",
        label="Handoff neutrality",
        source="[assumption] as a registry's initial neutrality",
    )
    handoff_outcome: str = choice(
        "return",
        ("return", "keep"),
        "after the handoff period the records return to a rebuilt registry, or the operator keeps them",
        label="After the handoff",
        source="ICP-2 draft v2 §5.3 (handoff after derecognition); the choice is open [assumption]",
    )
    # --- remedies: enforcement and venue shopping ------------------------------------
    disputed_share: float = number(
        0.0,
        0.0,
        0.5,
        "share of every registry's IPv4 held by holders whose space is disputed (0: no disputes)",
        unit="share of IPv4",
        label="Disputed space",
        source="AFRINIC: 6.2M of 115.9M delegated IPv4 = 5.4% (Cloud Innovation, theafricareport "
        "20 Oct 2021); insider 4.1M = 3.5% (MyBroadband 2019-2021); ARIN/Micfo 757,760 (Krebs, 15 May 2019)",
    )
    initial_strictness: float = number(
        0.5,
        0.0,
        1.0,
        "every registry's enforcement strictness at start (needs checks, reclamation, court orders)",
        label="Enforcement strictness",
        source="[assumption]; per registry through registry_overrides",
    )
    enforcement_rate: float = number(
        1 / 12,
        0.0,
        1.0,
        "monthly chance a fully strict registry opens a reclamation case against a disputed holder",
        unit="per month",
        label="Enforcement rate",
        source="[assumption] AFRINIC audited CI's use in 2019 and notified a breach in Jun 2020 "
        "(theafricareport, 20 Oct 2021; L'Express, 29 Jul 2021)",
    )
    reclamation_lag: int = number(
        12,
        0,
        120,
        "months from a case's opening to the reclamation of the space",
        unit="months",
        integer=True,
        label="Reclamation lag",
        source="AFRINIC notified CI of a breach in Jun 2020 and resolved to reclaim on 8 Jul 2021 "
        "(L'Express 29 Jul 2021; board minutes)",
    )
    strictness_erosion: float = number(
        1.0,
        0.0,
        20.0,
        "how far a registry relaxes enforcement per unit of the credible threat of exit it faces "
        "(0: competition never erodes strictness)",
        label="Erosion of strictness",
        source="[assumption] critics of portability (Afrihost on icp2-review, 31 Oct 2025): venue shopping",
    )
    disputed_value: float = number(
        50.0,
        0.0,
        1000.0,
        "what a disputed holder stands to lose per address if its space is reclaimed",
        unit="USD per address",
        label="Value of disputed space",
        source="IPv4 price about USD 50 an address in 2022 (as quality_value; ODD §6)",
    )
    disputed_in_right: float = number(
        0.5,
        0.0,
        1.0,
        "share of disputed holders in the right: the claim against them is abusive, so reclaiming "
        "their space, or singling them out, is unfair treatment (the rest are in the wrong)",
        unit="share of disputed holders",
        label="Disputed holders in the right",
        source="[assumption] contested: Cloud Innovation won injunctions against AFRINIC's reclamation "
        "(13-15 Jul 2021) after losing one (7 Jul 2021) (L'Express 29 Jul 2021; domain notes §C1)",
    )
    # --- targeted capture: a registry singling out a member group (GovernanceEvent.targets) --
    targeted_share: float = number(
        0.05,
        0.0,
        0.5,
        "share of the registry's IPv4 held by the group a targeting event singles out, when the "
        "group is a faction or its largest holders (a `disputed` group is its disputed holders)",
        unit="share of IPv4",
        label="Targeted group's share",
        source="[assumption] of the size of AFRINIC's dispute with Cloud Innovation: 6.2M of 115.9M "
        "IPv4 = 5.4% (theafricareport, 20 Oct 2021)",
    )
    targeted_harm: float = number(
        0.3,
        0.0,
        1.0,
        "neutrality a captured registry withholds from its targeted members (index points): what "
        "being singled out is worth to them, as a loss of impartial treatment",
        unit="index points",
        label="Harm to the targeted",
        source="[assumption] membership terminated and reinstated, resources deregistered, bank "
        "accounts frozen in the AFRINIC-Cloud Innovation case (domain notes §C1)",
    )
    targeted_denial: float = number(
        0.5,
        0.0,
        1.0,
        "chance a captured registry refuses a targeted member's release request when it processes "
        "it (the member must ask again at its next review)",
        unit="probability",
        label="Releases denied to the targeted",
        source="[assumption]; no inter-RIR exit existed from AFRINIC during the dispute (domain notes §C1)",
    )
    dual_approval: str = choice(
        "regime",
        ("regime", "on", "off"),
        "safeguard: a move of disputed space needs the members of both registries to approve",
        label="Safeguard: approval by both registries",
        source="Afrihost on icp2-review (31 Oct 2025): membership votes in both RIRs; "
        "'regime' takes the regime's",
    )
    dispute_freeze: str = choice(
        "regime",
        ("regime", "on", "off"),
        "safeguard: no permanent transfer while a dispute is open (the case follows the holder)",
        label="Safeguard: no transfer while disputed",
        source="Afrihost on icp2-review (31 Oct 2025): no permanent transfers; 'regime' takes the regime's",
    )
