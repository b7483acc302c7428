"""Make the README figure from real model runs.

    python scripts/make_figures.py --out results/figures [--seeds 6] [--scale 0.05] [--months 240]

Writes OUT/regimes.png (300 dpi) and OUT/regimes.pdf: quality experienced under the three
regimes (mean and 95% band over seeds, paired by seed), and the registry-failure scenario
locked vs portable. The README's image is refreshed only on purpose: `--out docs/img`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model import PortabilityModel, load_scenario
from model.words import regime_colour
from runs.cli.arguments import Help
from runs.report import STYLE, value_words
from runs.report.layout import save_figure

COLOURS = {name: regime_colour(name) for name in ("status_quo", "none", "mandatory")}
STYLES = {"none": "--"}  # none and status_quo coincide at the defaults: keep both visible


def runs(scenario: str, seeds: range, scale: float, months: int, **overrides) -> list[PortabilityModel]:
    models = []
    for seed in seeds:
        model = PortabilityModel.from_scenario(scenario, seed=seed, scale=scale, **overrides)
        for _ in range(months):
            model.step()
        models.append(model)
    return models


def band(ax, frames: list[pd.Series], colour: str, label: str, style: str = "-") -> None:
    values = np.vstack([f.to_numpy() for f in frames])
    mean = values.mean(axis=0)
    half = 1.96 * values.std(axis=0, ddof=1) / np.sqrt(len(frames))
    years = np.arange(values.shape[1]) / 12
    ax.plot(years, mean, color=colour, label=label, lw=2, ls=style)
    ax.fill_between(years, mean - half, mean + half, color=colour, alpha=0.25, lw=0)


def main(argv: list[str] | None = None) -> None:
    first, _, rest = __doc__.strip().partition("\n")
    parser = argparse.ArgumentParser(description=first, epilog=rest.strip(), formatter_class=Help)
    parser.add_argument("--out", type=Path, default=Path("results/figures"), help="folder to write into")
    parser.add_argument("--seeds", type=int, default=6, help="seeds (paired runs) per line")
    parser.add_argument("--scale", type=float, default=0.05, help="population scale of every run")
    parser.add_argument("--months", type=int, default=240, help="months a run")
    args = parser.parse_args(argv)
    plt.rcParams.update(STYLE)
    seeds = range(args.seeds)
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.4), constrained_layout=True)
    for regime, colour in COLOURS.items():
        models = runs("status_quo", seeds, args.scale, args.months, regime=regime)
        band(
            left,
            [m.model_frame().quality_experienced for m in models],
            colour,
            value_words("regime", regime),
            STYLES.get(regime, "-"),
        )
    left.set(
        title="Service quality holders experience", xlabel="years", ylabel="quality (IPv4-weighted, 0-1)"
    )
    left.legend(frameon=False)
    event = load_scenario("registry_failure_locked").events[0]  # shade the scenario's own event
    for scenario, colour, label in (
        ("registry_failure_locked", COLOURS["none"], "locked (no portability)"),
        ("registry_failure_portable", COLOURS["mandatory"], "mandatory portability"),
    ):
        models = runs(scenario, seeds, args.scale, args.months)
        band(middle, [m.model_frame().ipv4_at_risk * 100 for m in models], colour, label)
        members = [
            m.registry_frame().query("registry == @event.registry").members.reset_index(drop=True)
            for m in models
        ]
        band(right, members, colour, label)
    for ax in (middle, right):
        ax.axvspan(
            event.start / 12,
            (event.start + event.duration) / 12,
            color="0.85",
            lw=0,
            label="governance failure",
        )
    middle.set(
        title=f"A registry fails ({event.registry}, {event.duration} months)",
        xlabel="years",
        ylabel="IPv4 held at a failed registry (% of all)",
    )
    middle.legend(frameon=False)
    right.set(title="Members of the failed registry", xlabel="years", ylabel="members (holders)")
    fig.suptitle(
        f"rir-portability: mean and 95% band over {args.seeds} paired seeds, "
        f"{runs('status_quo', range(1), args.scale, 0)[0].holders.size:,} holders",
        fontsize=11,
    )
    save_figure(fig, args.out, "regimes")  # 300 dpi PNG and PDF, every text checked for overlap
    print(f"wrote {args.out / 'regimes.png'} and regimes.pdf")


if __name__ == "__main__":
    main()
