"""Observed against simulated: the `history` scenario over many seeds, against the record.

Runs the replay of October 2018 onwards (`history`, or another scenario that starts from
it) for `--seeds` seeds drawn from one root seed, computes every target of
`model/data/observed.toml` with the measure the calibration uses (`model.observed`), and
writes, into `--out`:

- `history.csv`: one row per seed and target (the model's number);
- `history.md`: per target the observed range and its source, the seeds' mean with a 95%
  t-interval of the mean, the seeds' 5-95% range, and a verdict: *covered* (the observed
  range overlaps the seeds' 5-95% range), *close* (it is within one more such width), or
  *missed*, with which side;
- `history.png` / `.pdf`: the replay with the observed points (price, members, transfers).

    .venv/bin/python scripts/history.py --seeds 20 --scale 0.05 --out results/history   # ~1-2 min on 2 cores
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import load_scenario
from model.observed import Frames, Target, load_targets
from model.replay import HISTORY_MONTHS, measured, replay, seeds_of
from model.scenarios import scenario_info


def run(task: tuple[str, int, float, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One seed's frames: (model frame, registry frame)."""
    scenario, seed, scale, months = task
    frames = replay(scenario, seed, scale, months)
    return frames.model, frames.registries


def verdict(target: Target, values: np.ndarray) -> str:
    """covered / close / missed (low or high), comparing the observed range with the seeds' 5-95% range."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "not measured"
    low, high = np.percentile(values, [5, 95])
    if high >= target.low and low <= target.high:
        return "covered"
    width = max(high - low, 1e-12 * max(abs(high), 1.0))
    side = "model high" if low > target.high else "model low"
    gap = low - target.high if low > target.high else target.low - high
    return f"close ({side})" if gap <= width else f"missed ({side})"


def table(targets: dict[str, Target], results: pd.DataFrame) -> pd.DataFrame:
    """Per target: observed, the seeds' mean, 95% t-interval, 5-95% range, verdict."""
    rows = []
    for name, target in targets.items():
        values = results[name].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        mean = finite.mean() if finite.size else np.nan
        half = (
            stats.t.ppf(0.975, finite.size - 1) * finite.std(ddof=1) / np.sqrt(finite.size)
            if finite.size > 1
            else np.nan
        )
        low, high = np.percentile(finite, [5, 95]) if finite.size else (np.nan, np.nan)
        rows.append(
            {
                "target": name,
                "what": target.what,
                "use": target.use,
                "observed": f"{_fmt(target.low)} - {_fmt(target.high)}",
                "unit": target.unit,
                "mean": mean,
                "ci95": (mean - half, mean + half),
                "range90": (low, high),
                "verdict": verdict(target, values),
                "source": target.source,
            }
        )
    return pd.DataFrame(rows)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def markdown(summary: pd.DataFrame, args: argparse.Namespace, seconds: float) -> str:
    lines = [
        f"Observed against simulated: `{args.scenario}`, {args.seeds} seeds (root {args.root}), scale "
        f"{args.scale}, {args.months} months; `scripts/history.py` ({seconds:.0f} s).",
        "",
        "| target | use | observed | model: mean [95% CI] | seeds' 5-95% | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        ci = f"{_fmt(r.mean)} [{_fmt(r.ci95[0])}, {_fmt(r.ci95[1])}]"
        rng = f"{_fmt(r.range90[0])} - {_fmt(r.range90[1])}"
        lines.append(
            f"| {r.what} (`{r.target}`) | {r.use} | {r.observed} {r.unit} | {ci} | {rng} | {r.verdict} |"
        )
    lines += ["", "Sources:", ""] + [f"- `{r.target}`: {r.source}" for r in summary.itertuples()]
    return "\n".join(lines) + "\n"


def figure(
    frames: list[tuple[pd.DataFrame, pd.DataFrame]], targets: dict[str, Target], scale: float, path: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from model.words import PALETTE

    dates = pd.to_datetime(frames[0][0].date)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    price = np.vstack([m.ipv4_price.to_numpy() for m, _ in frames])
    _band(axes[0], dates, price, PALETTE[0], "model (mean, 5-95% of seeds)")
    for name in ("price_2019_03", "price_2020_12", "price_2021_10", "price_2021_12", "price_2022_04"):
        t = targets[name]
        _observed(axes[0], t, f"observed ({t.use.replace('_', ' ')})")
    axes[0].set(title="IPv4 price", ylabel="USD per address")
    for i, registry in enumerate(("ARIN", "RIPE NCC", "APNIC", "LACNIC", "AFRINIC")):
        members = np.vstack([r[r.registry == registry].members.to_numpy() / scale for _, r in frames])
        _band(axes[1], dates, members, PALETTE[i], registry)
    for name in ("members_afrinic_2024", "members_lacnic_2024"):
        _observed(axes[1], targets[name], None)
    axes[1].set(title="Holders per registry (real count)", ylabel="holders", yscale="log")
    for i, registry in enumerate(("ARIN", "RIPE NCC")):
        yearly = []
        for _, r in frames:
            rows = r[r.registry == registry]
            blocks = rows.sales_within + rows.sales_in + rows.sales_out
            yearly.append(
                pd.Series(blocks.to_numpy(), index=pd.to_datetime(rows.date)).resample("YE").sum()
                * 256
                / scale
            )
        table_ = pd.concat(yearly, axis=1)
        _band(axes[2], table_.index, table_.to_numpy().T, PALETTE[i], registry)
    for name in ("transfers_ripe_2024", "transfers_arin_2024"):
        _observed(axes[2], targets[name], None)
    axes[2].set(title="IPv4 transferred a year, all kinds", ylabel="addresses a year")
    for ax in axes:
        ax.legend(fontsize=7, frameon=False)
        ax.tick_params(axis="x", labelrotation=30)
    fig.suptitle("The history scenario against what was observed (points and bars: observed ranges)")
    fig.savefig(path.with_suffix(".png"), dpi=300)
    fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)


def _band(ax, dates, values: np.ndarray, colour: str, label: str) -> None:
    ax.plot(dates, np.nanmean(values, axis=0), color=colour, lw=1.8, label=label)
    low, high = np.nanpercentile(values, [5, 95], axis=0)
    ax.fill_between(dates, low, high, color=colour, alpha=0.2, lw=0)


def _observed(ax, target: Target, label: str | None) -> None:
    when = pd.Timestamp(f"{target.date}-15" if len(target.date) == 7 else f"{target.date}-07-01")
    mid = (target.low + target.high) / 2
    ax.errorbar(
        [when],
        [mid],
        yerr=[[mid - target.low], [target.high - mid]],
        fmt="o",
        color="black",
        ms=4,
        capsize=3,
        label=label,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", default="history", help="a scenario that starts in October 2018 (default: history)"
    )
    parser.add_argument("--seeds", type=int, default=20, help="number of seeds, >= 2 (default: 20)")
    parser.add_argument(
        "--root", type=int, default=2018, help="root seed the runs' seeds are drawn from (default: 2018)"
    )
    parser.add_argument("--scale", type=float, default=0.05, help="share of the real holders (default: 0.05)")
    parser.add_argument(
        "--months", type=int, default=None, help="months to run (default: to the end of 2025)"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--out", type=Path, default=Path("results/history"), help="folder for the outputs")
    args = parser.parse_args()
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2 (an interval needs two); got {args.seeds}")
    replay = load_scenario(args.scenario)
    if replay.start != "2018-10" or replay.timeline != "history" or replay.population != "real":
        parser.error(
            "--scenario must start in 2018-10 from the real holders and replay the history timeline, "
            f"as `history` and its branches do; {args.scenario!r} does not"
        )
    args.months = args.months or HISTORY_MONTHS
    if args.months > scenario_info(args.scenario).months:
        parser.error(f"--months must be at most the scenario's {scenario_info(args.scenario).months}")
    import time

    started = time.perf_counter()
    tasks = [(args.scenario, seed, args.scale, args.months) for seed in seeds_of(args.root, args.seeds)]
    with ProcessPoolExecutor(args.workers) as pool:
        frames = list(pool.map(run, tasks))
    targets = load_targets()
    results = pd.DataFrame(
        [
            measured(Frames(m, r, args.scale), targets) | {"seed": t[1]}
            for (m, r), t in zip(frames, tasks, strict=True)
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "history.csv", index=False)
    summary = table(targets, results)
    seconds = time.perf_counter() - started
    (args.out / "history.md").write_text(markdown(summary, args, seconds))
    figure(frames, targets, args.scale, args.out / "history")
    print((args.out / "history.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
