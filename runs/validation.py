"""What the VALIDATION scripts share: their options, and running an experiment file through `runs`.

Each script in `scripts/` that prints a table of docs/VALIDATION.md runs experiment files
(`runs/experiments/*.toml`, or `runs/experiments/validation/*.toml` for the conditions only
the scripts need) as sweeps, with the sweep's seeds, the sweep's executors and the sweep's
store: a script stopped half-way finishes where it stopped when run again, and the numbers
in a table come from the same runs, and the same outcome definitions (`runs.outcomes`), as
the reports. The sweep goes into ``--folder`` (by default results/validation/NAME-HASH, the
hash of the effective experiment, so that other options never mix with earlier runs).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from runs.cli.arguments import Help, positive_int
from runs.options import EXECUTORS

__all__ = ["experiment", "finished", "options", "parser", "results", "run_script", "write_table"]

FOLDER = Path("results/validation")


def parser(doc: str) -> argparse.ArgumentParser:
    """A script's parser: its docstring's first line as description, the rest as epilog."""
    first, _, rest = doc.strip().partition("\n")
    return argparse.ArgumentParser(description=first, epilog=rest.strip(), formatter_class=Help)


def options(p: argparse.ArgumentParser, *, seeds: int | None = 20, scale: float | None = 0.05) -> None:
    """The options every VALIDATION script takes: seeds, scale, where and how its sweeps run."""
    if seeds is not None:
        p.add_argument(
            "--seeds", type=positive_int, default=seeds, help="replicates of every condition (seeds)"
        )
    if scale is not None:
        p.add_argument("--scale", type=float, default=scale, help="population scale of every run")
    p.add_argument(
        "--folder", type=Path, default=FOLDER, metavar="DIR",
        help="where the sweeps go (each in DIR/NAME-HASH; run again, a script finishes what is there)",
    )  # fmt: skip
    p.add_argument(
        "--executor", choices=EXECUTORS, default=None,
        help="where the runs execute, the same numbers on any (default: processes, or dask with --scheduler)",
    )  # fmt: skip
    p.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="Dask scheduler, tcp://HOST:PORT (default: a LocalCluster on 127.0.0.1)",
    )  # fmt: skip
    p.add_argument("--workers", type=positive_int, default=None, help="workers, >= 1 (default: cores)")


def experiment(name: str) -> Any:
    """A shipped experiment (`runs/experiments/NAME.toml`, else `runs/experiments/validation/`)."""
    from runs.spec import ExperimentSpec

    folder = resources.files("runs.experiments")
    for place in (folder, folder / "validation"):
        path = place / f"{name}.toml"
        if path.is_file():
            source = f"runs/experiments/{'' if place is folder else 'validation/'}{name}.toml"
            return ExperimentSpec.from_text(path.read_text(encoding="utf-8"), source=source)
    raise FileNotFoundError(f"no experiment {name!r} in runs/experiments")


def results(spec: Any, args: argparse.Namespace) -> Any:
    """Run (or finish) `spec` into its folder under ``--folder``; its results (`runs.Results`)."""
    from runs.store import load_results
    from runs.sweep import run_or_resume

    folder = args.folder / f"{spec.name}-{spec.hash[:8]}"
    print(f"{spec.name}: {folder}", file=sys.stderr)
    scheduler = getattr(args, "scheduler", None)
    executor = args.executor or ("dask" if scheduler else "processes")
    how = {"executor": executor, "workers": args.workers, "scheduler": scheduler}
    run_or_resume(spec, folder, **how, command=" ".join(sys.argv))
    return load_results(folder)


def finished(runs: Any, keys: list[str] | None = None) -> Any:
    """Finished runs' outcomes, `final_` taken off their names: every column, or `keys` and the outcomes."""
    done = runs[runs.status == "done"]
    finals = [c for c in done.columns if c.startswith("final_")]
    frame = done if keys is None else done[[*keys, *finals]]
    return frame.rename(columns={c: c.removeprefix("final_") for c in finals})


def write_table(frame: Any, path: Path | None) -> None:
    """Write a script's per-run outcomes as CSV (whole or not at all), if asked (``--out``)."""
    if path is not None:
        from runs.files import write_csv

        write_csv(path, frame)
        print(f"wrote {path}", file=sys.stderr)


def run_script(main: Callable[[list[str] | None], int]) -> None:
    """Run a script's `main`: bad input, a full disk or a signal give one line, never a traceback."""
    from model import ConfigError
    from runs.cli import interrupting, log_as_lines, one_line_warnings
    from runs.errors import Interrupted, StorageError, SweepError

    log_as_lines()
    try:
        with one_line_warnings(), interrupting():
            code = main(None)
    except (Interrupted, KeyboardInterrupt):
        print("stopped: the finished runs are kept; run the same command again to finish", file=sys.stderr)
        code = 130
    except StorageError as exc:
        print(
            f"error: {exc}; the finished runs are kept; fix it, then run the same command again",
            file=sys.stderr,
        )
        code = 1
    except (SweepError, ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)
