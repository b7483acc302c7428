"""Figures (300 dpi PNG and PDF) and a Markdown report of an analysed sweep (`python -m runs report`).

    labels.py    what things are called (from `model.words`), and the print style
    figures.py   the figures: time series, end states, paired differences, heatmaps, sensitivity
    remedies.py  the remedies experiment's own outcomes, figure and table
    markdown.py  report.md
    layout.py    saving a figure, and checking that no text overlaps another or leaves the canvas

The report summarises per condition (for sampled designs: over the design) and points to the
full tables in `analysis/`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from model.words import PALETTE
from runs.analysis import analyze
from runs.files import write_text
from runs.report import figures
from runs.report.labels import METRICS, STYLE, metric_label, value_words
from runs.report.markdown import markdown
from runs.report.remedies import remedies_figures
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["METRICS", "PALETTE", "STYLE", "metric_label", "report", "value_words"]


def report(folder: str | Path) -> Path:
    """Analyse the sweep in `folder`, draw its figures, write `folder/report.md`; return its path."""
    folder = Path(folder)
    store = SweepStore(folder)
    tables = analyze(folder)
    results = store.load()
    spec = ExperimentSpec.from_text(store.spec_text())
    metadata = store.metadata()
    factors = [f.name for f in spec.varying]
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    for old in list(out.glob("*.png")) + list(out.glob("*.pdf")):
        old.unlink()  # figures of an earlier report that this one may not draw
    levels = [f.name for f in spec.varying if f.kind == "levels"]
    ends, runs = tables["end_states"], results.runs
    with plt.rc_context(STYLE):
        drawn = (
            figures.timeseries(tables["summary"], factors, figures.events(spec), out)
            + figures.end_states(runs, ends, tables["paired_differences"], factors, out)
            + figures.heatmaps(ends, runs, levels, out)
            + (figures.responses(runs, spec, out) if spec.design == "lhs" else [])
            + figures.sensitivity(tables.get("sensitivity"), tables.get("sobol_checks"), spec, out)
            + remedies_figures(results, spec, out)  # only for a remedies experiment
        )
    path = folder / "report.md"
    write_text(path, markdown(spec, metadata, store, tables, drawn, folder, runs))
    return path
