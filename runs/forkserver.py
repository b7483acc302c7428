"""The process pool's start method: a fork server that has imported the model.

The fork server imports the model once, then forks each worker from itself with the model
already imported: starting a worker costs milliseconds, not an import of Mesa, numba and
pandas per worker. Fork servers, unlike plain fork, never copy the driver's threads or
state. The command line starts it first thing (`start`), so that its import runs beside
the driver's own. Where there is no fork server (Windows), workers are spawned. Both are
explicit contexts: the process-wide default start method is untouched.

Light on purpose: importing this module imports nothing heavy.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context

__all__ = ["context", "start"]

# The first makes the fork server ignore SIGINT before its long import of the model.
PRELOAD = ["runs.forkserver_preload", "model", "runs.execute"]


def context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context of the process pool."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(PRELOAD)
        return forkserver
    return multiprocessing.get_context("spawn")


def start() -> None:
    """Start the fork server now (it imports the model while the driver reads and plans)."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
