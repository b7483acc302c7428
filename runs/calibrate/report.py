"""A calibration's report: posterior, diagnostics, posterior predictive checks, figures.

Writes into the calibration's folder `report.md`, `generations.csv`, `posterior.csv`,
`predictive.csv` and figures (300 dpi PNG and PDF): the marginals against the prior ranges,
a pairs plot, the diagnostics per generation, and the predictive intervals against the record.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from runs.calibrate.smc import Simulator, database, replay_simulator
from runs.calibrate.spec import CalibrationSpec

__all__ = ["UNINFORMED", "diagnostics", "posterior", "predictive", "write_report"]

#: a parameter whose posterior 90% interval is wider than this share of its prior range is
#: not informed by the record (a uniform prior's own 90% interval is 0.9 of its range)
UNINFORMED = 0.8


def _history(out: Path):
    import pyabc

    return pyabc.History(database(out))


def diagnostics(out: Path) -> pd.DataFrame:
    """Per generation: epsilon, simulations, acceptance rate, effective sample size."""
    from pyabc.weighted_statistics import effective_sample_size

    history = _history(out)
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    rows = []
    for pop in pops.itertuples():
        _, w = history.get_distribution(t=int(pop.t))
        rows.append(
            {
                "generation": int(pop.t),
                "epsilon": float(pop.epsilon),
                "simulations": int(pop.samples),
                "accepted": int(pop.particles),
                "acceptance_rate": pop.particles / pop.samples,
                "ess": float(effective_sample_size(w)),
            }
        )
    return pd.DataFrame(rows)


def posterior(spec: CalibrationSpec, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The last generation's particles (parameters, seed, weight) and per parameter its summary."""
    from pyabc.weighted_statistics import weighted_quantile

    history = _history(out)
    pop = history.get_population_extended(t=history.max_t)
    particles = pd.DataFrame({name: pop[f"par_{name}"] for name in spec.parameters})
    particles["seed"] = pop["sumstat_seed"].astype(int)
    particles["distance"], particles["weight"] = pop["distance"], pop["w"] / pop["w"].sum()
    rows = []
    for prior in spec.priors:
        x, w = particles[prior.name].to_numpy(), particles.weight.to_numpy()
        low, median, high = (weighted_quantile(x, w, alpha=a) for a in (0.05, 0.5, 0.95))
        ratio = (high - low) / (prior.high - prior.low)
        rows.append(
            {
                "parameter": prior.name,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "median": median,
                "q05": low,
                "q95": high,
                "width_ratio": ratio,
                "informed": ratio <= UNINFORMED,
            }
        )
    return particles.reset_index(drop=True), pd.DataFrame(rows)


def predictive(spec: CalibrationSpec, particles: pd.DataFrame, simulator: Simulator) -> pd.DataFrame:
    """`spec.posterior_checks` posterior draws rerun with new seeds, all drawn from the root seed."""
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 1 << 20]))  # apart from the SMC's
    drawn = rng.choice(len(particles), size=spec.posterior_checks, p=particles.weight.to_numpy())
    rows = []
    for index in drawn:
        values = {name: float(particles.at[index, name]) for name in spec.parameters}
        seed = int(rng.integers(0, 2**31 - 1))
        rows.append({**values, "seed": seed, **simulator(values, seed)})
    return pd.DataFrame(rows)


