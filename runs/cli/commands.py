"""One handler per command: each takes the parsed options and the command as typed, returns the exit code.

Handlers raise; `runs.cli.main` turns what they raise into one line and an exit code. Each
command also says what is kept and what to do next (`Next`) when it is stopped by a signal or
cannot write. The heavy modules (the model, pandas, matplotlib) are imported inside the
handlers that use them, so `--help` and `status` answer at once.
"""

from __future__ import annotations

import argparse
import time
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runs.errors import SweepError, SweepWarning

__all__ = ["COMMANDS", "Command", "Next"]

EXIT_FAILED = 1


@dataclass(frozen=True)
class Next:
    """What a stopped or failed command has kept, and what to do next (`verb` then `action`)."""

    kept: str
    action: str
    verb: str = "finish with"

    def after_signal(self) -> str:
        """The end of the line printed when a signal stopped the command."""
        return f"{self.kept}; {self.verb} {self.action}" if self.verb else f"{self.kept}; {self.action}"

    def after_storage_error(self) -> str:
        """The end of the line printed when the command could not write."""
        return f"{self.kept}; fix it, then {self.action}"


@dataclass(frozen=True)
class Command:
    """A handler, and what to say when it is cut short."""

    run: Callable[[argparse.Namespace, str], int]
    next: Callable[[argparse.Namespace, str], Next]


def _again(args: argparse.Namespace, command: str) -> Next:
    return Next("the sweep's files are as they were", "run the same command again", verb="")


def _resume_next(folder: Path) -> Next:
    return Next("finished runs are kept", f"`python -m runs resume {folder}`")


# --- run, scenarios ----------------------------------------------------------------------------
def _setting(text: str) -> tuple[str, Any]:
    """KEY=VALUE with VALUE read as TOML (numbers, strings, lists, tables) or else as a string."""
    from model import ConfigError
    from model.params import Params, check_names
    from runs.spec_rules import check_value

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
    check_value(f"--set {text}", key, value)  # each value valid on its own, whatever overrides it
    return key, value


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """--set values, then --scale and --regime; a parameter given twice is warned about."""
    overrides: dict[str, Any] = {}
    given: dict[str, str] = {}
    for text in args.set:
        key, value = _setting(text)
        if key in given:
            raw = text.split("=", 1)[1].strip()
            warnings.warn(
                f"--set {key} is given twice ({given[key]}, then {raw}); {raw} is used", SweepWarning, 2
            )
        overrides[key], given[key] = value, text.split("=", 1)[1].strip()
    for key, value in (("scale", args.scale), ("regime", args.regime)):
        if value is None:
            continue
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        if key in given:
            warnings.warn(f"--{key} {shown} overrides --set {key}={given[key]}", SweepWarning, 2)
        overrides[key] = value
    return overrides


def _check_out_file(out: Path) -> None:
    from runs.folder import check_name_lengths, check_writable

    if out.suffix not in (".csv", ".parquet"):
        raise SweepError(f"--out must end in .csv or .parquet; got {str(out)!r}")
    check_name_lengths(out, f"--out {out}")
    if out.is_dir():
        raise SweepError(f"--out {out} is a folder; give a file name ending in .csv or .parquet")
    check_writable(out.parent, f"--out {out}")


def _write(model: Any, out: Path) -> list[Path]:
    from runs.files import parquet_bytes, write_atomic

    frames = {
        out: model.model_frame(),
        out.with_name(f"{out.stem}_registries{out.suffix}"): model.registry_frame(),
        out.with_name(f"{out.stem}_events{out.suffix}"): model.event_frame(),
    }
    for path, frame in frames.items():
        data = parquet_bytes(frame) if path.suffix == ".parquet" else frame.to_csv(index=False).encode()
        write_atomic(path, data)
    return list(frames)


def run(args: argparse.Namespace, command: str) -> int:
    """`run SCENARIO`: one run, a summary printed, its frames written if asked."""
    from model import PortabilityModel, load_scenario
    from runs.spec_rules import check_scenario
    from runs.summary import summary_tables

    check_scenario(args.scenario, "")
    overrides = _overrides(args)
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
        for path in _write(model, args.out):
            print(f"wrote {path}")
    return 0


def scenarios(args: argparse.Namespace, command: str) -> int:
    """`scenarios`: every scenario with its description, and the regimes."""
    from model import describe_scenario, list_scenarios
    from model.params import Params, param_info

    for name in list_scenarios():
        print(f"{name}\n    {describe_scenario(name)}")
    regime = next(info for info in param_info() if info["name"] == "regime")
    print(f"\nregimes (--regime): {', '.join(regime.get('choices', ()))} (default {Params().regime})")
    return 0


# --- sweeps ------------------------------------------------------------------------------------
def _start_workers(args: argparse.Namespace) -> None:
    if args.executor == "processes":
        from runs import forkserver

        forkserver.start()  # its import of the model runs beside the driver's


def _counted(counts: dict[str, int]) -> int:
    print(", ".join(f"{n} {status}" for status, n in counts.items()))
    return 0 if counts["failed"] == 0 else EXIT_FAILED


def sweep(args: argparse.Namespace, command: str) -> int:
    """`sweep FILE --out DIR`: plan an experiment into a new folder and run it."""
    from runs.folder import check_new_folder

    check_new_folder(args.out)  # before anything heavy is imported
    _start_workers(args)
    from runs.spec import load_spec
    from runs.sweep import sweep as run_sweep

    spec = load_spec(args.file).with_overrides(
        scale=args.scale,
        replications=args.replications,
        samples=args.samples,
        steps=args.steps,
        timeout=args.timeout,
    )
    if args.samples is not None and spec.design == "factorial":  # legal, but not what was meant
        warnings.warn(
            f"--samples {args.samples} is ignored: it is for lhs, sobol and morris designs, and "
            f"{args.file}'s design is factorial (its runs are its levels times --replications)",
            SweepWarning,
            stacklevel=1,
        )
    how = {"executor": args.executor, "workers": args.workers, "scheduler": args.scheduler}
    return _counted(run_sweep(spec, args.out, **how, command=command, force=args.force))


