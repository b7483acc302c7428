"""The errors of the batch layer, importable without the model (the CLI stays quick to start).

`SweepError` is a problem the user can fix (exit 2), like `model.ConfigError`; `StorageError`
means results could not be written (exit 1; what was written is kept); `Interrupted` is
raised in the driver by SIGINT or SIGTERM (exit 128 + the signal's number).
"""

from __future__ import annotations

import signal

__all__ = ["Interrupted", "StorageError", "SweepError"]


class SweepError(ValueError):
    """A sweep folder or option that cannot be used as given; the message names it and the rule."""


class StorageError(OSError):
    """The results of a run could not be written; the runs already written are kept."""


class Interrupted(BaseException):
    """The driver received SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for death by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum
