"""Running the model in batches: experiment files, sweeps, analysis, reports (`python -m runs`)."""

from __future__ import annotations

from typing import Any

__all__ = ["Results", "load_results"]


def __getattr__(name: str) -> Any:
    """Import the store on first use: `python -m runs --help` and `status` stay quick."""
    if name in __all__:
        from runs import store

        return getattr(store, name)
    raise AttributeError(f"module 'runs' has no attribute {name!r}")
