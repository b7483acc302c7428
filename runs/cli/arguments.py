"""The command line's options: one small function per command, every option with help and default.

Value types check what they can without the model (numbers, bounds); a scale is checked by
`Params` only when given. Any error is one line naming the option and the rule, never the
usage text (``--help`` gives that).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from runs.options import EXECUTORS

__all__ = ["EXIT_BAD_INPUT", "Help", "Parser", "build_parser"]

EXIT_BAD_INPUT = 2
_EXPERIMENT = "(default: the experiment's `{}`)"


class Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as the rest of the CLI does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """The problem in one line, and where the options are listed; exit 2."""
        self.exit(EXIT_BAD_INPUT, f"error: {message} (`{self.prog} --help` lists the options)\n")


class Help(argparse.RawDescriptionHelpFormatter):
    """Examples kept as written; every option's default shown (where it has one)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        quiet = action.default in (None, False, [], argparse.SUPPRESS) or not action.option_strings
        if "(default" in text or quiet:
            return text
        return f"{text} (default: %(default)s)"


def _number(text: str, kind: type, rule: str, ok: Any) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {rule}; got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {rule}; got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    """An integer >= 0."""
    return _number(text, int, "an integer >= 0", lambda v: v >= 0)


def positive_int(text: str) -> int:
    """An integer >= 1."""
    return _number(text, int, "an integer >= 1", lambda v: v >= 1)


def share(text: str) -> float:
    """A number in (0, 1]."""
    return _number(text, float, "a number in (0, 1]", lambda v: 0 < v <= 1)


def steps(text: str) -> int:
    """Months a run: an integer within `runs.bounds.MAX_STEPS`."""
    from runs.bounds import MAX_STEPS

    rule = f"an integer in [1, {MAX_STEPS:,}] (100 years: the population grows by entry every year)"
    return _number(text, int, rule, lambda v: 1 <= v <= MAX_STEPS)


def timeout(text: str) -> float:
    """A run's time limit: finite seconds within `runs.bounds.MAX_TIMEOUT`."""
    from runs.bounds import MAX_TIMEOUT

    rule = f"a number of seconds in (0, {MAX_TIMEOUT:,.0f}] (30 days)"
    return _number(text, float, rule, lambda v: 0 < v <= MAX_TIMEOUT)


def scale(text: str) -> float:
    """A population scale, checked by `Params`."""
    from model import ConfigError
    from model.params import Params, parse_value

    try:
        return Params().with_overrides(scale=parse_value("scale", text)).scale
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _command(sub: Any, name: str, text: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name, help=text, description=text, epilog=f"example:\n  {example}\n", formatter_class=Help
    )


def _run(sub: Any) -> None:
    p = _command(
        sub,
        "run",
        "one run of a scenario; prints a summary",
        "python -m runs run status_quo --seed 7 --scale 0.2 --set porting_delay=1 --out results/sq.csv",
    )
    p.add_argument("scenario", help="a scenario name (see `python -m runs scenarios`)")
    p.add_argument("--steps", type=steps, default=120, help="months to run, in [1, 1,200]")
    p.add_argument("--seed", type=non_negative_int, default=42, help="root seed, >= 0")
    p.add_argument(
        "--scale", type=scale, default=None,
        help="share of the real holders, 1.0 = all 106,562 of October 2018 (default: the scenario's)",
    )  # fmt: skip
    p.add_argument("--regime", default=None, help="override the scenario's regime (default: the scenario's)")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE",
        help="override any parameter, VALUE read as TOML, e.g. --set porting_delay=6 (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--out", type=Path, default=None, metavar="FILE",
        help="write the model frame to FILE (.csv or .parquet), registries and events beside it "
        "(default: print only)",
    )  # fmt: skip


def _design(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scale",
        type=scale,
        default=None,
        help="population scale of every run " + _EXPERIMENT.format("scale"),
    )
    p.add_argument(
        "--replications", type=positive_int, default=None,
        help="replicates per condition, >= 1 " + _EXPERIMENT.format("replications"),
    )  # fmt: skip
    p.add_argument(
        "--samples", type=positive_int, default=None,
        help="samples of an lhs, sobol or morris design, >= 1 " + _EXPERIMENT.format("samples"),
    )  # fmt: skip
    p.add_argument(
        "--steps",
        type=steps,
        default=None,
        help="months per run, in [1, 1,200] " + _EXPERIMENT.format("steps"),
    )
    p.add_argument(
        "--force", action="store_true",
        help="go past the bound of 1,000,000 runs a sweep (not past what memory can plan)",
    )  # fmt: skip


def _execution(p: argparse.ArgumentParser, *, dask: bool = True) -> None:
    p.add_argument(
        "--executor", choices=EXECUTORS, default=None,
        help="where runs execute: in this process, a process pool, or Dask (default: processes, or "
        "dask with --scheduler)",
    )  # fmt: skip
    p.add_argument(
        "--workers", type=positive_int, default=None, help="number of workers, >= 1 (default: cores)"
    )
    if not dask:
        return
    p.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="Dask scheduler, tcp://HOST:PORT (default: a LocalCluster on 127.0.0.1)",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=timeout, default=None, metavar="SECONDS",
        help="a run taking longer is recorded as failed and the sweep goes on, in (0, 30 days] "
        "(default: the experiment's `timeout`, else none)",
    )  # fmt: skip


