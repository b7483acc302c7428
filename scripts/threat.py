"""The threat registries believe against the threat their members deliver (issue 18, docs/VALIDATION.md §2b).

*Believed*: a registry's `exit_threat` (the share of its yearly fee revenue it believes at
stake if it fell `threat_margin` behind), read the month before the test. *Delivered*: the
same seed run again with that registry held `threat_margin` below where it stood (a held
shortfall event from month `--start`: quality pinned at its best allowed rival's less
(best − own + margin), whatever its effort) for `--span` months; the revenue it loses over
12 (and 24) months beyond what it lost in the run left alone. Paired by seed, for every
registry, under today's transfers and mandatory portability.

Then the months after a change of regime: the same seeds under today's transfers until
`--start`, mandatory portability after (a dated change), against mandatory portability
from the first month: how far the registries' trust in their model of their members (and so
the threat they believe) lags, over- or under-shoots.

Writes into `--out`: `threat.csv` (one row per regime, seed and registry), `switch.csv`
(per seed, registry and month after the change), `threat.md` (the tables with 95% Student-t
intervals over seeds, and the ratio believed / delivered with a bootstrap interval) and
`threat.png` / `.pdf`.

    .venv/bin/python scripts/threat.py --seeds 20 --scale 0.02 --out results/threat   # ~6 min on 2 cores
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from agents.state import FORBIDDEN
from model import PortabilityModel
from model.calendar import date_of
from model.words import regime_colour, regime_title
from runs.analysis import t_interval_text

REGIMES = ("status_quo", "mandatory")


def seeds_of(root: int, n: int) -> list[int]:
    """The runs' seeds, drawn from the root before any run starts (as a sweep draws them)."""
    return [int(s) for s in np.random.SeedSequence(root).generate_state(n)]


def _run(regime: str, seed: int, scale: float, months: int, **kw) -> PortabilityModel:
    model = PortabilityModel(seed=seed, scale=scale, regime=regime, **kw)
    model.run_model(months)
    return model


def delivered(task: tuple[str, int, float, int, int]) -> list[dict]:
    """One regime and seed: every registry's believed threat, and what holding it behind delivers."""
    regime, seed, scale, start, span = task
    base = _run(regime, seed, scale, start + span)
    frame = base.registry_frame()
    margin = base.p.threat_margin
    allowed = base.regime.moves["ipv4"] != FORBIDDEN
    names = [r.name for r in base.registries]
    before = frame[frame.step == start - 1].set_index("registry")
    rows = []
    for r, name in enumerate(names):
        rivals = [before.quality[names[j]] for j in range(len(names)) if allowed[r, j]]
        if not rivals:
            continue
        shortfall = float(np.clip(max(rivals) - before.quality[name] + margin, 0.0, 1.0))
        event = {"registry": name, "start": start, "duration": span, "shortfall": shortfall}
        held = _run(regime, seed, scale, start + span, events=[event]).registry_frame()
        mine_base = frame[(frame.registry == name) & (frame.step >= start)].set_index("step")
        mine_held = held[(held.registry == name) & (held.step >= start)].set_index("step")
        row = {
            "regime": regime,
            "seed": seed,
            "registry": name,
            "believed": float(before.exit_threat[name]),
            "model_threat": float(before.threat_model[name]),
            "trust": float(before.threat_trust[name]),
            "shortfall": shortfall,
            "held_gap": float((mine_base.quality - mine_held.quality).loc[start : start + 11].mean()),
        }
        for months in (12, 24):
            window = slice(start, start + months - 1)
            row[f"delivered_{months}"] = float(
                mine_held.revenue_lost.loc[window].sum() - mine_base.revenue_lost.loc[window].sum()
            )
        rows.append(row)
    return rows


def switched(task: tuple[int, float, int, int]) -> pd.DataFrame:
    """One seed: today's transfers then mandatory portability from `start`, against mandatory throughout."""
    seed, scale, start, after = task
    months = start + after
    probe = PortabilityModel(seed=seed, scale=scale, regime="status_quo")
    change = {"date": date_of(probe.p.start, start)[:7], "regime": "mandatory", "source": "counterfactual"}
    runs = {
        "switched": _run("status_quo", seed, scale, months, changes=[change]),
        "always": _run("mandatory", seed, scale, months),
    }
    frames = []
    for label, model in runs.items():
        f = model.registry_frame()
        f = f[f.step >= start - 12][["step", "registry", "exit_threat", "threat_model", "threat_trust"]]
        frames.append(f.assign(run=label, seed=seed, month=f.step - start))
    return pd.concat(frames, ignore_index=True)


