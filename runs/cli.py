"""Command line: ``python -m runs COMMAND``.

    run SCENARIO      one run, a summary printed        scenarios     list the scenarios
    sweep FILE --out DIR   an experiment (TOML)         resume DIR    finish a sweep
    status DIR        queued / done / failed            analyze DIR   statistics, sensitivity
    report DIR        figures and report.md             paper         every shipped experiment

Bad input exits with code 2 and one line naming the problem; no traceback. A sweep with
failed runs exits 1 (its data is kept; see DIR/errors).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from model import ConfigError, PortabilityModel, describe_scenario, list_scenarios
from runs.analysis import analyze
from runs.execute import EXECUTORS
from runs.paper import paper
from runs.report import report
from runs.spec import load_spec
from runs.summary import summary_tables
from runs.sweep import describe, resume, sweep

__all__ = ["main"]

log = logging.getLogger(__name__)
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as the rest of the CLI does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print usage and the problem; exit 2."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m runs", description="Run the RIR portability model.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="one run of a scenario; prints a summary")
    run.add_argument("scenario", help="a scenario name (see `python -m runs scenarios`)")
    run.add_argument("--steps", type=_non_negative_int, default=120, help="months to run (default 120)")
    run.add_argument("--seed", type=_non_negative_int, default=42, help="root seed (default 42)")
    run.add_argument("--scale", type=float, default=None, help="share of the real population (1.0 = ~85,000)")
    run.add_argument("--regime", default=None, help="override the scenario's regime")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any parameter, e.g. --set porting_delay=6 (repeatable)",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the model frame to FILE (.csv or .parquet), registries and events beside it",
    )
    sub.add_parser("scenarios", help="list the scenarios with their descriptions")

    def executor_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--executor",
            choices=EXECUTORS,
            default="processes",
            help="where runs execute (default: processes, one worker per core)",
        )
        p.add_argument(
            "--workers", type=_positive_int, default=None, help="number of workers (default: cores)"
        )
        p.add_argument(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Dask scheduler, tcp://host:port (default: a LocalCluster on 127.0.0.1)",
        )

    sweep_parser = sub.add_parser("sweep", help="run an experiment file into a new folder")
    sweep_parser.add_argument("file", type=Path, help="experiment file (TOML)")
    sweep_parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="a new folder for the results"
    )
    executor_options(sweep_parser)
    resume_parser = sub.add_parser("resume", help="run what a sweep has not finished")
    resume_parser.add_argument("folder", type=Path)
    resume_parser.add_argument("--retry-failed", action="store_true", help="run failed runs again too")
    executor_options(resume_parser)
    for name, text in (
        ("status", "counts of queued, done and failed runs"),
        ("analyze", "statistics and sensitivity indices into DIR/analysis"),
        ("report", "figures (PNG, PDF) and report.md"),
    ):
        sub.add_parser(name, help=text).add_argument("folder", type=Path)
    paper_parser = sub.add_parser(
        "paper", help="every shipped experiment, analysed and reported, in one folder"
    )
    paper_parser.add_argument(
        "--scale", type=_scale, default=None, help="population scale for every experiment"
    )
    paper_parser.add_argument(
        "--replications", type=_positive_int, default=None, help="replicates per condition"
    )
    paper_parser.add_argument("--out", type=Path, default=Path("results/paper"), metavar="DIR")
    paper_parser.add_argument("--executor", choices=EXECUTORS, default="processes")
    paper_parser.add_argument("--workers", type=_positive_int, default=None)
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}")
    return value


def _scale(text: str) -> float:
    from model.params import Params

    try:
        return Params().with_overrides(scale=text).scale
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}")
    return value


def _parse_setting(text: str) -> tuple[str, Any]:
    """KEY=VALUE with VALUE read as TOML (numbers, strings, lists, tables) or else as a string."""
    if "=" not in text:
        raise ConfigError(f"--set takes KEY=VALUE; got {text!r}")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def _run(args: argparse.Namespace) -> int:
    overrides = dict(_parse_setting(s) for s in args.set)
    if args.scale is not None:
        overrides["scale"] = args.scale
    if args.regime is not None:
        overrides["regime"] = args.regime
    if args.out is not None and args.out.suffix not in (".csv", ".parquet"):
        raise ConfigError(f"--out must end in .csv or .parquet; got {str(args.out)!r}")
    started = time.perf_counter()
    model = PortabilityModel.from_scenario(args.scenario, seed=args.seed, **overrides)
    for _ in range(args.steps):
        model.step()
    elapsed = time.perf_counter() - started
    print(
        f"{args.scenario}: {model.holders.size:,} holders, {args.steps} months, "
        f"regime {model.p.regime}, seed {args.seed} ({elapsed:.1f} s)"
    )
    for title, table in summary_tables(model):
        print(f"\n{title}\n{table.to_string()}")
    if args.out is not None:
        for path in _write(model, args.out):
            print(f"wrote {path}")
    return 0


def _write(model: PortabilityModel, out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = {
        out: model.model_frame(),
        out.with_name(f"{out.stem}_registries{out.suffix}"): model.registry_frame(),
        out.with_name(f"{out.stem}_events{out.suffix}"): model.event_frame(),
    }
    for path, frame in frames.items():
        _save(frame, path)
    return list(frames)


def _save(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_csv(tmp, index=False)
    tmp.replace(path)  # atomic: a reader never sees half a file


def _scenarios() -> int:
    for name in list_scenarios():
        print(f"{name}\n    {describe_scenario(name)}")
    return 0


def _batch(args: argparse.Namespace, command: str) -> int:
    if args.command == "sweep":
        counts = sweep(
            load_spec(args.file),
            args.out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            command=command,
        )
    elif args.command == "resume":
        counts = resume(
            args.folder,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            retry_failed=args.retry_failed,
            command=command,
        )
    elif args.command == "status":
        print(describe(args.folder))
        return 0
    elif args.command == "analyze":
        for name, table in analyze(args.folder).items():
            print(f"{args.folder / 'analysis' / name}.csv: {len(table)} rows")
        return 0
    elif args.command == "report":
        print(f"wrote {report(args.folder)}")
        return 0
    else:
        index = paper(
            args.out,
            scale=args.scale,
            replications=args.replications,
            executor=args.executor,
            workers=args.workers,
            command=command,
        )
        print(f"wrote {index}")
        return 0
    print(", ".join(f"{n} {status}" for status, n in counts.items()))
    return 0 if counts["failed"] == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m runs``; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    command = " ".join(["python -m runs", *argv])
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "scenarios":
            return _scenarios()
        return _batch(args, command)
    except (ConfigError, ImportError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
