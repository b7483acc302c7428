"""Command line: ``python -m runs run SCENARIO`` (one run, a summary printed) and ``scenarios``.

Bad input exits with code 2 and one line naming the problem; no traceback.
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
from runs.summary import summary_tables

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
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text!r}")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m runs``; returns the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        return _run(args) if args.command == "run" else _scenarios()
    except (ConfigError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