def threat_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per regime and registry: believed, delivered in 12 and 24 months, their ratio (bootstrap)."""
    out = []
    for (regime, name), g in rows.groupby(["regime", "registry"], sort=False):
        believed, d12 = g.believed.to_numpy(), g.delivered_12.to_numpy()
        ratio = believed.mean() / d12.mean() if d12.mean() > 0 else np.nan
        low, high = _ratio_interval(believed, d12)
        out.append(
            {
                "regime": regime_title(regime),
                "registry": name,
                "believed": t_interval_text(believed, 4),
                "model's estimate": t_interval_text(g.model_threat, 4),
                "trust": t_interval_text(g.trust, 3),
                "delivered, 12 months": t_interval_text(d12, 4),
                "delivered, 24 months": t_interval_text(g.delivered_24, 4),
                "believed / delivered (12)": f"{ratio:.2f} [{low:.2f}, {high:.2f}]",
            }
        )
    return pd.DataFrame(out)


def _ratio_interval(a: np.ndarray, b: np.ndarray, draws: int = 2000) -> tuple[float, float]:
    """95% paired bootstrap interval of mean(a) / mean(b) over seeds (NaN where b's mean is 0)."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, a.size, (draws, a.size))
    num, den = a[picks].mean(axis=1), b[picks].mean(axis=1)
    ratios = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ratios = ratios[np.isfinite(ratios)]
    return tuple(np.percentile(ratios, [2.5, 97.5])) if ratios.size else (np.nan, np.nan)


def switch_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Believed threat after the change against mandatory portability throughout, by year since."""
    wide = frame.pivot_table(index=["seed", "registry", "month"], columns="run", values="exit_threat")
    rows = []
    for year in (0, 1, 2, 3, 5):
        at = wide.xs(12 * year, level="month") if 12 * year in wide.index.get_level_values("month") else None
        if at is None:
            continue
        rows.append(
            {
                "months after the change": 12 * year,
                "believed, switched": t_interval_text(at.switched, 4),
                "believed, mandatory throughout": t_interval_text(at.always, 4),
                "switched − throughout (paired)": t_interval_text(at.switched - at.always, 4),
            }
        )
    return pd.DataFrame(rows)


def figure(rows: pd.DataFrame, switch: pd.DataFrame, out: Path) -> None:
    """Believed against delivered (one point per seed and registry), and the months after a change."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    floor = 1e-4
    for regime in REGIMES:
        g = rows[rows.regime == regime]
        left.scatter(
            np.maximum(g.delivered_12, floor),
            np.maximum(g.believed, floor),
            s=14,
            alpha=0.6,
            color=regime_colour(regime),
            label=regime_title(regime),
        )
    span = np.array([floor, 1.0])
    left.plot(span, span, color="black", lw=1, label="believed = delivered")
    left.fill_between(span, span / 2, span * 2, color="grey", alpha=0.15, label="within a factor of two")
    left.set(
        xscale="log",
        yscale="log",
        xlim=(floor / 1.5, 1),
        ylim=(floor / 1.5, 1),
        xlabel="delivered: revenue lost in 12 months when held behind (share, floored at 1e-4)",
        ylabel="believed: exit_threat the month before",
        title="(a) Believed against delivered, per seed and registry",
    )
    left.legend(loc="upper left", fontsize=8)
    mean = switch.groupby(["run", "month"]).exit_threat.mean().unstack(0)
    for run, style in (("switched", "-"), ("always", "--")):
        right.plot(mean.index, mean[run], style, color=regime_colour("mandatory"), label=_RUNS[run])
    right.axvline(0, color="black", lw=0.8)
    right.set(
        xlabel="months after the change to mandatory portability",
        ylabel="believed threat (mean over seeds and registries)",
        title="(b) After a change of regime",
    )
    right.legend(loc="lower right", fontsize=8)
    for suffix in ("png", "pdf"):
        fig.savefig(out / f"threat.{suffix}", dpi=150)
    plt.close(fig)


_RUNS = {"switched": "today's transfers, then mandatory", "always": "mandatory throughout"}


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the seeds in parallel, write the tables and the figure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds per regime (default 20)")
    parser.add_argument("--scale", type=float, default=0.02, help="population scale (default 0.02)")
    parser.add_argument("--start", type=int, default=120, help="month the test starts (default 120)")
    parser.add_argument("--span", type=int, default=24, help="months it is held behind (default 24)")
    parser.add_argument("--root", type=int, default=42, help="root of the seeds (default 42)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--out", type=Path, default=Path("results/threat"), help="output folder")
    args = parser.parse_args(argv)
    if args.seeds < 2 or not 0 < args.scale <= 1 or args.start < 13 or args.span < 12 or args.workers < 1:
        parser.error("need --seeds >= 2, 0 < --scale <= 1, --start >= 13, --span >= 12, --workers >= 1")
    args.out.mkdir(parents=True, exist_ok=True)
    seeds = seeds_of(args.root, args.seeds)
    tasks = [(regime, seed, args.scale, args.start, args.span) for regime in REGIMES for seed in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        rows = pd.DataFrame([row for part in pool.map(delivered, tasks) for row in part])
        switch = pd.concat(pool.map(switched, [(seed, args.scale, args.start, 60) for seed in seeds]))
    rows.to_csv(args.out / "threat.csv", index=False)
    switch.to_csv(args.out / "switch.csv", index=False)
    overall = {
        regime: (
            g.believed.mean() / g.delivered_12.mean(),
            *_ratio_interval(g.believed.to_numpy(), g.delivered_12.to_numpy()),
        )
        for regime, g in rows.groupby("regime")
    }
    lines = [
        f"# Believed against delivered threat ({args.seeds} seeds, scale {args.scale}, test from month "
        f"{args.start})",
        "",
        "Means with 95% Student-t intervals over seeds; the ratio's interval is a paired bootstrap.",
        "",
        threat_table(rows).to_markdown(index=False),
        "",
        "All registries together, believed / delivered in 12 months: "
        + "; ".join(f"{regime_title(k)} {v[0]:.2f} [{v[1]:.2f}, {v[2]:.2f}]" for k, v in overall.items()),
        "",
        "## After a change to mandatory portability (all registries)",
        "",
        switch_table(switch).to_markdown(index=False),
        "",
    ]
    (args.out / "threat.md").write_text("\n".join(lines))
    figure(rows, switch, args.out)
    print("\n".join(lines))
    print(f"wrote {args.out}/threat.csv, switch.csv, threat.md, threat.png, threat.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