def _checks(spec: CalibrationSpec, runs: pd.DataFrame) -> pd.DataFrame:
    """Per target: the predictive 5-95% interval and whether it overlaps the observed range."""
    rows = []
    for name, target in spec.targets.items():
        values = runs[name].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        low, mid, high = np.percentile(values, [5, 50, 95]) if values.size else (np.nan,) * 3
        use = "fit" if name in spec.fit else "held_out" if name in spec.held_out else target.use
        covered = bool(values.size and high >= target.low and low <= target.high)
        rows.append(
            {"target": name, "use": use, "low": target.low, "high": target.high, "unit": target.unit}
            | {"p05": low, "median": mid, "p95": high, "covered": covered}
            | {"median_inside": bool(target.low <= mid <= target.high)}
        )
    return pd.DataFrame(rows)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _markdown(spec: CalibrationSpec, gens: pd.DataFrame, summary: pd.DataFrame, checks: pd.DataFrame) -> str:
    held = checks[checks.use == "held_out"]
    fit = checks[checks.use == "fit"]
    uninformed = summary[~summary.informed].parameter.tolist()
    lines = [
        f"# Calibration `{spec.name}`: ABC-SMC (pyabc)",
        "",
        f"{spec.description}. Scenario `{spec.scenario}`, scale {spec.scale}, root seed {spec.seed}; "
        f"population {spec.population}, {len(gens)} of {spec.generations} generations, "
        f"{int(gens.simulations.sum())} simulations (budget {spec.budget}). Fit targets: "
        f"{', '.join(spec.fit)}. Distance: each fit target's distance outside its observed range in "
        f"{spec.scale_by}s of the range, combined with the {spec.norm:g}-norm.",
        "",
        f"**Held-out coverage: {int(held.covered.sum())} of {len(held)}** held-out targets have a "
        f"posterior predictive 5-95% interval that overlaps the observed range "
        f"(fit targets: {int(fit.covered.sum())} of {len(fit)}); the predictive median lies inside "
        f"the observed range for {int(held.median_inside.sum())} of {len(held)} held-out and "
        f"{int(fit.median_inside.sum())} of {len(fit)} fit targets.",
        "",
        "## Posterior (last generation)",
        "",
        "| parameter | prior | median | 90% interval | width / prior width | informed |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        lines.append(
            f"| `{r.parameter}` | [{_fmt(r.prior_low)}, {_fmt(r.prior_high)}] | {_fmt(r.median)} | "
            f"[{_fmt(r.q05)}, {_fmt(r.q95)}] | {r.width_ratio:.2f} | {'yes' if r.informed else 'no'} |"
        )
    lines += [
        "",
        f"Not informed by the record (posterior 90% interval wider than {UNINFORMED} of the prior "
        f"range): {', '.join(f'`{n}`' for n in uninformed) if uninformed else 'none'}.",
        "",
        "## Diagnostics per generation",
        "",
        "| generation | epsilon | simulations | acceptance rate | effective sample size |",
        "|---|---|---|---|---|",
    ]
    for g in gens.itertuples():
        lines.append(
            f"| {g.generation} | {_fmt(g.epsilon)} | {g.simulations} | "
            f"{g.acceptance_rate:.3f} | {g.ess:.1f} |"
        )
    lines += [
        "",
        f"## Posterior predictive checks ({spec.posterior_checks} posterior draws rerun, new seeds)",
        "",
        "| target | use | observed | predictive median [5-95%] | covered | median inside |",
        "|---|---|---|---|---|---|",
    ]
    for use in ("fit", "held_out", "check"):
        for r in checks[checks.use == use].itertuples():
            lines.append(
                f"| `{r.target}` | {r.use} | {_fmt(r.low)} - {_fmt(r.high)} {r.unit} | "
                f"{_fmt(r.median)} [{_fmt(r.p05)} - {_fmt(r.p95)}] | {'yes' if r.covered else 'no'} | "
                f"{'yes' if r.median_inside else 'no'} |"
            )
    lines += [
        "",
        "Covered: the predictive 5-95% interval overlaps the observed range (as in "
        "`scripts/history.py`); a wide predictive interval covers easily, so the stricter column "
        "says whether the predictive median lies inside the observed range. Figures: "
        "`posterior`, `pairs`, `diagnostics`, `predictive` (.png at 300 dpi, .pdf). Any particle "
        "reruns exactly from its parameters and `seed` (`posterior.csv`, `predictive.csv`).",
    ]
    return "\n".join(lines) + "\n"


def write_report(
    spec: CalibrationSpec,
    out: Path,
    *,
    simulator: Simulator | None = None,
    progress: Callable[[str], None] = print,
) -> Path:
    """Everything in the module docstring; returns the path of report.md."""
    from runs.calibrate.figures import figures

    gens = diagnostics(out)
    particles, summary = posterior(spec, out)
    progress(f"posterior predictive checks: {spec.posterior_checks} runs")
    runs = predictive(spec, particles, simulator or replay_simulator(spec))
    checks = _checks(spec, runs)
    gens.to_csv(out / "generations.csv", index=False)
    particles.to_csv(out / "posterior.csv", index=False)
    runs.to_csv(out / "predictive.csv", index=False)
    checks.to_csv(out / "checks.csv", index=False)
    figures(spec, out, gens, particles, checks)
    path = out / "report.md"
    path.write_text(_markdown(spec, gens, summary, checks))
    return path
