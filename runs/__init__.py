"""Running the model in batches: experiment files, sweeps, analysis, reports (`python -m runs`)."""

from runs.store import Results, load_results

__all__ = ["Results", "load_results"]
