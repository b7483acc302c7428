"""Command line: ``python -m runs COMMAND`` (``--help`` on any command for its options).

    run SCENARIO      one run, a summary printed        scenarios     list the scenarios
    sweep FILE --out DIR   an experiment (TOML)         resume DIR    finish a sweep
    status DIR        queued / done / failed            analyze DIR   statistics, sensitivity
    report DIR        figures and report.md             paper         every shipped experiment
    discover DIR      scenario discovery (PRIM)

Exit codes: 0 done; 1 a sweep with failed runs (its data is kept; see DIR/errors) or results
that could not be written; 2 bad input, one line naming the value and the rule, checked
before any work starts, no traceback; 130 / 143 stopped by SIGINT / SIGTERM (finished runs
kept; `resume` finishes the sweep).

The heavy modules (the model, pandas, matplotlib) are imported only by the commands that
use them, so `--help` and `status` answer at once.
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

from runs.errors import Interrupted, StorageError, SweepError
from runs.options import EXECUTORS

__all__ = ["main"]

log = logging.getLogger(__name__)
EXIT_FAILED, EXIT_BAD_INPUT = 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as the rest of the CLI does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print usage and the problem; exit 2."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


class _Help(argparse.RawDescriptionHelpFormatter):
    """Examples kept as written; every option's default shown (where it has one)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        quiet = action.default in (None, False, [], argparse.SUPPRESS) or not action.option_strings
        if "(default" in text or quiet:
            return text
        return f"{text} (default: %(default)s)"


def _command(sub: Any, name: str, text: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name, help=text, description=text, epilog=f"example:\n  {example}\n", formatter_class=_Help
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m runs",
        description="Run the RIR portability model: one run, sweeps, analysis, reports.",
        epilog="example:\n  python -m runs run status_quo --steps 24 --scale 0.01",
        formatter_class=_Help,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    run = _command(
        sub,
        "run",
        "one run of a scenario; prints a summary",
        "python -m runs run status_quo --seed 7 --scale 0.2 --set porting_delay=1 --out results/sq.csv",
    )
    run.add_argument("scenario", help="a scenario name (see `python -m runs scenarios`)")
    run.add_argument("--steps", type=_positive_int, default=120, help="months to run, >= 1")
    run.add_argument("--seed", type=_non_negative_int, default=42, help="root seed, >= 0")
    run.add_argument(
        "--scale", type=float, default=None, help="share of the real population (1.0 = ~85,000 holders)"
    )
    run.add_argument("--regime", default=None, help="override the scenario's regime (listed by `scenarios`)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any parameter, VALUE read as TOML, e.g. --set porting_delay=6 (repeatable)",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the model frame to FILE (.csv or .parquet), registries and events beside it",
    )
    _command(sub, "scenarios", "list the scenarios and regimes", "python -m runs scenarios")

    def executor_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--executor",
            choices=EXECUTORS,
            default="processes",
            help="where runs execute: in this process, a process pool, or Dask",
        )
        p.add_argument(
            "--workers", type=_positive_int, default=None, help="number of workers, >= 1 (default: cores)"
        )
        p.add_argument(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Dask scheduler, tcp://HOST:PORT (default: a LocalCluster on 127.0.0.1)",
        )
        p.add_argument(
            "--timeout",
            type=_positive_float,
            default=None,
            metavar="SECONDS",
            help="a run taking longer is recorded as failed and the sweep goes on "
            "(default: the experiment's `timeout`, else none)",
        )

    sweep_parser = _command(
        sub,
        "sweep",
        "run an experiment file into a new folder",
        "python -m runs sweep runs/experiments/regimes.toml --out results/regimes --scale 0.01",
    )
    sweep_parser.add_argument("file", type=Path, help="experiment file (TOML)")
    sweep_parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="a new or empty folder for the results"
    )
    _design_options(sweep_parser)
    sweep_parser.add_argument("--steps", type=_positive_int, default=None, help="months per run, >= 1")
    executor_options(sweep_parser)
    resume_parser = _command(
        sub, "resume", "run what a sweep has not finished", "python -m runs resume results/regimes"
    )
    resume_parser.add_argument("folder", type=Path, help="a sweep's folder")
    resume_parser.add_argument("--retry-failed", action="store_true", help="run failed runs again too")
    executor_options(resume_parser)
    for name, text in (
        ("status", "counts of queued, done and failed runs"),
        ("analyze", "statistics, paired differences and sensitivity indices into DIR/analysis"),
        ("report", "figures (PNG, PDF) and report.md"),
    ):
        _command(sub, name, text, f"python -m runs {name} results/regimes").add_argument(
            "folder", type=Path, help="a sweep's folder"
        )
    paper_parser = _command(
        sub,
        "paper",
        "every shipped experiment, analysed and reported, in one folder",
        "python -m runs paper --scale 0.02 --out results/paper",
    )
    _design_options(paper_parser)
    paper_parser.add_argument("--steps", type=_positive_int, default=None, help="months per run, >= 1")
    paper_parser.add_argument("--out", type=Path, default=Path("results/paper"), metavar="DIR")
    paper_parser.add_argument("--executor", choices=EXECUTORS, default="processes")
    paper_parser.add_argument("--workers", type=_positive_int, default=None, help=">= 1 (default: cores)")
    discover = _command(
        sub,
        "discover",
        "scenario discovery (PRIM, from ema_workbench): boxes of parameter space where an outcome holds",
        "python -m runs discover results/paper/sensitivity --outcome accountability --threshold 0.3",
    )
    discover.add_argument("folder", type=Path, help="a sweep's folder (an lhs, sobol or morris design)")
    discover.add_argument("--outcome", required=True, help="a final metric, e.g. quality_experienced")
    discover.add_argument("--threshold", type=float, required=True, help="the outcome's cut-off")
    discover.add_argument(
        "--below", action="store_true", help="the outcome holds below the threshold (default: at or above)"
    )
    discover.add_argument(
        "--min-density", type=_share, default=0.8, help="PRIM's density threshold, in (0, 1]"
    )
    return parser


