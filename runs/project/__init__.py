"""Projections of the ICP-2 options to 2040 over the calibrated posterior and deep uncertainty.

    python -m runs project results/calibration --out results/projection [--draws K] [--scale X]
        [--until YYYY-MM] [--file runs/experiments/projection.toml] [--executor dask ...]

`worlds` draws the worlds and turns them into a sweep (in OUT/runs, so it resumes after an
interruption as any sweep does, on any executor); `report` reads the sweep back and writes the
conclusions (shares of worlds), the bands, PRIM's boxes and the figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import ConfigError
from runs.files import write_csv
from runs.project.spec import ProjectionSpec

__all__ = ["project"]


def project(spec: ProjectionSpec, calibration: Path, out: Path, *, command: str = "", **how: Any) -> Path:
    """Run (or finish) the projection into `out` and write its report; returns report.md."""
    from runs.project.report import write_report
    from runs.project.worlds import experiment, posterior, worlds
    from runs.sweep import run_or_resume

    particles, fitted_scale = posterior(calibration)
    if spec.scale is None and fitted_scale is None:
        raise ConfigError(
            f"{calibration} does not say the scale it was fitted at (no calibration.json); give --scale"
        )
    scale = spec.scale if spec.scale is not None else fitted_scale
    from model import load_scenario
    from runs.calibrate.spec import check_scale

    check_scale(load_scenario(spec.options[0].scenario), scale, "--scale")
    table = worlds(spec, particles)
    sweep_spec = experiment(spec, table, scale).with_overrides(timeout=how.pop("timeout", None))
    _check_folder(out, table, sweep_spec)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "worlds.csv", table)
    (out / "projection.json").write_text(
        json.dumps(
            {"calibration": str(calibration.resolve()), "scale": scale, "sweep": sweep_spec.hash}, indent=2
        )
    )
    run_or_resume(sweep_spec, out / "runs", command=command, **how)
    return write_report(spec, table, out, command=command, calibration=calibration, scale=scale)


def _check_folder(out: Path, table: pd.DataFrame, sweep_spec: Any) -> None:
    """Refuse a file, a calibration's folder, or a folder of another projection, before writing."""
    from runs.errors import SweepError
    from runs.recover import recovered_spec
    from runs.store import SweepStore

    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a new folder, or the folder of this projection")
    if (out / "calibration.db").exists():
        raise ConfigError(f"--out {out} holds a calibration; give a folder of its own to the projection")
    store = SweepStore(out / "runs")
    if store.begun():
        try:
            same = recovered_spec(store).hash == sweep_spec.hash
        except (SweepError, ConfigError):
            same = True  # a damaged plan: the sweep's resume rebuilds it, or says why it cannot
        if not same:
            raise ConfigError(
                f"{out} holds a projection of another design (another --scale, --until, --draws, file or "
                "calibration); use a new --out"
            )
    saved = out / "worlds.csv"
    if saved.is_file():
        before = pd.read_csv(saved)
        if (
            before.shape != table.shape
            or not (before.columns == table.columns).all()
            or not ((before - table).abs().max().max() < 1e-9)
        ):
            raise ConfigError(
                f"{out} holds a projection of other worlds (another posterior, file, --draws or seed); "
                "use a new --out"
            )
