"""The worlds of a projection: posterior draws crossed one to one with deep-uncertainty points.

World i takes the calibration's particle drawn i-th (resampled by weight from its last
generation) and the i-th point of a Latin hypercube over the projection's `deep` ranges; all
draws come from the projection's root seed, so the same file, posterior and seed give the same
worlds. The worlds become a sweep (`runs.sweep`) of kind "points" whose named conditions are
the options and whose seed policy is "paired": each world has its own seed, the same under
every option. The sweep's store, resume, executors (Dask included) and checks are the sweeps'.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w
from scipy.stats import qmc

from model.errors import ConfigError
from runs.project.spec import ProjectionSpec
from runs.spec import ExperimentSpec

__all__ = ["OUTCOMES", "experiment", "posterior", "worlds"]

OUTCOMES = "runs.outcomes.projection:Projection"
_NOT_PARAMETERS = {"seed", "distance", "weight"}


def posterior(calibration: Path) -> tuple[pd.DataFrame, float | None]:
    """The calibration's last generation (parameters and weight) and the scale it was fitted at."""
    if (calibration / "projection.json").is_file():
        raise ConfigError(f"{calibration} is a projection's folder; give a calibration's")
    path = calibration / "posterior.csv"
    if not path.is_file():
        raise ConfigError(
            f"{calibration} holds no posterior.csv; give a folder `python -m runs calibrate` has finished"
        )
    try:
        particles = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is damaged ({exc}); rerun `python -m runs calibrate` into its folder"
        ) from None
    weights = pd.to_numeric(particles.get("weight"), errors="coerce") if "weight" in particles else None
    if particles.empty or weights is None or not (weights >= 0).all() or not weights.sum() > 0:
        raise ConfigError(f"{path} holds no weighted particles (a `weight` column, >= 0, not all 0)")
    saved = calibration / "calibration.json"
    try:
        scale = json.loads(saved.read_text()).get("scale") if saved.is_file() else None
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        raise ConfigError(
            f"{saved} is damaged; give --scale, the scale the calibration was fitted at"
        ) from None
    return particles, scale


def worlds(spec: ProjectionSpec, particles: pd.DataFrame) -> pd.DataFrame:
    """One row per world: `world`, the particle drawn, its parameters and the deep point."""
    fitted = [c for c in particles.columns if c not in _NOT_PARAMETERS]
    if overlap := sorted(set(fitted) & {r.name for r in spec.deep}):
        raise ConfigError(f"deep: {overlap} were fitted by the calibration; explore only what it did not fit")
    root = np.random.SeedSequence(spec.seed)
    posterior_rng, lhs_rng = (np.random.default_rng(s) for s in root.spawn(2))
    weights = particles.weight.to_numpy(dtype=float)
    drawn = posterior_rng.choice(len(particles), size=spec.draws, p=weights / weights.sum())
    table = particles.loc[drawn, fitted].reset_index(drop=True)
    table.insert(0, "particle", drawn)
    if spec.deep:
        unit = qmc.LatinHypercube(d=len(spec.deep), seed=lhs_rng).random(spec.draws)
        points = qmc.scale(unit, [r.low for r in spec.deep], [r.high for r in spec.deep])
        for j, r in enumerate(spec.deep):
            table[r.name] = points[:, j]
    table.insert(0, "world", np.arange(spec.draws))
    return table


def experiment(spec: ProjectionSpec, table: pd.DataFrame, scale: float) -> ExperimentSpec:
    """The sweep that runs every world under every option (a points design, paired seeds)."""
    parameters = [c for c in table.columns if c not in ("world", "particle")]
    document = {
        "experiment": {
            "name": spec.name,
            "description": spec.description or "projection",
            "scenario": spec.options[0].scenario,
            "steps": spec.steps,
            "replications": 1,
            "seed": spec.seed,
            "seed_policy": "paired",
            "outcomes": OUTCOMES,
            "outputs": ["timeseries"],  # the bands; the registries are read by the outcomes in the run
        },
        "parameters": {name: {"points": [float(x) for x in table[name]]} for name in parameters}
        | {"scale": scale},
        "design": {"kind": "points"},
        "conditions": [
            {"name": name, "scenario": o.scenario} | ({"events": list(s.events)} if s.events else {})
            for name, o, s in spec.conditions()
        ],
    }
    return ExperimentSpec.from_text(tomli_w.dumps(document), source="the projection's sweep")