def _design_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=_scale, default=None, help="population scale for every run")
    p.add_argument("--replications", type=_positive_int, default=None, help="replicates per condition, >= 1")
    p.add_argument(
        "--samples", type=_positive_int, default=None, help="samples of an lhs, sobol or morris design, >= 1"
    )


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0; got {text!r}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1]; got {text!r}")
    return value


def _scale(text: str) -> float:
    from model import ConfigError
    from model.params import Params, parse_value

    try:
        return Params().with_overrides(scale=parse_value("scale", text)).scale
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parse_setting(text: str) -> tuple[str, Any]:
    """KEY=VALUE with VALUE read as TOML (numbers, strings, lists, tables) or else as a string."""
    from model import ConfigError
    from model.params import Params, check_names

    if "=" not in text:
        raise ConfigError(f"--set takes KEY=VALUE; got {text!r}")
    key, raw = (part.strip() for part in text.split("=", 1))
    if key == "seed":
        raise ConfigError(f"--set seed: the seed is not a parameter; use --seed {raw}")
    check_names({key: None})
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    default = getattr(Params(), key)
    if isinstance(default, tuple | list) and not isinstance(value, list):
        raise ConfigError(f"--set {key}: must be a TOML list, e.g. {key}=[]; got {raw!r}")
    return key, value


def _run(args: argparse.Namespace) -> int:
    from model import ConfigError, PortabilityModel, load_scenario
    from runs.summary import summary_tables

    overrides = dict(_parse_setting(s) for s in args.set)
    if args.scale is not None:
        overrides["scale"] = args.scale
    if args.regime is not None:
        overrides["regime"] = args.regime
    if args.out is not None:
        _check_out_file(args.out)
    load_scenario(args.scenario).with_overrides(**overrides)  # every value checked before the run
    started = time.perf_counter()
    model = PortabilityModel.from_scenario(args.scenario, seed=args.seed, **overrides)
    for _ in range(args.steps):
        model.step()
    elapsed = time.perf_counter() - started
    months = "month" if args.steps == 1 else "months"
    print(
        f"{args.scenario}: {model.holders.size:,} holders, {args.steps} {months}, "
        f"regime {model.p.regime}, seed {args.seed} ({elapsed:.1f} s)"
    )
    for title, table in summary_tables(model):
        print(f"\n{title}\n{table.to_string()}")
    if args.out is not None:
        try:
            for path in _write(model, args.out):
                print(f"wrote {path}")
        except OSError as exc:
            raise ConfigError(f"--out {args.out}: cannot write ({exc.strerror or exc})") from None
    return 0


def _check_out_file(out: Path) -> None:
    from runs.store import check_writable

    if out.suffix not in (".csv", ".parquet"):
        raise SweepError(f"--out must end in .csv or .parquet; got {str(out)!r}")
    if out.is_dir():
        raise SweepError(f"--out {out} is a folder; give a file name ending in .csv or .parquet")
    check_writable(out.parent, f"--out {out}")


