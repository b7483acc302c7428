"""Loaded into every worker process of the sweep's own Dask LocalCluster (its ``preload``).

Ctrl-C in a terminal sends SIGINT to the whole process group, Dask's worker processes
included; left to Python, each would die with a KeyboardInterrupt traceback on the sweep's
stderr. As the process pool's workers do, they leave SIGINT to the driver, which ends them
itself and says in one line how to finish. Light on purpose: it imports nothing else.
"""

from __future__ import annotations

import signal
from typing import Any

__all__ = ["dask_setup"]


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, in the worker process's main thread: ignore SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
