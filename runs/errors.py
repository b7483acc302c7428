"""The errors of the batch layer, importable without the model (the CLI stays quick to start).

`SweepError` is a problem the user can fix (exit 2), like `model.ConfigError`; `StorageError`
means results could not be written (exit 1; what was written is kept); `Interrupted` is
raised in the driver by SIGINT or SIGTERM (exit 128 + the signal's number). `SweepWarning`
flags input that is legal but likely a mistake (a level listed twice).
"""

from __future__ import annotations

import signal

__all__ = ["Interrupted", "StorageError", "SweepError", "SweepWarning"]


class SweepError(ValueError):
    """A sweep folder or option that cannot be used as given; the message names it and the rule."""


class SweepWarning(UserWarning):
    """Input that is legal but likely a mistake; the command line shows it as one line."""


class StorageError(OSError):
    """Results could not be written (a full disk, a read-only folder); what was written is kept.

    `planning` is true when the sweep's plan itself could not be written: nothing has run, and
    the same command, run again, reuses the folder.
    """

    def __init__(self, message: str, *, planning: bool = False) -> None:
        super().__init__(message)
        self.planning = planning

    def __str__(self) -> str:
        return str(self.args[0])


class Interrupted(BaseException):
    """The driver received SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for death by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum
