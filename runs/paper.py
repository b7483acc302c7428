"""`python -m runs paper`: every shipped experiment, analysed and reported, in one folder."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from runs.report import report
from runs.spec import ExperimentSpec
from runs.store import SweepStore
from runs.sweep import resume, sweep

__all__ = ["EXPERIMENTS", "paper", "shipped"]

EXPERIMENTS = ("regimes", "failure", "friction", "sensitivity")


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
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = True,
    command: str = "",
) -> Path:
    """Run (or finish) every shipped experiment into `out/<name>`, report each, index them."""
    out = Path(out)
    lines = [
        "# rir-portability: experiments for the paper",
        "",
        f"Made by `{command or 'python -m runs paper'}`.",
        "",
    ]
    for name in EXPERIMENTS:
        spec = shipped(name).with_overrides(scale=scale, replications=replications, samples=samples)
        folder = out / name
        if SweepStore(folder).exists():
            resume(folder, executor=executor, workers=workers, progress=progress, command=command)
        else:
            sweep(spec, folder, executor=executor, workers=workers, progress=progress, command=command)
        path = report(folder)
        lines += [
            f"## {name}",
            "",
            spec.description,
            "",
            f"[Report]({path.relative_to(out)}), [figures]({name}/figures/), [tables]({name}/analysis/)",
            "",
        ]
    index = out / "README.md"
    index.write_text("\n".join(lines), encoding="utf-8")
    return index
