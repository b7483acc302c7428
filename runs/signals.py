"""SIGINT and SIGTERM in the driver: an interrupt is never a failure.

While a sweep runs, the first of these signals raises `Interrupted` in the driver, at once
while the driver itself computes (planning, a serial run), but never in the middle of writing
a finished run (it is raised once the write is done), and never inside the executor's own
machinery (`polling()`: a signal raised while a process pool or Dask holds its locks could
leave a lock taken, and the pool's shutdown would then wait forever; there the driver checks
for it between waits instead). Later signals are recorded, not raised: the driver is already
stopping.

However the interrupt surfaces afterwards (inside compiled code a Python exception can come
back as a `SystemError`, in a worker, in the store), a run that ends after the signal came is
not recorded at all (`check()`), so `resume` runs it again.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from runs.errors import Interrupted

__all__ = [
    "SIGNALS",
    "Signals",
    "forget_raised",
    "interrupt_in",
    "quiet_lost_interrupts",
    "raise_interrupted",
    "reraise_lost",
]

SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Signals the command line's own handlers raised (`raise_interrupted`). An exception raised by
# a handler is lost when the signal lands in a weakref callback or a __del__ (Python prints
# "Exception ignored in ..." and goes on): a Ctrl-C while importing then let a whole sweep
# run. So each is recorded too, and raised again at the next safe point (`reraise_lost`).
_RAISED: list[int] = []


def raise_interrupted(signum: int, frame: Any = None) -> None:
    """A signal handler: raise `Interrupted`, and remember it in case it is lost on the way."""
    _RAISED.append(signum)
    raise Interrupted(signum)


def reraise_lost() -> None:
    """Raise `Interrupted` again for a signal whose exception was lost (see `_RAISED`)."""
    if _RAISED:
        raise Interrupted(_RAISED[0])


@contextlib.contextmanager
def quiet_lost_interrupts() -> Iterator[None]:
    """No "Exception ignored ... Traceback" for a lost `Interrupted`: it is raised again anyway."""
    hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook


def forget_raised() -> None:
    """Forget the signals raised so far (the command that received them has handled them)."""
    _RAISED.clear()


def interrupt_in(exc: BaseException) -> BaseException | None:
    """The interrupt (`Interrupted`, `KeyboardInterrupt`) behind `exc`, following causes and contexts."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Interrupted | KeyboardInterrupt):
            return current
        stack += [current.__cause__, current.__context__]
    return None


class Signals:
    """`with Signals():` SIGINT and SIGTERM raise `Interrupted` (main thread only; else a no-op)."""

    def __init__(self) -> None:
        self.writing = False
        self.polled = False
        self.pending: int | None = None
        self.received: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> Signals:
        reraise_lost()  # a Ctrl-C the command line received before: no sweep work starts
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        first = self.received is None
        if first:
            self.received = signum
        if self.writing:
            self.pending = signum
        elif first and not self.polled:
            raise Interrupted(signum)

    @contextlib.contextmanager
    def polling(self, active: bool = True) -> Iterator[None]:
        """A block where signals are only recorded (`check()` raises them at a safe point)."""
        before, self.polled = self.polled, self.polled or active
        try:
            yield
        finally:
            self.polled = before

    def check(self) -> None:
        """Raise `Interrupted` if a signal came (for a result that arrives after it: not recorded)."""
        if self.received is not None:
            raise Interrupted(self.received)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut short (it is raised after)."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.pending is not None:
            raise Interrupted(self.pending)