def _sweep_next(args: argparse.Namespace, command: str) -> Next:
    from runs.store import SweepStore

    if SweepStore(args.out).exists():
        return _resume_next(args.out)
    return Next("nothing has run yet", "run the same command again (the folder is reused)", verb="")


def resume(args: argparse.Namespace, command: str) -> int:
    """`resume DIR`: run what a sweep has not finished (or say that nothing is left)."""
    from runs.lock import FolderLock
    from runs.sweep import pending

    left = pending(args.folder, retry_failed=args.retry_failed)
    if left == 0 and not FolderLock(args.folder).holder()[1]:  # a running driver: refused below
        from runs.store import SweepStore

        counts = SweepStore(args.folder).status()
        if counts["failed"]:
            print(
                f"nothing to run: {counts['done']} done, {counts['failed']} failed "
                "(`--retry-failed` runs the failed ones again)"
            )
            return EXIT_FAILED
        print(f"nothing to run: all {counts['done']} planned runs of {args.folder} are done")
        return 0
    _start_workers(args)
    from runs.sweep import resume as run_resume

    counts = run_resume(
        args.folder,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        retry_failed=args.retry_failed,
        timeout=args.timeout,
        command=command,
    )
    return _counted(counts)


def status(args: argparse.Namespace, command: str) -> int:
    """`status DIR`: counts, corrupt runs by id, whether a driver runs it."""
    from runs.folder import describe

    print(describe(args.folder))
    return 0


def analyze(args: argparse.Namespace, command: str) -> int:
    """`analyze DIR`: the statistics tables, into DIR/analysis."""
    from runs.analysis import analyze as run_analysis

    for name, table in run_analysis(args.folder).items():
        print(f"{args.folder / 'analysis' / name}.csv: {len(table)} rows")
    return 0


def report(args: argparse.Namespace, command: str) -> int:
    """`report DIR`: figures and report.md."""
    from runs.report import report as write_report

    print(f"wrote {write_report(args.folder)}")
    return 0


def discover(args: argparse.Namespace, command: str) -> int:
    """`discover DIR`: PRIM's box where an outcome holds."""
    from runs.discover import discover as find

    found = find(
        args.folder,
        outcome=args.outcome,
        threshold=args.threshold,
        below=args.below,
        min_density=args.min_density,
    )
    print(found)
    return 0


def paper(args: argparse.Namespace, command: str) -> int:
    """`paper`: every shipped experiment (run or finished), reported, indexed."""
    _start_workers(args)
    from runs.paper import paper as make_paper

    index = make_paper(
        args.out,
        scale=args.scale,
        replications=args.replications,
        samples=args.samples,
        steps=args.steps,
        executor=args.executor,
        workers=args.workers,
        command=command,
        force=args.force,
        projection=args.projection,
    )
    print(f"wrote {index}")
    return 0


def calibrate(args: argparse.Namespace, command: str) -> int:
    """`calibrate FILE --out DIR`: ABC-SMC against the record, then its report; resumes DIR."""
    from runs.calibrate.report import write_report
    from runs.calibrate.smc import calibrate as run_abc
    from runs.calibrate.spec import load_spec

    spec = load_spec(
        args.file, budget=args.budget, scale=args.scale, population=args.population
    )  # checked first
    import importlib.util

    if importlib.util.find_spec("pyabc") is None:
        raise SweepError('calibrate needs pyabc: .venv/bin/pip install -e ".[calibration]"')
    if args.scheduler:  # refused at once, before any work
        from runs.cluster import check_scheduler

        check_scheduler(args.scheduler)
    started = time.perf_counter()
    done = run_abc(spec, args.out, executor=args.executor, workers=args.workers, scheduler=args.scheduler)
    print(f"{done} generations in {args.out} ({time.perf_counter() - started:.0f} s)")
    print(f"wrote {write_report(spec, args.out)}")
    return 0


def project(args: argparse.Namespace, command: str) -> int:
    """`project CALIBRATION --out DIR`: the options to 2040 over the worlds, then the report."""
    from runs.project import project as run_projection
    from runs.project.spec import load_projection

    spec = load_projection(args.file, draws=args.draws, scale=args.scale, until=args.until)
    _start_workers(args)
    started = time.perf_counter()
    how = {
        "executor": args.executor,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "timeout": args.timeout,
    }
    path = run_projection(spec, args.calibration, args.out, command=command, **how)
    print(f"wrote {path} ({time.perf_counter() - started:.0f} s)")
    return 0


def _calibrate_next(args: argparse.Namespace, command: str) -> Next:
    return Next("finished generations are kept in the database", f"`{command}`")


COMMANDS = {
    "run": Command(
        run, lambda a, c: Next("no file is left half-written", "run the same command again", verb="")
    ),
    "scenarios": Command(scenarios, _again),
    "sweep": Command(sweep, _sweep_next),
    "resume": Command(resume, lambda a, c: _resume_next(a.folder)),
    "status": Command(status, _again),
    "analyze": Command(analyze, _again),
    "report": Command(report, _again),
    "discover": Command(discover, _again),
    "paper": Command(paper, lambda a, c: Next("finished runs are kept", f"`{c}`")),
    "calibrate": Command(calibrate, _calibrate_next),
    "project": Command(project, lambda a, c: Next("finished runs are kept in DIR/runs", f"`{c}`")),
}