def _sweeps(sub: Any) -> None:
    p = _command(
        sub,
        "sweep",
        "run an experiment file into a new folder",
        "python -m runs sweep runs/experiments/regimes.toml --out results/regimes --scale 0.01",
    )
    p.add_argument("file", type=Path, help="experiment file (TOML)")
    p.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="a new or empty folder for the results"
    )
    _design(p)
    _execution(p)
    p = _command(sub, "resume", "run what a sweep has not finished", "python -m runs resume results/regimes")
    p.add_argument("folder", type=Path, help="a sweep's folder")
    p.add_argument("--retry-failed", action="store_true", help="run failed runs again too")
    _execution(p)
    for name, text in (
        ("status", "counts of queued, done and failed runs, and any corrupt ones"),
        ("analyze", "statistics, paired differences and sensitivity indices into DIR/analysis"),
        ("report", "figures (PNG, PDF) and report.md"),
    ):
        _command(sub, name, text, f"python -m runs {name} results/regimes").add_argument(
            "folder", type=Path, help="a sweep's folder"
        )


def _paper(sub: Any) -> None:
    p = _command(
        sub,
        "paper",
        "every shipped experiment, analysed and reported, in one folder",
        "python -m runs paper --scale 0.02 --out results/paper",
    )
    _design(p)
    p.add_argument(
        "--out", type=Path, default=Path("results/paper"), metavar="DIR", help="the folder of the paper"
    )
    p.add_argument(
        "--projection", type=Path, default=None, metavar="DIR",
        help="a finished `python -m runs project` folder whose report, figures and tables the paper "
        "includes (default: none)",
    )  # fmt: skip
    _execution(p, dask=False)


def _discover(sub: Any) -> None:
    p = _command(
        sub,
        "discover",
        "scenario discovery (PRIM, from ema_workbench): boxes of parameter space where an outcome holds",
        "python -m runs discover results/paper/sensitivity --outcome accountability --threshold 0.3",
    )
    p.add_argument("folder", type=Path, help="a sweep's folder (an lhs, sobol or morris design)")
    p.add_argument("--outcome", required=True, help="a final metric, e.g. quality_experienced")
    p.add_argument("--threshold", type=float, required=True, help="the outcome's cut-off")
    p.add_argument(
        "--below", action="store_true", help="the outcome holds below the threshold (default: at or above)"
    )
    p.add_argument("--min-density", type=share, default=0.8, help="PRIM's density threshold, in (0, 1]")


def _calibrate(sub: Any) -> None:
    p = _command(
        sub,
        "calibrate",
        "calibrate parameters against the record by ABC-SMC (pyabc); resumes a stopped one",
        "python -m runs calibrate runs/experiments/calibration.toml --out results/calibration",
    )
    p.add_argument(
        "file", type=Path, help="a calibration file (TOML), e.g. runs/experiments/calibration.toml"
    )
    p.add_argument("--out", type=Path, required=True, help="folder for the database, report and figures")
    p.add_argument("--budget", type=positive_int, help="simulations at most (default: the file's `budget`)")
    p.add_argument("--scale", type=scale, help="share of the real holders (default: the file's `scale`)")
    p.add_argument(
        "--population", type=positive_int, help="particles a generation (default: the file's `population`)"
    )
    p.add_argument(
        "--executor", choices=EXECUTORS, default=None,
        help="serial: one process, the same posterior for the same seed; processes (default) or dask "
        "(a LocalCluster, or the cluster at --scheduler, the default when one is given): parallel, the "
        "posterior depends on timing",
    )  # fmt: skip
    p.add_argument(
        "--workers", type=positive_int, default=None, help="processes or Dask workers, >= 1 (default: cores)"
    )
    p.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="Dask scheduler, tcp://HOST:PORT (default: a LocalCluster on 127.0.0.1)",
    )  # fmt: skip


def _project(sub: Any) -> None:
    p = _command(
        sub,
        "project",
        "branch the calibrated history in January 2026 into the ICP-2 options, to 2040, over "
        "posterior and deep-uncertainty draws; resumes a stopped one",
        "python -m runs project results/calibration --out results/projection --draws 100",
    )
    p.add_argument("calibration", type=Path, help="a folder `python -m runs calibrate` has finished")
    p.add_argument("--out", type=Path, required=True, help="folder for the runs, tables, figures and report")
    p.add_argument(
        "--file", type=Path, default=None,
        help="a projection file (default: runs/experiments/projection.toml)",
    )  # fmt: skip
    p.add_argument("--draws", type=positive_int, help="worlds, >= 2 (default: the file's `draws`)")
    p.add_argument("--scale", type=scale, help="share of the real holders (default: the calibration's)")
    p.add_argument("--until", metavar="YYYY-MM", help="the last month (default: the file's `until`)")
    _execution(p)


def build_parser() -> Parser:
    """The parser of ``python -m runs`` and its commands."""
    parser = Parser(
        prog="python -m runs",
        description="Run the RIR portability model: one run, sweeps, analysis, reports.",
        epilog="example:\n  python -m runs run status_quo --steps 24 --scale 0.01",
        formatter_class=Help,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    _run(sub)
    _command(sub, "scenarios", "list the scenarios and regimes", "python -m runs scenarios")
    _sweeps(sub)
    _paper(sub)
    _discover(sub)
    _calibrate(sub)
    _project(sub)
    return parser