def _write(model: Any, out: Path) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = {
        out: model.model_frame(),
        out.with_name(f"{out.stem}_registries{out.suffix}"): model.registry_frame(),
        out.with_name(f"{out.stem}_events{out.suffix}"): model.event_frame(),
    }
    for path, frame in frames.items():
        _save(frame, path)
    return list(frames)


def _save(frame: Any, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        tmp.replace(path)  # atomic: a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)


def _scenarios() -> int:
    from model import describe_scenario, list_scenarios
    from model.params import Params

    for name in list_scenarios():
        print(f"{name}\n    {describe_scenario(name)}")
    regime = next(info for info in _param_info() if info["name"] == "regime")
    print(f"\nregimes (--regime): {', '.join(regime.get('choices', ()))} (default {Params().regime})")
    return 0


def _param_info() -> list[dict[str, Any]]:
    from model.params import param_info

    return param_info()


def _sweep(args: argparse.Namespace, command: str) -> dict[str, int]:
    from runs.spec import load_spec
    from runs.store import check_new_folder
    from runs.sweep import sweep

    check_new_folder(args.out)
    spec = load_spec(args.file).with_overrides(
        scale=args.scale,
        replications=args.replications,
        samples=args.samples,
        steps=args.steps,
        timeout=args.timeout,
    )
    return sweep(
        spec,
        args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        command=command,
    )


def _batch(args: argparse.Namespace, command: str) -> int:
    if getattr(args, "executor", None) == "processes" and args.command in ("sweep", "resume", "paper"):
        from runs import forkserver

        forkserver.start()  # its import of the model runs beside the driver's
    if args.command in ("sweep", "resume"):
        folder = args.out if args.command == "sweep" else args.folder
        try:
            if args.command == "sweep":
                counts = _sweep(args, command)
            else:
                from runs.sweep import resume

                counts = resume(
                    args.folder,
                    executor=args.executor,
                    workers=args.workers,
                    scheduler=args.scheduler,
                    retry_failed=args.retry_failed,
                    timeout=args.timeout,
                    command=command,
                )
        except Interrupted as exc:
            print(
                f"stopped by {exc}: finished runs are kept; finish with `python -m runs resume {folder}`",
                file=sys.stderr,
            )
            return exc.exit_code
        except StorageError as exc:
            print(
                f"error: {exc}; finished runs are kept; fix it, then `python -m runs resume {folder}`",
                file=sys.stderr,
            )
            return EXIT_FAILED
        print(", ".join(f"{n} {status}" for status, n in counts.items()))
        return 0 if counts["failed"] == 0 else EXIT_FAILED
    if args.command == "status":
        from runs.store import describe

        print(describe(args.folder))
        return 0
    if args.command == "analyze":
        from runs.analysis import analyze

        for name, table in analyze(args.folder).items():
            print(f"{args.folder / 'analysis' / name}.csv: {len(table)} rows")
        return 0
    if args.command == "report":
        from runs.report import report

        print(f"wrote {report(args.folder)}")
        return 0
    if args.command == "discover":
        from runs.discover import discover

        print(
            discover(
                args.folder,
                outcome=args.outcome,
                threshold=args.threshold,
                below=args.below,
                min_density=args.min_density,
            )
        )
        return 0
    from runs.paper import paper

    try:
        index = paper(
            args.out,
            scale=args.scale,
            replications=args.replications,
            samples=args.samples,
            steps=args.steps,
            executor=args.executor,
            workers=args.workers,
            command=command,
        )
    except Interrupted as exc:  # paper resumes every unfinished experiment when run again
        print(f"stopped by {exc}: finished runs are kept; finish with `{command}`", file=sys.stderr)
        return exc.exit_code
    except StorageError as exc:
        print(f"error: {exc}; finished runs are kept; fix it, then `{command}`", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {index}")
    return 0


def _user_errors() -> tuple[type[Exception], ...]:
    """The exceptions that are the user's to fix (model.ConfigError only if the model was imported)."""
    errors: list[type[Exception]] = [SweepError, FileNotFoundError]
    model_errors = sys.modules.get("model.errors")
    if model_errors is not None:
        errors.append(model_errors.ConfigError)
    return tuple(errors)


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
    except KeyboardInterrupt:  # outside a sweep (which handles its own signals)
        print("stopped by SIGINT", file=sys.stderr)
        return 130
    except Exception as exc:
        if not isinstance(exc, _user_errors()):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
