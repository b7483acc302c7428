"""`python -m runs paper`: every shipped experiment, analysed and reported, in one folder."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from runs.bounds import check_feasible
from runs.errors import SweepError
from runs.files import write_text
from runs.folder import check_writable
from runs.recover import recovered_spec
from runs.report import report
from runs.spec import ExperimentSpec
from runs.store import SweepStore
from runs.sweep import run_or_resume

__all__ = ["EXPERIMENTS", "paper", "shipped"]

_FIRST = (
    "regimes",
    "failure",
    "remedies",
    "friction",
    "sensitivity",
)  # the paper's order; others follow by name


#: files in runs/experiments/ that are not sweeps (`python -m runs calibrate` and `project` read them)
_NOT_SWEEPS = frozenset({"calibration", "projection"})


def _shipped_names() -> tuple[str, ...]:
    folder = resources.files("runs.experiments")
    names = {p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")} - _NOT_SWEEPS
    return tuple(n for n in _FIRST if n in names) + tuple(sorted(names - set(_FIRST)))


#: Every experiment file in runs/experiments/, in the paper's order.
EXPERIMENTS = _shipped_names()


def shipped(name: str) -> ExperimentSpec:
    """A shipped experiment from `runs/experiments/`."""
    text = resources.files("runs.experiments").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return ExperimentSpec.from_text(text, source=f"runs/experiments/{name}.toml")


def paper(
    out: str | Path,
    *,
    scale: float | None = None,
    replications: int | None = None,
    samples: int | None = None,
    steps: int | None = None,
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = True,
    command: str = "",
    force: bool = False,
    projection: Path | None = None,
) -> Path:
    """Run (or finish) every shipped experiment into `out/<name>`, report each, index them.

    `projection`: a finished `python -m runs project` folder; its report, figures and tables
    are copied into `out/projection/` and indexed first.
    """
    out = Path(out)
    if projection is not None and not (projection / "report.md").is_file():
        raise SweepError(
            f"--projection {projection}: no report.md there; give a finished `runs project` folder"
        )
    lines = [
        "# rir-portability: experiments for the paper",
        "",
        f"Made by `{command or 'python -m runs paper'}`.",
        "",
    ]
    specs = {
        name: shipped(name).with_overrides(
            scale=scale, replications=replications, samples=samples, steps=steps
        )
        for name in EXPERIMENTS
    }
    if out.exists() and not out.is_dir():
        raise SweepError(f"--out {out} is a file; give a new folder, or the folder of an earlier paper")
    check_writable(out, f"--out {out}")
    for name, spec in specs.items():  # everything checked before any run
        check_feasible(spec, force=force)
        store = SweepStore(out / name)
        if store.begun() and recovered_spec(store).hash != spec.hash:
            raise SweepError(
                f"--out {out}: {out / name} holds a sweep of another design (another --scale, "
                "--replications or --samples?); give a new --out, or the options it was made with"
            )
    if projection is not None:
        lines += _projection(projection, out / "projection")
    how = {"executor": executor, "workers": workers, "progress": progress, "command": command}
    for name, spec in specs.items():
        folder = out / name
        run_or_resume(spec, folder, **how, force=force)
        path = report(folder)
        lines += [
            f"## {name}",
            "",
            spec.description,
            "",
            f"[Report]({path.relative_to(out)}), [figures]({name}/figures/), [tables]({name}/analysis/)",
            "",
            *_convergence(folder),
        ]
    index = out / "README.md"
    write_text(index, "\n".join(lines))
    return index


def _projection(source: Path, folder: Path) -> list[str]:
    """Copy a projection's report, figures and tables into the paper; its lines of the index."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("report.md", "shares.csv", "bands.csv", "finals.csv", "worlds.csv"):
        if (source / name).is_file():
            shutil.copyfile(source / name, folder / name)
    shutil.copytree(source / "figures", folder / "figures", dirs_exist_ok=True)
    return [
        "## projection",
        "",
        "The ICP-2 options from January 2026 to 2040 over posterior and deep-uncertainty worlds "
        f"(copied from `{source}`).",
        "",
        "[Report](projection/report.md), [figures](projection/figures/), "
        "[shares of worlds](projection/shares.csv)",
        "",
    ]


def _convergence(folder: Path) -> list[str]:
    """A Sobol experiment's verdict, for the index: converged, or not and why."""
    checks = folder / "analysis" / "sobol_checks.csv"
    if not checks.exists():
        return []
    import pandas as pd

    table = pd.read_csv(checks)
    if table.empty:
        return []
    if table.converged.all():
        return [f"Sobol indices converged ({int(table.samples.iloc[0])} samples).", ""]
    failing = ", ".join(table[~table.converged].metric)
    return [
        f"**Sobol indices not converged** for {failing} at {int(table.samples.iloc[0])} samples "
        "(see the report): do not base a claim on them; rerun with `paper --samples N`.",
        "",
    ]
