"""Dask: a client on a running cluster (`--scheduler tcp://HOST:PORT`) or on a LocalCluster.

The sweeps' Dask executor (`runs.execute.open_executor`), the calibration's Dask sampler
(`runs.calibrate.smc`) and the projection all start their workers here, so a scheduler
address is checked, and a LocalCluster set up and closed, in one way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from runs.errors import SweepError

__all__ = ["check_scheduler", "dask_client"]


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Refuse a Dask scheduler address that is malformed or that nothing answers at, at once."""
    host, sep, port = address.removeprefix("tcp://").rpartition(":")
    if not address.startswith("tcp://") or not sep or not port.isdigit():
        raise SweepError(f"--scheduler must be tcp://HOST:PORT; got {address!r}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise SweepError(
            f"--scheduler {address}: no Dask scheduler answers there ({exc.strerror or exc})"
        ) from None


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask distributed client: on the cluster at `scheduler`, or on a LocalCluster.

    The cluster at `scheduler` (tcp://host:port) is another's; the LocalCluster, of `workers`
    single-threaded processes on 127.0.0.1 (default: the cores), is closed with the client.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError('the dask executor needs Dask: pip install "rir-portability[cluster]"') from None
    if scheduler:
        check_scheduler(scheduler)
        client = Client(scheduler, timeout="10s")
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
            silence_logs=logging.CRITICAL,  # the command speaks in one line, not in Dask's logs
            preload=["runs.dask_preload"],  # its workers leave Ctrl-C to the driver
        )
        client = Client(cluster)
    try:
        yield client
    finally:
        # closing a cluster whose workers a signal killed may raise: the signal is what counts
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
