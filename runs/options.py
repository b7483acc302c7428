"""Names the command line offers, kept here so `--help` and `status` need no heavy imports."""

__all__ = ["EXECUTORS"]

EXECUTORS = ("serial", "processes", "dask")
