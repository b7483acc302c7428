"""A calibration's figures, each as a 300 dpi PNG and a PDF in the calibration's folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from runs.calibrate.spec import CalibrationSpec

__all__ = ["figures"]


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path.with_suffix(".png"), dpi=300)
    fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)


def figures(
    spec: CalibrationSpec, out: Path, gens: pd.DataFrame, particles: pd.DataFrame, checks: pd.DataFrame
) -> None:
    """posterior, pairs, diagnostics and predictive figures."""
    import matplotlib

    matplotlib.use("Agg")
    _marginals(spec, particles, out / "posterior")
    _pairs(spec, particles, out / "pairs")
    _diagnostics(gens, out / "diagnostics")
    _predictive(checks, out / "predictive")


def _marginals(spec: CalibrationSpec, particles: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    n = len(spec.priors)
    cols = min(n, 4)
    rows = -(-n // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.2 * cols, 2.6 * rows), constrained_layout=True, squeeze=False
    )
    for ax, prior in zip(axes.flat, spec.priors, strict=False):
        ax.hist(
            particles[prior.name],
            bins=12,
            range=(prior.low, prior.high),
            weights=particles.weight,
            density=True,
        )
        ax.axhline(1 / (prior.high - prior.low), color="grey", ls="--", lw=1, label="prior")
        ax.set(title=prior.name, xlim=(prior.low, prior.high))
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Posterior marginals (weighted, last generation) over the prior range")
    _save(fig, path)


def _pairs(spec: CalibrationSpec, particles: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    names = spec.parameters
    n = len(names)
    fig, axes = plt.subplots(n, n, figsize=(1.6 * n, 1.6 * n), squeeze=False)
    size = 60 * particles.weight / particles.weight.max()
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i, j]
            px, py = spec.priors[j], spec.priors[i]
            if i == j:
                ax.hist(particles[xj], bins=10, range=(px.low, px.high), weights=particles.weight)
            elif i > j:
                ax.scatter(particles[xj], particles[yi], s=size, alpha=0.6)
                ax.set_ylim(py.low, py.high)
            else:
                ax.axis("off")
            ax.set_xlim(px.low, px.high)
            ax.tick_params(labelsize=4)
            if i == n - 1:
                ax.set_xlabel(xj, fontsize=5)
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=5)
    fig.suptitle("Posterior pairs (point size: weight), axes the prior ranges", fontsize=9)
    _save(fig, path)


def _diagnostics(gens: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(11, 3), constrained_layout=True)
    finite = gens[np.isfinite(gens.epsilon)]
    axes[0].plot(finite.generation, finite.epsilon, "o-")
    axes[0].set(title="epsilon (generation 0: all accepted)", xlabel="generation")
    axes[1].plot(gens.generation, gens.acceptance_rate, "o-")
    axes[1].set(title="acceptance rate", xlabel="generation", ylim=(0, 1.05))
    axes[2].plot(gens.generation, gens.ess, "o-")
    axes[2].axhline(gens.accepted.max(), color="grey", ls="--", lw=1, label="population")
    axes[2].set(title="effective sample size", xlabel="generation")
    axes[2].legend(fontsize=7, frameon=False)
    _save(fig, path)


def _predictive(checks: pd.DataFrame, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(checks), 1, figsize=(7, 0.55 * len(checks) + 0.8), constrained_layout=True, squeeze=False
    )
    for ax, r in zip(axes.flat, checks.itertuples(), strict=True):
        ax.barh([0], [r.high - r.low], left=[r.low], height=0.6, color="black", alpha=0.35, label="observed")
        ax.plot(
            [r.p05, r.p95],
            [0, 0],
            lw=3,
            color="tab:green" if r.covered else "tab:red",
            label="predictive 5-95%",
        )
        ax.set_yticks([0], [f"{r.target} ({r.use})"], fontsize=6)
        ax.tick_params(axis="x", labelsize=6)
    axes.flat[0].legend(fontsize=6, frameon=False, ncols=2)
    fig.suptitle(
        "Posterior predictive 5-95% (green: overlaps the observed range) against observed", fontsize=8
    )
    _save(fig, path)
