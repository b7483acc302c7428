"""One driver per sweep folder: an advisory lock (`flock`) on `DIR/.lock`.

The kernel drops the lock when its holder dies, however it dies, so a lock left by a killed
driver is never stale in effect: the next driver takes it over and says so. The file holds
the holder's pid, host and start time, for the message to a second driver.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from pathlib import Path

from runs.errors import StorageError, SweepError

__all__ = ["FolderLock"]

log = logging.getLogger(__name__)


class FolderLock:
    """`with FolderLock(folder):` holds the folder for this process, or raises `SweepError`."""

    def __init__(self, folder: str | Path) -> None:
        """Lock `folder/.lock` (the folder must exist)."""
        self.folder = Path(folder)
        self.path = self.folder / ".lock"
        self._fd: int | None = None
        self.previous = ""  # what a dead holder left in the file ("" if none)

    def acquire(self) -> FolderLock:
        """Take the lock; refuse if a live process holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"cannot create the lock file {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise SweepError(
                f"{self.folder} is in use by {holder}; wait for it to finish or stop it, then resume"
            ) from None
        self.previous = os.pread(fd, 4096, 0).decode(errors="replace").strip()
        if self.previous:
            log.warning("%s: taking over the lock left by %s, which is gone", self.folder, self.previous)
        try:  # who holds it, for the message to a second driver: the lock itself is the flock
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        except OSError as exc:
            log.warning("%s: cannot write who holds its lock (%s); it is held all the same", self.folder, exc)
        self._fd = fd
        return self

    def release(self) -> None:
        """Empty the file (a clean exit leaves nothing to take over) and unlock."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # a read-only disk: the kernel still drops the lock below
            os.ftruncate(self._fd, 0)
        os.close(self._fd)
        self._fd = None

    def holder(self) -> tuple[str, bool]:
        """(what the lock file names, whether that process still holds it), without taking it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return "", False
        try:
            text = os.pread(fd, 4096, 0).decode(errors="replace").strip()
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return text, True
            fcntl.flock(fd, fcntl.LOCK_UN)
            return text, False
        finally:
            os.close(fd)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
