"""Command line: ``python -m runs COMMAND`` (``--help`` on any command for its options).

    run SCENARIO      one run, a summary printed        scenarios     list the scenarios
    sweep FILE --out DIR   an experiment (TOML)         resume DIR    finish a sweep
    status DIR        queued / done / failed / corrupt  analyze DIR   statistics, sensitivity
    report DIR        figures and report.md             paper         every shipped experiment
    discover DIR      scenario discovery (PRIM)
    calibrate FILE --out DIR   ABC-SMC against the record (resumes DIR)

Exit codes: 0 done; 1 a sweep with failed runs (its data is kept; see DIR/errors) or results
that could not be written; 2 bad input, one line naming the value and the rule, checked
before any work starts, no traceback; 130 / 143 stopped by SIGINT / SIGTERM (finished runs
kept; the line says how to finish). Input that is legal but likely a mistake gets one
``warning:`` line.

The options are in `runs.cli.arguments`, one handler per command in `runs.cli.commands`;
`main` is the one place that turns what a handler raises into a line and an exit code.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from runs.cli.arguments import EXIT_BAD_INPUT, build_parser
from runs.cli.commands import COMMANDS, Command
from runs.errors import Interrupted, StorageError, SweepError
from runs.signals import forget_raised, quiet_lost_interrupts, raise_interrupted, reraise_lost

__all__ = ["interrupting", "log_as_lines", "main", "one_line_warnings"]

EXIT_FAILED = 1


class _Lines(logging.Handler):
    """The batch layer's log records as the CLI's own lines on stderr: ``warning: ...``."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def log_as_lines() -> None:
    """Send the `runs` loggers' warnings to stderr as lines (once per process)."""
    logger = logging.getLogger("runs")
    if not any(isinstance(h, _Lines) for h in logger.handlers):
        logger.addHandler(_Lines(logging.WARNING))


def _user_errors() -> tuple[type[Exception], ...]:
    """The exceptions that are the user's to fix (model.ConfigError only if the model was imported)."""
    errors: list[type[Exception]] = [SweepError, FileNotFoundError]
    model_errors = sys.modules.get("model.errors")
    if model_errors is not None:
        errors.append(model_errors.ConfigError)
    return tuple(errors)


@contextlib.contextmanager
def one_line_warnings() -> Iterator[None]:
    """Warnings meant for the user (SweepWarning) as one ``warning:`` line each, each said once."""
    said: set[str] = set()

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        text = str(message)
        if text not in said:
            said.add(text)
            print(f"warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        from runs.errors import SweepWarning

        warnings.simplefilter("always", SweepWarning)
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def interrupting() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` (a sweep installs its own, finer handling inside)."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, raise_interrupted)
    try:
        with quiet_lost_interrupts():
            yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        forget_raised()  # handled by `main`: not to be raised again by a later command in this process


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m runs``; returns the exit code."""
    log_as_lines()
    argv = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["python -m runs", *argv])
    chosen: Command | None = None
    # Parsing is inside: checking a value imports the model (seconds), a Ctrl-C may come then.
    with interrupting():
        try:
            reraise_lost()  # one that came while `python -m runs` imported this module
            args = build_parser().parse_args(argv)
            if getattr(args, "executor", "") is None:  # a process pool; Dask on a cluster given
                args.executor = "dask" if getattr(args, "scheduler", None) else "processes"
            chosen = COMMANDS[args.command]
            reraise_lost()  # one lost while the options were checked (that imports the model)
            with one_line_warnings():
                return chosen.run(args, command)
        except (Interrupted, KeyboardInterrupt) as exc:
            code = exc.exit_code if isinstance(exc, Interrupted) else 130
            name = signal.Signals(code - 128).name
            after = chosen.next(args, command).after_signal() if chosen else "nothing has run yet"
            print(f"stopped by {name}: {after}", file=sys.stderr)
            return code
        except StorageError as exc:
            if chosen is None:
                raise
            print(f"error: {exc}; {chosen.next(args, command).after_storage_error()}", file=sys.stderr)
            return EXIT_FAILED
        except Exception as exc:
            if not isinstance(exc, _user_errors()):
                raise
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
